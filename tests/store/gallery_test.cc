#include "diareid/store/gallery.h"

#include "diareid/core/error.h"
#include "synthetic.h"
#include "testing.h"

namespace diareid {
namespace {

using testing::SyntheticEnrolment;
using testing::SyntheticModel;

class GalleryTest : public testing::TempDirTest {
 protected:
  std::unique_ptr<Gallery> OpenGallery(bool read_only = false) {
    GalleryOptions options;
    options.dir = dir() / "gallery";
    options.read_only = read_only;
    return Gallery::Open(options);
  }
  ModelInfo model_ = SyntheticModel("m1", 16);
};

TEST(StoneIdTest, AcceptsDocumentedCharactersAndRefusesOthers) {
  EXPECT_NO_THROW(CheckStoneId("A"));
  EXPECT_NO_THROW(CheckStoneId("sale-2026.11_0042"));
  EXPECT_NO_THROW(CheckStoneId(std::string(64, 'x')));
  EXPECT_THROW(CheckStoneId(""), InputError);
  EXPECT_THROW(CheckStoneId("-leading"), InputError);
  EXPECT_THROW(CheckStoneId("has space"), InputError);
  EXPECT_THROW(CheckStoneId("semi;colon"), InputError);
  EXPECT_THROW(CheckStoneId(std::string(65, 'x')), InputError);
  EXPECT_THROW(CheckStoneId("caf\xc3\xa9"), InputError);
}

TEST_F(GalleryTest, EnrolsAndLoadsReferencesBitExact) {
  auto gallery = OpenGallery();
  gallery->RegisterModel(model_);
  EnrolmentInput a = SyntheticEnrolment("A1", model_, 3, 1);
  EnrolmentInput b = SyntheticEnrolment("B2", model_, 2, 2);
  gallery->Enrol(a);
  gallery->Enrol(b);
  EXPECT_EQ(gallery->ActiveModel(), model_.id);

  ReferenceSet set = gallery->LoadReferences(model_.id);
  ASSERT_EQ(set.vectors.rows(), 5);
  ASSERT_EQ(set.stone_ids.size(), 5u);
  EXPECT_EQ(set.stone_ids[0], "A1");
  EXPECT_EQ(set.stone_ids[4], "B2");
  EXPECT_EQ(set.vectors.topRows(3), a.embeddings);
  EXPECT_EQ(set.vectors.bottomRows(2), b.embeddings);

  auto stones = gallery->ListStones();
  ASSERT_EQ(stones.size(), 2u);
  EXPECT_EQ(stones[0].id, "A1");
  EXPECT_EQ(stones[0].references, 3);
  EXPECT_EQ(stones[0].metadata["sale"], "S-1");
  EXPECT_TRUE(gallery->Check(false).empty());
}

TEST_F(GalleryTest, RefusesSecondEnrolmentUnlessReEnrol) {
  auto gallery = OpenGallery();
  gallery->RegisterModel(model_);
  gallery->Enrol(SyntheticEnrolment("A1", model_, 2, 1));
  EXPECT_THROW(gallery->Enrol(SyntheticEnrolment("A1", model_, 2, 3)),
               InputError);
  EnrolmentInput again = SyntheticEnrolment("A1", model_, 4, 5);
  again.re_enrol = true;
  gallery->Enrol(again);
  ReferenceSet set = gallery->LoadReferences(model_.id);
  EXPECT_EQ(set.vectors, again.embeddings);
  auto stone = gallery->FindStone("A1");
  ASSERT_TRUE(stone);
  EXPECT_EQ(stone->enrolments, 2);
  nlohmann::json history = gallery->StoneHistory("A1");
  EXPECT_EQ(history["captures"].size(), 6u);
  ASSERT_EQ(history["events"].size(), 2u);
  EXPECT_EQ(history["events"][1]["kind"], "re-enrol");
  EXPECT_TRUE(gallery->Check(false).empty());
}

TEST_F(GalleryTest, RejectsBadInputWithoutWriting) {
  auto gallery = OpenGallery();
  gallery->RegisterModel(model_);
  EnrolmentInput bad_id = SyntheticEnrolment("no good", model_, 2, 1);
  EXPECT_THROW(gallery->Enrol(bad_id), InputError);
  EnrolmentInput bad_shape = SyntheticEnrolment("A1", model_, 2, 1);
  bad_shape.embeddings.conservativeResize(1, Eigen::NoChange);
  EXPECT_THROW(gallery->Enrol(bad_shape), InputError);
  EnrolmentInput unknown_model = SyntheticEnrolment("A1", model_, 2, 1);
  unknown_model.model_id = std::string(64, 'f');
  EXPECT_THROW(gallery->Enrol(unknown_model), InputError);
  EnrolmentInput not_picture = SyntheticEnrolment("A1", model_, 2, 1);
  not_picture.captures[1].encoded = "hello";
  EXPECT_THROW(gallery->Enrol(not_picture), InputError);
  EnrolmentInput nan = SyntheticEnrolment("A1", model_, 2, 1);
  nan.embeddings(0, 0) = std::numeric_limits<float>::quiet_NaN();
  EXPECT_THROW(gallery->Enrol(nan), InputError);
  EXPECT_TRUE(gallery->ListStones().empty());
  EXPECT_TRUE(gallery->Check(false).empty());
  // Nothing reached the picture store either.
  EXPECT_FALSE(std::filesystem::exists(dir() / "gallery" / "pictures"));
}

TEST_F(GalleryTest, RecordsQueriesInTheHistory) {
  auto gallery = OpenGallery();
  gallery->RegisterModel(model_);
  gallery->Enrol(SyntheticEnrolment("A1", model_, 2, 1));
  EnrolmentInput pictures = SyntheticEnrolment("A1", model_, 2, 9);
  QueryRecord query;
  query.purpose = "verify";
  query.stone_id = "A1";
  query.captures = pictures.captures;
  query.model_id = model_.id;
  query.embeddings = pictures.embeddings;
  query.result = {{"verdict", "SAME STONE"}, {"score", 0.91}};
  gallery->RecordQuery(query);
  query.stone_id = "ZZ";
  EXPECT_THROW(gallery->RecordQuery(query), InputError);
  nlohmann::json history = gallery->StoneHistory("A1");
  ASSERT_EQ(history["events"].size(), 2u);
  EXPECT_EQ(history["events"][1]["result"]["verdict"], "SAME STONE");
  // Queries are kept but are not references.
  EXPECT_EQ(gallery->LoadReferences(model_.id).vectors.rows(), 2);
  EXPECT_TRUE(gallery->Check(false).empty());
  EXPECT_THROW(gallery->StoneHistory("ZZ"), InputError);
}

TEST_F(GalleryTest, ReopensReadOnlyAndRefusesWrites) {
  {
    auto gallery = OpenGallery();
    gallery->RegisterModel(model_);
    gallery->Enrol(SyntheticEnrolment("A1", model_, 2, 1));
  }
  auto gallery = OpenGallery(/*read_only=*/true);
  EXPECT_EQ(gallery->ListStones().size(), 1u);
  EXPECT_THROW(gallery->Enrol(SyntheticEnrolment("B", model_, 1, 2)),
               InputError);
  GalleryOptions missing;
  missing.dir = dir() / "nowhere";
  missing.read_only = true;
  EXPECT_THROW(Gallery::Open(missing), InputError);
}

TEST_F(GalleryTest, ExportHoldsEveryStone) {
  auto gallery = OpenGallery();
  gallery->RegisterModel(model_);
  gallery->Enrol(SyntheticEnrolment("A1", model_, 2, 1));
  gallery->Enrol(SyntheticEnrolment("B1", model_, 2, 2));
  nlohmann::json out = gallery->Export();
  ASSERT_EQ(out["stones"].size(), 2u);
  EXPECT_EQ(out["stones"][1]["id"], "B1");
  EXPECT_EQ(out["models"][0]["id"], model_.id);
  EXPECT_GT(out["event_head"]["event"].get<int>(), 2);
}

}  // namespace
}  // namespace diareid
