// Synthetic gallery data for the store's tests and tools: models, picture
// bytes and embeddings, all from a seed.
#pragma once

#include <cstdint>
#include <string>

#include "diareid/store/gallery.h"

namespace diareid::testing {

// A model with a made-up ID (SHA-256 of `name`) and embedding size `dim`.
ModelInfo SyntheticModel(const std::string& name, int dim);

// Bytes that start like a PNG file and differ for every seed.
std::string SyntheticPicture(uint64_t seed);

// An enrolment of `pictures` captures with random embeddings from `model`.
EnrolmentInput SyntheticEnrolment(const std::string& stone_id,
                                  const ModelInfo& model, int pictures,
                                  uint64_t seed);

}  // namespace diareid::testing
