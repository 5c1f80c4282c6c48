// Rendering a dataset: jobs for the missing pictures, run on all cores, each
// picture written atomically so that an interrupted run can resume.
#include "diareid/sim/dataset.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "diareid/core/error.h"
#include "diareid/core/files.h"
#include "diareid/core/progress.h"
#include "parallel.h"

namespace diareid::sim {
namespace {

constexpr const char* kManifestFormat = "diareid-sim-dataset/1";

struct Job {
  long index;
  int shot;
  std::filesystem::path file;
};

void WritePicture(const std::filesystem::path& file, const cv::Mat& picture) {
  std::vector<uchar> bytes;
  if (!cv::imencode(".png", picture, bytes))
    throw InternalError("could not encode picture " + file.string());
  WriteFileAtomic(file, std::string_view(reinterpret_cast<char*>(bytes.data()),
                                         bytes.size()));
}

// The manifest already in the folder, or a new one; refuses to mix pictures
// of another preset or size into one dataset.
nlohmann::json LoadManifest(const std::filesystem::path& path,
                            const DatasetOptions& options) {
  nlohmann::json manifest = {{"format", kManifestFormat},
                             {"preset", options.preset},
                             {"size", options.size},
                             {"supersampling", options.supersampling},
                             {"stones", nlohmann::json::object()}};
  if (!std::filesystem::exists(path)) return manifest;
  nlohmann::json old;
  try {
    old = nlohmann::json::parse(ReadFile(path));
  } catch (const nlohmann::json::exception& e) {
    throw InputError("manifest " + path.string() + " is not valid JSON (" +
                     e.what() + "); expected a " + kManifestFormat +
                     " manifest");
  }
  if (old.value("format", "") != kManifestFormat)
    throw InputError("manifest " + path.string() + " has format '" +
                     old.value("format", "") + "'; expected " +
                     kManifestFormat);
  if (old.value("preset", "") != options.preset ||
      old.value("size", 0) != options.size)
    throw InputError("dataset " + options.out.string() + " holds preset '" +
                     old.value("preset", "") + "' at " +
                     std::to_string(old.value("size", 0)) +
                     " px; expected the same preset and size as asked ('" +
                     options.preset + "', " + std::to_string(options.size) +
                     " px), or another folder");
  manifest["stones"] = old["stones"];
  return manifest;
}

}  // namespace

void DatasetOptions::Check() const {
  if (out.empty()) throw InputError("dataset folder is empty; expected --out");
  if (stones < 1 || stones > 1000000)
    throw InputError("stones " + std::to_string(stones) +
                     " is out of range; expected 1 to 1000000");
  if (first_stone < 0 || first_stone > 99999)
    throw InputError("first stone " + std::to_string(first_stone) +
                     " is out of range; expected 0 to 99999");
  if (shots < 1 || shots > 1000)
    throw InputError("shots " + std::to_string(shots) +
                     " is out of range; expected 1 to 1000");
  NuisancePreset(preset);
  RenderOptions render;
  render.size = size;
  render.supersampling = supersampling;
  render.Check();
}

std::string ShotFileName(int shot) {
  char name[32];
  std::snprintf(name, sizeof(name), "%03d.png", shot);
  return name;
}

DatasetSummary RenderDataset(const DatasetOptions& options) {
  options.Check();
  const NuisanceRanges ranges = NuisancePreset(options.preset);
  std::filesystem::create_directories(options.out);
  DatasetSummary summary;
  summary.manifest = options.out / "manifest.json";
  nlohmann::json manifest = LoadManifest(summary.manifest, options);

  std::vector<Job> jobs;
  for (long i = options.first_stone; i < options.first_stone + options.stones;
       ++i) {
    StoneRecipe recipe = GenerateStone(options.seed, i);
    std::string id = StoneId(options.seed, i);
    std::filesystem::create_directories(options.out / id);
    nlohmann::json stone = StoneToJson(recipe);
    nlohmann::json shots = nlohmann::json::array();
    for (int k = 0; k < options.shots; ++k) {
      ShotConditions c = DrawShot(ranges, options.seed, i, k, options.size);
      nlohmann::json shot = ShotToJson(c);
      std::filesystem::path file = options.out / id / ShotFileName(k);
      shot["file"] = id + "/" + ShotFileName(k);
      shots.push_back(shot);
      if (std::filesystem::exists(file))
        ++summary.kept;
      else
        jobs.push_back({i, k, file});
    }
    stone["shots"] = shots;
    manifest["stones"][id] = stone;
  }
  spdlog::info("Rendering {} pictures into {} ({} kept, preset {}, {} px)",
               jobs.size(), options.out.string(), summary.kept, options.preset,
               options.size);

  RenderOptions render;
  render.size = options.size;
  render.supersampling = options.supersampling;
  render.threads = 1;  // the pictures themselves are spread over the cores
  Progress progress("Rendering", static_cast<long>(jobs.size()));
  std::mutex progress_mutex;
  long done = 0;
  ParallelFor(static_cast<int>(jobs.size()), options.threads, [&](int j) {
    const Job& job = jobs[j];
    StoneGeometry stone = BuildGeometry(GenerateStone(options.seed, job.index));
    ShotConditions c =
        DrawShot(ranges, options.seed, job.index, job.shot, options.size);
    WritePicture(job.file, RenderShot(stone, c, ranges, render));
    std::lock_guard<std::mutex> lock(progress_mutex);
    progress.Update(++done);
  });
  progress.Finish();
  summary.rendered = done;
  summary.seconds = progress.ElapsedSeconds();
  WriteFileAtomic(summary.manifest, manifest.dump(1) + "\n");
  return summary;
}

cv::Mat RenderContactSheet(uint64_t seed, long stones, int shots,
                           const std::string& preset, int size, int threads) {
  if (stones < 1 || stones > 100 || shots < 1 || shots > 100)
    throw InputError("contact sheet of " + std::to_string(stones) +
                     " stones x " + std::to_string(shots) +
                     " shots; expected 1 to 100 of each");
  const NuisanceRanges ranges = NuisancePreset(preset);
  RenderOptions render;
  render.size = size;
  render.threads = 1;
  render.Check();
  cv::Mat sheet(static_cast<int>(stones) * size, shots * size, CV_8UC3,
                cv::Scalar::all(0));
  ParallelFor(static_cast<int>(stones) * shots, threads, [&](int cell) {
    long i = cell / shots;
    int k = cell % shots;
    StoneGeometry stone = BuildGeometry(GenerateStone(seed, i));
    cv::Mat picture =
        RenderShot(stone, DrawShot(ranges, seed, i, k, size), ranges, render);
    cv::Rect where(k * size, static_cast<int>(i) * size, size, size);
    picture.copyTo(sheet(where));
    std::string label = StoneId(seed, i) + " #" + std::to_string(k);
    cv::putText(sheet, label, {where.x + 4, where.y + 14},
                cv::FONT_HERSHEY_PLAIN, std::max(0.7, size / 256.0),
                cv::Scalar(200, 200, 200), 1, cv::LINE_AA);
  });
  return sheet;
}

}  // namespace diareid::sim
