// The optics of an ASET viewer: rays traced backwards from a camera looking
// straight down, through the stone, to the band of the viewer they come from.
#pragma once

#include <opencv2/core.hpp>

#include "diareid/sim/stone.h"
#include "diareid/sim/vec3.h"

namespace diareid::sim {

// Refractive index of diamond at 589.3 nm.
constexpr double kDiamondIndex = 2.417;

// The bands of an ASET viewer, by elevation of the light's direction.
enum class AsetBand {
  kGreen,  // 0 to 45 degrees: low-angle light
  kRed,    // 45 to 75 degrees: the brightest light
  kBlue,   // 75 to 90 degrees: obstructed by the viewer's head
  kLeak,   // below the girdle plane: light lost through the pavilion
};

// The band seen along a direction leaving the stone (world frame, z up).
AsetBand BandOfDirection(Vec3 direction);

// How the stone lies under the camera for one shot.
struct Pose {
  // Rotation about the vertical axis, any angle.
  double rotation_deg = 0;
  // Position of the stone's centre, in girdle diameters (x right, y up).
  double shift_x = 0;
  double shift_y = 0;
  // Tilt of the girdle plane, and the azimuth of the axis it tilts about.
  double tilt_deg = 0;
  double tilt_azimuth_deg = 0;
};

// Picture size and tracing budget.
struct RenderOptions {
  // Width and height of the picture in pixels.
  int size = 256;
  // Rays per pixel along each side (2: four rays per pixel).
  int supersampling = 2;
  // Internal reflections followed before a ray's light counts as lost.
  int max_bounces = 12;
  // Girdle diameter as a fraction of the picture width.
  double stone_fraction = 0.65;
  // Worker threads; 0 uses all cores.
  int threads = 0;
  // Throws InputError naming the first value out of its range.
  void Check() const;
};

// The ASET picture of a stone, before any camera effect: CV_32FC3, BGR in
// 0 to 1, the stone on the viewer's black background.
cv::Mat RenderRadiance(const StoneGeometry& stone, const Pose& pose,
                       const RenderOptions& options);

// The light (BGR, 0 to 1) that reaches the camera along one vertical ray
// through the point (x, y) of the picture plane, in girdle diameters from
// the picture's centre; the ray starts above the stone. For tests.
Vec3 TraceVerticalRay(const StoneGeometry& stone, const Pose& pose, double x,
                      double y, int max_bounces = 12);

}  // namespace diareid::sim
