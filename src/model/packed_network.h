// Inference-only form of a Darknet19 network: the batch norms folded into
// the convolutions, activations kept channels-last, and the convolution
// weights reordered once into oneDNN's blocked layout for each input shape
// met, instead of on every call. Private to the model module.
#pragma once

#include <torch/torch.h>

#include <map>
#include <vector>

#include "diareid/model/darknet19.h"

namespace diareid {

class PackedNetwork {
 public:
  // Takes a network in eval mode and in its final dtype (float32 or
  // bfloat16); folds its batch norms.
  explicit PackedNetwork(Darknet19 network);

  // Input: N x 3 x S x S in the network's dtype (channels-last preferred).
  // Returns the embeddings, N x embedding_size.
  torch::Tensor Embed(const torch::Tensor& input);

  // Whether convolutions run on prepacked oneDNN weights (false where this
  // LibTorch lacks them: plain channels-last convolutions then).
  bool prepacked() const { return pack_ != nullptr; }

 private:
  // The prepacked convolutions for one input shape, made on first use.
  using Plan = std::vector<c10::IValue>;

  torch::Tensor Convolve(Plan& plan, size_t index, const torch::Tensor& x);

  Darknet19 network_;
  std::vector<LayerSpec> conv_layers_;
  std::vector<torch::Tensor> weights_;
  std::vector<torch::Tensor> biases_;
  std::map<std::vector<int64_t>, Plan> plans_;
  const c10::OperatorHandle* pack_ = nullptr;
  const c10::OperatorHandle* run_ = nullptr;
};

}  // namespace diareid
