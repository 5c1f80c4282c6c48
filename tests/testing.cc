#include "testing.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

namespace diareid::testing {

void TempDirTest::SetUp() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::random_device rd;
  std::ostringstream name;
  name << "diareid-" << info->test_suite_name() << "-" << info->name() << "-"
       << ::getpid() << "-" << std::hex << rd();
  std::string safe = name.str();
  for (char& c : safe)
    if (c == '/') c = '_';
  dir_ = std::filesystem::temp_directory_path() / safe;
  std::filesystem::create_directories(dir_);
}

void TempDirTest::TearDown() {
  if (HasFailure()) {
    std::fprintf(stderr, "kept test folder %s\n", dir_.c_str());
    return;
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

RunResult RunCommand(const std::string& command_line) {
  char out_path[] = "/tmp/diareid-run-out-XXXXXX";
  char err_path[] = "/tmp/diareid-run-err-XXXXXX";
  int out_fd = ::mkstemp(out_path);
  int err_fd = ::mkstemp(err_path);
  ::close(out_fd);
  ::close(err_fd);
  std::string full =
      "(" + command_line + ") </dev/null >" + out_path + " 2>" + err_path;
  int status = std::system(full.c_str());
  RunResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  auto slurp = [](const char* path) {
    std::ifstream in(path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  };
  result.out = slurp(out_path);
  result.err = slurp(err_path);
  ::unlink(out_path);
  ::unlink(err_path);
  return result;
}

std::string DiareidBinary() {
  const char* bin = std::getenv("DIAREID_BIN");
  return bin != nullptr ? bin : "diareid";
}

}  // namespace diareid::testing
