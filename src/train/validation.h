// Validation during training: retrieval among stones never trained on,
// one reference per stone, as the published protocol measures it.
#pragma once

#include <torch/torch.h>

#include "diareid/model/darknet19.h"
#include "diareid/train/dataset.h"

namespace diareid {

// The held-out stones' inputs (N x 3 x S x S float) and their stones.
struct ValidationSet {
  torch::Tensor inputs;
  std::vector<std::string> stone_ids;
};

ValidationSet MakeValidationSet(const PreparedSet& prepared,
                                const std::vector<std::string>& stones);

// Recomputes every batch norm's running statistics as the exact average
// over `inputs` (N x 3 x S x S float, un-augmented training pictures), in
// batches of 32. Darknet's momentum of 0.01 leaves them far from the
// trained weights after a short run, which breaks eval-mode embeddings.
void RecalibrateBatchNorm(Darknet19 network, const torch::Tensor& inputs);

struct ValidationScore {
  double map = 0;
  double rank1 = 0;
};

// Embeds the set in eval mode and scores nearest average with one
// reference (three repeats); zeros when the set is empty.
ValidationScore Validate(Darknet19 network, const ValidationSet& set,
                         const ModelInfo& info);

}  // namespace diareid
