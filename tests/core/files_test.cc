#include "diareid/core/files.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
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

TEST_F(FilesTest, FullDiskIsReportedAndLeavesNoTemporary) {
  // A file-size limit makes write() fail as on a full disk (EFBIG); the
  // signal it raises is ignored so that the call itself reports it.
  auto path = dir() / "big.bin";
  WriteFileAtomic(path, "old content");
  struct rlimit old_limit;
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old_limit), 0);
  auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  struct rlimit small = old_limit;
  small.rlim_cur = 4096;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  bool threw = false;
  try {
    WriteFileAtomic(path, std::string(100000, 'x'));
  } catch (const InternalError& e) {
    threw = std::string(e.what()).find("big.bin") != std::string::npos;
  }
  ::setrlimit(RLIMIT_FSIZE, &old_limit);
  std::signal(SIGXFSZ, old_handler);
  EXPECT_TRUE(threw) << "expected an InternalError naming big.bin";
  EXPECT_EQ(ReadFile(path), "old content");
  int entries = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir())) {
    (void)entry;
    ++entries;
  }
  EXPECT_EQ(entries, 1) << "a temporary file was left behind";
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
