// Rendered datasets: one folder per stone holding its shots, and a manifest
// with every stone's parameters and every shot's nuisances.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include "diareid/sim/nuisance.h"
#include "diareid/sim/stone.h"

namespace diareid::sim {

// What `diareid simulate dataset` renders.
struct DatasetOptions {
  // Output folder: <out>/<stone id>/<shot>.png and <out>/manifest.json.
  std::filesystem::path out;
  // Stones first_stone .. first_stone + stones - 1 of population `seed`.
  long stones = 10;
  long first_stone = 0;
  uint64_t seed = 1;
  // Pictures per stone.
  int shots = 4;
  // Nuisance preset: clean, realistic or hard.
  std::string preset = "realistic";
  // Picture width and height, pixels.
  int size = 256;
  // Rays per pixel along each side.
  int supersampling = 2;
  // Worker threads; 0 uses all cores.
  int threads = 0;
  // Throws InputError naming the first bad value.
  void Check() const;
};

// What a dataset run did.
struct DatasetSummary {
  long rendered = 0;
  // Pictures already there, kept as they were.
  long kept = 0;
  double seconds = 0;
  std::filesystem::path manifest;
};

// The file name of shot `shot` inside its stone's folder: "000.png", ...
std::string ShotFileName(int shot);

// Renders the missing pictures of a dataset and writes its manifest (merged
// with the stones an earlier run recorded there). Pictures already present
// are kept, so an interrupted run resumes where it stopped.
DatasetSummary RenderDataset(const DatasetOptions& options);

// A stone's identity, cut and irregularities as JSON.
nlohmann::json StoneToJson(const StoneRecipe& recipe);

// A shot's pose and camera state as JSON.
nlohmann::json ShotToJson(const ShotConditions& conditions);

// One picture of `stones` stones (rows) by `shots` shots (columns), each
// `size` pixels, with the stone ids written in.
cv::Mat RenderContactSheet(uint64_t seed, long stones, int shots,
                           const std::string& preset, int size, int threads);

}  // namespace diareid::sim
