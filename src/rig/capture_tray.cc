// Capturing a tray: wells in order, pictures in one folder per stone, a
// manifest rewritten after every well, and Ctrl-C that keeps what is done.
#include <signal.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <set>

#include "diareid/core/error.h"
#include "diareid/core/files.h"
#include "diareid/core/progress.h"
#include "diareid/rig/capture.h"

namespace diareid {
namespace {

std::atomic<bool> g_stop{false};

void OnInterrupt(int) { g_stop = true; }

// Listens for Ctrl-C while it lives; the previous handler comes back after.
class InterruptListener {
 public:
  InterruptListener() {
    g_stop = false;
    struct sigaction action {};
    action.sa_handler = OnInterrupt;
    sigemptyset(&action.sa_mask);
    // No SA_RESTART: a blocked read wakes up, and times out as usual.
    ::sigaction(SIGINT, &action, &previous_);
  }
  ~InterruptListener() { ::sigaction(SIGINT, &previous_, nullptr); }

 private:
  struct sigaction previous_ {};
};

nlohmann::json ShotJson(const Shot& shot, const std::string& file) {
  nlohmann::json camera = nlohmann::json::object();
  for (const auto& [key, value] : shot.camera) camera[key] = value;
  return {{"file", file},
          {"index", shot.index},
          {"x_mm", shot.position.x_mm},
          {"y_mm", shot.position.y_mm},
          {"time", shot.time},
          {"camera", camera}};
}

// The manifest of a capture already in `options.out`, or one with no
// stones. Throws InputError for such a folder unless `options.add`, and
// for a manifest that cannot be read.
nlohmann::json ExistingManifest(const std::filesystem::path& path,
                                const CaptureOptions& options) {
  nlohmann::json empty = {{"stones", nlohmann::json::array()}};
  std::error_code error;
  if (!std::filesystem::exists(path, error)) return empty;
  if (!options.add)
    throw InputError("--out " + options.out.string() +
                     " already holds a capture (" + path.filename().string() +
                     "); choose a new folder, or give --add to add stones "
                     "to it");
  nlohmann::json manifest;
  try {
    manifest = nlohmann::json::parse(ReadFile(path));
  } catch (const nlohmann::json::exception& e) {
    throw InputError("capture manifest " + path.string() +
                     " is not valid JSON (" + e.what() +
                     "); expected the manifest a capture wrote");
  }
  if (!manifest.is_object() || !manifest.contains("stones") ||
      !manifest["stones"].is_array())
    throw InputError("capture manifest " + path.string() +
                     " has no \"stones\" list; expected the manifest a "
                     "capture wrote");
  return manifest;
}

}  // namespace

bool StopRequested() { return g_stop; }

CaptureResult CaptureTray(Rig& rig, const CaptureOptions& options) {
  if (options.out.empty()) throw InputError("capture needs an output folder");
  std::vector<const Well*> wells;
  if (options.wells.empty()) {
    for (const Well& w : rig.tray().wells) wells.push_back(&w);
  } else {
    // Chosen wells are still visited in the tray's (snake) order.
    for (const Well& w : rig.tray().wells)
      for (const std::string& name : options.wells)
        if (rig.tray().Find(name).name == w.name) wells.push_back(&w);
  }
  // Each well's id names a folder under --out: it must stay inside it, and
  // two wells must not write into the same folder.
  std::set<std::string> ids;
  for (const Well* well : wells) {
    const std::string& id = well->stone_id;
    bool safe = !id.empty() && id != "." && id != ".." &&
                id.find('/') == std::string::npos &&
                id.find('\\') == std::string::npos;
    if (!safe)
      throw InputError("tray " + rig.tray().name + ": well " + well->name +
                       " has id '" + id +
                       "', expected a folder name without '/' or '..'");
    if (!ids.insert(id).second)
      throw InputError("tray " + rig.tray().name + ": id '" + id +
                       "' is used by two wells (or a well is asked twice)");
  }
  CaptureResult result;
  result.manifest = options.out / "manifest.json";
  nlohmann::json manifest = ExistingManifest(result.manifest, options);
  for (const auto& stone : manifest["stones"])
    if (stone.is_object() && ids.count(stone.value("id", "")) > 0)
      throw InputError("stone " + stone.value("id", "") +
                       " is already captured in " + options.out.string() +
                       "; capture it into another folder");
  if (manifest["stones"].empty())
    manifest = {
        {"rig", rig.rig_file().name},      {"tray", rig.tray().name},
        {"controller", rig.Describe()},    {"shots_per_well", options.shots},
        {"settle_s", rig.tray().settle_s}, {"stones", nlohmann::json::array()}};
  std::error_code error;
  std::filesystem::create_directories(options.out, error);
  if (error)
    throw InputError("--out " + options.out.string() +
                     ": cannot create the folder: " + error.message());
  InterruptListener listener;
  spdlog::info("Capturing {} well(s), {} shot(s) each, into {}", wells.size(),
               options.shots, options.out.string());
  rig.Home();
  Progress progress("Capture", static_cast<long>(wells.size()));
  for (const Well* well : wells) {
    if (StopRequested()) break;
    std::vector<Shot> shots = rig.Shots(well->name, options.shots);
    std::filesystem::path folder = options.out / well->stone_id;
    std::filesystem::create_directories(folder);
    nlohmann::json stone = {{"id", well->stone_id},
                            {"well", well->name},
                            {"x_mm", well->position.x_mm},
                            {"y_mm", well->position.y_mm},
                            {"shots", nlohmann::json::array()}};
    if (!well->stone.empty()) stone["stone"] = well->stone;
    for (const Shot& shot : shots) {
      char name[32];
      std::snprintf(name, sizeof name, "%03d.png", shot.index);
      std::vector<unsigned char> png;
      if (!cv::imencode(".png", shot.image, png))
        throw InternalError("cannot encode the picture of well " + well->name);
      WriteFileAtomic(
          folder / name,
          std::string_view(reinterpret_cast<const char*>(png.data()),
                           png.size()));
      stone["shots"].push_back(ShotJson(shot, well->stone_id + "/" + name));
      ++result.shots_written;
    }
    manifest["stones"].push_back(stone);
    WriteFileAtomic(result.manifest, manifest.dump(2) + "\n");
    ++result.wells_done;
    progress.Update(result.wells_done, "well " + well->name);
  }
  result.interrupted = StopRequested();
  if (result.interrupted)
    spdlog::warn(
        "Interrupted: the table stopped after {} of {} well(s); "
        "what was captured is kept in {}",
        result.wells_done, wells.size(), options.out.string());
  else
    progress.Finish();
  if (result.wells_done == 0)
    WriteFileAtomic(result.manifest, manifest.dump(2) + "\n");
  return result;
}

}  // namespace diareid
