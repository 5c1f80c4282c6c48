// The simulated camera: where the scripted firmware says the table is picks
// the well under the lens; the well's offset from the lens becomes a shift
// in the picture; a placement fixes how each stone lies.
#include "diareid/sim/sim_camera.h"

#include <spdlog/spdlog.h>

#include <cmath>
#include <limits>
#include <mutex>

#include "diareid/core/error.h"
#include "diareid/rig/camera.h"
#include "diareid/rig/rig_file.h"
#include "diareid/sim/nuisance.h"
#include "random.h"

namespace diareid::sim {
namespace {

const char* const kKnownSettings[] = {
    "size",     "preset",    "placement",     "stone_diameter_mm",
    "exposure", "dust_seed", "supersampling", "backend"};

double NumberSetting(const CameraSettings& settings, const std::string& key,
                     double fallback, double lo, double hi) {
  auto it = settings.find(key);
  if (it == settings.end()) return fallback;
  double value = 0;
  try {
    size_t used = 0;
    value = std::stod(it->second, &used);
    if (used != it->second.size()) throw std::invalid_argument("trailing");
  } catch (const std::exception&) {
    throw InputError("camera." + key + " = '" + it->second +
                     "' is not a number");
  }
  if (!(value >= lo && value <= hi))
    throw InputError("camera." + key + " = " + it->second +
                     " is out of range; expected " + std::to_string(lo) +
                     " to " + std::to_string(hi));
  return value;
}

// A stone in a well: "<seed>:<index>".
struct PlacedStone {
  uint64_t seed = 0;
  long index = 0;
  StoneGeometry geometry;
};

PlacedStone ParseStone(const Well& well) {
  size_t colon = well.stone.find(':');
  PlacedStone placed;
  try {
    placed.seed = std::stoull(well.stone.substr(0, colon));
    placed.index = std::stol(well.stone.substr(colon + 1));
  } catch (const std::exception&) {
    throw InputError("well " + well.name + " stone = '" + well.stone +
                     "'; expected \"<seed>:<index>\", such as \"7:12\"");
  }
  placed.geometry = BuildGeometry(GenerateStone(placed.seed, placed.index));
  return placed;
}

class SimulatedCamera : public Camera {
 public:
  SimulatedCamera(const CameraSettings& settings, const CameraContext& context)
      : settings_(settings), context_(context) {
    for (const auto& [key, value] : settings) {
      bool known = false;
      for (const char* name : kKnownSettings) known = known || key == name;
      if (!known)
        spdlog::warn("Simulated camera ignores setting camera.{} = {}", key,
                     value);
    }
    render_.size =
        static_cast<int>(NumberSetting(settings, "size", 256, 16, 4096));
    render_.supersampling =
        static_cast<int>(NumberSetting(settings, "supersampling", 2, 1, 8));
    auto preset = settings.find("preset");
    preset_ = preset == settings.end() ? "realistic" : preset->second;
    ranges_ = NuisancePreset(preset_);
    ranges_.dust_seed =
        static_cast<uint64_t>(NumberSetting(settings, "dust_seed", 1, 0, 1e15));
    auto placement = settings.find("placement");
    placement_ = placement == settings.end() ? "0" : placement->second;
    diameter_mm_ = NumberSetting(settings, "stone_diameter_mm", 2.0, 0.1, 50);
    exposure_ = NumberSetting(settings, "exposure", 1.0, 0.05, 20);
    if (!context.tray_file.empty()) {
      TrayFile tray = LoadTrayFile(context.tray_file);
      wells_ = tray.wells;
      // Loading another tray is putting the stones down again.
      tray_name_ = tray.name;
    }
    pitch_mm_ = std::numeric_limits<double>::infinity();
    for (size_t i = 0; i < wells_.size(); ++i)
      for (size_t j = i + 1; j < wells_.size(); ++j)
        pitch_mm_ = std::min(pitch_mm_,
                             Distance(wells_[i].position, wells_[j].position));
  }

  cv::Mat Grab() override {
    std::lock_guard<std::mutex> lock(mutex_);
    ++frame_;
    TablePosition table =
        context_.table_position ? context_.table_position() : TablePosition{};
    const Well* well = NearestWell(table);
    cv::Mat radiance(render_.size, render_.size, CV_32FC3, cv::Scalar::all(0));
    // A stone put down lies, and is lit and focused, one way until it is put
    // down again (another placement); only the sensor noise is new.
    ShotConditions c = DrawShot(ranges_, 0, 0, 0, render_.size);
    if (well != nullptr && !well->stone.empty()) {
      const PlacedStone& stone = StoneIn(*well);
      uint64_t placement =
          SeedOf(std::hash<std::string>()(placement_ + "/" + tray_name_),
                 std::hash<std::string>()(well->name));
      c = DrawShot(ranges_, stone.seed ^ placement, stone.index, 0,
                   render_.size);
      c.pose.shift_x += (well->position.x_mm - table.x_mm) / diameter_mm_;
      c.pose.shift_y += (well->position.y_mm - table.y_mm) / diameter_mm_;
      radiance = RenderRadiance(stone.geometry, c.pose, render_);
    }
    c.exposure *= exposure_;
    c.noise_seed = SeedOf(c.noise_seed, frame_);
    return ApplyCameraEffects(radiance, c, ranges_);
  }

  CameraSettings ActualSettings() const override {
    return {{"backend", "simulated"},
            {"size", std::to_string(render_.size)},
            {"supersampling", std::to_string(render_.supersampling)},
            {"preset", preset_},
            {"placement", placement_},
            {"stone_diameter_mm", std::to_string(diameter_mm_)},
            {"exposure", std::to_string(exposure_)},
            {"dust_seed", std::to_string(ranges_.dust_seed)}};
  }

  std::string Describe() const override {
    return "simulated ASET camera (" + preset_ + ", " +
           std::to_string(render_.size) + " px, placement " + placement_ + ")";
  }

 private:
  static double Distance(TablePosition a, TablePosition b) {
    return std::hypot(a.x_mm - b.x_mm, a.y_mm - b.y_mm);
  }

  // The well whose centre is nearest the lens, if it is within half a pitch
  // and close enough for its stone to show in the frame.
  const Well* NearestWell(TablePosition table) const {
    const Well* nearest = nullptr;
    double best = std::numeric_limits<double>::infinity();
    for (const Well& well : wells_) {
      double d = Distance(well.position, table);
      if (d < best) best = d, nearest = &well;
    }
    double field_mm = diameter_mm_ / render_.stone_fraction;
    double reach = std::min(pitch_mm_ / 2, field_mm / 2 + diameter_mm_ / 2);
    return best < reach ? nearest : nullptr;
  }

  const PlacedStone& StoneIn(const Well& well) {
    auto it = stones_.find(well.name);
    if (it == stones_.end())
      it = stones_.emplace(well.name, ParseStone(well)).first;
    return it->second;
  }

  CameraSettings settings_;
  CameraContext context_;
  RenderOptions render_;
  NuisanceRanges ranges_;
  std::string preset_, placement_, tray_name_;
  double diameter_mm_ = 2, exposure_ = 1, pitch_mm_ = 0;
  std::vector<Well> wells_;
  std::map<std::string, PlacedStone> stones_;
  uint64_t frame_ = 0;
  std::mutex mutex_;
};

}  // namespace

void RegisterSimulatedCamera() {
  RegisterCameraBackend("simulated", [](const CameraSettings& settings,
                                        const CameraContext& context) {
    return std::make_unique<SimulatedCamera>(settings, context);
  });
}

}  // namespace diareid::sim
