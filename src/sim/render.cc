// Backward ray tracing through the stone. Each camera ray splits once where
// it meets the stone (the Fresnel reflection leaves at once, the refracted
// part goes in); inside, every facet it meets lets part out (coloured by the
// band it leaves towards) and reflects the rest, or reflects all of it
// beyond the critical angle, so a ray is a chain, not a tree.
#include "diareid/sim/render.h"

#include <cmath>
#include <limits>
#include <vector>

#include "diareid/core/error.h"
#include "parallel.h"
#include "random.h"

namespace diareid::sim {
namespace {

constexpr double kSinRedBand = 0.70710678118654752;   // sin 45 deg
constexpr double kSinBlueBand = 0.96592582628906829;  // sin 75 deg
// Schlick's reflectance at normal incidence, ((n - 1) / (n + 1))^2.
constexpr double kR0 = (kDiamondIndex - 1) * (kDiamondIndex - 1) /
                       ((kDiamondIndex + 1) * (kDiamondIndex + 1));
// Light scattered by a cloud that goes on (the rest is absorbed).
constexpr double kCloudAlbedo = 0.7;
// Below this a ray's remaining light is not worth following.
constexpr double kNegligibleWeight = 0.004;

// BGR colours of the viewer's bands, 0 to 1.
const Vec3 kBandColour[4] = {
    {0.16, 0.74, 0.18},  // green
    {0.14, 0.12, 0.88},  // red
    {0.90, 0.38, 0.12},  // blue
    {0.0, 0.0, 0.0},     // leak
};

double Schlick(double cosine) {
  double m = 1 - cosine;
  double m2 = m * m;
  return kR0 + (1 - kR0) * m2 * m2 * m;
}

// The stone prepared for one pose: planes as flat arrays, the view
// direction in the stone's frame and its dot products with every normal.
class Tracer {
 public:
  Tracer(const StoneGeometry& stone, const Pose& pose, int max_bounces)
      : stone_(stone), max_bounces_(max_bounces) {
    Mat3 spin = AxisAngle({0, 0, 1}, Radians(pose.rotation_deg));
    double a = Radians(pose.tilt_azimuth_deg);
    Mat3 tilt =
        AxisAngle({std::cos(a), std::sin(a), 0}, Radians(pose.tilt_deg));
    to_world_ = tilt * spin;
    to_stone_ = to_world_.Transposed();
    shift_ = {pose.shift_x, pose.shift_y, 0};
    view_ = to_stone_ * Vec3{0, 0, -1};
    for (const FacetPlane& p : stone.planes) {
      nx_.push_back(p.normal.x);
      ny_.push_back(p.normal.y);
      nz_.push_back(p.normal.z);
      d_.push_back(p.offset);
      view_dot_.push_back(Dot(p.normal, view_));
    }
    double tr = stone.girdle_qxx + stone.girdle_qyy;
    double det = stone.girdle_qxx * stone.girdle_qyy -
                 stone.girdle_qxy * stone.girdle_qxy;
    double smallest = tr / 2 - std::sqrt(std::max(0.0, tr * tr / 4 - det));
    reach_ = 1 / std::sqrt(smallest) +
             std::sin(Radians(std::abs(pose.tilt_deg))) * 0.6 + 1e-3;
  }

  // Whether a vertical ray through (x, y) can meet the stone at all.
  bool MayHit(double x, double y, double margin) const {
    double dx = x - shift_.x, dy = y - shift_.y;
    return dx * dx + dy * dy <= (reach_ + margin) * (reach_ + margin);
  }

  Vec3 Trace(double x, double y) const {
    Vec3 origin = to_stone_ * Vec3{x - shift_.x, y - shift_.y, 2.0};
    // Where the camera ray enters and whether it meets the stone.
    double t_in = -std::numeric_limits<double>::infinity();
    double t_out = std::numeric_limits<double>::infinity();
    int entry = -2;
    const int n = static_cast<int>(d_.size());
    for (int i = 0; i < n; ++i) {
      double gap =
          d_[i] - (nx_[i] * origin.x + ny_[i] * origin.y + nz_[i] * origin.z);
      double nd = view_dot_[i];
      if (nd < 0) {
        double t = gap / nd;
        if (t > t_in) t_in = t, entry = i;
      } else if (nd > 0) {
        t_out = std::min(t_out, gap / nd);
      } else if (gap < 0) {
        return {};
      }
    }
    double a = GirdleForm(view_, view_);
    double b = 2 * GirdleForm(origin, view_);
    double c = GirdleForm(origin, origin) - 1;
    if (a < 1e-12) {
      if (c > 0) return {};
    } else {
      double disc = b * b - 4 * a * c;
      if (disc < 0) return {};
      double root = std::sqrt(disc);
      double t1 = (-b - root) / (2 * a), t2 = (-b + root) / (2 * a);
      if (t1 > t_in) t_in = t1, entry = -1;
      t_out = std::min(t_out, t2);
    }
    if (!(t_in < t_out) || entry == -2) return {};

    Vec3 point = origin + t_in * view_;
    Vec3 normal = NormalAt(entry, point);
    double cos_i = -Dot(view_, normal);
    double reflectance = Schlick(cos_i);
    Vec3 light = reflectance * Colour(view_ + 2 * cos_i * normal);
    double eta = 1 / kDiamondIndex;
    double cos_t = std::sqrt(1 - eta * eta * (1 - cos_i * cos_i));
    Vec3 dir = eta * view_ + (eta * cos_i - cos_t) * normal;
    return light + (1 - reflectance) * Inside(point, dir);
  }

 private:
  double GirdleForm(Vec3 u, Vec3 v) const {
    return stone_.girdle_qxx * u.x * v.x +
           stone_.girdle_qxy * (u.x * v.y + u.y * v.x) +
           stone_.girdle_qyy * u.y * v.y;
  }

  Vec3 NormalAt(int facet, Vec3 p) const {
    if (facet >= 0) return {nx_[facet], ny_[facet], nz_[facet]};
    return Normalized({stone_.girdle_qxx * p.x + stone_.girdle_qxy * p.y,
                       stone_.girdle_qxy * p.x + stone_.girdle_qyy * p.y, 0});
  }

  // The band colour of a direction in the stone's frame.
  Vec3 Colour(Vec3 stone_dir) const {
    return kBandColour[static_cast<int>(
        BandOfDirection(to_world_ * stone_dir))];
  }

  // Follows light inside the stone from `p` along `dir` (unit length);
  // returns what leaves it towards the viewer's bands, per unit of weight.
  Vec3 Inside(Vec3 p, Vec3 dir) const {
    Vec3 light;
    double weight = 1;
    const int n = static_cast<int>(d_.size());
    for (int bounce = 0; bounce < max_bounces_; ++bounce) {
      double t_hit = std::numeric_limits<double>::infinity();
      int facet = -1;
      for (int i = 0; i < n; ++i) {
        double nd = nx_[i] * dir.x + ny_[i] * dir.y + nz_[i] * dir.z;
        if (nd <= 0) continue;
        double gap = d_[i] - (nx_[i] * p.x + ny_[i] * p.y + nz_[i] * p.z);
        double t = std::max(gap, 0.0) / nd;
        if (t < t_hit) t_hit = t, facet = i;
      }
      double a = GirdleForm(dir, dir);
      if (a > 1e-12) {
        double b = 2 * GirdleForm(p, dir);
        double c = GirdleForm(p, p) - 1;
        double disc = b * b - 4 * a * c;
        if (disc > 0) {
          double t = (-b + std::sqrt(disc)) / (2 * a);
          if (t < t_hit) t_hit = std::max(t, 0.0), facet = -1;
        }
      }
      if (!stone_.inclusions.empty()) {
        const Inclusion* met = nullptr;
        for (const Inclusion& inc : stone_.inclusions) {
          Vec3 oc = p - inc.centre;
          double b = Dot(oc, dir);
          double disc = b * b - (Dot(oc, oc) - inc.radius * inc.radius);
          if (disc <= 0) continue;
          double t = -b - std::sqrt(disc);
          if (t > 1e-9 && t < t_hit) t_hit = t, met = &inc;
        }
        if (met != nullptr) {
          if (met->kind == InclusionKind::kDarkCrystal) return light;
          p = p + t_hit * dir;
          dir = ScatterDirection(p);
          weight *= kCloudAlbedo;
          continue;
        }
      }
      p = p + t_hit * dir;
      Vec3 normal = NormalAt(facet, p);
      double cos_i = Dot(dir, normal);
      Vec3 reflected = dir - 2 * cos_i * normal;
      double sin2_t = kDiamondIndex * kDiamondIndex * (1 - cos_i * cos_i);
      if (sin2_t < 1) {
        double cos_t = std::sqrt(1 - sin2_t);
        double reflectance = Schlick(cos_t);
        Vec3 out =
            kDiamondIndex * dir + (cos_t - kDiamondIndex * cos_i) * normal;
        light = light + weight * (1 - reflectance) * Colour(out);
        weight *= reflectance;
        if (weight < kNegligibleWeight) break;
      }
      dir = reflected;
    }
    return light;
  }

  // A direction in every direction alike, fixed by where the ray is.
  static Vec3 ScatterDirection(Vec3 p) {
    uint64_t key = SeedOf(static_cast<uint64_t>(p.x * 1e9),
                          static_cast<uint64_t>(p.y * 1e9),
                          static_cast<uint64_t>(p.z * 1e9));
    Random random(key);
    double z = random.Uniform(-1, 1);
    double phi = random.Uniform(0, 6.283185307179586);
    double r = std::sqrt(1 - z * z);
    return {r * std::cos(phi), r * std::sin(phi), z};
  }

  const StoneGeometry& stone_;
  int max_bounces_;
  Mat3 to_world_, to_stone_;
  Vec3 shift_, view_;
  std::vector<double> nx_, ny_, nz_, d_, view_dot_;
  double reach_ = 1;
};

}  // namespace

AsetBand BandOfDirection(Vec3 direction) {
  double z = direction.z / Norm(direction);
  if (z < 0) return AsetBand::kLeak;
  if (z < kSinRedBand) return AsetBand::kGreen;
  if (z < kSinBlueBand) return AsetBand::kRed;
  return AsetBand::kBlue;
}

void RenderOptions::Check() const {
  if (size < 16 || size > 8192)
    throw InputError("picture size " + std::to_string(size) +
                     " px is out of range; expected 16 to 8192");
  if (supersampling < 1 || supersampling > 8)
    throw InputError("supersampling " + std::to_string(supersampling) +
                     " is out of range; expected 1 to 8");
  if (max_bounces < 1 || max_bounces > 100)
    throw InputError("max bounces " + std::to_string(max_bounces) +
                     " is out of range; expected 1 to 100");
  if (!(stone_fraction > 0.05 && stone_fraction <= 1.0))
    throw InputError("stone fraction " + std::to_string(stone_fraction) +
                     " is out of range; expected 0.05 to 1");
}

cv::Mat RenderRadiance(const StoneGeometry& stone, const Pose& pose,
                       const RenderOptions& options) {
  options.Check();
  Tracer tracer(stone, pose, options.max_bounces);
  const int size = options.size, ss = options.supersampling;
  const double pixel = 1.0 / (options.stone_fraction * size);
  cv::Mat image(size, size, CV_32FC3, cv::Scalar::all(0));
  ParallelFor(size, options.threads, [&](int row) {
    cv::Vec3f* out = image.ptr<cv::Vec3f>(row);
    for (int col = 0; col < size; ++col) {
      double x0 = (col - size / 2.0) * pixel;
      double y0 = (size / 2.0 - row) * pixel;
      if (!tracer.MayHit(x0 + pixel / 2, y0 - pixel / 2, pixel)) continue;
      Vec3 sum;
      for (int sy = 0; sy < ss; ++sy)
        for (int sx = 0; sx < ss; ++sx)
          sum = sum + tracer.Trace(x0 + (sx + 0.5) * pixel / ss,
                                   y0 - (sy + 0.5) * pixel / ss);
      double k = 1.0 / (ss * ss);
      out[col] = cv::Vec3f(static_cast<float>(k * sum.x),
                           static_cast<float>(k * sum.y),
                           static_cast<float>(k * sum.z));
    }
  });
  return image;
}

Vec3 TraceVerticalRay(const StoneGeometry& stone, const Pose& pose, double x,
                      double y, int max_bounces) {
  return Tracer(stone, pose, max_bounces).Trace(x, y);
}

}  // namespace diareid::sim
