// Picture in, embedding out: the one function every verdict rests on.
#pragma once

#include <filesystem>
#include <memory>
#include <vector>

#include <Eigen/Core>
#include <opencv2/core.hpp>

#include "diareid/model/model_info.h"

namespace diareid {

// Row-major matrix of embeddings, one row per picture.
using EmbeddingMatrix =
    Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct EmbedderOptions {
  // Intra-op threads; 0 means all cores.
  int threads = 0;
  // Compute in bfloat16 where the CPU supports it.
  bool bfloat16 = false;
  // Pictures per forward pass. One at a time is fastest with prepacked
  // weights on a CPU (tools/bench/embed: 30.0 against 26.2 pictures/s at
  // 256 px, 4.9 against 4.1 at 600 px, Darknet19 on two cores): a batch's
  // activations no longer fit the caches.
  int batch_size = 1;
};

// Runs a model file on prepared pictures. Not thread-safe; one per thread.
class Embedder {
 public:
  virtual ~Embedder() = default;
  // Loads a model file; throws InputError for a bad file.
  static std::unique_ptr<Embedder> Load(const std::filesystem::path& path,
                                        const EmbedderOptions& options);
  virtual const ModelInfo& info() const = 0;
  // One embedding per PreparedPicture::input (RGB float, input_size square).
  virtual EmbeddingMatrix Embed(const std::vector<cv::Mat>& inputs) = 0;
};

}  // namespace diareid
