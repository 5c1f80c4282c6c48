#include "network_setup.h"

#include <spdlog/spdlog.h>

#include <cmath>

#include "diareid/core/error.h"
#include "diareid/model/darknet_cfg.h"

namespace diareid {

ModelInfo TrainingModelInfo(const TrainOptions& options) {
  ModelInfo info;
  info.name = options.out.stem().string();
  info.layers = Darknet19Layers(23);
  for (LayerSpec& layer : info.layers)
    if (layer.type == "convolutional")
      layer.filters = std::max(
          8, static_cast<int>(std::lround(layer.filters * options.width)));
  info.preprocess.input_size = options.input_size;
  info.preprocess.polar = options.polar;
  const bool angular = options.loss == "arcface" || options.loss == "cosface";
  info.head = options.embedding_size > 0 ? "projection" : "pool";
  info.embedding_size =
      options.embedding_size > 0 ? options.embedding_size : FeatureSize(info);
  info.l2_normalize = angular;
  info.metric = angular ? "cosine" : "euclidean";
  info.storage = options.storage;
  return info;
}

void InitialiseNetwork(const std::filesystem::path& init, Darknet19 network) {
  if (init.empty()) {
    spdlog::info("Starting from random weights");
    return;
  }
  if (init.extension() == ".weights") {
    LoadDarknetWeights(init, Darknet19Layers(23), network);
    spdlog::info("Starting from darknet weights {}", init.string());
    return;
  }
  Darknet19 source = LoadModel(init);
  auto target_params = network->named_parameters(/*recurse=*/true);
  auto target_buffers = network->named_buffers(/*recurse=*/true);
  torch::NoGradGuard no_grad;
  int copied = 0, skipped = 0;
  auto copy = [&](const auto& from, auto& to) {
    for (const auto& item : from) {
      torch::Tensor* target = to.find(item.key());
      if (target && target->sizes() == item.value().sizes()) {
        target->copy_(item.value());
        ++copied;
      } else {
        ++skipped;
      }
    }
  };
  copy(source->named_parameters(true), target_params);
  copy(source->named_buffers(true), target_buffers);
  if (copied == 0)
    throw InputError("model '" + init.string() +
                     "' shares no layer with the network to train; expected "
                     "a model of the same layers");
  spdlog::info("Starting from model {}: {} tensors copied, {} skipped",
               init.string(), copied, skipped);
}

nlohmann::json TrainingRecord(const TrainOptions& o, const StoneSplit& split,
                              const PreparedSet& prepared,
                              const TrainReport& report) {
  return {{"data", o.data.filename().string()},
          {"training_stones", split.first.size()},
          {"validation_stones", split.second},
          {"pictures", prepared.inputs.size()},
          {"rejected_pictures", prepared.rejected},
          {"init", o.init.empty() ? "scratch" : o.init.filename().string()},
          {"width", o.width},
          {"loss", o.loss},
          {"epochs", o.epochs},
          {"batch",
           {{"stones", o.stones_per_batch},
            {"pictures_per_stone", o.pictures_per_stone}}},
          {"optimizer", "adam"},
          {"learning_rate", o.learning_rate},
          {"weight_decay", o.weight_decay},
          {"augment", o.augment},
          {"seed", o.seed},
          {"history", report.history}};
}

}  // namespace diareid
