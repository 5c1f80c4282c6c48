// Cached SVM matchers in a real gallery file: written by the re-index, used
// by identify with the same results as training on the fly, never used once
// stale, and checked by `gallery check`.
#include "diareid/app/reindex.h"
#include "diareid/app/session.h"
#include "synthetic.h"
#include "testing.h"

namespace diareid {
namespace {

using testing::SyntheticEnrolment;
using testing::SyntheticModel;

class MatcherCacheTest : public testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    options_.gallery.dir = dir() / "gallery";
    options_.batch_size = 8;
    gallery_ = Gallery::Open(options_.gallery);
    gallery_->RegisterModel(old_);
    for (int i = 0; i < 6; ++i)
      gallery_->Enrol(SyntheticEnrolment("S" + std::to_string(i), old_, 4, i));
    match_.method = MatchMethod::kSvm;
  }

  ReindexSummary Reindex() {
    return ReindexGallery(*gallery_, new_, "",
                          testing::SyntheticPictureEmbedder(new_), options_);
  }

  Matcher Build(MatcherSource* source) {
    return BuildGalleryMatcher(
        *gallery_, new_.id, gallery_->LoadReferences(new_.id), match_, source);
  }

  // A query near stone `i`'s first reference.
  EmbeddingMatrix QueryNear(int i) {
    ReferenceSet set = gallery_->LoadReferences(new_.id);
    EmbeddingMatrix query = set.vectors.row(i * 4);
    query.array() += 0.05f;
    return query;
  }

  void Shell(const std::string& sql) {
    auto result = testing::RunCommand(
        "sqlite3 '" + (options_.gallery.dir / "gallery.sqlite").string() +
        "' \"" + sql + "\"");
    ASSERT_EQ(result.exit_code, 0) << result.err;
  }

  ReindexOptions options_;
  MatchOptions match_;
  std::unique_ptr<Gallery> gallery_;
  ModelInfo old_ = SyntheticModel("old", 16);
  ModelInfo new_ = SyntheticModel("new", 8);
};

TEST_F(MatcherCacheTest, ReindexWritesTheCacheAndIdentifyUsesIt) {
  ReindexSummary summary = Reindex();
  ASSERT_TRUE(summary.switched);
  EXPECT_EQ(summary.svm_cache, "written");
  ReferenceSet references = gallery_->LoadReferences(new_.id);
  ASSERT_TRUE(gallery_->LoadSvmCache(new_.id, ReferenceDigest(references)));

  MatcherSource source = MatcherSource::kTrained;
  Matcher cached = Build(&source);
  EXPECT_EQ(source, MatcherSource::kCache);
  Matcher trained(references, match_);
  for (int i = 0; i < 6; ++i) {
    auto a = cached.Rank(QueryNear(i), 6);
    auto b = trained.Rank(QueryNear(i), 6);
    ASSERT_EQ(a.size(), b.size());
    for (size_t k = 0; k < a.size(); ++k) {
      EXPECT_EQ(a[k].stone_id, b[k].stone_id);
      EXPECT_EQ(a[k].score, b[k].score);
      EXPECT_EQ(a[k].distance, b[k].distance);
    }
  }
  // A second re-index finds the cache fresh and leaves it.
  EXPECT_EQ(Reindex().svm_cache, "fresh");
}

TEST_F(MatcherCacheTest, NewEnrolmentMakesTheCacheStale) {
  ASSERT_TRUE(Reindex().switched);
  std::string before = ReferenceDigest(gallery_->LoadReferences(new_.id));
  EnrolmentInput late = SyntheticEnrolment("S9", new_, 4, 9);
  gallery_->Enrol(late);
  ReferenceSet references = gallery_->LoadReferences(new_.id);
  EXPECT_NE(ReferenceDigest(references), before);
  EXPECT_FALSE(gallery_->LoadSvmCache(new_.id, ReferenceDigest(references)));

  MatcherSource source = MatcherSource::kCache;
  Matcher matcher = Build(&source);
  EXPECT_EQ(source, MatcherSource::kTrained);
  EXPECT_EQ(matcher.StoneCount(), 7);
  // Trained on the new references: the same ranking as a fresh matcher.
  EmbeddingMatrix query = late.embeddings.row(0);
  auto ranking = matcher.Rank(query, 7);
  auto expected = Matcher(references, match_).Rank(query, 7);
  ASSERT_EQ(ranking.size(), 7u);
  for (size_t k = 0; k < ranking.size(); ++k) {
    EXPECT_EQ(ranking[k].stone_id, expected[k].stone_id);
    EXPECT_EQ(ranking[k].score, expected[k].score);
  }
  // The matcher trained on the fly was cached for the next command.
  EXPECT_TRUE(gallery_->LoadSvmCache(new_.id, ReferenceDigest(references)));
  Build(&source);
  EXPECT_EQ(source, MatcherSource::kCache);
}

TEST_F(MatcherCacheTest, CheckFindsAndRepairsATamperedCache) {
  ASSERT_TRUE(Reindex().switched);
  ASSERT_TRUE(gallery_->Check(false).empty());
  // Same size, other bytes: only the digest can tell.
  Shell(
      "UPDATE matcher_caches SET parameters = randomblob(length(parameters))");
  std::string digest = ReferenceDigest(gallery_->LoadReferences(new_.id));
  EXPECT_FALSE(gallery_->LoadSvmCache(new_.id, digest));
  MatcherSource source = MatcherSource::kCache;
  Build(&source);
  EXPECT_EQ(source, MatcherSource::kTrained);

  Shell(
      "UPDATE matcher_caches SET parameters = randomblob(length(parameters))");
  auto findings = gallery_->Check(false);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_NE(findings[0].what.find("cached svm matcher"), std::string::npos)
      << findings[0].what;
  EXPECT_NE(findings[0].what.find("was changed"), std::string::npos);
  auto repaired = gallery_->Check(true);
  ASSERT_EQ(repaired.size(), 1u);
  EXPECT_TRUE(repaired[0].repaired);
  EXPECT_TRUE(gallery_->Check(false).empty());
  EXPECT_TRUE(gallery_->LoadSvmCache(new_.id, digest));
}

TEST_F(MatcherCacheTest, LargeGalleriesAreNotCached) {
  options_.svm_cache_max_stones = 3;
  ReindexSummary summary = Reindex();
  ASSERT_TRUE(summary.switched);
  EXPECT_EQ(summary.svm_cache.rfind("skipped", 0), 0u) << summary.svm_cache;
  EXPECT_FALSE(gallery_->LoadSvmCache(
      new_.id, ReferenceDigest(gallery_->LoadReferences(new_.id))));
}

}  // namespace
}  // namespace diareid
