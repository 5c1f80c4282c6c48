// Stones and shots as JSON, for dataset manifests and capture records.
#include <cmath>

#include "diareid/sim/dataset.h"

namespace diareid::sim {
namespace {

// Rounds for the manifest: enough digits to rebuild the stone closely.
double R(double value) { return std::round(value * 1e6) / 1e6; }

}  // namespace

nlohmann::json StoneToJson(const StoneRecipe& recipe) {
  const CutParameters& cut = recipe.cut;
  const Irregularities& irr = recipe.irregularities;
  nlohmann::json facets = nlohmann::json::array();
  std::vector<std::string> names = FacetNames();
  for (size_t i = 0; i < irr.facets.size(); ++i)
    facets.push_back({{"facet", names[i]},
                      {"inclination_deg", R(irr.facets[i].inclination_deg)},
                      {"azimuth_deg", R(irr.facets[i].azimuth_deg)},
                      {"offset", R(irr.facets[i].offset)}});
  nlohmann::json inclusions = nlohmann::json::array();
  for (const Inclusion& inc : irr.inclusions)
    inclusions.push_back(
        {{"kind",
          inc.kind == InclusionKind::kDarkCrystal ? "dark crystal" : "cloud"},
         {"centre", {R(inc.centre.x), R(inc.centre.y), R(inc.centre.z)}},
         {"radius", R(inc.radius)}});
  auto rounded = [](const std::vector<double>& values) {
    nlohmann::json out = nlohmann::json::array();
    for (double v : values) out.push_back(R(v));
    return out;
  };
  return {
      {"id", StoneId(recipe.seed, recipe.index)},
      {"seed", recipe.seed},
      {"index", recipe.index},
      {"cut",
       {{"table", R(cut.table)},
        {"crown_angle_deg", R(cut.crown_angle_deg)},
        {"pavilion_angle_deg", R(cut.pavilion_angle_deg)},
        {"girdle", R(cut.girdle)},
        {"star_length", R(cut.star_length)},
        {"lower_girdle_length", R(cut.lower_girdle_length)},
        {"culet", R(cut.culet)}}},
      {"irregularities",
       {{"crown_twist_deg", R(irr.crown_twist_deg)},
        {"pavilion_twist_deg", R(irr.pavilion_twist_deg)},
        {"table_offset", {R(irr.table_offset_x), R(irr.table_offset_y)}},
        {"culet_offset", {R(irr.culet_offset_x), R(irr.culet_offset_y)}},
        {"out_of_round", R(irr.out_of_round)},
        {"out_of_round_azimuth_deg", R(irr.out_of_round_azimuth_deg)},
        {"star_length_deltas", rounded(irr.star_length_deltas)},
        {"lower_girdle_length_deltas", rounded(irr.lower_girdle_length_deltas)},
        {"facets", facets},
        {"inclusions", inclusions}}},
  };
}

nlohmann::json ShotToJson(const ShotConditions& c) {
  return {{"rotation_deg", R(c.pose.rotation_deg)},
          {"shift", {R(c.pose.shift_x), R(c.pose.shift_y)}},
          {"tilt_deg", R(c.pose.tilt_deg)},
          {"tilt_azimuth_deg", R(c.pose.tilt_azimuth_deg)},
          {"exposure", R(c.exposure)},
          {"gain_blue", R(c.gain_blue)},
          {"gain_red", R(c.gain_red)},
          {"blur_px", R(c.blur_px)},
          {"noise", R(c.noise)},
          {"jpeg_quality", c.jpeg_quality}};
}

}  // namespace diareid::sim
