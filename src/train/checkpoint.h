// The state of a training run saved after each epoch, so that a run killed
// part-way carries on from its last finished epoch.
#pragma once

#include <filesystem>
#include <string>

#include <torch/torch.h>

#include "diareid/model/darknet19.h"
#include "losses.h"

namespace diareid {

// Writes network, classifier, optimiser, the finished epoch and a JSON
// document (options fingerprint and history) atomically to `path`.
void SaveCheckpoint(const std::filesystem::path& path, Darknet19 network,
                    StoneClassifier classifier, torch::optim::Optimizer& opt,
                    int epoch, const std::string& json);

// Reads a checkpoint into existing modules; returns the finished epoch and
// sets `json`. Throws InputError naming the file when it cannot be read.
int LoadCheckpoint(const std::filesystem::path& path, Darknet19 network,
                   StoneClassifier classifier, torch::optim::Optimizer& opt,
                   std::string& json);

}  // namespace diareid
