// A folder of pictures of stones, one subfolder per stone (the layout
// `diareid simulate dataset` writes), and its preprocessed form.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "diareid/image/preprocess.h"

namespace diareid {

// One picture and the stone it shows.
struct LabelledPicture {
  std::filesystem::path path;
  std::string stone_id;
};

// Pictures of a data set folder: DIR/<stone-id>/<shot>.png (or .jpg),
// sorted by stone then file name. Throws InputError naming the folder when
// it is missing or holds no pictures.
std::vector<LabelledPicture> ListDataset(const std::filesystem::path& dir);

// The distinct stones of a list, in order of first appearance.
std::vector<std::string> StonesOf(const std::vector<LabelledPicture>& pictures);

// Stones split in two by a seeded shuffle: `held_out` stones in `second`,
// the rest in `first`.
struct StoneSplit {
  std::vector<std::string> first;
  std::vector<std::string> second;
};
StoneSplit SplitStones(std::vector<std::string> stones, int held_out,
                       unsigned seed);

// Network inputs of every picture (RGB float in [0, 1], HWC), with the
// pictures preprocessing rejected left out and counted.
struct PreparedSet {
  std::vector<LabelledPicture> pictures;
  std::vector<cv::Mat> inputs;
  int rejected = 0;
};

// Preprocesses every picture once. When `cache_dir` is not empty the inputs
// are kept there (8-bit, keyed by the files and the options) and read back
// on the next call instead of being prepared again.
PreparedSet PrepareDataset(const std::vector<LabelledPicture>& pictures,
                           const PreprocessOptions& options,
                           const std::filesystem::path& cache_dir = {});

}  // namespace diareid
