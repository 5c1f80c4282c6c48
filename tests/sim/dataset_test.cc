#include "diareid/sim/dataset.h"

#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>

#include "diareid/core/error.h"
#include "diareid/core/files.h"
#include "testing.h"

namespace diareid::sim {
namespace {

class DatasetTest : public testing::TempDirTest {
 protected:
  DatasetOptions Options() const {
    DatasetOptions options;
    options.out = dir() / "set";
    options.stones = 2;
    options.shots = 2;
    options.first_stone = 10;
    options.seed = 4;
    options.size = 48;
    options.supersampling = 1;
    return options;
  }
};

TEST_F(DatasetTest, WritesOneFolderPerStoneAndAManifest) {
  DatasetSummary summary = RenderDataset(Options());
  EXPECT_EQ(summary.rendered, 4);
  EXPECT_EQ(summary.kept, 0);
  for (const char* id : {"s4-00010", "s4-00011"})
    for (const char* shot : {"000.png", "001.png"}) {
      cv::Mat picture = cv::imread((dir() / "set" / id / shot).string());
      ASSERT_FALSE(picture.empty()) << id << "/" << shot;
      EXPECT_EQ(picture.cols, 48);
    }
  auto manifest = nlohmann::json::parse(ReadFile(summary.manifest));
  EXPECT_EQ(manifest["preset"], "realistic");
  ASSERT_EQ(manifest["stones"].size(), 2u);
  const auto& stone = manifest["stones"]["s4-00011"];
  EXPECT_EQ(stone["index"], 11);
  EXPECT_EQ(stone["shots"].size(), 2u);
  EXPECT_EQ(stone["shots"][1]["file"], "s4-00011/001.png");
  EXPECT_EQ(stone["cut"], StoneToJson(GenerateStone(4, 11))["cut"]);
}

TEST_F(DatasetTest, ResumesByKeepingPicturesAlreadyThere) {
  RenderDataset(Options());
  std::filesystem::remove(dir() / "set" / "s4-00010" / "001.png");
  DatasetSummary again = RenderDataset(Options());
  EXPECT_EQ(again.rendered, 1);
  EXPECT_EQ(again.kept, 3);
  DatasetOptions more = Options();
  more.first_stone = 12;
  more.stones = 1;
  RenderDataset(more);
  auto manifest =
      nlohmann::json::parse(ReadFile(dir() / "set" / "manifest.json"));
  EXPECT_EQ(manifest["stones"].size(), 3u);
}

TEST_F(DatasetTest, RefusesToMixPresets) {
  RenderDataset(Options());
  DatasetOptions hard = Options();
  hard.preset = "hard";
  EXPECT_THROW(RenderDataset(hard), InputError);
}

TEST_F(DatasetTest, ContactSheetHasACellPerShot) {
  cv::Mat sheet = RenderContactSheet(1, 2, 3, "clean", 40, 0);
  EXPECT_EQ(sheet.rows, 80);
  EXPECT_EQ(sheet.cols, 120);
}

}  // namespace
}  // namespace diareid::sim
