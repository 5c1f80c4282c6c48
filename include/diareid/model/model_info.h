// What a diareid model file says about itself, readable without LibTorch.
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "diareid/image/preprocess.h"

namespace diareid {

// The metadata of a model file (docs/model-format.md).
struct ModelInfo {
  // SHA-256 of the parts that decide embeddings (architecture, head,
  // preprocessing, weights): the gallery keys embeddings by it. Calibrating
  // a threshold changes the file but not this ID.
  std::string id;
  std::string name;
  std::string architecture = "darknet19";
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

nlohmann::json ToJson(const ModelInfo& info);
ModelInfo ModelInfoFromJson(const nlohmann::json& json);

// Reads only the metadata of a model file; throws InputError for a missing,
// truncated or foreign file.
ModelInfo ReadModelInfo(const std::filesystem::path& path);

}  // namespace diareid
