// The Darknet19 feature extractor and its embedding heads in LibTorch, and
// the model file that holds one. Only the model and train modules include
// this header: it pulls in LibTorch.
#pragma once

#include <torch/torch.h>

#include <filesystem>
#include <vector>

#include "diareid/model/model_info.h"

namespace diareid {

// What one forward pass yields, for training and for inference.
struct NetworkOutput {
  // Globally average-pooled feature of the last convolution (N x 1024).
  torch::Tensor pooled;
  // Input of the batch-norm neck (the projection; equals `pooled` for the
  // "pool" head): the feature a triplet loss works on.
  torch::Tensor pre_neck;
  // Output of the neck (equals `pre_neck` for the "pool" head): the feature
  // a classifier works on.
  torch::Tensor post_neck;
  // The embedding: `post_neck`, L2-normalised when the model says so.
  torch::Tensor embedding;
};

// Darknet19 built from ModelInfo::layers, layer for layer as darknet runs
// it: convolutions with batch norm (momentum 0.01) and leaky ReLU 0.1, max
// pooling padded on the right and bottom (ceil mode), global average
// pooling, then the head. For polar inputs (preprocess.polar) convolutions
// pad circularly along the angle axis (columns) and with zeros along the
// radius axis (rows), so a rotation of the stone shifts the features.
class Darknet19Impl : public torch::nn::Module {
 public:
  explicit Darknet19Impl(const ModelInfo& info);

  // Input: N x 3 x S x S RGB in [0, 1]. Returns every stage of the head.
  NetworkOutput Run(const torch::Tensor& input);

  // The head alone, from the pooled feature (N x FeatureSize).
  NetworkOutput Head(const torch::Tensor& pooled);
  // Input as for Run; returns NetworkOutput::embedding.
  torch::Tensor forward(const torch::Tensor& input);

  // The pooled feature only (N x FeatureSize), skipping the head.
  torch::Tensor Pool(const torch::Tensor& input);

  // Folds each batch norm into its convolution (weights and bias) for
  // faster inference, in the network's current dtype; afterwards the
  // network can no longer be trained, saved or converted with to().
  void FuseBatchNorm();

  // Convolution i of the feature extractor (in cfg order, pools skipped).
  torch::nn::Conv2d& conv(size_t i) { return convs_.at(i); }
  // Batch norm after convolution i; an empty holder when it has none.
  torch::nn::BatchNorm2d& norm(size_t i) { return norms_.at(i); }
  size_t conv_count() const { return convs_.size(); }

  const ModelInfo& info() const { return info_; }
  bool fused() const { return fused_; }

 private:
  torch::Tensor Features(const torch::Tensor& input);

  ModelInfo info_;
  bool fused_ = false;
  std::vector<torch::nn::Conv2d> convs_;
  std::vector<torch::nn::BatchNorm2d> norms_;
  torch::nn::Linear projection_{nullptr};
  torch::nn::BatchNorm1d neck_{nullptr};
};
TORCH_MODULE(Darknet19);

// How a convolution pads its input: zeros on rows and columns, and for
// polar pictures columns wrapped around the angle axis instead of zeros.
struct ConvPadding {
  int64_t rows = 0;
  int64_t columns = 0;
  int64_t wrapped_columns = 0;
};

// The padding of a convolutional layer, for polar or plain inputs.
ConvPadding PaddingOf(const LayerSpec& layer, bool polar);

// Pads the angle axis (columns, dimension 3) of N x C x H x W circularly by
// `pad` on each side.
torch::Tensor WrapAngleAxis(const torch::Tensor& x, int64_t pad);

// Darknet's max pool: padded by size - 1 on the right and bottom only.
torch::Tensor DarknetMaxPool(const torch::Tensor& x, const LayerSpec& layer);

// A network for `info` with fresh weights (Kaiming-uniform convolutions,
// unit batch norms), seeded by torch::manual_seed beforehand. Throws
// InputError naming a bad field of `info` (head, embedding_size, layers).
Darknet19 CreateNetwork(const ModelInfo& info);

// Writes a model file (docs/model-format.md) holding `network`'s weights
// and `info`, with weights stored as info.storage ("float32" or "float16").
// Computes the content ID and returns the info as written, id included.
ModelInfo SaveModel(const std::filesystem::path& path, Darknet19 network,
                    ModelInfo info);

// Reads a model file into a new network (in float32, eval mode); checks the
// stored ID against the content. Throws InputError naming the file.
Darknet19 LoadModel(const std::filesystem::path& path);

// Copies the weights of a darknet .weights file into `network`, whose
// layers must be the cfg's first layers (see ParseDarknetCfg). Accepts both
// header versions and files that stop at any layer boundary at or after
// the network's last layer, up to `cfg_layers` (all layers of the cfg).
// Throws InputError naming the file, the expected and the actual size.
void LoadDarknetWeights(const std::filesystem::path& path,
                        const std::vector<LayerSpec>& cfg_layers,
                        Darknet19 network);

}  // namespace diareid
