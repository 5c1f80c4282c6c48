#include "diareid/core/files.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

#include "diareid/core/error.h"
#include "testing.h"

namespace diareid {
namespace {

class FilesTest : public testing::TempDirTest {};

TEST_F(FilesTest, AtomicWriteReplacesWholeFileAndLeavesNoTemporary) {
  auto path = dir() / "a.txt";
  WriteFileAtomic(path, "first");
  WriteFileAtomic(path, "second version");
  EXPECT_EQ(ReadFile(path), "second version");
  int entries = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir())) {
    (void)entry;
    ++entries;
  }
  EXPECT_EQ(entries, 1);
}

TEST_F(FilesTest, WriteIntoReadOnlyFolderFailsAndKeepsOldFile) {
  if (::geteuid() == 0) GTEST_SKIP() << "root ignores folder permissions";
  auto path = dir() / "a.txt";
  WriteFileAtomic(path, "kept");
  ::chmod(dir().c_str(), 0555);
  EXPECT_THROW(WriteFileAtomic(path, "lost"), InternalError);
  ::chmod(dir().c_str(), 0755);
  EXPECT_EQ(ReadFile(path), "kept");
}

TEST_F(FilesTest, WriteIntoMissingFolderNamesThePath) {
  try {
    WriteFileAtomic(dir() / "no" / "such" / "x.bin", "data");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("x.bin"), std::string::npos);
  }
}

TEST_F(FilesTest, FullDiskIsReportedNotIgnored) {
  // /dev/full accepts opens and fails every write with ENOSPC; a rename
  // target in /dev is impossible, so write through a folder symlink is not
  // needed: the temporary itself cannot be created there as non-root, and
  // as root the write fails. Either way an error must come out.
  if (!std::filesystem::exists("/dev/full")) GTEST_SKIP();
  EXPECT_THROW(WriteFileAtomic("/dev/full", std::string(4096, 'x')), Error);
}

TEST(DefaultDataDirTest, FollowsXdgDataHome) {
  const char* old = std::getenv("XDG_DATA_HOME");
  std::string saved = old ? old : "";
  ::setenv("XDG_DATA_HOME", "/srv/shop-data", 1);
  EXPECT_EQ(DefaultDataDir(), std::filesystem::path("/srv/shop-data/diareid"));
  if (old)
    ::setenv("XDG_DATA_HOME", saved.c_str(), 1);
  else
    ::unsetenv("XDG_DATA_HOME");
}

}  // namespace
}  // namespace diareid
