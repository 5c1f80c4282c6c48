// What a training run's model is made of: its metadata from the options,
// its starting weights, and the record of how it was trained.
#pragma once

#include <filesystem>

#include <nlohmann/json.hpp>

#include "diareid/model/darknet19.h"
#include "diareid/train/dataset.h"
#include "diareid/train/trainer.h"

namespace diareid {

// The model's metadata: Darknet19's layers with `width` of their filters,
// preprocessing, head, metric and storage.
ModelInfo TrainingModelInfo(const TrainOptions& options);

// Copies starting weights into `network`: from a darknet .weights file
// (full width only) or from a diareid model (every parameter and buffer
// whose name and shape match). Nothing when `init` is empty.
void InitialiseNetwork(const std::filesystem::path& init, Darknet19 network);

// The model's training record: data, split, recipe and history.
nlohmann::json TrainingRecord(const TrainOptions& options,
                              const StoneSplit& split,
                              const PreparedSet& prepared,
                              const TrainReport& report);

}  // namespace diareid
