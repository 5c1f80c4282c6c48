// Training a Darknet19 embedding network on pictures of stones: a
// classifier over the training stones (dropped afterwards), with
// augmentations that match the rig, a validation split by stone, a
// checkpoint each epoch and resumption after an interruption.
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace diareid {

struct TrainOptions {
  // Data set folder: DIR/<stone-id>/<shot>.png.
  std::filesystem::path data;
  // Model file to write.
  std::filesystem::path out;
  // Starting weights: a darknet .weights file or a diareid model; empty:
  // from scratch.
  std::filesystem::path init;
  // Checkpoints and the prepared-picture cache; empty: "<out>.work".
  std::filesystem::path work_dir;
  // Side of the square network input in pixels.
  int input_size = 128;
  // Polar warp about the stone's centre (rotation becomes a shift).
  bool polar = false;
  // Fraction of Darknet19's filters in every convolution (1: Darknet19).
  double width = 1.0;
  // Embedding head: 0 keeps the pooled feature ("pool", as published);
  // otherwise a linear projection of this size with a batch-norm neck.
  int embedding_size = 0;
  int epochs = 10;
  // "softmax" (label-smoothed), "arcface", "cosface" or "triplet"
  // (batch-hard, with a softmax on the neck).
  std::string loss = "softmax";
  // Batches hold `stones_per_batch` stones x `pictures_per_stone` pictures.
  int stones_per_batch = 16;
  int pictures_per_stone = 4;
  // Adam learning rate, warmed up over the first epoch, then cosine decay.
  double learning_rate = 1e-3;
  double weight_decay = 5e-4;
  // Stones held out to validate on (retrieval, never trained on).
  int validation_stones = 10;
  // Rig-like augmentation: rotation, shift, exposure, noise, blur.
  bool augment = true;
  // Batches per epoch; 0: as many as the training pictures fill.
  int batches_per_epoch = 0;
  unsigned seed = 1;
  // Intra-op threads; 0: all cores.
  int threads = 0;
  // Storage of the written weights: "float32" or "float16".
  std::string storage = "float16";
  // Stop after this many epochs of this run (0: no limit); for tests of
  // resumption, as if the process had been killed.
  int stop_after_epochs = 0;
  // Throws InputError naming the first bad field and its allowed range.
  void Check() const;
};

// What a run did: per epoch loss, accuracy, validation scores and speed.
struct TrainReport {
  int epochs_done = 0;
  // Epoch the run started from (0 unless resumed).
  int resumed_from = 0;
  double final_loss = 0;
  double final_accuracy = 0;
  nlohmann::json history = nlohmann::json::array();
  // The model's ID when the run finished and wrote it; empty otherwise.
  std::string model_id;
};

// Trains (or resumes) and writes the model file when the last epoch ends.
TrainReport Train(const TrainOptions& options);

}  // namespace diareid
