#include "diareid/sim/nuisance.h"

#include <gtest/gtest.h>

#include <cmath>

#include "diareid/core/error.h"

namespace diareid::sim {
namespace {

cv::Mat Grey(int size, float level) {
  return cv::Mat(size, size, CV_32FC3, cv::Scalar::all(level));
}

TEST(NuisanceTest, PresetsAreKnownByName) {
  for (const std::string& name : NuisancePresetNames())
    EXPECT_NO_THROW(NuisancePreset(name).Check());
  EXPECT_THROW(NuisancePreset("foggy"), InputError);
  EXPECT_LT(NuisancePreset("realistic").max_tilt_deg,
            NuisancePreset("hard").max_tilt_deg);
}

TEST(NuisanceTest, DrawsAreReproducibleAndWithinRanges) {
  NuisanceRanges hard = NuisancePreset("hard");
  for (int shot = 0; shot < 200; ++shot) {
    ShotConditions c = DrawShot(hard, 9, 4, shot, 256);
    ShotConditions again = DrawShot(hard, 9, 4, shot, 256);
    EXPECT_EQ(c.pose.rotation_deg, again.pose.rotation_deg);
    EXPECT_EQ(c.noise_seed, again.noise_seed);
    EXPECT_LE(std::hypot(c.pose.shift_x, c.pose.shift_y), hard.max_shift);
    EXPECT_LE(c.pose.tilt_deg, hard.max_tilt_deg);
    EXPECT_LE(std::abs(c.exposure - 1), hard.exposure);
    EXPECT_LE(std::abs(c.gain_red - 1), hard.white_balance);
    EXPECT_GE(c.jpeg_quality, hard.jpeg_quality_min);
    EXPECT_LE(c.jpeg_quality, hard.jpeg_quality_max);
    EXPECT_GE(c.pose.rotation_deg, 0);
    EXPECT_LT(c.pose.rotation_deg, 360);
  }
  EXPECT_NE(DrawShot(hard, 9, 4, 0, 256).pose.rotation_deg,
            DrawShot(hard, 9, 4, 1, 256).pose.rotation_deg);
}

TEST(NuisanceTest, CleanPresetLeavesThePictureAlone) {
  NuisanceRanges clean = NuisancePreset("clean");
  ShotConditions c = DrawShot(clean, 1, 0, 0, 32);
  cv::Mat picture = ApplyCameraEffects(Grey(32, 0.5f), c, clean);
  EXPECT_EQ(picture.type(), CV_8UC3);
  double lo, hi;
  cv::minMaxLoc(picture.reshape(1), &lo, &hi);
  EXPECT_EQ(lo, 128);
  EXPECT_EQ(hi, 128);
}

TEST(NuisanceTest, ExposureAndWhiteBalanceScaleTheChannels) {
  NuisanceRanges clean = NuisancePreset("clean");
  ShotConditions c;
  c.exposure = 1.2;
  c.gain_blue = 0.5;
  c.gain_red = 1.5;
  cv::Scalar mean = cv::mean(ApplyCameraEffects(Grey(16, 0.5f), c, clean));
  EXPECT_NEAR(mean[0], 255 * 0.5 * 1.2 * 0.5, 1);
  EXPECT_NEAR(mean[1], 255 * 0.5 * 1.2, 1);
  EXPECT_NEAR(mean[2], 255 * 0.5 * 1.2 * 1.5, 1);
}

// Dust sits on the optics: the same dark specks in every shot.
TEST(NuisanceTest, DustStaysPutAcrossShots) {
  NuisanceRanges ranges = NuisancePreset("clean");
  ranges.dust_specks = 4;
  cv::Mat a = ApplyCameraEffects(Grey(128, 0.8f),
                                 DrawShot(ranges, 1, 0, 0, 128), ranges);
  cv::Mat b = ApplyCameraEffects(Grey(128, 0.8f),
                                 DrawShot(ranges, 1, 5, 3, 128), ranges);
  EXPECT_EQ(cv::norm(a, b, cv::NORM_INF), 0.0);
  double lo;
  cv::minMaxLoc(a.reshape(1), &lo);
  EXPECT_LT(lo, 0.8 * 255 * 0.8);
  ranges.dust_seed = 2;
  cv::Mat other_rig = ApplyCameraEffects(
      Grey(128, 0.8f), DrawShot(ranges, 1, 0, 0, 128), ranges);
  EXPECT_GT(cv::norm(a, other_rig, cv::NORM_INF), 10);
}

TEST(NuisanceTest, NoiseIsFreshPerShotAndBlurSoftensEdges) {
  NuisanceRanges ranges = NuisancePreset("clean");
  ShotConditions c;
  c.noise = 0.02;
  c.noise_seed = 1;
  cv::Mat a = ApplyCameraEffects(Grey(64, 0.5f), c, ranges);
  c.noise_seed = 2;
  cv::Mat b = ApplyCameraEffects(Grey(64, 0.5f), c, ranges);
  EXPECT_GT(cv::norm(a, b, cv::NORM_INF), 0);
  cv::Scalar mean, stddev;
  cv::meanStdDev(a.reshape(1), mean, stddev);
  EXPECT_NEAR(stddev[0], 0.02 * 255, 1.5);

  cv::Mat edge = Grey(64, 0);
  edge(cv::Rect(32, 0, 32, 64)).setTo(cv::Scalar::all(1));
  ShotConditions blurred;
  blurred.blur_px = 2;
  cv::Mat soft = ApplyCameraEffects(edge, blurred, ranges);
  EXPECT_GT(soft.at<cv::Vec3b>(10, 31)[1], 20);
  EXPECT_LT(soft.at<cv::Vec3b>(10, 32)[1], 235);
}

}  // namespace
}  // namespace diareid::sim
