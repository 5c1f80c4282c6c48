#include "diareid/model/darknet19.h"

#include <set>

#include "diareid/core/error.h"

namespace diareid {
namespace {

// Darknet divides by sqrt(var) + 1e-6 and PyTorch by sqrt(var + eps); for
// variances near 1, eps = 1e-6 makes the two agree to about 1e-7.
constexpr double kDarknetEpsilon = 1e-6;

void CheckInfo(const ModelInfo& info) {
  if (info.architecture != "darknet19")
    throw InputError("model architecture '" + info.architecture +
                     "' is not supported: expected darknet19");
  if (info.layers.empty())
    throw InputError("model '" + info.name + "' has no layers");
  for (size_t i = 0; i < info.layers.size(); ++i) {
    const LayerSpec& layer = info.layers[i];
    const std::string where = "layer " + std::to_string(i) + " (" + layer.type +
                              ") of model '" + info.name + "'";
    if (layer.type != "convolutional" && layer.type != "maxpool")
      throw InputError(where +
                       " is not supported: expected convolutional or maxpool");
    if (layer.size < 1 || layer.stride < 1)
      throw InputError(where + " has size " + std::to_string(layer.size) +
                       " and stride " + std::to_string(layer.stride) +
                       ", expected both at least 1");
    if (layer.type == "convolutional" && layer.filters < 1)
      throw InputError(where + " has " + std::to_string(layer.filters) +
                       " filters, expected at least 1");
    if (layer.activation != "leaky" && layer.activation != "linear")
      throw InputError(where + " has activation '" + layer.activation +
                       "', expected leaky or linear");
  }
  const int features = FeatureSize(info);
  if (info.head == "pool") {
    if (info.embedding_size != features)
      throw InputError("head 'pool' gives " + std::to_string(features) +
                       "-d embeddings, but embedding_size is " +
                       std::to_string(info.embedding_size));
  } else if (info.head == "projection") {
    if (info.embedding_size < 1 || info.embedding_size > 65536)
      throw InputError("embedding_size " + std::to_string(info.embedding_size) +
                       " is out of range: expected 1 to 65536");
  } else {
    throw InputError("head '" + info.head +
                     "' is not supported: expected pool or projection");
  }
}

}  // namespace

torch::Tensor WrapAngleAxis(const torch::Tensor& x, int64_t pad) {
  const int64_t width = x.size(3);
  return torch::cat({x.slice(3, width - pad, width), x, x.slice(3, 0, pad)},
                    /*dim=*/3);
}

ConvPadding PaddingOf(const LayerSpec& layer, bool polar) {
  const int64_t pad = layer.pad ? layer.size / 2 : 0;
  ConvPadding padding;
  padding.rows = pad;
  padding.columns = polar ? 0 : pad;
  padding.wrapped_columns = polar ? pad : 0;
  return padding;
}

torch::Tensor DarknetMaxPool(const torch::Tensor& x, const LayerSpec& layer) {
  if (layer.size == layer.stride)
    return torch::max_pool2d(x, layer.size, layer.stride, /*padding=*/0,
                             /*dilation=*/1, /*ceil_mode=*/true);
  const int64_t pad = layer.size - 1;
  torch::Tensor padded = torch::constant_pad_nd(
      x, {0, pad, 0, pad}, -std::numeric_limits<double>::infinity());
  return torch::max_pool2d(padded, layer.size, layer.stride);
}

Darknet19Impl::Darknet19Impl(const ModelInfo& info) : info_(info) {
  CheckInfo(info_);
  int64_t channels = 3;
  for (size_t i = 0; i < info_.layers.size(); ++i) {
    const LayerSpec& layer = info_.layers[i];
    if (layer.type != "convolutional") continue;
    const ConvPadding pad = PaddingOf(layer, info_.preprocess.polar);
    auto options = torch::nn::Conv2dOptions(channels, layer.filters, layer.size)
                       .stride(layer.stride)
                       .padding({pad.rows, pad.columns})
                       .bias(!layer.batch_normalize);
    const std::string index = std::to_string(i);
    convs_.push_back(
        register_module("conv" + index, torch::nn::Conv2d(options)));
    if (layer.batch_normalize) {
      norms_.push_back(register_module(
          "norm" + index,
          torch::nn::BatchNorm2d(torch::nn::BatchNormOptions(layer.filters)
                                     .momentum(0.01)
                                     .eps(kDarknetEpsilon))));
    } else {
      norms_.emplace_back(nullptr);
    }
    channels = layer.filters;
  }
  if (info_.head == "projection") {
    projection_ = register_module(
        "projection", torch::nn::Linear(torch::nn::LinearOptions(
                                            channels, info_.embedding_size)
                                            .bias(false)));
    neck_ =
        register_module("neck", torch::nn::BatchNorm1d(info_.embedding_size));
    // The neck's shift stays at zero, as in the re-ID "bag of tricks".
    neck_->bias.set_requires_grad(false);
  }
}

torch::Tensor Darknet19Impl::Features(const torch::Tensor& input) {
  torch::Tensor x = input;
  size_t conv_index = 0;
  for (const LayerSpec& layer : info_.layers) {
    if (layer.type == "maxpool") {
      x = DarknetMaxPool(x, layer);
      continue;
    }
    const ConvPadding pad = PaddingOf(layer, info_.preprocess.polar);
    if (pad.wrapped_columns > 0) x = WrapAngleAxis(x, pad.wrapped_columns);
    x = convs_[conv_index]->forward(x);
    if (!norms_[conv_index].is_empty()) x = norms_[conv_index]->forward(x);
    if (layer.activation == "leaky") x = torch::leaky_relu_(x, 0.1);
    ++conv_index;
  }
  return x;
}

torch::Tensor Darknet19Impl::Pool(const torch::Tensor& input) {
  return Features(input).mean({2, 3});
}

NetworkOutput Darknet19Impl::Run(const torch::Tensor& input) {
  return Head(Pool(input));
}

NetworkOutput Darknet19Impl::Head(const torch::Tensor& pooled) {
  NetworkOutput out;
  out.pooled = pooled;
  if (info_.head == "projection") {
    out.pre_neck = projection_->forward(out.pooled);
    out.post_neck = neck_->forward(out.pre_neck);
  } else {
    out.pre_neck = out.pooled;
    out.post_neck = out.pooled;
  }
  out.embedding =
      info_.l2_normalize
          ? torch::nn::functional::normalize(
                out.post_neck,
                torch::nn::functional::NormalizeFuncOptions().dim(1))
          : out.post_neck;
  return out;
}

torch::Tensor Darknet19Impl::forward(const torch::Tensor& input) {
  return Run(input).embedding;
}

Darknet19 CreateNetwork(const ModelInfo& info) { return Darknet19(info); }

}  // namespace diareid
