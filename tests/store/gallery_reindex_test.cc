// The re-index against a synthetic model: resumable, switching only when
// complete, never dropping a stone.
#include "diareid/app/reindex.h"

#include "diareid/core/files.h"
#include "synthetic.h"
#include "testing.h"

namespace diareid {
namespace {

using testing::SyntheticEnrolment;
using testing::SyntheticModel;

class ReindexTest : public testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    options_.gallery.dir = dir() / "gallery";
    options_.batch_size = 4;
    gallery_ = Gallery::Open(options_.gallery);
    gallery_->RegisterModel(old_);
    for (int i = 0; i < 6; ++i)
      gallery_->Enrol(SyntheticEnrolment("S" + std::to_string(i), old_, 3, i));
  }

  ReindexSummary Run() {
    return ReindexGallery(*gallery_, new_, "",
                          testing::SyntheticPictureEmbedder(new_), options_);
  }

  // The references a finished re-index must give, recomputed from the
  // picture files.
  void ExpectReferencesFromPictures() {
    ReferenceSet set = gallery_->LoadReferences(new_.id);
    ASSERT_EQ(set.vectors.rows(), 6 * 3);
    for (int i = 0; i < 6; ++i) {
      auto history = gallery_->StoneHistory("S" + std::to_string(i));
      // The current enrolment's captures are the stone's last three.
      size_t first = history["captures"].size() - 3;
      for (int k = 0; k < 3; ++k) {
        EmbeddingMatrix expected = testing::SyntheticPictureEmbedding(
            new_,
            ReadFile(
                history["captures"][first + k]["picture"].get<std::string>()));
        EXPECT_EQ(set.vectors.row(i * 3 + k), expected.row(0));
        EXPECT_EQ(set.stone_ids[static_cast<size_t>(i * 3 + k)],
                  "S" + std::to_string(i));
      }
    }
  }

  ReindexOptions options_;
  std::unique_ptr<Gallery> gallery_;
  ModelInfo old_ = SyntheticModel("old", 16);
  ModelInfo new_ = SyntheticModel("new", 8);
};

TEST_F(ReindexTest, SwitchesOnlyWhenEveryPictureIsEmbedded) {
  options_.max_pictures = 7;
  ReindexSummary first = Run();
  EXPECT_EQ(first.embedded, 7);
  EXPECT_EQ(first.pending, 11);
  EXPECT_FALSE(first.switched);
  EXPECT_EQ(gallery_->ActiveModel(), old_.id);
  EXPECT_EQ(gallery_->LoadReferences(old_.id).vectors.rows(), 18);

  // An enrolment during the re-index, with the old model.
  EnrolmentInput late = SyntheticEnrolment("S5", old_, 3, 50);
  late.re_enrol = true;
  gallery_->Enrol(late);

  options_.max_pictures = 0;
  ReindexSummary second = Run();
  EXPECT_EQ(second.embedded, 11 + 3);
  EXPECT_TRUE(second.switched);
  EXPECT_TRUE(second.needs_person.empty());
  EXPECT_EQ(gallery_->ActiveModel(), new_.id);
  ExpectReferencesFromPictures();
  EXPECT_TRUE(gallery_->Check(false).empty());

  // Nothing left: a third run redoes nothing.
  ReindexSummary third = Run();
  EXPECT_EQ(third.embedded, 0);
  EXPECT_TRUE(third.switched);
}

TEST_F(ReindexTest, MissingEnrolmentPictureBlocksTheSwitch) {
  auto history = gallery_->StoneHistory("S2");
  std::filesystem::remove(history["captures"][1]["picture"].get<std::string>());
  ReindexSummary summary = Run();
  EXPECT_FALSE(summary.switched);
  EXPECT_EQ(summary.failed, 1);
  EXPECT_FALSE(summary.needs_person.empty());
  EXPECT_EQ(gallery_->ActiveModel(), old_.id);
  EXPECT_EQ(gallery_->FindStone("S2")->references, 3);
}

TEST_F(ReindexTest, PictureThatIsAFolderIsReportedNotCrashedOn) {
  auto history = gallery_->StoneHistory("S4");
  std::filesystem::path picture =
      history["captures"][0]["picture"].get<std::string>();
  std::string bytes = ReadFile(picture);
  std::filesystem::remove(picture);
  std::filesystem::create_directories(picture / "inside");
  ReindexSummary summary = Run();
  EXPECT_FALSE(summary.switched);
  EXPECT_EQ(summary.failed, 1);
  EXPECT_EQ(summary.embedded, 17);
  ASSERT_FALSE(summary.needs_person.empty());
  EXPECT_NE(summary.needs_person[0].find(picture.string() + " (capture"),
            std::string::npos)
      << summary.needs_person[0];
  EXPECT_NE(summary.needs_person[0].find("is a folder, expected the picture "
                                         "file"),
            std::string::npos)
      << summary.needs_person[0];
  // Nothing lost: the old model stays active with every reference.
  EXPECT_EQ(gallery_->ActiveModel(), old_.id);
  EXPECT_EQ(gallery_->LoadReferences(old_.id).vectors.rows(), 18);
  bool reported = false;
  for (const auto& finding : gallery_->Check(false))
    reported |= finding.what == "picture " + picture.string() +
                                    " is a folder, expected the picture "
                                    "file of that name";
  EXPECT_TRUE(reported);

  // The file back in place: the next run finishes the job.
  std::filesystem::remove_all(picture);
  WriteFileAtomic(picture, bytes);
  ReindexSummary second = Run();
  EXPECT_TRUE(second.switched);
  EXPECT_EQ(second.embedded, 1);
  EXPECT_EQ(gallery_->LoadReferences(new_.id).vectors.rows(), 18);
  EXPECT_TRUE(gallery_->Check(false).empty());
}

TEST_F(ReindexTest, ChangedPictureIsNotEmbedded) {
  auto history = gallery_->StoneHistory("S1");
  std::filesystem::path picture =
      history["captures"][2]["picture"].get<std::string>();
  WriteFileAtomic(picture, testing::SyntheticPicture(999));
  ReindexSummary summary = Run();
  EXPECT_FALSE(summary.switched);
  EXPECT_EQ(summary.failed, 1);
  ASSERT_FALSE(summary.needs_person.empty());
  EXPECT_NE(summary.needs_person[0].find("SHA-256 no longer matches"),
            std::string::npos)
      << summary.needs_person[0];
  EXPECT_EQ(gallery_->ActiveModel(), old_.id);
}

TEST_F(ReindexTest, RebuildReferencesRepairsStaleRows) {
  Run();
  // A stone's references dropped behind the gallery's back.
  auto result = testing::RunCommand(
      "sqlite3 '" + (options_.gallery.dir / "gallery.sqlite").string() +
      "' \"DELETE FROM \\\"references\\\" WHERE stone_id = 'S3'\"");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto findings = gallery_->Check(false);
  ASSERT_EQ(findings.size(), 1u);
  auto repaired = gallery_->Check(true);
  ASSERT_EQ(repaired.size(), 1u);
  EXPECT_TRUE(repaired[0].repaired);
  EXPECT_TRUE(gallery_->Check(false).empty());
  ExpectReferencesFromPictures();
}

}  // namespace
}  // namespace diareid
