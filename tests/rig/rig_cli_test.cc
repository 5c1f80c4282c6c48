// `diareid capture` and `diareid rig` as a user runs them, on a simulated
// Marlin table with an image-sequence camera.
#include <fstream>
#include <iterator>
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
  static std::string ReadText(const std::filesystem::path& path) {
    std::ifstream in(path);
    return std::string((std::istreambuf_iterator<char>(in)),
                       std::istreambuf_iterator<char>());
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

TEST_F(RigCliTest, StatusSaysThePositionIsUnknownUntilHomed) {
  std::string rig = " --rig " + (dir() / "rig.toml").string();
  RunResult status = Diareid("--json rig status" + rig);
  ASSERT_EQ(status.exit_code, 0) << status.err;
  auto result = nlohmann::json::parse(status.out);
  EXPECT_FALSE(result["homed"].get<bool>()) << status.out;
  EXPECT_TRUE(result["x_mm"].is_null()) << status.out;
  EXPECT_TRUE(result["y_mm"].is_null()) << status.out;
  RunResult text = Diareid("rig status" + rig);
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("unknown until the table is homed"),
            std::string::npos)
      << text.out;
  EXPECT_EQ(text.out.find("X 0.000"), std::string::npos) << text.out;
  RunResult homed = Diareid("--json rig home" + rig);
  ASSERT_EQ(homed.exit_code, 0) << homed.err;
  EXPECT_TRUE(nlohmann::json::parse(homed.out)["homed"].get<bool>());
}

TEST_F(RigCliTest, CaptureKeepsAFolderThatAlreadyHoldsACapture) {
  std::string files = " --rig " + (dir() / "rig.toml").string() + " --tray " +
                      (dir() / "tray.toml").string() + " --shots 1 --out " +
                      (dir() / "out").string();
  ASSERT_EQ(Diareid("capture --wells B1" + files).exit_code, 0);
  const std::string manifest = ReadText(dir() / "out/manifest.json");
  RunResult again = Diareid("capture --wells A1" + files);
  EXPECT_EQ(again.exit_code, 2) << again.err;
  EXPECT_NE(again.err.find("--add"), std::string::npos) << again.err;
  EXPECT_EQ(ReadText(dir() / "out/manifest.json"), manifest);
  // --add keeps the stones already there and adds the new ones.
  RunResult add = Diareid("capture --add --wells A1" + files);
  ASSERT_EQ(add.exit_code, 0) << add.err;
  auto stones =
      nlohmann::json::parse(ReadText(dir() / "out/manifest.json"))["stones"];
  ASSERT_EQ(stones.size(), 2u) << stones.dump();
  EXPECT_EQ(stones[0]["id"], "s-b1");
  EXPECT_EQ(stones[0]["shots"].size(), 1u);
  // A stone the folder holds already is not captured over.
  RunResult twice = Diareid("capture --add --wells B1" + files);
  EXPECT_EQ(twice.exit_code, 2) << twice.err;
  EXPECT_NE(twice.err.find("s-b1"), std::string::npos) << twice.err;
}

TEST_F(RigCliTest, CaptureIntoAPathUnderAFileIsBadInput) {
  std::ofstream(dir() / "plain") << "a file, not a folder";
  std::string out = (dir() / "plain" / "capture").string();
  RunResult r = Diareid("capture --rig " + (dir() / "rig.toml").string() +
                        " --tray " + (dir() / "tray.toml").string() +
                        " --wells A1 --shots 1 --out " + out);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find(out), std::string::npos) << r.err;
}

TEST_F(RigCliTest, ABadRigFileIsBadInput) {
  std::ofstream(dir() / "bad.toml") << "[serial]\nbaud = \"fast\"\n";
  RunResult r = Diareid("rig status --rig " + (dir() / "bad.toml").string());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("serial.baud"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace diareid::testing
