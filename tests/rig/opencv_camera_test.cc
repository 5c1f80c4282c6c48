// The OpenCV back end on an image sequence, and the back-end registry.
#include <gmock/gmock.h>

#include <opencv2/imgcodecs.hpp>

#include "diareid/core/error.h"
#include "diareid/rig/camera.h"
#include "testing.h"

namespace diareid::testing {
namespace {

class OpenCvCameraTest : public TempDirTest {};

TEST_F(OpenCvCameraTest, ReadsAnImageSequenceInOrder) {
  for (int i = 0; i < 3; ++i) {
    cv::Mat picture(24, 32, CV_8UC3, cv::Scalar(10 * i, 50, 200));
    char name[32];
    std::snprintf(name, sizeof name, "img_%04d.png", i);
    cv::imwrite((dir() / name).string(), picture);
  }
  CameraSettings settings{{"source", (dir() / "img_%04d.png").string()},
                          {"api", "images"}};
  auto camera = OpenCamera("opencv", settings, {});
  cv::Mat first = camera->Grab();
  cv::Mat second = camera->Grab();
  ASSERT_EQ(first.size(), cv::Size(32, 24));
  EXPECT_EQ(first.type(), CV_8UC3);
  EXPECT_EQ(first.at<cv::Vec3b>(0, 0)[0], 0);
  EXPECT_EQ(second.at<cv::Vec3b>(0, 0)[0], 10);
  EXPECT_EQ(camera->ActualSettings().at("source"), settings["source"]);
}

TEST_F(OpenCvCameraTest, AMissingSourceIsARigError) {
  CameraSettings settings{{"source", (dir() / "none_%04d.png").string()},
                          {"api", "images"}};
  EXPECT_THROW(OpenCamera("opencv", settings, {}), RigError);
  EXPECT_THROW(OpenCamera("opencv", {}, {}), InputError);
}

TEST(CameraRegistry, AnUnknownBackEndNamesTheKnownOnes) {
  try {
    OpenCamera("aravis-x", {}, {});
    FAIL();
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("opencv"));
  }
}

}  // namespace
}  // namespace diareid::testing
