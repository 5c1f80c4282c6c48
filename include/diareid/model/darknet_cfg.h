// Reading darknet's network description (.cfg) and sizing its .weights.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "diareid/model/model_info.h"

namespace diareid {

// A darknet cfg: the [net] input and every layer in order. Layers of types
// diareid does not run (avgpool, softmax, cost) are kept with their type so
// that layer numbers match darknet's.
struct DarknetCfg {
  int width = 0;
  int height = 0;
  int channels = 3;
  std::vector<LayerSpec> layers;
};

// Parses a cfg file; throws InputError naming the file, line and value.
DarknetCfg ParseDarknetCfg(const std::filesystem::path& path);

// Float32 values each layer holds in a .weights file, for an input of
// `channels` channels; throws InputError for a layer type that changes the
// channel count in ways diareid does not follow (route, shortcut, ...).
std::vector<int64_t> DarknetWeightCounts(const std::vector<LayerSpec>& layers,
                                         int channels = 3);

}  // namespace diareid
