// Helpers shared by the test suites.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace diareid::testing {

// A fresh folder for one test, removed afterwards unless the test failed
// (then it is kept and its path logged, to look at what went wrong).
class TempDirTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
};

// Result of running a program: its exit status and what it printed.
struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs a shell command line, capturing stdout and stderr separately.
RunResult RunCommand(const std::string& command_line);

// The diareid binary under test (from $DIAREID_BIN, set by CMake).
std::string DiareidBinary();

}  // namespace diareid::testing
