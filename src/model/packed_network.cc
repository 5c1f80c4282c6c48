#include "packed_network.h"

#include <ATen/core/dispatch/Dispatcher.h>
#include <spdlog/spdlog.h>

namespace diareid {
namespace {

// Input shapes whose prepacked weights are kept; each holds a copy of all
// convolution weights, so a caller alternating many batch sizes starts over.
constexpr size_t kMaxPlans = 4;

const c10::OperatorHandle* FindOperator(const char* name) {
  auto handle =
      c10::Dispatcher::singleton().findOp(c10::OperatorName(name, ""));
  if (!handle) return nullptr;
  static std::map<std::string, c10::OperatorHandle> kept;
  return &kept.emplace(name, *handle).first->second;
}

}  // namespace

PackedNetwork::PackedNetwork(Darknet19 network) : network_(std::move(network)) {
  network_->FuseBatchNorm();
  for (const LayerSpec& layer : network_->info().layers)
    if (layer.type == "convolutional") conv_layers_.push_back(layer);
  for (size_t i = 0; i < network_->conv_count(); ++i) {
    torch::nn::Conv2d& conv = network_->conv(i);
    weights_.push_back(
        conv->weight.detach().contiguous(torch::MemoryFormat::ChannelsLast));
    biases_.push_back(conv->bias.defined() ? conv->bias.detach()
                                           : torch::Tensor());
  }
  pack_ = FindOperator("mkldnn_prepacked::conv2d_prepack");
  run_ = FindOperator("mkldnn_prepacked::conv2d_run");
  if (!pack_ || !run_) {
    pack_ = run_ = nullptr;
    spdlog::debug("This LibTorch has no prepacked oneDNN convolutions");
  }
}

torch::Tensor PackedNetwork::Convolve(Plan& plan, size_t index,
                                      const torch::Tensor& x) {
  const LayerSpec& layer = conv_layers_[index];
  const ConvPadding pad = PaddingOf(layer, network_->info().preprocess.polar);
  const std::vector<int64_t> stride = {layer.stride, layer.stride};
  const std::vector<int64_t> padding = {pad.rows, pad.columns};
  if (pack_ && plan[index].isNone()) {
    torch::jit::Stack stack{weights_[index],
                            biases_[index],
                            stride,
                            padding,
                            std::vector<int64_t>{1, 1},
                            int64_t{1},
                            x.sizes().vec(),
                            std::string("none")};
    try {
      pack_->callBoxed(&stack);
      plan[index] = stack.at(0);
    } catch (const std::exception& e) {
      spdlog::debug("Prepacking convolution {} failed, using plain ones: {}",
                    index, e.what());
      pack_ = run_ = nullptr;
      plans_.clear();
    }
  }
  if (!pack_)
    return torch::conv2d(x, weights_[index], biases_[index], stride, padding);
  torch::jit::Stack stack{x, plan[index]};
  run_->callBoxed(&stack);
  return stack.at(0).toTensor();
}

torch::Tensor PackedNetwork::Embed(const torch::Tensor& input) {
  const std::vector<int64_t> shape = input.sizes().vec();
  if (plans_.count(shape) == 0 && plans_.size() >= kMaxPlans) plans_.clear();
  Plan& plan = plans_.try_emplace(shape, conv_layers_.size()).first->second;
  const bool polar = network_->info().preprocess.polar;
  torch::Tensor x = input;
  size_t index = 0;
  for (const LayerSpec& layer : network_->info().layers) {
    if (layer.type == "maxpool") {
      x = DarknetMaxPool(x, layer);
      continue;
    }
    const ConvPadding pad = PaddingOf(layer, polar);
    if (pad.wrapped_columns > 0) x = WrapAngleAxis(x, pad.wrapped_columns);
    x = Convolve(plan, index, x);
    if (layer.activation == "leaky") x = torch::leaky_relu_(x, 0.1);
    ++index;
  }
  return network_->Head(x.mean({2, 3})).embedding;
}

}  // namespace diareid
