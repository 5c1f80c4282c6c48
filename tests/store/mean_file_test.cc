// The file of per-stone means beside a real gallery: written on first use,
// read back only for the references it was written for and only when its
// digest holds; the same ranking as a matcher over every reference.
#include <fstream>

#include "diareid/core/files.h"
#include "diareid/core/hash.h"
#include "diareid/store/gallery.h"
#include "synthetic.h"
#include "testing.h"

namespace diareid {
namespace {

using testing::SyntheticEnrolment;
using testing::SyntheticModel;

class MeanFileTest : public testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    options_.dir = dir() / "gallery";
    gallery_ = Gallery::Open(options_);
    gallery_->RegisterModel(model_);
    for (int i = 0; i < 5; ++i)
      gallery_->Enrol(
          SyntheticEnrolment("S" + std::to_string(i), model_, 3, i));
  }

  // The one cache file of the model, or "" when there is none.
  std::filesystem::path CacheFile() {
    std::filesystem::path found;
    if (!std::filesystem::is_directory(options_.dir / "cache")) return found;
    for (const auto& entry :
         std::filesystem::directory_iterator(options_.dir / "cache")) {
      EXPECT_TRUE(found.empty()) << "two cache files";
      found = entry.path();
    }
    return found;
  }

  void ExpectMeansOfDatabase(const MeanReferences& means) {
    MeanReferences expected =
        ComputeMeanReferences(gallery_->LoadReferences(model_.id));
    EXPECT_EQ(means.stone_ids, expected.stone_ids);
    EXPECT_EQ(means.means, expected.means);
  }

  void Shell(const std::string& sql) {
    auto result = testing::RunCommand(
        "sqlite3 '" + (options_.dir / "gallery.sqlite").string() + "' \"" +
        sql + "\"");
    ASSERT_EQ(result.exit_code, 0) << result.err;
  }

  GalleryOptions options_;
  std::unique_ptr<Gallery> gallery_;
  ModelInfo model_ = SyntheticModel("m", 8);
};

TEST_F(MeanFileTest, WrittenOnFirstUseAndRankingUnchanged) {
  EXPECT_TRUE(CacheFile().empty());
  MeanReferences first = gallery_->LoadMeanReferences(model_.id);
  ExpectMeansOfDatabase(first);
  std::filesystem::path file = CacheFile();
  ASSERT_FALSE(file.empty());
  auto written = std::filesystem::last_write_time(file);
  MeanReferences second = gallery_->LoadMeanReferences(model_.id);
  EXPECT_EQ(second.means, first.means);
  EXPECT_EQ(std::filesystem::last_write_time(CacheFile()), written);

  ReferenceSet references = gallery_->LoadReferences(model_.id);
  Matcher from_means(second, MatchOptions());
  Matcher from_references(references, MatchOptions());
  for (int i = 0; i < 5; ++i) {
    EmbeddingMatrix query = references.vectors.middleRows(i * 3, 2);
    auto a = from_means.Rank(query, 5);
    auto b = from_references.Rank(query, 5);
    ASSERT_EQ(a.size(), b.size());
    for (size_t k = 0; k < a.size(); ++k) {
      EXPECT_EQ(a[k].stone_id, b[k].stone_id);
      EXPECT_EQ(a[k].distance, b[k].distance);
    }
    EXPECT_EQ(from_means.DistanceTo(query, "S1"),
              from_references.DistanceTo(query, "S1"));
  }
}

TEST_F(MeanFileTest, NewEnrolmentOrEditedEmbeddingIsNeverServedStale) {
  gallery_->LoadMeanReferences(model_.id);
  std::filesystem::path old_file = CacheFile();
  gallery_->Enrol(SyntheticEnrolment("S7", model_, 3, 7));
  MeanReferences means = gallery_->LoadMeanReferences(model_.id);
  EXPECT_EQ(means.stone_ids.size(), 6u);
  ExpectMeansOfDatabase(means);
  EXPECT_NE(CacheFile(), old_file);
  EXPECT_FALSE(std::filesystem::exists(old_file));

  // Behind the gallery's back: the triggers still move the version.
  Shell("UPDATE embeddings SET vector = zeroblob(32) WHERE id = 1");
  ExpectMeansOfDatabase(gallery_->LoadMeanReferences(model_.id));
}

TEST_F(MeanFileTest, TamperedFileIsNotTrustedAndCheckReportsIt) {
  gallery_->LoadMeanReferences(model_.id);
  std::filesystem::path file = CacheFile();
  std::string bytes = ReadFile(file);
  // Change the last float: same size, other means.
  bytes[bytes.size() - 2] ^= 0x40;
  WriteFileAtomic(file, bytes);
  ExpectMeansOfDatabase(gallery_->LoadMeanReferences(model_.id));

  // Loading wrote an intact file again; tamper once more for the check.
  file = CacheFile();
  bytes = ReadFile(file);
  bytes[bytes.size() - 2] ^= 0x40;
  WriteFileAtomic(file, bytes);
  auto findings = gallery_->Check(false);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_NE(findings[0].what.find("mean references file"), std::string::npos)
      << findings[0].what;
  auto repaired = gallery_->Check(true);
  ASSERT_EQ(repaired.size(), 1u);
  EXPECT_TRUE(repaired[0].repaired);
  EXPECT_TRUE(CacheFile().empty());
  EXPECT_TRUE(gallery_->Check(false).empty());
}

// A row rewritten to name a file that is not its means file (a picture of
// the gallery, a file outside it) is reported; neither reading nor
// --repair ever follows it: only the row goes.
TEST_F(MeanFileTest, RowNamingAnotherFileNeverLeadsToItsRemoval) {
  const std::filesystem::path outside = dir() / "precious.txt";
  for (const std::string target :
       {outside.string(), std::string("../gallery.sqlite")}) {
    WriteFileAtomic(outside, "keep me");
    gallery_->LoadMeanReferences(model_.id);
    Shell("UPDATE reference_files SET file = '" + target + "'");
    ExpectMeansOfDatabase(gallery_->LoadMeanReferences(model_.id));
    Shell("UPDATE reference_files SET file = '" + target + "'");
    auto findings = gallery_->Check(false);
    ASSERT_EQ(findings.size(), 1u) << target;
    EXPECT_NE(findings[0].what.find(target), std::string::npos)
        << findings[0].what;
    auto repaired = gallery_->Check(true);
    ASSERT_EQ(repaired.size(), 1u) << target;
    EXPECT_TRUE(repaired[0].repaired);
    EXPECT_EQ(ReadFile(outside), "keep me") << target;
    EXPECT_TRUE(
        std::filesystem::is_regular_file(options_.dir / "gallery.sqlite"));
    EXPECT_TRUE(gallery_->Check(false).empty()) << target;
  }
}

// Without a key file, whoever can write the database can also forge the
// file's digest; the check then compares the means themselves with the
// references.
TEST_F(MeanFileTest, CheckFindsForgedMeansWhoseDigestWasForgedToo) {
  gallery_->LoadMeanReferences(model_.id);
  const std::filesystem::path file = CacheFile();
  std::string bytes = ReadFile(file);
  const size_t at = bytes.find("\nS0\nS1\n");
  ASSERT_NE(at, std::string::npos);
  bytes.replace(at, 7, "\nS1\nS0\n");  // Each stone gets the other's mean.
  WriteFileAtomic(file, bytes);
  Shell("UPDATE reference_files SET digest = '" + Sha256Hex(bytes) + "'");
  auto findings = gallery_->Check(false);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_NE(findings[0].what.find("does not hold the means"), std::string::npos)
      << findings[0].what;
  auto repaired = gallery_->Check(true);
  ASSERT_EQ(repaired.size(), 1u);
  EXPECT_TRUE(repaired[0].repaired);
  EXPECT_TRUE(gallery_->Check(false).empty());
  ExpectMeansOfDatabase(gallery_->LoadMeanReferences(model_.id));
}

TEST_F(MeanFileTest, ReadOnlyGalleryReadsWithoutWriting) {
  GalleryOptions read_only = options_;
  read_only.read_only = true;
  auto reader = Gallery::Open(read_only);
  ExpectMeansOfDatabase(reader->LoadMeanReferences(model_.id));
  EXPECT_TRUE(CacheFile().empty());
}

}  // namespace
}  // namespace diareid
