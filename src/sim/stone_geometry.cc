// Facet planes of a round brilliant from its cut and its irregularities.
//
// Construction, diameter 1 (radius R = 0.5), girdle plane at z = 0: the
// table is horizontal at the crown height; each bezel contains its table
// corner and its girdle point; stars and upper halves are planes through
// three of the meeting points (table corners, star tips, girdle points); the
// pavilion mains meet at the culet point; the lower halves are planes through
// two girdle points and a lower tip. Deviations then turn each plane about
// a point of its facet, and the girdle is an elliptic cylinder.
#include <algorithm>
#include <cmath>
#include <string>

#include "diareid/sim/stone.h"

namespace diareid::sim {
namespace {

constexpr double kRadius = 0.5;
constexpr double kMainStepDeg = 45.0;

Vec3 Horizontal(double azimuth_deg, double length) {
  double a = Radians(azimuth_deg);
  return {length * std::cos(a), length * std::sin(a), 0};
}

// The point where three planes meet (Cramer's rule with cross products).
Vec3 Intersect3(const FacetPlane& a, const FacetPlane& b, const FacetPlane& c) {
  Vec3 bc = Cross(b.normal, c.normal);
  Vec3 ca = Cross(c.normal, a.normal);
  Vec3 ab = Cross(a.normal, b.normal);
  double det = Dot(a.normal, bc);
  return (1.0 / det) * (a.offset * bc + b.offset * ca + c.offset * ab);
}

// A plane through three points, its normal pointing up (crown) or down
// (pavilion).
FacetPlane ThroughPoints(Vec3 p, Vec3 q, Vec3 r, bool upward) {
  Vec3 n = Normalized(Cross(q - p, r - p));
  if ((n.z > 0) != upward) n = -1.0 * n;
  return {n, Dot(n, p)};
}

// A plane through two points that also contains a horizontal direction.
FacetPlane ThroughPointsAndTangent(Vec3 p, Vec3 q, Vec3 tangent, bool upward) {
  Vec3 n = Normalized(Cross(q - p, tangent));
  if ((n.z > 0) != upward) n = -1.0 * n;
  return {n, Dot(n, p)};
}

// Turns a plane about `pivot`: inclination about the horizontal axis across
// its azimuth, then azimuth about the vertical; then shifts it.
FacetPlane Deviate(const FacetPlane& plane, Vec3 pivot,
                   const FacetDeviation& dev, bool is_table) {
  Vec3 n = plane.normal;
  double azimuth = std::atan2(n.y, n.x);
  if (is_table) azimuth = Radians(dev.azimuth_deg);
  Vec3 across{-std::sin(azimuth), std::cos(azimuth), 0};
  n = AxisAngle(across, Radians(dev.inclination_deg)) * n;
  if (!is_table) n = AxisAngle({0, 0, 1}, Radians(dev.azimuth_deg)) * n;
  n = Normalized(n);
  return {n, Dot(n, pivot) + dev.offset};
}

}  // namespace

StoneGeometry BuildGeometry(const StoneRecipe& recipe) {
  const CutParameters& cut = recipe.cut;
  cut.Check();
  const Irregularities& irr = recipe.irregularities;
  auto star_length = [&](int j) {
    double d = irr.star_length_deltas.empty() ? 0 : irr.star_length_deltas[j];
    return std::clamp(cut.star_length + d, 0.2, 0.9);
  };
  auto lower_length = [&](int j) {
    double d = irr.lower_girdle_length_deltas.empty()
                   ? 0
                   : irr.lower_girdle_length_deltas[j];
    return std::clamp(cut.lower_girdle_length + d, 0.4, 0.95);
  };

  const double h = cut.girdle / 2;
  const double tan_c = std::tan(Radians(cut.crown_angle_deg));
  const double tan_p = std::tan(Radians(cut.pavilion_angle_deg));
  const double corner = cut.table * kRadius;
  const double table_z = h + (kRadius - corner) * tan_c;
  const double apex_z = -h - kRadius * tan_p;
  const Vec3 table_shift{irr.table_offset_x, irr.table_offset_y, 0};
  const Vec3 culet_shift{irr.culet_offset_x, irr.culet_offset_y, 0};
  const double cos_half = std::cos(Radians(kMainStepDeg / 2));

  std::vector<FacetPlane> planes;
  std::vector<Vec3> pivots;
  auto add = [&](FacetPlane p, Vec3 pivot) {
    planes.push_back(p);
    pivots.push_back(pivot);
  };

  // Crown.
  add({{0, 0, 1}, table_z}, table_shift + Vec3{0, 0, table_z});
  Vec3 table_corner[8], crown_girdle[8];
  FacetPlane bezel[8];
  for (int k = 0; k < 8; ++k) {
    double az = k * kMainStepDeg + irr.crown_twist_deg;
    table_corner[k] = Horizontal(az, corner) + table_shift;
    table_corner[k].z = table_z;
    crown_girdle[k] = Horizontal(az, kRadius);
    crown_girdle[k].z = h;
    Vec3 tangent = Horizontal(az + 90, 1);
    bezel[k] = ThroughPointsAndTangent(table_corner[k], crown_girdle[k],
                                       tangent, /*upward=*/true);
    add(bezel[k], 0.5 * (table_corner[k] + crown_girdle[k]));
  }
  Vec3 star_tip[8];
  for (int j = 0; j < 8; ++j) {
    double az = (j + 0.5) * kMainStepDeg + irr.crown_twist_deg;
    double edge = corner * cos_half;
    double reach = edge + star_length(j) * (kRadius - edge);
    Vec3 u = Horizontal(az, 1);
    FacetPlane radial{u, reach + Dot(u, table_shift) * (1 - star_length(j))};
    star_tip[j] = Intersect3(bezel[j], bezel[(j + 1) % 8], radial);
  }
  for (int j = 0; j < 8; ++j) {
    Vec3 a = table_corner[j], b = table_corner[(j + 1) % 8];
    add(ThroughPoints(a, b, star_tip[j], true),
        (1.0 / 3) * (a + b + star_tip[j]));
  }
  for (int j = 0; j < 8; ++j) {
    double az = (j + 0.5) * kMainStepDeg + irr.crown_twist_deg;
    Vec3 valley = Horizontal(az, kRadius);
    valley.z = h;
    for (int side = 0; side < 2; ++side) {
      Vec3 g = crown_girdle[(j + side) % 8];
      add(ThroughPoints(g, valley, star_tip[j], true),
          (1.0 / 3) * (g + valley + star_tip[j]));
    }
  }

  // Pavilion.
  Vec3 apex = culet_shift + Vec3{0, 0, apex_z};
  Vec3 pavilion_girdle[8];
  FacetPlane main[8];
  for (int k = 0; k < 8; ++k) {
    double az = k * kMainStepDeg + irr.pavilion_twist_deg;
    pavilion_girdle[k] = Horizontal(az, kRadius);
    pavilion_girdle[k].z = -h;
    main[k] = ThroughPointsAndTangent(apex, pavilion_girdle[k],
                                      Horizontal(az + 90, 1), false);
    add(main[k], 0.5 * (apex + pavilion_girdle[k]));
  }
  for (int j = 0; j < 8; ++j) {
    double az = (j + 0.5) * kMainStepDeg + irr.pavilion_twist_deg;
    Vec3 u = Horizontal(az, 1);
    double len = lower_length(j);
    FacetPlane radial{u, kRadius * (1 - len) + Dot(u, culet_shift) * len};
    Vec3 tip = Intersect3(main[j], main[(j + 1) % 8], radial);
    Vec3 valley = Horizontal(az, kRadius);
    valley.z = -h;
    for (int side = 0; side < 2; ++side) {
      Vec3 g = pavilion_girdle[(j + side) % 8];
      add(ThroughPoints(g, valley, tip, false), (1.0 / 3) * (g + valley + tip));
    }
  }
  if (cut.culet > 0) {
    double culet_z = apex_z + cut.culet / 2 * tan_p;
    add({{0, 0, -1}, -culet_z}, apex + Vec3{0, 0, cut.culet / 2 * tan_p});
  }

  StoneGeometry geometry;
  std::vector<std::string> names = FacetNames();
  for (size_t i = 0; i < planes.size(); ++i) {
    FacetPlane plane = planes[i];
    if (i < irr.facets.size())
      plane = Deviate(plane, pivots[i], irr.facets[i], i == 0);
    geometry.planes.push_back(plane);
    geometry.plane_names.push_back(names[i]);
  }

  double e = std::clamp(irr.out_of_round, 0.0, 0.2);
  double a = kRadius * (1 + e / 2), b = kRadius * (1 - e / 2);
  double t = Radians(irr.out_of_round_azimuth_deg);
  double c = std::cos(t), s = std::sin(t);
  geometry.girdle_qxx = c * c / (a * a) + s * s / (b * b);
  geometry.girdle_qyy = s * s / (a * a) + c * c / (b * b);
  geometry.girdle_qxy = c * s * (1 / (a * a) - 1 / (b * b));
  geometry.inclusions = irr.inclusions;
  return geometry;
}

}  // namespace diareid::sim
