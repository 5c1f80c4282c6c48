// Backup with SQLite's online API, and a restore that checks first.
#include <fstream>

#include "diareid/core/error.h"
#include "diareid/store/gallery.h"
#include "synthetic.h"
#include "testing.h"

namespace diareid {
namespace {

using testing::SyntheticEnrolment;
using testing::SyntheticModel;

class BackupTest : public testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    options_.dir = dir() / "gallery";
  }
  GalleryOptions options_;
  ModelInfo model_ = SyntheticModel("m1", 16);
};

TEST_F(BackupTest, RestoresTheGalleryAsItWas) {
  auto gallery = Gallery::Open(options_);
  gallery->RegisterModel(model_);
  gallery->Enrol(SyntheticEnrolment("A1", model_, 2, 1));
  std::filesystem::path backup = dir() / "night.sqlite";
  // Taken while the gallery is open (and could be written).
  BackupGallery(options_, backup);
  EXPECT_THROW(BackupGallery(options_, backup), InputError);
  gallery->Enrol(SyntheticEnrolment("B1", model_, 2, 2));
  ASSERT_EQ(gallery->ListStones().size(), 2u);
  gallery.reset();

  EXPECT_THROW(RestoreGallery(options_, backup, /*force=*/false), InputError);
  RestoreGallery(options_, backup, /*force=*/true);
  gallery = Gallery::Open(options_);
  auto stones = gallery->ListStones();
  ASSERT_EQ(stones.size(), 1u);
  EXPECT_EQ(stones[0].id, "A1");
  EXPECT_TRUE(gallery->Check(false).empty());
  // New events continue the restored chain.
  gallery->Enrol(SyntheticEnrolment("C1", model_, 2, 3));
  EXPECT_TRUE(gallery->Check(false).empty());
}

TEST_F(BackupTest, RefusesADamagedBackup) {
  auto gallery = Gallery::Open(options_);
  gallery->RegisterModel(model_);
  gallery->Enrol(SyntheticEnrolment("A1", model_, 2, 1));
  // A file that is no backup at all is the wrong file given: bad input.
  std::filesystem::path junk = dir() / "junk.sqlite";
  std::ofstream(junk) << "not a database at all, just some text";
  EXPECT_THROW(RestoreGallery(options_, junk, /*force=*/true), InputError);
  // A gallery backup cut short is damaged: an integrity fault.
  std::filesystem::path bad = dir() / "bad.sqlite";
  BackupGallery(options_, bad);
  std::filesystem::resize_file(bad, std::filesystem::file_size(bad) / 2);
  EXPECT_THROW(RestoreGallery(options_, bad, /*force=*/true), IntegrityError);
  EXPECT_THROW(RestoreGallery(options_, dir() / "none", true), InputError);
  // The gallery is untouched.
  EXPECT_EQ(gallery->ListStones().size(), 1u);
  EXPECT_TRUE(gallery->Check(false).empty());
}

}  // namespace
}  // namespace diareid
