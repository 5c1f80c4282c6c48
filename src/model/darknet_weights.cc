// Darknet .weights files into a Darknet19 network.
#include <cstring>

#include "diareid/core/error.h"
#include "diareid/core/files.h"
#include "diareid/model/darknet19.h"
#include "diareid/model/darknet_cfg.h"

namespace diareid {
namespace {

// Size of the header: version major, minor, revision (int32 each), then
// the count of pictures seen, 8 bytes from version 0.2 on, 4 before.
size_t HeaderSize(const std::string& bytes, const std::string& file) {
  if (bytes.size() < 12)
    throw InputError("darknet weights " + file +
                     " is truncated: expected at least 12 bytes of header, "
                     "found " +
                     std::to_string(bytes.size()));
  int32_t version[3];
  std::memcpy(version, bytes.data(), sizeof(version));
  const bool wide_seen = version[0] * 10 + version[1] >= 2 &&
                         version[0] < 1000 && version[1] < 1000;
  return 12 + (wide_seen ? 8 : 4);
}

bool SameLayer(const LayerSpec& a, const LayerSpec& b) {
  return a.type == b.type && a.filters == b.filters && a.size == b.size &&
         a.stride == b.stride && a.batch_normalize == b.batch_normalize;
}

std::string SizeList(const std::vector<uint64_t>& sizes) {
  std::string text;
  for (size_t i = 0; i < sizes.size(); ++i)
    text += (i ? ", " : "") + std::to_string(sizes[i]);
  return text;
}

// Copies `count` float32 values at `offset` into `target`.
void Take(const std::string& bytes, uint64_t& offset, torch::Tensor target) {
  const int64_t count = target.numel();
  torch::Tensor source = torch::from_blob(
      const_cast<char*>(bytes.data() + offset), {count}, torch::kFloat32);
  target.view({count}).copy_(source);
  offset += static_cast<uint64_t>(count) * 4;
}

}  // namespace

void LoadDarknetWeights(const std::filesystem::path& path,
                        const std::vector<LayerSpec>& cfg_layers,
                        Darknet19 network) {
  const std::string file = path.string();
  const std::vector<LayerSpec>& layers = network->info().layers;
  if (layers.size() > cfg_layers.size())
    throw InputError("the network has " + std::to_string(layers.size()) +
                     " layers but the cfg only " +
                     std::to_string(cfg_layers.size()));
  for (size_t i = 0; i < layers.size(); ++i)
    if (!SameLayer(layers[i], cfg_layers[i]))
      throw InputError("network layer " + std::to_string(i) +
                       " differs from the cfg's layer " + std::to_string(i));
  const std::string bytes = ReadFile(path);
  const size_t header = HeaderSize(bytes, file);
  const std::vector<int64_t> counts = DarknetWeightCounts(cfg_layers);
  // A file may stop after any layer from the network's last one on.
  std::vector<uint64_t> accepted;
  uint64_t end = header;
  for (size_t i = 0; i < cfg_layers.size(); ++i) {
    end += static_cast<uint64_t>(counts[i]) * 4;
    if (i + 1 >= layers.size() && (accepted.empty() || accepted.back() != end))
      accepted.push_back(end);
  }
  const uint64_t actual = bytes.size();
  if (actual < accepted.front())
    throw InputError("darknet weights " + file + " is truncated: expected " +
                     std::to_string(accepted.front()) + " bytes for " +
                     std::to_string(layers.size()) + " layers, found " +
                     std::to_string(actual));
  if (actual > accepted.back())
    throw InputError("darknet weights " + file +
                     " is too long for its cfg: expected at most " +
                     std::to_string(accepted.back()) + " bytes for all " +
                     std::to_string(cfg_layers.size()) + " layers, found " +
                     std::to_string(actual));
  if (std::find(accepted.begin(), accepted.end(), actual) == accepted.end())
    throw InputError("darknet weights " + file + " ends inside a layer: " +
                     "expected one of " + SizeList(accepted) +
                     " bytes, found " + std::to_string(actual));
  torch::NoGradGuard no_grad;
  uint64_t offset = header;
  size_t conv = 0;
  for (const LayerSpec& layer : layers) {
    if (layer.type != "convolutional") continue;
    torch::nn::Conv2d& c = network->conv(conv);
    torch::nn::BatchNorm2d& bn = network->norm(conv);
    if (layer.batch_normalize) {
      Take(bytes, offset, bn->bias);
      Take(bytes, offset, bn->weight);
      Take(bytes, offset, bn->running_mean);
      Take(bytes, offset, bn->running_var);
    } else {
      Take(bytes, offset, c->bias);
    }
    Take(bytes, offset, c->weight);
    ++conv;
  }
}

}  // namespace diareid
