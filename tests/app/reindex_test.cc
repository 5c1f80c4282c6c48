// The re-index through the shipped model file and the CLI, on a gallery
// whose stored picture has become a folder: reported by name (exit 4),
// never an internal error, nothing lost.
#include "diareid/app/reindex.h"
#include "diareid/model/default_model.h"
#include "synthetic.h"
#include "testing.h"

namespace diareid {
namespace {

using testing::SyntheticEnrolment;
using testing::SyntheticModel;

class ReindexModelTest : public testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    options_.gallery.dir = dir() / "gallery";
    options_.model = DefaultModelPath();
    auto gallery = Gallery::Open(options_.gallery);
    gallery->RegisterModel(old_);
    gallery->Enrol(SyntheticEnrolment("A1", old_, 2, 1));
    gallery->Enrol(SyntheticEnrolment("B1", old_, 2, 2));
    picture_ = gallery->StoneHistory("B1")["captures"][1]["picture"]
                   .get<std::string>();
    std::filesystem::remove(picture_);
    std::filesystem::create_directories(picture_);
  }

  bool Mentions(const std::vector<std::string>& lines) {
    for (const std::string& line : lines)
      if (line.find("picture " + picture_.string() +
                    " (capture 4) is a "
                    "folder, expected the picture file") != std::string::npos)
        return true;
    return false;
  }

  ReindexOptions options_;
  ModelInfo old_ = SyntheticModel("old", 16);
  std::filesystem::path picture_;
};

TEST_F(ReindexModelTest, FolderIsReportedByNameAndNothingIsLost) {
  ReindexSummary summary = Reindex(options_);
  EXPECT_FALSE(summary.switched);
  EXPECT_TRUE(Mentions(summary.needs_person));
  auto gallery = Gallery::Open(options_.gallery);
  EXPECT_EQ(gallery->ActiveModel(), old_.id);
  EXPECT_EQ(gallery->FindStone("B1")->references, 2);
  EXPECT_EQ(gallery->LoadReferences(old_.id).vectors.rows(), 4);
}

TEST_F(ReindexModelTest, CommandExitsWithIntegrityCode) {
  auto result =
      testing::RunCommand(testing::DiareidBinary() + " --gallery '" +
                          options_.gallery.dir.string() + "' --model '" +
                          options_.model.string() + "' reindex");
  EXPECT_EQ(result.exit_code, 4) << result.out << result.err;
  EXPECT_NE(result.out.find("needs a person: picture " + picture_.string() +
                            " (capture 4) is a folder"),
            std::string::npos)
      << result.out;
  auto check =
      testing::RunCommand(testing::DiareidBinary() + " --gallery '" +
                          options_.gallery.dir.string() + "' gallery check");
  EXPECT_EQ(check.exit_code, 4) << check.out << check.err;
  EXPECT_NE(check.out.find("picture " + picture_.string() + " is a folder"),
            std::string::npos)
      << check.out;
}

}  // namespace
}  // namespace diareid
