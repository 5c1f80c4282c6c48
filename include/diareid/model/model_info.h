// What a diareid model file says about itself, readable without LibTorch.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "diareid/image/preprocess.h"

namespace diareid {

// One layer of the feature extractor, in darknet cfg terms.
struct LayerSpec {
  // "convolutional" or "maxpool".
  std::string type = "convolutional";
  // Output channels of a convolution.
  int filters = 0;
  // Kernel side in pixels.
  int size = 3;
  int stride = 1;
  // Convolutions: padding of size/2 on each side (darknet's pad=1).
  bool pad = true;
  bool batch_normalize = true;
  // "leaky" (slope 0.1) or "linear".
  std::string activation = "leaky";
};

// The first `count` layers of darknet19.cfg (23: the feature extractor,
// without the 1000-class convolution); throws InputError for a bad count.
std::vector<LayerSpec> Darknet19Layers(int count = 23);

// The metadata of a model file (docs/model-format.md).
struct ModelInfo {
  // SHA-256 of the parts that decide embeddings (architecture, head,
  // preprocessing, weights): the gallery keys embeddings by it. Calibrating
  // a threshold changes the file but not this ID.
  std::string id;
  std::string name;
  std::string architecture = "darknet19";
  // The feature extractor, layer for layer; input is 3-channel RGB.
  std::vector<LayerSpec> layers = Darknet19Layers();
  PreprocessOptions preprocess;
  // Embedding head: "pool" (the pooled 1024-d feature, as published) or
  // "projection" (linear + batch-norm neck).
  std::string head = "pool";
  int embedding_size = 1024;
  bool l2_normalize = false;
  // Distance used to match: "euclidean" or "cosine".
  std::string metric = "euclidean";
  // Verification threshold on the distance between a query and a stone's
  // reference; calibrated by `diareid eval --calibrate`; <= 0 when unknown.
  double verify_threshold = 0;
  // How the threshold was chosen (false reject target, data set).
  nlohmann::json calibration = nlohmann::json::object();
  // How the model was trained (data, recipe, epochs, losses).
  nlohmann::json training = nlohmann::json::object();
  // Storage precision of the weights: "float32" or "float16".
  std::string storage = "float32";
};

// The metadata as JSON, as stored in the file and printed by `model info`.
nlohmann::json ToJson(const ModelInfo& info);
// Reads metadata back; throws InputError naming a missing or bad field.
ModelInfo ModelInfoFromJson(const nlohmann::json& json);

// Channels of the pooled feature: the filters of the last convolution.
int FeatureSize(const ModelInfo& info);

// Reads only the metadata of a model file; throws InputError for a missing,
// truncated or foreign file.
ModelInfo ReadModelInfo(const std::filesystem::path& path);

}  // namespace diareid
