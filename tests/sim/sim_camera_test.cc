#include "diareid/sim/sim_camera.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "diareid/core/error.h"
#include "diareid/core/files.h"
#include "diareid/rig/camera.h"
#include "testing.h"

namespace diareid::sim {
namespace {

class SimCameraTest : public testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    RegisterSimulatedCamera();
    WriteFileAtomic(dir() / "tray.toml",
                    "[tray]\nname = \"test\"\nrows = 1\ncolumns = 2\n"
                    "first_well_mm = [10.0, 10.0]\npitch_mm = [8.0, 8.0]\n"
                    "[wells.A1]\nstone = \"7:3\"\n");
  }

  std::unique_ptr<Camera> Open(CameraSettings settings) {
    settings.emplace("size", "96");
    CameraContext context;
    context.tray_file = (dir() / "tray.toml").string();
    context.table_position = [this] { return table_; };
    return OpenCamera("simulated", settings, context);
  }

  // Centre of the lit region, pixels.
  static cv::Point2d Centre(const cv::Mat& frame) {
    cv::Mat gray;
    cv::cvtColor(frame, gray, cv::COLOR_BGR2GRAY);
    cv::Rect box = cv::boundingRect(gray > 20);
    return {box.x + box.width / 2.0, box.y + box.height / 2.0};
  }

  TablePosition table_{10, 10};
};

TEST_F(SimCameraTest, RendersTheStoneOfTheWellUnderTheLens) {
  auto camera = Open({{"preset", "clean"}});
  EXPECT_NE(camera->Describe().find("simulated"), std::string::npos);
  cv::Mat frame = camera->Grab();
  ASSERT_EQ(frame.type(), CV_8UC3);
  EXPECT_EQ(frame.cols, 96);
  EXPECT_GT(cv::mean(frame)[2], 10);
  EXPECT_NEAR(Centre(frame).x, 48, 2);
  EXPECT_NEAR(Centre(frame).y, 48, 2);
}

TEST_F(SimCameraTest, OffsetFromTheWellShiftsThePicture) {
  auto camera = Open({{"preset", "clean"}, {"stone_diameter_mm", "2.0"}});
  table_ = {10.3, 10};  // the lens 0.3 mm right of the well: stone to the left
  cv::Point2d centre = Centre(camera->Grab());
  EXPECT_NEAR(centre.x, 48 - 0.3 / 2.0 * 0.65 * 96, 2);
  EXPECT_NEAR(centre.y, 48, 2);
}

TEST_F(SimCameraTest, EmptyWellOrNoWellGivesADarkFrame) {
  auto camera = Open({});
  table_ = {18, 10};  // A2, no stone
  EXPECT_LT(cv::mean(camera->Grab())[2], 3);
  table_ = {14.5, 10};  // between the wells
  EXPECT_LT(cv::mean(camera->Grab())[2], 3);
}

TEST_F(SimCameraTest, PlacementFixesHowTheStoneLiesAndNoiseIsFresh) {
  auto camera = Open({{"placement", "first"}});
  cv::Mat a = camera->Grab(), b = camera->Grab();
  double same = cv::norm(a, b, cv::NORM_L1) / a.total();
  EXPECT_GT(same, 0);
  auto moved = Open({{"placement", "second"}});
  double other = cv::norm(a, moved->Grab(), cv::NORM_L1) / a.total();
  EXPECT_GT(other, 3 * same);
}

TEST_F(SimCameraTest, BadSettingNamesTheKey) {
  try {
    Open({{"exposure", "bright"}});
    FAIL() << "no exception";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("camera.exposure"), std::string::npos);
  }
}

}  // namespace
}  // namespace diareid::sim
