// Capturing a tray on a simulated rig (scripted firmware + recording
// camera): pictures only after the table stopped at the right place, one
// folder per stone, a manifest, and Ctrl-C keeping what was captured.
#include <signal.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "diareid/core/error.h"
#include "diareid/rig/capture.h"
#include "test_camera.h"
#include "testing.h"

namespace diareid::testing {
namespace {

class CaptureTest : public TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    log_ = std::make_shared<GrabLog>();
    RegisterRecordingCamera(log_, std::chrono::microseconds(0));
    rig_file_ = dir() / "rig.toml";
    tray_file_ = dir() / "tray.toml";
    std::ofstream(rig_file_) << R"([serial]
simulate = "marlin"
simulate_speed = 5
[firmware]
reply_timeout_s = 0.5
motion_timeout_s = 2
[motion]
feed_mm_min = 6000
backlash_mm = [0.5, 0.5]
invert_y = true
reposition_mm = 0.25
[camera]
backend = "recording"
)";
    std::ofstream(tray_file_) << R"([tray]
rows = 2
columns = 3
first_well_mm = [10.0, 10.0]
pitch_mm = [12.0, 12.0]
settle_s = 0.0
[wells.B2]
id = "stone-b2"
offset_mm = [0.5, 0.0]
)";
  }
  std::shared_ptr<GrabLog> log_;
  std::filesystem::path rig_file_, tray_file_;
};

TEST_F(CaptureTest, TakesEveryPictureWhereTheTableStopped) {
  Rig rig(rig_file_, tray_file_);
  rig.Home();
  auto shots = rig.Shots("B2", 3);
  ASSERT_EQ(shots.size(), 3u);
  ASSERT_EQ(log_->positions.size(), 3u);
  for (size_t i = 0; i < shots.size(); ++i) {
    // The physical table, seen through the inverted Y axis, is where the
    // shot says, within the printed precision of the G-code (0.001 mm).
    EXPECT_NEAR(log_->positions[i].x_mm, shots[i].position.x_mm, 1e-3);
    EXPECT_NEAR(log_->positions[i].y_mm, shots[i].position.y_mm, 1e-3);
  }
  EXPECT_NEAR(shots[0].position.x_mm, 10 + 12 + 0.5, 1e-9);
  EXPECT_NEAR(shots[0].position.y_mm, 22, 1e-9);
  // Re-positioning moves later shots, by no more than its radius.
  EXPECT_GT(std::abs(shots[1].position.x_mm - shots[0].position.x_mm), 0.0);
  EXPECT_LE(
      std::hypot(shots[2].position.x_mm - 22.5, shots[2].position.y_mm - 22),
      0.25 + 1e-9);
  EXPECT_EQ(shots[0].stone_id, "stone-b2");
}

TEST_F(CaptureTest, WritesOneFolderPerStoneAndAManifest) {
  Rig rig(rig_file_, tray_file_);
  CaptureOptions options;
  options.wells = {"b2", "A1"};
  options.shots = 2;
  options.out = dir() / "out";
  CaptureResult result = CaptureTray(rig, options);
  EXPECT_FALSE(result.interrupted);
  EXPECT_EQ(result.wells_done, 2);
  EXPECT_TRUE(std::filesystem::exists(dir() / "out/A1/000.png"));
  EXPECT_TRUE(std::filesystem::exists(dir() / "out/stone-b2/001.png"));
  auto manifest = nlohmann::json::parse(std::ifstream(result.manifest));
  ASSERT_EQ(manifest["stones"].size(), 2u);
  // Tray order, not the order asked: A1 before B2.
  EXPECT_EQ(manifest["stones"][0]["well"], "A1");
  EXPECT_EQ(manifest["stones"][1]["shots"][1]["file"], "stone-b2/001.png");
  EXPECT_EQ(manifest["stones"][1]["shots"][0]["camera"]["exposure_us"], "0");
}

TEST_F(CaptureTest, CtrlCStopsAfterTheCurrentWellAndKeepsIt) {
  log_->on_grab = [](size_t count) {
    if (count == 3) ::raise(SIGINT);  // during the second well
  };
  Rig rig(rig_file_, tray_file_);
  CaptureOptions options;
  options.shots = 2;
  options.out = dir() / "out";
  CaptureResult result = CaptureTray(rig, options);
  EXPECT_TRUE(result.interrupted);
  EXPECT_EQ(result.wells_done, 2);
  auto manifest = nlohmann::json::parse(std::ifstream(result.manifest));
  EXPECT_EQ(manifest["stones"].size(), 2u);
  EXPECT_FALSE(std::filesystem::exists(dir() / "out/A3"));
}

TEST_F(CaptureTest, RefusesAMoveOutsideTheSoftLimitsBeforeMoving) {
  Rig rig(rig_file_, tray_file_);
  rig.Home();
  EXPECT_THROW(rig.MoveTo({250, 10}), InputError);
  TablePosition here = rig.Position();
  EXPECT_DOUBLE_EQ(here.x_mm, 0);
}

TEST_F(CaptureTest, NamesTheKnownWellsForAnUnknownOne) {
  Rig rig(rig_file_, tray_file_);
  try {
    rig.MoveToWell("C1");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("A1 to B3"), std::string::npos);
  }
}

}  // namespace
}  // namespace diareid::testing
