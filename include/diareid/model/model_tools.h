// What the `model` and `embed` commands do, as typed functions.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "diareid/model/embedder.h"
#include "diareid/model/model_info.h"

namespace diareid {

// Options of `diareid model import-darknet`.
struct ImportDarknetOptions {
  std::filesystem::path cfg;
  std::filesystem::path weights;
  std::filesystem::path out;
  // Network input side; 0 takes the cfg's width.
  int input_size = 0;
  // Layers of the cfg to keep: 23 is darknet19's feature extractor.
  int layers = 23;
  // "float32" or "float16".
  std::string storage = "float32";
};

// Builds a model file from a darknet cfg and .weights; returns its info.
ModelInfo ImportDarknet(const ImportDarknetOptions& options);

// Options of `diareid model init`: a model with random weights, for tests.
struct InitModelOptions {
  std::filesystem::path out;
  int input_size = 256;
  bool polar = false;
  // "pool" or "projection".
  std::string head = "pool";
  // 0: the pooled feature's size (required for "pool").
  int embedding_size = 0;
  uint64_t seed = 0;
  // Layers of darknet19.cfg to keep (1 to 23).
  int layers = 23;
  std::string storage = "float32";
};

// Writes a model file with seeded random weights; returns its info.
ModelInfo InitModel(const InitModelOptions& options);

// Reads a model file's description after checking that its content hashes
// to the ID it carries, as loading it does; throws InputError naming the
// file for a damaged or tampered one (`diareid model info`).
ModelInfo ReadVerifiedModelInfo(const std::filesystem::path& path);

// The embedding of one picture, or why the picture was rejected.
struct PictureEmbedding {
  std::string picture;
  // Empty when rejected.
  std::vector<float> embedding;
  StoneCircle stone;
  double sharpness = 0;
  // Reject reason name ("blurred") and message; empty when accepted.
  std::string rejected;
  std::string message;
};

// Options of `diareid embed`.
struct EmbedPicturesOptions {
  std::vector<std::filesystem::path> pictures;
  std::filesystem::path model;
  EmbedderOptions embedder;
  // Only resize each whole picture to the input size.
  bool no_preprocess = false;
};

// Prepares and embeds each picture; rejected pictures are reported, not
// thrown. Throws InputError for a bad model file.
std::vector<PictureEmbedding> EmbedPictures(
    const EmbedPicturesOptions& options);

}  // namespace diareid
