// Augmentations that match what changes between two shots on the rig:
// rotation and shift of the stone in its well, exposure, sensor noise and
// slight defocus. No random-resized crops: the rig keeps the scale fixed.
#pragma once

#include <torch/torch.h>

namespace diareid {

// Augments a batch (N x 3 x S x S, RGB in [0, 1]) with the global torch
// generator. Polar inputs rotate by a cyclic shift of the angle axis
// (columns); others by resampling about the centre, with a small shift.
torch::Tensor AugmentBatch(const torch::Tensor& batch, bool polar);

}  // namespace diareid
