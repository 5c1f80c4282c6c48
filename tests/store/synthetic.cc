#include "synthetic.h"

#include <random>

#include "diareid/core/hash.h"

namespace diareid::testing {

ModelInfo SyntheticModel(const std::string& name, int dim) {
  ModelInfo model;
  model.id = Sha256Hex("synthetic model " + name);
  model.name = name;
  model.embedding_size = dim;
  return model;
}

std::string SyntheticPicture(uint64_t seed) {
  std::mt19937_64 random(seed);
  std::string bytes = "\x89PNG\r\n\x1a\n";
  for (int i = 0; i < 256; ++i)
    bytes.push_back(static_cast<char>(random() & 0xff));
  return bytes;
}

EnrolmentInput SyntheticEnrolment(const std::string& stone_id,
                                  const ModelInfo& model, int pictures,
                                  uint64_t seed) {
  EnrolmentInput input;
  input.stone_id = stone_id;
  input.metadata = {{"sale", "S-" + std::to_string(seed)}};
  input.operator_name = "test";
  input.model_id = model.id;
  std::mt19937_64 random(seed * 7919 + 17);
  std::normal_distribution<float> normal;
  input.embeddings.resize(pictures, model.embedding_size);
  for (int i = 0; i < pictures; ++i) {
    CaptureInput capture;
    capture.encoded = SyntheticPicture(seed * 1000 + i);
    capture.rig = "sim";
    capture.well = "A" + std::to_string(i + 1);
    capture.source = "shot " + std::to_string(i);
    input.captures.push_back(capture);
    for (int c = 0; c < model.embedding_size; ++c)
      input.embeddings(i, c) = normal(random);
  }
  return input;
}

}  // namespace diareid::testing
