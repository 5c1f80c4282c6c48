#include "losses.h"

#include <cmath>

namespace diareid {

namespace F = torch::nn::functional;

StoneClassifierImpl::StoneClassifierImpl(int64_t features, int64_t stones,
                                         std::string loss)
    : loss_(std::move(loss)) {
  weight_ =
      register_parameter("weight", torch::randn({stones, features}) * 0.01);
  if (loss_ == "arcface") margin_ = 0.5;
  if (loss_ == "cosface") margin_ = 0.35;
}

torch::Tensor StoneClassifierImpl::forward(const torch::Tensor& features,
                                           const torch::Tensor& labels) {
  if (loss_ != "arcface" && loss_ != "cosface")
    return features.matmul(weight_.t());
  torch::Tensor cosine =
      F::normalize(features, F::NormalizeFuncOptions().dim(1))
          .matmul(F::normalize(weight_, F::NormalizeFuncOptions().dim(1)).t())
          .clamp(-1 + 1e-7, 1 - 1e-7);
  if (!is_training()) return scale_ * cosine;
  torch::Tensor target =
      torch::zeros_like(cosine).scatter_(1, labels.unsqueeze(1), 1.0);
  torch::Tensor with_margin;
  if (loss_ == "cosface") {
    with_margin = cosine - margin_;
  } else {
    // cos(theta + m), kept monotonic past theta = pi - m.
    torch::Tensor sine = torch::sqrt(1 - cosine * cosine);
    torch::Tensor shifted =
        cosine * std::cos(margin_) - sine * std::sin(margin_);
    with_margin = torch::where(cosine > std::cos(M_PI - margin_), shifted,
                               cosine - std::sin(M_PI - margin_) * margin_);
  }
  return scale_ * (cosine + target * (with_margin - cosine));
}

torch::Tensor StoneClassifierImpl::Loss(const torch::Tensor& logits,
                                        const torch::Tensor& labels) {
  auto options = F::CrossEntropyFuncOptions();
  if (loss_ == "softmax" || loss_ == "triplet") options.label_smoothing(0.1);
  return F::cross_entropy(logits, labels, options);
}

torch::Tensor BatchHardTripletLoss(const torch::Tensor& features,
                                   const torch::Tensor& labels, double margin) {
  torch::Tensor squared = (features * features).sum(1);
  torch::Tensor distance = (squared.unsqueeze(1) + squared.unsqueeze(0) -
                            2 * features.matmul(features.t()))
                               .clamp_min(1e-12)
                               .sqrt();
  torch::Tensor same = labels.unsqueeze(1) == labels.unsqueeze(0);
  torch::Tensor hardest_positive =
      torch::where(same, distance, torch::zeros_like(distance)).amax(1);
  torch::Tensor hardest_negative =
      torch::where(same, torch::full_like(distance, 1e9), distance).amin(1);
  return torch::relu(hardest_positive - hardest_negative + margin).mean();
}

}  // namespace diareid
