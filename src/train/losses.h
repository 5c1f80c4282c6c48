// The losses of training: a classifier over the training stones (plain
// softmax, ArcFace or CosFace margins) and batch-hard triplet loss.
#pragma once

#include <string>

#include <torch/torch.h>

namespace diareid {

// Classifier weights (stones x features, no bias) and how logits are made.
// Dropped after training; only the embedding network is kept.
class StoneClassifierImpl : public torch::nn::Module {
 public:
  // `loss` is "softmax", "arcface", "cosface" or "triplet" (plain logits).
  StoneClassifierImpl(int64_t features, int64_t stones, std::string loss);
  // Logits for `features`; margins (ArcFace, CosFace) apply at `labels`
  // only in training mode.
  torch::Tensor forward(const torch::Tensor& features,
                        const torch::Tensor& labels);
  // Cross-entropy of the logits (label smoothing 0.1 for plain softmax).
  torch::Tensor Loss(const torch::Tensor& logits, const torch::Tensor& labels);

 private:
  std::string loss_;
  torch::Tensor weight_;
  double scale_ = 30.0;
  double margin_ = 0.0;
};
TORCH_MODULE(StoneClassifier);

// Batch-hard triplet loss: for each picture, the farthest picture of its
// stone against the nearest picture of another (Euclidean), with a margin.
torch::Tensor BatchHardTripletLoss(const torch::Tensor& features,
                                   const torch::Tensor& labels,
                                   double margin = 0.3);

}  // namespace diareid
