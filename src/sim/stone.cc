// The cut's ranges, stone identifiers and the seeded stone generator.
#include <cmath>
#include <cstdio>

#include "checks.h"
#include "diareid/core/error.h"
#include "diareid/sim/stone.h"
#include "random.h"

namespace diareid::sim {
namespace {

void CheckRange(const char* name, double value, double lo, double hi) {
  CheckParameterRange("cut parameter", name, value, lo, hi);
}

}  // namespace

void CutParameters::Check() const {
  CheckRange("table", table, 0.40, 0.75);
  CheckRange("crown angle (deg)", crown_angle_deg, 20, 45);
  CheckRange("pavilion angle (deg)", pavilion_angle_deg, 36, 46);
  CheckRange("girdle", girdle, 0.0, 0.10);
  CheckRange("star length", star_length, 0.2, 0.9);
  CheckRange("lower girdle length", lower_girdle_length, 0.4, 0.95);
  CheckRange("culet", culet, 0.0, 0.10);
}

std::string StoneId(uint64_t seed, long index) {
  char text[64];
  std::snprintf(text, sizeof(text), "s%llu-%05ld",
                static_cast<unsigned long long>(seed), index);
  return text;
}

std::vector<std::string> FacetNames() {
  std::vector<std::string> names{"table"};
  auto series = [&](const char* name, int count) {
    for (int i = 1; i <= count; ++i)
      names.push_back(std::string(name) + "-" + std::to_string(i));
  };
  series("bezel", 8);
  series("star", 8);
  series("upper-half", 16);
  series("pavilion-main", 8);
  series("lower-half", 16);
  names.push_back("culet");
  return names;
}

bool Contains(const StoneGeometry& geometry, Vec3 point, double margin) {
  for (const FacetPlane& plane : geometry.planes)
    if (Dot(plane.normal, point) > plane.offset - margin) return false;
  double q = geometry.girdle_qxx * point.x * point.x +
             2 * geometry.girdle_qxy * point.x * point.y +
             geometry.girdle_qyy * point.y * point.y;
  // Close enough for small margins: the girdle's radius is about 0.5.
  double radius_fraction = 1 - margin / 0.5;
  return q <= radius_fraction * radius_fraction;
}

StoneRecipe GenerateStone(uint64_t seed, long index,
                          const StoneTolerances& tol) {
  if (index < 0)
    throw InputError("stone index " + std::to_string(index) +
                     " is negative; expected 0 or more");
  Random random(SeedOf(seed, static_cast<uint64_t>(index), 0x570e));
  StoneRecipe recipe;
  recipe.seed = seed;
  recipe.index = index;
  CutParameters& cut = recipe.cut;
  cut.table = random.Uniform(tol.table_min, tol.table_max);
  cut.crown_angle_deg =
      random.Uniform(tol.crown_angle_min, tol.crown_angle_max);
  cut.pavilion_angle_deg =
      random.Uniform(tol.pavilion_angle_min, tol.pavilion_angle_max);
  cut.girdle = random.Uniform(tol.girdle_min, tol.girdle_max);
  cut.star_length = random.Uniform(tol.star_length_min, tol.star_length_max);
  cut.lower_girdle_length =
      random.Uniform(tol.lower_girdle_min, tol.lower_girdle_max);
  cut.culet = random.Uniform() < 0.3 ? random.Uniform(0.005, 0.02) : 0.0;

  Irregularities& irr = recipe.irregularities;
  for (int i = 0; i < kFacetCount; ++i) {
    FacetDeviation dev;
    dev.inclination_deg = random.Normal(tol.facet_inclination_sigma_deg);
    // The table has no azimuth of its own: this is where it tilts to.
    dev.azimuth_deg = i == 0 ? random.Uniform(0, 360)
                             : random.Normal(tol.facet_azimuth_sigma_deg);
    dev.offset = random.Normal(tol.facet_offset_sigma);
    irr.facets.push_back(dev);
  }
  irr.crown_twist_deg = random.Normal(tol.twist_sigma_deg);
  irr.pavilion_twist_deg = random.Normal(tol.twist_sigma_deg);
  irr.table_offset_x = random.Symmetric(tol.table_offset_max);
  irr.table_offset_y = random.Symmetric(tol.table_offset_max);
  irr.culet_offset_x = random.Symmetric(tol.culet_offset_max);
  irr.culet_offset_y = random.Symmetric(tol.culet_offset_max);
  irr.out_of_round = random.Uniform(0, tol.out_of_round_max);
  irr.out_of_round_azimuth_deg = random.Uniform(0, 180);
  for (int j = 0; j < 8; ++j) {
    irr.star_length_deltas.push_back(random.Normal(tol.length_delta_sigma));
    irr.lower_girdle_length_deltas.push_back(
        random.Normal(tol.length_delta_sigma));
  }

  // Inclusions go where the stone is, well inside its surface.
  StoneGeometry shape = BuildGeometry(recipe);
  int count = random.Integer(0, tol.inclusions_max);
  for (int n = 0, tries = 0; n < count && tries < 200; ++tries) {
    Inclusion inclusion;
    inclusion.kind = random.Uniform() < 0.5 ? InclusionKind::kDarkCrystal
                                            : InclusionKind::kCloud;
    inclusion.radius = random.Uniform(0.008, 0.03);
    inclusion.centre = {random.Symmetric(0.4), random.Symmetric(0.4),
                        random.Uniform(-0.35, 0.12)};
    if (!Contains(shape, inclusion.centre, inclusion.radius + 0.01)) continue;
    irr.inclusions.push_back(inclusion);
    ++n;
  }
  return recipe;
}

}  // namespace diareid::sim
