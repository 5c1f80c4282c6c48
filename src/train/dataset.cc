#include "diareid/train/dataset.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <set>
#include <unordered_set>

#include "diareid/core/error.h"
#include "diareid/core/files.h"
#include "diareid/core/hash.h"
#include "diareid/core/progress.h"

namespace diareid {

namespace fs = std::filesystem;

namespace {

bool IsPicture(const fs::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".tif" ||
         ext == ".tiff";
}

// What decides the cached inputs: every file's name, size and time, and
// the preprocessing options.
std::string CacheKey(const std::vector<LabelledPicture>& pictures,
                     const PreprocessOptions& options) {
  std::string text;
  for (const auto& p : pictures) {
    std::error_code ec;
    text += p.path.string() + "|" + p.stone_id + "|" +
            std::to_string(fs::file_size(p.path, ec)) + "|" +
            std::to_string(
                fs::last_write_time(p.path, ec).time_since_epoch().count()) +
            "\n";
  }
  text += std::to_string(options.input_size) + "|" +
          std::to_string(options.margin) + "|" + std::to_string(options.polar) +
          "|" + std::to_string(options.raw) + "|" +
          std::to_string(options.min_sharpness) + "|" +
          std::to_string(options.max_clipped_fraction) + "|" +
          std::to_string(options.min_mean_level);
  return Sha256Hex(text).substr(0, 16);
}

}  // namespace

std::vector<LabelledPicture> ListDataset(const fs::path& dir) {
  if (!fs::is_directory(dir))
    throw InputError("data set folder '" + dir.string() +
                     "' does not exist; expected a folder of stone folders");
  std::vector<fs::path> stone_dirs;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.is_directory()) stone_dirs.push_back(entry.path());
  std::sort(stone_dirs.begin(), stone_dirs.end());
  std::vector<LabelledPicture> pictures;
  for (const auto& stone_dir : stone_dirs) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(stone_dir))
      if (entry.is_regular_file() && IsPicture(entry.path()))
        files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files)
      pictures.push_back({f, stone_dir.filename().string()});
  }
  if (pictures.empty())
    throw InputError("data set folder '" + dir.string() +
                     "' holds no pictures; expected DIR/<stone-id>/<shot>.png");
  return pictures;
}

std::vector<std::string> StonesOf(
    const std::vector<LabelledPicture>& pictures) {
  std::vector<std::string> stones;
  std::unordered_set<std::string> seen;
  for (const auto& p : pictures)
    if (seen.insert(p.stone_id).second) stones.push_back(p.stone_id);
  return stones;
}

StoneSplit SplitStones(std::vector<std::string> stones, int held_out,
                       unsigned seed) {
  if (held_out < 0 || held_out > static_cast<int>(stones.size()))
    throw InputError("cannot hold out " + std::to_string(held_out) +
                     " stones of " + std::to_string(stones.size()));
  std::mt19937 rng(seed);
  std::shuffle(stones.begin(), stones.end(), rng);
  StoneSplit split;
  split.second.assign(stones.begin(), stones.begin() + held_out);
  split.first.assign(stones.begin() + held_out, stones.end());
  std::sort(split.first.begin(), split.first.end());
  std::sort(split.second.begin(), split.second.end());
  return split;
}

PreparedSet PrepareDataset(const std::vector<LabelledPicture>& pictures,
                           const PreprocessOptions& options,
                           const fs::path& cache_dir) {
  options.Check();
  PreparedSet set;
  fs::path cache_file;
  const int side = options.input_size;
  const size_t bytes_per_input = static_cast<size_t>(side) * side * 3;
  if (!cache_dir.empty()) {
    cache_file = cache_dir / ("inputs-" + CacheKey(pictures, options) + ".bin");
    if (fs::exists(cache_file)) {
      // Layout: per picture one byte "kept", then the 8-bit input if kept.
      std::string bytes = ReadFile(cache_file);
      size_t at = 0;
      for (const auto& p : pictures) {
        if (at >= bytes.size()) break;
        if (bytes[at++] == 0) {
          ++set.rejected;
          continue;
        }
        if (at + bytes_per_input > bytes.size()) break;
        cv::Mat u8(side, side, CV_8UC3, const_cast<char*>(bytes.data() + at));
        cv::Mat input;
        u8.convertTo(input, CV_32FC3, 1.0 / 255.0);
        set.inputs.push_back(input);
        set.pictures.push_back(p);
        at += bytes_per_input;
      }
      if (at == bytes.size()) {
        spdlog::info("Read {} prepared pictures from {}", set.inputs.size(),
                     cache_file.string());
        return set;
      }
      spdlog::warn("Cache {} is damaged; preparing again", cache_file.string());
      set = PreparedSet{};
    }
  }
  std::string cache;
  Progress progress("Preparing pictures", static_cast<long>(pictures.size()));
  for (size_t i = 0; i < pictures.size(); ++i) {
    const auto& p = pictures[i];
    try {
      PreparedPicture prepared =
          PreparePicture(LoadPicture(p.path), options, p.path.string());
      set.inputs.push_back(prepared.input);
      set.pictures.push_back(p);
      cv::Mat u8;
      prepared.input.convertTo(u8, CV_8UC3, 255.0);
      cache.push_back(1);
      cache.append(reinterpret_cast<const char*>(u8.data), bytes_per_input);
    } catch (const PictureRejected& rejected) {
      spdlog::warn("Skipping {}", rejected.what());
      ++set.rejected;
      cache.push_back(0);
    }
    progress.Update(static_cast<long>(i + 1));
  }
  progress.Finish(std::to_string(set.rejected) + " rejected");
  if (!cache_file.empty()) {
    fs::create_directories(cache_dir);
    WriteFileAtomic(cache_file, cache);
    // Later reads come from the 8-bit copy: use the same rounding now so
    // that a first run and a cached run see identical inputs.
    for (auto& input : set.inputs) {
      cv::Mat u8;
      input.convertTo(u8, CV_8UC3, 255.0);
      u8.convertTo(input, CV_32FC3, 1.0 / 255.0);
    }
  }
  return set;
}

}  // namespace diareid
