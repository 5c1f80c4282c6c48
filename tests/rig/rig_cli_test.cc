// `diareid capture` and `diareid rig` as a user runs them, on a simulated
// Marlin table with an image-sequence camera.
#include <fstream>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "testing.h"

namespace diareid::testing {
namespace {

class RigCliTest : public TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    for (int i = 0; i < 8; ++i) {
      char name[32];
      std::snprintf(name, sizeof name, "img_%04d.png", i);
      cv::imwrite((dir() / name).string(),
                  cv::Mat(24, 32, CV_8UC3, cv::Scalar(i, 2 * i, 3 * i)));
    }
    std::ofstream(dir() / "rig.toml")
        << "[serial]\nsimulate = \"marlin\"\nsimulate_speed = 10\n"
           "[firmware]\nreply_timeout_s = 1\nmotion_timeout_s = 5\n"
           "[camera]\nbackend = \"opencv\"\napi = \"images\"\nsource = \""
        << (dir() / "img_%04d.png").string() << "\"\n";
    std::ofstream(dir() / "tray.toml")
        << "[tray]\nrows = 2\ncolumns = 2\nfirst_well_mm = [10, 10]\n"
           "pitch_mm = [10, 10]\nsettle_s = 0\n[wells.B1]\nid = \"s-b1\"\n";
  }
  RunResult Diareid(const std::string& args) {
    return RunCommand(DiareidBinary() + " " + args);
  }
};

TEST_F(RigCliTest, CapturesTheChosenWells) {
  std::string files = " --rig " + (dir() / "rig.toml").string() + " --tray " +
                      (dir() / "tray.toml").string();
  RunResult r =
      Diareid("--json capture" + files + " --wells B1,A1 --shots 2 --out " +
              (dir() / "out").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto result = nlohmann::json::parse(r.out);
  EXPECT_EQ(result["wells"], 2);
  EXPECT_EQ(result["shots"], 4);
  EXPECT_TRUE(std::filesystem::exists(dir() / "out/s-b1/001.png"));
  EXPECT_TRUE(std::filesystem::exists(dir() / "out/manifest.json"));
}

TEST_F(RigCliTest, RefusesAnUnknownWellAndAMoveOutsideTheLimits) {
  std::string rig = " --rig " + (dir() / "rig.toml").string();
  RunResult bad_well =
      Diareid("capture" + rig + " --tray " + (dir() / "tray.toml").string() +
              " --wells Z9 --shots 1 --out " + (dir() / "out").string());
  EXPECT_EQ(bad_well.exit_code, 2) << bad_well.err;
  EXPECT_NE(bad_well.err.find("Z9"), std::string::npos) << bad_well.err;
  RunResult far = Diareid("rig move" + rig + " 500 10");
  EXPECT_EQ(far.exit_code, 2) << far.err;
  EXPECT_NE(far.err.find("soft limits"), std::string::npos) << far.err;
}

TEST_F(RigCliTest, ReportsThePositionAfterAMove) {
  RunResult r = Diareid("--json rig move --rig " +
                        (dir() / "rig.toml").string() + " 12.5 30");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto result = nlohmann::json::parse(r.out);
  EXPECT_DOUBLE_EQ(result["x_mm"].get<double>(), 12.5);
  EXPECT_DOUBLE_EQ(result["y_mm"].get<double>(), 30);
}

TEST_F(RigCliTest, ABadRigFileIsBadInput) {
  std::ofstream(dir() / "bad.toml") << "[serial]\nbaud = \"fast\"\n";
  RunResult r = Diareid("rig status --rig " + (dir() / "bad.toml").string());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("serial.baud"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace diareid::testing
