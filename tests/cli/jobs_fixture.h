// The fixture of the end-to-end CLI tests: four rendered stones, ten shots
// each, rendered once per test program, and a gallery per test.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "testing.h"

namespace diareid {

namespace fs = std::filesystem;
using testing::DiareidBinary;
using testing::RunCommand;
using testing::RunResult;

// Four rendered stones, ten shots each, shared by every test of the suite.
class JobsTest : public testing::TempDirTest {
 protected:
  static void SetUpTestSuite() {
    data_ = fs::temp_directory_path() /
            ("diareid-jobs-data-" + std::to_string(::getpid()));
    RunResult r = RunCommand(
        DiareidBinary() + " --log-level warn simulate dataset --out " +
        data_.string() + " --stones 4 --shots 10 --seed 4242 --size 256");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void TearDownTestSuite() { fs::remove_all(data_); }

  // The ten pictures of stone i (0 to 3), sorted.
  static std::vector<std::string> Shots(int stone) {
    std::vector<std::string> shots;
    char name[32];
    std::snprintf(name, sizeof(name), "s4242-%05d", stone);
    for (const auto& entry : fs::directory_iterator(data_ / name))
      if (entry.path().extension() == ".png")
        shots.push_back(entry.path().string());
    std::sort(shots.begin(), shots.end());
    return shots;
  }
  static std::string Join(const std::vector<std::string>& files, size_t from,
                          size_t to) {
    std::string joined;
    for (size_t i = from; i < to && i < files.size(); ++i)
      joined += " " + files[i];
    return joined;
  }
  RunResult Diareid(const std::string& args) {
    return RunCommand(DiareidBinary() + " --log-level warn --gallery " +
                      gallery().string() + " " + args);
  }
  fs::path gallery() const { return dir() / "gallery"; }
  // Enrols stones 0..n-1 with their first six shots; shots 6 to 9 are left
  // for the returns.
  void EnrolStones(int n) {
    for (int i = 0; i < n; ++i) {
      RunResult r = Diareid("enrol --id stone-" + std::to_string(i) +
                            " --images" + Join(Shots(i), 0, 6));
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
  }
  std::string GalleryList() { return Diareid("--json gallery list").out; }
  // The metric of the shipped model the jobs run ("euclidean" or "cosine"),
  // as `model info` reads it.
  static std::string ShippedMetric() {
    RunResult r =
        RunCommand(DiareidBinary() + " --json model info " +
                   DIAREID_SOURCE_DIR "/models/diareid-default.dmodel");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out, nullptr, false).value("metric", "");
  }

  inline static fs::path data_;
};

}  // namespace diareid
