#include "diareid/model/model_info.h"

#include <fstream>

#include "diareid/core/error.h"
#include "model_file.h"

namespace diareid {
namespace {

LayerSpec Conv(int filters, int size) {
  LayerSpec layer;
  layer.filters = filters;
  layer.size = size;
  return layer;
}

LayerSpec MaxPool() {
  LayerSpec layer;
  layer.type = "maxpool";
  layer.size = 2;
  layer.stride = 2;
  layer.pad = false;
  layer.batch_normalize = false;
  layer.activation = "linear";
  return layer;
}

template <typename T>
T Field(const nlohmann::json& json, const char* key, const T& fallback) {
  auto it = json.find(key);
  if (it == json.end()) return fallback;
  try {
    return it->get<T>();
  } catch (const nlohmann::json::exception&) {
    throw InputError("model metadata field '" + std::string(key) +
                     "' has value " + it->dump() + " of the wrong type");
  }
}

nlohmann::json ToJson(const LayerSpec& layer) {
  return {{"type", layer.type},
          {"filters", layer.filters},
          {"size", layer.size},
          {"stride", layer.stride},
          {"pad", layer.pad},
          {"batch_normalize", layer.batch_normalize},
          {"activation", layer.activation}};
}

LayerSpec LayerFromJson(const nlohmann::json& json) {
  LayerSpec layer;
  layer.type = Field(json, "type", layer.type);
  layer.filters = Field(json, "filters", layer.filters);
  layer.size = Field(json, "size", layer.size);
  layer.stride = Field(json, "stride", layer.stride);
  layer.pad = Field(json, "pad", layer.pad);
  layer.batch_normalize = Field(json, "batch_normalize", layer.batch_normalize);
  layer.activation = Field(json, "activation", layer.activation);
  return layer;
}

}  // namespace

std::vector<LayerSpec> Darknet19Layers(int count) {
  const std::vector<LayerSpec> all = {
      Conv(32, 3),   MaxPool(),    Conv(64, 3),  MaxPool(),     Conv(128, 3),
      Conv(64, 1),   Conv(128, 3), MaxPool(),    Conv(256, 3),  Conv(128, 1),
      Conv(256, 3),  MaxPool(),    Conv(512, 3), Conv(256, 1),  Conv(512, 3),
      Conv(256, 1),  Conv(512, 3), MaxPool(),    Conv(1024, 3), Conv(512, 1),
      Conv(1024, 3), Conv(512, 1), Conv(1024, 3)};
  if (count < 1 || count > static_cast<int>(all.size()))
    throw InputError("Darknet19 layer count " + std::to_string(count) +
                     " is out of range: expected 1 to " +
                     std::to_string(all.size()));
  return {all.begin(), all.begin() + count};
}

int FeatureSize(const ModelInfo& info) {
  for (auto it = info.layers.rbegin(); it != info.layers.rend(); ++it)
    if (it->type == "convolutional") return it->filters;
  throw InputError("model '" + info.name + "' has no convolution layer");
}

nlohmann::json ToJson(const ModelInfo& info) {
  nlohmann::json layers = nlohmann::json::array();
  for (const LayerSpec& layer : info.layers) layers.push_back(ToJson(layer));
  const PreprocessOptions& p = info.preprocess;
  return {{"id", info.id},
          {"name", info.name},
          {"architecture", info.architecture},
          {"layers", layers},
          {"preprocess",
           {{"input_size", p.input_size},
            {"margin", p.margin},
            {"polar", p.polar},
            {"min_sharpness", p.min_sharpness},
            {"max_clipped_fraction", p.max_clipped_fraction},
            {"min_mean_level", p.min_mean_level},
            {"raw", p.raw}}},
          {"head", info.head},
          {"embedding_size", info.embedding_size},
          {"l2_normalize", info.l2_normalize},
          {"metric", info.metric},
          {"verify_threshold", info.verify_threshold},
          {"calibration", info.calibration},
          {"training", info.training},
          {"storage", info.storage}};
}

ModelInfo ModelInfoFromJson(const nlohmann::json& json) {
  if (!json.is_object())
    throw InputError("model metadata is " + std::string(json.type_name()) +
                     ", expected a JSON object");
  ModelInfo info;
  info.id = Field(json, "id", info.id);
  info.name = Field(json, "name", info.name);
  info.architecture = Field(json, "architecture", info.architecture);
  if (json.contains("layers")) {
    info.layers.clear();
    for (const auto& layer : json.at("layers"))
      info.layers.push_back(LayerFromJson(layer));
  }
  const nlohmann::json pre =
      Field(json, "preprocess", nlohmann::json::object());
  PreprocessOptions& p = info.preprocess;
  p.input_size = Field(pre, "input_size", p.input_size);
  p.margin = Field(pre, "margin", p.margin);
  p.polar = Field(pre, "polar", p.polar);
  p.min_sharpness = Field(pre, "min_sharpness", p.min_sharpness);
  p.max_clipped_fraction =
      Field(pre, "max_clipped_fraction", p.max_clipped_fraction);
  p.min_mean_level = Field(pre, "min_mean_level", p.min_mean_level);
  p.raw = Field(pre, "raw", p.raw);
  info.head = Field(json, "head", info.head);
  info.embedding_size = Field(json, "embedding_size", info.embedding_size);
  info.l2_normalize = Field(json, "l2_normalize", info.l2_normalize);
  info.metric = Field(json, "metric", info.metric);
  info.verify_threshold =
      Field(json, "verify_threshold", info.verify_threshold);
  info.calibration = Field(json, "calibration", info.calibration);
  info.training = Field(json, "training", info.training);
  info.storage = Field(json, "storage", info.storage);
  return info;
}

ModelInfo ReadModelInfo(const std::filesystem::path& path) {
  return ModelInfoFromJson(ReadModelFileHeader(path).metadata);
}

}  // namespace diareid
