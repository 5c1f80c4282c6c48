// What changes from one picture of a stone to the next: how it lies (pose)
// and what the camera does (exposure, white balance, focus, noise, JPEG,
// dust on the optics), drawn per shot from configurable ranges.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "diareid/sim/render.h"

namespace diareid::sim {

// Ranges that shots are drawn from. Presets: clean, realistic, hard.
struct NuisanceRanges {
  // Rotation about the vertical axis drawn over the full turn; else 0.
  bool random_rotation = true;
  // Largest shift of the stone's centre, in girdle diameters.
  double max_shift = 0.04;
  // Largest tilt of the girdle plane, degrees.
  double max_tilt_deg = 1.0;
  // Exposure drawn in 1 +- exposure.
  double exposure = 0.10;
  // Blue and red gains drawn in 1 +- white_balance.
  double white_balance = 0.05;
  // Largest focus blur (Gaussian sigma) as a fraction of the picture width.
  double max_blur = 0.003;
  // Largest sensor noise (Gaussian sigma), as a fraction of full scale.
  double max_noise = 0.012;
  // JPEG quality drawn in [jpeg_quality_min, jpeg_quality_max]; 0: no JPEG.
  int jpeg_quality_min = 80;
  int jpeg_quality_max = 95;
  // Dust specks on the optics: fixed in the frame for one rig (dust_seed).
  int dust_specks = 3;
  uint64_t dust_seed = 1;
  // Throws InputError naming the first value out of its range.
  void Check() const;
};

// The named preset "clean", "realistic" or "hard"; InputError otherwise.
NuisanceRanges NuisancePreset(const std::string& name);

// The names of the presets, for help texts.
std::vector<std::string> NuisancePresetNames();

// One shot's draw: the pose and the camera's state.
struct ShotConditions {
  Pose pose;
  double exposure = 1;
  double gain_blue = 1;
  double gain_red = 1;
  // Gaussian sigma, pixels.
  double blur_px = 0;
  // Gaussian sigma, fraction of full scale.
  double noise = 0;
  // 0: no JPEG compression.
  int jpeg_quality = 0;
  uint64_t noise_seed = 0;
};

// The conditions of shot `shot` of stone `index` of population `seed`:
// always the same for the same arguments.
ShotConditions DrawShot(const NuisanceRanges& ranges, uint64_t seed, long index,
                        int shot, int picture_size);

// The camera's effects on a rendered ASET picture (CV_32FC3 from
// RenderRadiance): an 8-bit BGR picture.
cv::Mat ApplyCameraEffects(const cv::Mat& radiance,
                           const ShotConditions& conditions,
                           const NuisanceRanges& ranges);

// RenderRadiance then ApplyCameraEffects.
cv::Mat RenderShot(const StoneGeometry& stone, const ShotConditions& conditions,
                   const NuisanceRanges& ranges, const RenderOptions& options);

}  // namespace diareid::sim
