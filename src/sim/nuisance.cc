// Presets, per-shot draws and the camera's effects on a rendered picture.
#include "diareid/sim/nuisance.h"

#include <cmath>
#include <cstdio>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "checks.h"
#include "diareid/core/error.h"
#include "random.h"

namespace diareid::sim {
namespace {

void CheckRange(const char* name, double value, double lo, double hi) {
  CheckParameterRange("nuisance", name, value, lo, hi);
}

}  // namespace

void NuisanceRanges::Check() const {
  CheckRange("max shift (diameters)", max_shift, 0, 0.5);
  CheckRange("max tilt (deg)", max_tilt_deg, 0, 10);
  CheckRange("exposure", exposure, 0, 0.9);
  CheckRange("white balance", white_balance, 0, 0.9);
  CheckRange("max blur (fraction of width)", max_blur, 0, 0.05);
  CheckRange("max noise", max_noise, 0, 0.5);
  CheckRange("JPEG quality min", jpeg_quality_min, 0, 100);
  CheckRange("JPEG quality max", jpeg_quality_max, jpeg_quality_min, 100);
  CheckRange("dust specks", dust_specks, 0, 100);
}

std::vector<std::string> NuisancePresetNames() {
  return {"clean", "realistic", "hard"};
}

NuisanceRanges NuisancePreset(const std::string& name) {
  NuisanceRanges r;  // realistic
  if (name == "realistic") return r;
  if (name == "clean") {
    r.max_shift = 0;
    r.max_tilt_deg = 0;
    r.exposure = 0;
    r.white_balance = 0;
    r.max_blur = 0;
    r.max_noise = 0;
    r.jpeg_quality_min = r.jpeg_quality_max = 0;
    r.dust_specks = 0;
    return r;
  }
  if (name == "hard") {
    r.max_shift = 0.10;
    r.max_tilt_deg = 2.0;
    r.exposure = 0.20;
    r.white_balance = 0.10;
    r.max_blur = 0.006;
    r.max_noise = 0.03;
    r.jpeg_quality_min = 55;
    r.jpeg_quality_max = 85;
    r.dust_specks = 8;
    return r;
  }
  throw InputError("nuisance preset '" + name +
                   "' is unknown; expected clean, realistic or hard");
}

ShotConditions DrawShot(const NuisanceRanges& ranges, uint64_t seed, long index,
                        int shot, int picture_size) {
  Random random(SeedOf(seed, static_cast<uint64_t>(index),
                       static_cast<uint64_t>(shot), 0x5407));
  ShotConditions c;
  // Every value is drawn whatever the ranges, so that changing one range
  // leaves the others' draws alone.
  double rotation = random.Uniform(0, 360);
  double shift_r = ranges.max_shift * std::sqrt(random.Uniform());
  double shift_a = random.Uniform(0, 6.283185307179586);
  double tilt = random.Uniform(0, ranges.max_tilt_deg);
  double tilt_azimuth = random.Uniform(0, 360);
  double exposure = random.Symmetric(ranges.exposure);
  double blue = random.Symmetric(ranges.white_balance);
  double red = random.Symmetric(ranges.white_balance);
  double blur = random.Uniform(0, ranges.max_blur);
  double noise = random.Uniform(0.3, 1.0) * ranges.max_noise;
  double quality = random.Uniform();
  c.noise_seed = random.Next();

  c.pose.rotation_deg = ranges.random_rotation ? rotation : 0;
  c.pose.shift_x = shift_r * std::cos(shift_a);
  c.pose.shift_y = shift_r * std::sin(shift_a);
  c.pose.tilt_deg = tilt;
  c.pose.tilt_azimuth_deg = tilt_azimuth;
  c.exposure = 1 + exposure;
  c.gain_blue = 1 + blue;
  c.gain_red = 1 + red;
  c.blur_px = blur * picture_size;
  c.noise = noise;
  if (ranges.jpeg_quality_min > 0)
    c.jpeg_quality = ranges.jpeg_quality_min +
                     static_cast<int>(quality * (ranges.jpeg_quality_max -
                                                 ranges.jpeg_quality_min + 1));
  return c;
}

cv::Mat ApplyCameraEffects(const cv::Mat& radiance,
                           const ShotConditions& conditions,
                           const NuisanceRanges& ranges) {
  DIAREID_CHECK(radiance.type() == CV_32FC3);
  cv::Mat image;
  cv::multiply(radiance,
               cv::Scalar(conditions.exposure * conditions.gain_blue,
                          conditions.exposure,
                          conditions.exposure * conditions.gain_red),
               image);

  // Dust on the optics: soft dark specks at the same place in every frame.
  Random dust(SeedOf(ranges.dust_seed, 0xd057));
  const int size = image.cols;
  for (int s = 0; s < ranges.dust_specks; ++s) {
    double cx = dust.Uniform(0.15, 0.85) * size;
    double cy = dust.Uniform(0.15, 0.85) * image.rows;
    double sigma = dust.Uniform(0.004, 0.012) * size;
    double opacity = dust.Uniform(0.25, 0.6);
    int r = static_cast<int>(3 * sigma) + 1;
    for (int y = std::max(0, int(cy) - r);
         y < std::min(image.rows, int(cy) + r); ++y) {
      cv::Vec3f* row = image.ptr<cv::Vec3f>(y);
      for (int x = std::max(0, int(cx) - r); x < std::min(size, int(cx) + r);
           ++x) {
        double d2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
        float keep = static_cast<float>(
            1 - opacity * std::exp(-d2 / (2 * sigma * sigma)));
        row[x] *= keep;
      }
    }
  }

  if (conditions.blur_px > 0.25)
    cv::GaussianBlur(image, image, cv::Size(0, 0), conditions.blur_px);
  if (conditions.noise > 0) {
    cv::Mat noise(image.size(), CV_32FC3);
    cv::RNG rng(conditions.noise_seed);
    rng.fill(noise, cv::RNG::NORMAL, 0.0, conditions.noise);
    image += noise;
  }
  cv::Mat picture;
  image.convertTo(picture, CV_8UC3, 255.0);
  if (conditions.jpeg_quality > 0) {
    std::vector<uchar> bytes;
    cv::imencode(".jpg", picture, bytes,
                 {cv::IMWRITE_JPEG_QUALITY, conditions.jpeg_quality});
    picture = cv::imdecode(bytes, cv::IMREAD_COLOR);
  }
  return picture;
}

cv::Mat RenderShot(const StoneGeometry& stone, const ShotConditions& conditions,
                   const NuisanceRanges& ranges, const RenderOptions& options) {
  return ApplyCameraEffects(RenderRadiance(stone, conditions.pose, options),
                            conditions, ranges);
}

}  // namespace diareid::sim
