// A round brilliant: its cut, how one stone departs from the ideal cut, and
// the facet planes whose half-spaces intersect to make the stone.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "diareid/sim/vec3.h"

namespace diareid::sim {

// Proportions of a round brilliant; lengths are fractions of the girdle
// diameter, angles in degrees from the girdle plane.
struct CutParameters {
  // Table width, corner to corner.
  double table = 0.56;
  // Inclination of the bezels (crown mains).
  double crown_angle_deg = 34.5;
  // Inclination of the pavilion mains.
  double pavilion_angle_deg = 40.75;
  // Girdle thickness where the halves touch it.
  double girdle = 0.02;
  // How far the star tips reach from the table edge to the girdle (0-1).
  double star_length = 0.55;
  // How far the lower halves reach from the girdle to the culet (0-1).
  double lower_girdle_length = 0.80;
  // Culet width; 0 for a pointed culet (57 facets).
  double culet = 0.0;
  // Throws InputError naming the first value out of its range.
  void Check() const;
};

// Departure of one facet plane from its ideal position.
struct FacetDeviation {
  double inclination_deg = 0;
  double azimuth_deg = 0;
  // Along the outward normal, in diameters: the facet grows when negative.
  double offset = 0;
};

// What an inclusion does to light that meets it.
enum class InclusionKind { kDarkCrystal, kCloud };

// A small sphere inside the stone that absorbs (a dark crystal) or scatters
// (a cloud or feather) the light.
struct Inclusion {
  InclusionKind kind = InclusionKind::kDarkCrystal;
  Vec3 centre;
  double radius = 0.02;
};

// Everything that makes one stone differ from the ideal of its cut.
struct Irregularities {
  // One per facet, in the order of FacetNames(); empty means none.
  std::vector<FacetDeviation> facets;
  // Rotation of the crown and of the pavilion about the vertical axis.
  double crown_twist_deg = 0;
  double pavilion_twist_deg = 0;
  // Horizontal offset of the table centre and of the culet, in diameters.
  double table_offset_x = 0;
  double table_offset_y = 0;
  double culet_offset_x = 0;
  double culet_offset_y = 0;
  // Girdle out of round: (largest - smallest) / mean diameter, and the
  // azimuth of the largest diameter.
  double out_of_round = 0;
  double out_of_round_azimuth_deg = 0;
  // Per star and per pair of lower halves, added to the cut's lengths.
  std::vector<double> star_length_deltas;
  std::vector<double> lower_girdle_length_deltas;
  std::vector<Inclusion> inclusions;
};

// A stone: its identity, its cut and its irregularities. It fully
// determines the geometry.
struct StoneRecipe {
  uint64_t seed = 0;
  long index = 0;
  CutParameters cut;
  Irregularities irregularities;
};

// The spread of stones the generator makes (uniform ranges for the cut,
// standard deviations or maxima for the irregularities).
struct StoneTolerances {
  double table_min = 0.53, table_max = 0.61;
  double crown_angle_min = 32.0, crown_angle_max = 36.0;
  double pavilion_angle_min = 40.5, pavilion_angle_max = 41.7;
  double girdle_min = 0.012, girdle_max = 0.035;
  double star_length_min = 0.45, star_length_max = 0.62;
  double lower_girdle_min = 0.72, lower_girdle_max = 0.84;
  // Standard deviations per facet.
  double facet_inclination_sigma_deg = 0.25;
  double facet_azimuth_sigma_deg = 0.3;
  double facet_offset_sigma = 0.002;
  double twist_sigma_deg = 0.5;
  // Maxima.
  double table_offset_max = 0.012;
  double culet_offset_max = 0.02;
  double out_of_round_max = 0.015;
  double length_delta_sigma = 0.025;
  int inclusions_max = 3;
};

// The identifier of a generated stone: "s<seed>-<index, 5 digits>", for
// example "s7-00003".
std::string StoneId(uint64_t seed, long index);

// The stone number `index` of the population `seed`: always the same stone.
StoneRecipe GenerateStone(uint64_t seed, long index,
                          const StoneTolerances& tolerances = {});

// Names of the facets in order: table, bezel-1..8, star-1..8,
// upper-half-1..16, pavilion-main-1..8, lower-half-1..16, culet.
std::vector<std::string> FacetNames();

// Number of facets in FacetNames() (the culet included).
constexpr int kFacetCount = 58;

// One bounding plane: points x of the stone satisfy Dot(normal, x) <= offset.
struct FacetPlane {
  Vec3 normal;
  double offset = 0;
};

// The solid: facet half-spaces intersected with an elliptic girdle cylinder
// (x, y) Q (x, y)^T <= 1, plus inclusions.
struct StoneGeometry {
  std::vector<FacetPlane> planes;
  std::vector<std::string> plane_names;
  double girdle_qxx = 4, girdle_qxy = 0, girdle_qyy = 4;
  std::vector<Inclusion> inclusions;
};

// Builds the facet planes of a stone from its recipe; throws InputError
// when the cut is out of range.
StoneGeometry BuildGeometry(const StoneRecipe& recipe);

// Whether a point lies inside the stone, at least `margin` from its surface.
bool Contains(const StoneGeometry& geometry, Vec3 point, double margin = 0);

}  // namespace diareid::sim
