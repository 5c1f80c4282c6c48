#include "diareid/sim/render.h"

#include <gtest/gtest.h>

#include <cmath>

#include <opencv2/imgproc.hpp>

#include "diareid/core/error.h"

namespace diareid::sim {
namespace {

Vec3 AtElevation(double degrees) {
  return {std::cos(Radians(degrees)), 0, std::sin(Radians(degrees))};
}

StoneGeometry IdealStone(double pavilion_angle_deg) {
  StoneRecipe r;
  r.cut.pavilion_angle_deg = pavilion_angle_deg;
  return BuildGeometry(r);
}

cv::Mat Render(const StoneGeometry& stone, const Pose& pose, int size,
               int threads = 0) {
  RenderOptions options;
  options.size = size;
  options.threads = threads;
  return RenderRadiance(stone, pose, options);
}

double MeanAbsDifference(const cv::Mat& a, const cv::Mat& b) {
  cv::Scalar d = cv::mean(cv::abs(a - b));
  return (d[0] + d[1] + d[2]) / 3;
}

TEST(RenderTest, BandsFollowTheElevation) {
  EXPECT_EQ(BandOfDirection(AtElevation(10)), AsetBand::kGreen);
  EXPECT_EQ(BandOfDirection(AtElevation(44.9)), AsetBand::kGreen);
  EXPECT_EQ(BandOfDirection(AtElevation(45.1)), AsetBand::kRed);
  EXPECT_EQ(BandOfDirection(AtElevation(74.9)), AsetBand::kRed);
  EXPECT_EQ(BandOfDirection(AtElevation(75.1)), AsetBand::kBlue);
  EXPECT_EQ(BandOfDirection(AtElevation(-5)), AsetBand::kLeak);
}

// The reference's check: the middle of the table reflects light that left
// at 45 degrees for a pavilion of about 40.76 degrees; shallower is green,
// steeper is red.
TEST(RenderTest, TableCentreIsGreenAt40AndRedAt41Point5) {
  for (double pavilion : {40.0, 41.5}) {
    cv::Mat picture = Render(IdealStone(pavilion), {}, 129);
    cv::Scalar centre = cv::mean(picture(cv::Rect(62, 62, 5, 5)));
    double green = centre[1], red = centre[2];
    if (pavilion < 40.76)
      EXPECT_GT(green, 2 * red) << "pavilion " << pavilion;
    else
      EXPECT_GT(red, 2 * green) << "pavilion " << pavilion;
  }
}

TEST(RenderTest, LightNeverExceedsWhatCameIn) {
  StoneGeometry stone = IdealStone(40.75);
  for (double x = -0.5; x <= 0.5; x += 0.01) {
    Vec3 light = TraceVerticalRay(stone, {}, x, 0.3 * x + 0.01);
    EXPECT_LE(std::max({light.x, light.y, light.z}), 1.0 + 1e-9);
    EXPECT_GE(std::min({light.x, light.y, light.z}), 0.0);
  }
}

TEST(RenderTest, StoneIsCentredOnBlackAtTheAskedFraction) {
  cv::Mat picture = Render(IdealStone(40.75), {}, 200);
  cv::Mat gray, lit;
  cv::cvtColor(picture, gray, cv::COLOR_BGR2GRAY);
  cv::Mat mask = gray > 0.001f;
  cv::Rect box = cv::boundingRect(mask);
  EXPECT_NEAR(box.width, 0.65 * 200, 3);
  EXPECT_NEAR(box.x + box.width / 2.0, 100, 2);
  EXPECT_NEAR(box.y + box.height / 2.0, 100, 2);
  EXPECT_EQ(cv::mean(picture(cv::Rect(0, 0, 20, 20)))[0], 0.0);
}

TEST(RenderTest, ShiftMovesTheStone) {
  Pose pose;
  pose.shift_x = 0.1;
  pose.shift_y = 0.05;
  cv::Mat picture = Render(IdealStone(40.75), pose, 200);
  cv::Mat gray;
  cv::cvtColor(picture, gray, cv::COLOR_BGR2GRAY);
  cv::Rect box = cv::boundingRect(gray > 0.001f);
  double pixels_per_diameter = 0.65 * 200;
  EXPECT_NEAR(box.x + box.width / 2.0, 100 + 0.1 * pixels_per_diameter, 2);
  EXPECT_NEAR(box.y + box.height / 2.0, 100 - 0.05 * pixels_per_diameter, 2);
}

// An ideal brilliant has eightfold symmetry: turning it by 45 degrees leaves
// its picture unchanged, turning it by 22.5 does not; a real stone's
// irregularities break the symmetry.
TEST(RenderTest, RotationRespectsTheCutsSymmetry) {
  StoneGeometry ideal = IdealStone(40.75);
  Pose eighth, sixteenth;
  eighth.rotation_deg = 45;
  sixteenth.rotation_deg = 22.5;
  cv::Mat base = Render(ideal, {}, 96);
  EXPECT_LT(MeanAbsDifference(base, Render(ideal, eighth, 96)), 0.01);
  EXPECT_GT(MeanAbsDifference(base, Render(ideal, sixteenth, 96)), 0.05);

  StoneGeometry real = BuildGeometry(GenerateStone(3, 1));
  EXPECT_GT(MeanAbsDifference(Render(real, {}, 96), Render(real, eighth, 96)),
            0.02);
}

TEST(RenderTest, TiltChangesThePattern) {
  StoneGeometry stone = BuildGeometry(GenerateStone(3, 2));
  Pose tilted;
  tilted.tilt_deg = 2;
  EXPECT_GT(MeanAbsDifference(Render(stone, {}, 96), Render(stone, tilted, 96)),
            0.02);
}

TEST(RenderTest, ThreadsDoNotChangeThePicture) {
  StoneGeometry stone = BuildGeometry(GenerateStone(5, 0));
  cv::Mat one = Render(stone, {}, 64, 1);
  cv::Mat three = Render(stone, {}, 64, 3);
  EXPECT_EQ(cv::norm(one, three, cv::NORM_INF), 0.0);
}

TEST(RenderTest, BadOptionsNameTheValue) {
  RenderOptions options;
  options.size = 4;
  EXPECT_THROW(options.Check(), InputError);
  options.size = 64;
  options.supersampling = 0;
  EXPECT_THROW(options.Check(), InputError);
}

}  // namespace
}  // namespace diareid::sim
