#include "diareid/train/dataset.h"

#include <gtest/gtest.h>

#include <set>

#include "diareid/core/error.h"
#include "diareid/sim/dataset.h"
#include "testing.h"

namespace diareid {
namespace {

class DatasetTest : public testing::TempDirTest {
 protected:
  std::filesystem::path Render(int stones, int shots) {
    sim::DatasetOptions o;
    o.out = dir() / "data";
    o.stones = stones;
    o.shots = shots;
    o.seed = 77;
    o.size = 96;
    o.supersampling = 1;
    o.threads = 1;
    sim::RenderDataset(o);
    return o.out;
  }
};

TEST_F(DatasetTest, ListsPicturesByStone) {
  auto pictures = ListDataset(Render(3, 2));
  ASSERT_EQ(pictures.size(), 6u);
  auto stones = StonesOf(pictures);
  ASSERT_EQ(stones.size(), 3u);
  EXPECT_EQ(pictures[0].stone_id, stones[0]);
  EXPECT_EQ(pictures[1].stone_id, stones[0]);
  EXPECT_EQ(pictures[2].stone_id, stones[1]);
  EXPECT_LT(pictures[0].path.filename(), pictures[1].path.filename());
  EXPECT_THROW(ListDataset(dir() / "missing"), InputError);
  std::filesystem::create_directories(dir() / "empty" / "stone");
  EXPECT_THROW(ListDataset(dir() / "empty"), InputError);
}

TEST_F(DatasetTest, SplitIsBySeedDisjointAndComplete) {
  std::vector<std::string> stones;
  for (int i = 0; i < 20; ++i) stones.push_back("s" + std::to_string(i));
  StoneSplit a = SplitStones(stones, 5, 3), b = SplitStones(stones, 5, 3);
  EXPECT_EQ(a.first, b.first);
  EXPECT_EQ(a.second.size(), 5u);
  EXPECT_EQ(a.first.size(), 15u);
  std::set<std::string> all(a.first.begin(), a.first.end());
  for (const auto& s : a.second) EXPECT_TRUE(all.insert(s).second);
  EXPECT_EQ(all.size(), 20u);
  EXPECT_NE(SplitStones(stones, 5, 4).second, a.second);
  EXPECT_THROW(SplitStones(stones, 21, 1), InputError);
}

TEST_F(DatasetTest, CachedInputsEqualFreshOnes) {
  auto pictures = ListDataset(Render(2, 2));
  PreprocessOptions options;
  options.input_size = 64;
  PreparedSet fresh = PrepareDataset(pictures, options, dir() / "cache");
  PreparedSet cached = PrepareDataset(pictures, options, dir() / "cache");
  ASSERT_EQ(fresh.inputs.size(), cached.inputs.size());
  ASSERT_EQ(fresh.inputs.size() + fresh.rejected, pictures.size());
  for (size_t i = 0; i < fresh.inputs.size(); ++i) {
    EXPECT_EQ(fresh.pictures[i].path, cached.pictures[i].path);
    EXPECT_EQ(cv::norm(fresh.inputs[i], cached.inputs[i], cv::NORM_INF), 0.0);
  }
  // Other options are another cache entry.
  options.polar = true;
  PreparedSet polar = PrepareDataset(pictures, options, dir() / "cache");
  ASSERT_FALSE(polar.inputs.empty());
  EXPECT_GT(cv::norm(polar.inputs[0], fresh.inputs[0], cv::NORM_INF), 0.0);
}

}  // namespace
}  // namespace diareid
