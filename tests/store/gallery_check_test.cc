// Tampering, damage and missing files: Check() reports them, nothing
// crashes.
#include <fstream>

#include "diareid/core/error.h"
#include "diareid/store/gallery.h"
#include "synthetic.h"
#include "testing.h"

namespace diareid {
namespace {

using testing::SyntheticEnrolment;
using testing::SyntheticModel;

class GalleryCheckTest : public testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    options_.dir = dir() / "gallery";
    auto gallery = Gallery::Open(options_);
    gallery->RegisterModel(model_);
    gallery->Enrol(SyntheticEnrolment("A1", model_, 3, 1));
    gallery->Enrol(SyntheticEnrolment("B1", model_, 3, 2));
    gallery->Enrol(SyntheticEnrolment("C1", model_, 3, 3));
    ASSERT_TRUE(gallery->Check(false).empty());
  }

  // Runs SQL on the database with the sqlite3 shell, as an intruder would.
  void Shell(const std::string& sql) {
    auto result = testing::RunCommand(
        "sqlite3 '" + (options_.dir / "gallery.sqlite").string() + "' \"" +
        sql + "\"");
    ASSERT_EQ(result.exit_code, 0) << result.err;
  }

  std::vector<std::string> Findings() {
    std::vector<std::string> what;
    for (const auto& finding : Gallery::Open(options_)->Check(false))
      what.push_back(finding.what);
    return what;
  }

  static bool Mentions(const std::vector<std::string>& findings,
                       const std::string& text) {
    for (const auto& finding : findings)
      if (finding.find(text) != std::string::npos) return true;
    return false;
  }

  GalleryOptions options_;
  ModelInfo model_ = SyntheticModel("m1", 16);
};

TEST_F(GalleryCheckTest, EditedEmbeddingIsReported) {
  Shell("UPDATE embeddings SET vector = randomblob(64) WHERE id = 2");
  auto findings = Findings();
  ASSERT_FALSE(findings.empty());
  EXPECT_TRUE(Mentions(findings, "embedding 2 of capture 2 was changed"));
}

TEST_F(GalleryCheckTest, EmbeddingEditedWithItsDigestBreaksTheEvent) {
  // The intruder also rewrites the digest column (with sqlite3's own
  // sha3 unavailable, copying another row's digest and vector is enough).
  Shell(
      "UPDATE embeddings SET vector = (SELECT vector FROM embeddings WHERE "
      "id = 5), digest = (SELECT digest FROM embeddings WHERE id = 5) WHERE "
      "id = 2");
  EXPECT_TRUE(Mentions(Findings(), "was changed"));
}

TEST_F(GalleryCheckTest, WrongShapeIsReported) {
  Shell("UPDATE embeddings SET dim = 8 WHERE id = 1");
  EXPECT_TRUE(Mentions(Findings(), "has dimension 8, expected 16"));
}

TEST_F(GalleryCheckTest, DeletedEventIsReported) {
  Shell("DROP TRIGGER events_no_delete; DELETE FROM events WHERE id = 3");
  auto findings = Findings();
  EXPECT_TRUE(Mentions(findings, "events 3 to 3 are missing"));
  EXPECT_TRUE(Mentions(findings, "chain is broken"));
  EXPECT_TRUE(Mentions(findings, "trigger events_no_delete"));
}

TEST_F(GalleryCheckTest, DeletedLastEventIsReported) {
  Shell(
      "DROP TRIGGER events_no_delete; DELETE FROM events WHERE id = (SELECT "
      "max(id) FROM events); CREATE TRIGGER events_no_delete BEFORE DELETE "
      "ON events BEGIN SELECT RAISE(ABORT, 'x'); END;");
  EXPECT_TRUE(Mentions(Findings(), "events at the end were deleted"));
}

TEST_F(GalleryCheckTest, EditedEventIsReported) {
  Shell(
      "DROP TRIGGER events_no_update; UPDATE events SET payload = "
      "replace(payload, 'S-2', 'S-9') WHERE stone_id = 'B1'");
  EXPECT_TRUE(Mentions(Findings(), "was edited: its hash does not match"));
}

TEST_F(GalleryCheckTest, DeletedEnrolmentRowsAreReported) {
  Shell(
      "PRAGMA foreign_keys = OFF; DELETE FROM \\\"references\\\" WHERE "
      "stone_id = 'C1'; DELETE FROM embeddings WHERE capture_id IN (SELECT "
      "id FROM captures WHERE stone_id = 'C1')");
  EXPECT_TRUE(Mentions(Findings(), "was deleted"));
}

TEST_F(GalleryCheckTest, MissingAndChangedPicturesAreReported) {
  auto history = Gallery::Open(options_)->StoneHistory("A1");
  std::filesystem::path first = history["captures"][0]["picture"];
  std::filesystem::path second = history["captures"][1]["picture"];
  std::filesystem::remove(first);
  std::ofstream(second, std::ios::app) << "x";
  auto findings = Findings();
  EXPECT_TRUE(Mentions(findings, first.string() + " is missing"));
  EXPECT_TRUE(Mentions(findings, second.string() + " was changed"));
}

TEST_F(GalleryCheckTest, CorruptDatabaseIsReportedNotCrashed) {
  std::filesystem::path file = options_.dir / "gallery.sqlite";
  // Scribble over whole pages past the first, headers included.
  {
    std::fstream out(file, std::ios::in | std::ios::out | std::ios::binary);
    out.seekp(4096);
    std::string junk(3 * 4096, '\x5a');
    out.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  std::filesystem::remove(options_.dir / "gallery.sqlite-wal");
  std::filesystem::remove(options_.dir / "gallery.sqlite-shm");
  try {
    auto findings = Findings();
    EXPECT_FALSE(findings.empty());
  } catch (const IntegrityError& e) {
    SUCCEED() << e.what();
  }
  // A file that is not a database at all.
  std::ofstream(file, std::ios::trunc) << "this is not a gallery";
  EXPECT_THROW(Gallery::Open(options_), IntegrityError);
}

TEST_F(GalleryCheckTest, SignedLogNeedsTheKey) {
  std::filesystem::path key = dir() / "key";
  std::ofstream(key) << "0123456789abcdef0123456789abcdef";
  GalleryOptions signed_options = options_;
  signed_options.key_file = key;
  // Events written before the key are unsigned: reported with a key.
  auto findings = Gallery::Open(signed_options)->Check(false);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_NE(findings[0].what.find("not signed"), std::string::npos);

  GalleryOptions fresh;
  fresh.dir = dir() / "signed";
  fresh.key_file = key;
  auto gallery = Gallery::Open(fresh);
  gallery->RegisterModel(model_);
  gallery->Enrol(SyntheticEnrolment("A1", model_, 2, 1));
  EXPECT_TRUE(gallery->Check(false).empty());
  std::ofstream(dir() / "other") << "another key, also long enough";
  fresh.key_file = dir() / "other";
  auto wrong = Gallery::Open(fresh)->Check(false);
  ASSERT_FALSE(wrong.empty());
  EXPECT_NE(wrong[0].what.find("wrong signature"), std::string::npos);
  fresh.key_file = fresh.dir / "key";
  std::ofstream(fresh.key_file) << "0123456789abcdef0123456789abcdef";
  EXPECT_THROW(Gallery::Open(fresh), InputError);
}

}  // namespace
}  // namespace diareid
