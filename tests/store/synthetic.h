// Synthetic gallery data for the store's tests and tools: models, picture
// bytes and embeddings, all from a seed.
#pragma once

#include <cstdint>
#include <string>

#include "diareid/app/reindex.h"
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

// The ID the test driver gives its i-th stone.
std::string DriverStoneId(int i);

// The embedding a synthetic model gives a picture file: random numbers
// seeded by the picture's bytes, so a test can recompute it.
EmbeddingMatrix SyntheticPictureEmbedding(const ModelInfo& model,
                                          const std::string& encoded);

// A re-index embedder that reads each picture and applies
// SyntheticPictureEmbedding; a missing file is a failure.
PictureBatchEmbedder SyntheticPictureEmbedder(const ModelInfo& model);

}  // namespace diareid::testing
