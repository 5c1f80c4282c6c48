#include "augment.h"

#include <cmath>

namespace diareid {

namespace F = torch::nn::functional;

namespace {

torch::Tensor Rotate(const torch::Tensor& x, bool polar) {
  const int64_t n = x.size(0);
  if (polar) {
    const int64_t width = x.size(3);
    torch::Tensor shifts = torch::randint(width, {n}, torch::kLong);
    std::vector<torch::Tensor> rolled;
    for (int64_t i = 0; i < n; ++i)
      rolled.push_back(
          torch::roll(x[i], {shifts[i].item<int64_t>()}, {/*dims=*/2}));
    return torch::stack(rolled);
  }
  torch::Tensor angle = torch::rand({n}) * (2 * M_PI);
  // Up to 3% of the side either way: the stone finder recentres, but not
  // perfectly.
  torch::Tensor shift = (torch::rand({n, 2}) - 0.5) * 0.06;
  torch::Tensor c = torch::cos(angle), s = torch::sin(angle);
  torch::Tensor theta =
      torch::stack({torch::stack({c, -s, shift.select(1, 0)}, 1),
                    torch::stack({s, c, shift.select(1, 1)}, 1)},
                   1);
  torch::Tensor grid =
      F::affine_grid(theta, x.sizes(), /*align_corners=*/false);
  return F::grid_sample(x, grid,
                        F::GridSampleFuncOptions()
                            .mode(torch::kBilinear)
                            .padding_mode(torch::kZeros)
                            .align_corners(false));
}

torch::Tensor Blur(const torch::Tensor& x) {
  torch::Tensor k1 = torch::tensor({0.25f, 0.5f, 0.25f});
  torch::Tensor kernel = torch::outer(k1, k1).expand({3, 1, 3, 3}).contiguous();
  return F::conv2d(x, kernel, F::Conv2dFuncOptions().padding(1).groups(3));
}

}  // namespace

torch::Tensor AugmentBatch(const torch::Tensor& batch, bool polar) {
  torch::NoGradGuard no_grad;
  const int64_t n = batch.size(0);
  torch::Tensor x = Rotate(batch, polar);
  // Exposure: a gain of 0.85 to 1.15 per picture.
  torch::Tensor gain = 0.85 + 0.3 * torch::rand({n, 1, 1, 1});
  x = x * gain;
  // Defocus on about a third of the pictures.
  torch::Tensor blurred = torch::rand({n, 1, 1, 1}) < 0.3;
  x = torch::where(blurred, Blur(x), x);
  // Sensor noise of up to 1.5% of full scale.
  torch::Tensor sigma = 0.015 * torch::rand({n, 1, 1, 1});
  x = x + torch::randn_like(x) * sigma;
  return x.clamp(0, 1);
}

}  // namespace diareid
