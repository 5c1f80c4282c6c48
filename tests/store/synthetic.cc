#include "synthetic.h"

#include <random>

#include "diareid/core/error.h"
#include "diareid/core/files.h"
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

std::string DriverStoneId(int i) { return "S" + std::to_string(i); }

EmbeddingMatrix SyntheticPictureEmbedding(const ModelInfo& model,
                                          const std::string& encoded) {
  std::string digest = Sha256Hex(model.id + encoded);
  std::mt19937_64 random(std::stoull(digest.substr(0, 15), nullptr, 16));
  std::normal_distribution<float> normal;
  EmbeddingMatrix row(1, model.embedding_size);
  for (int c = 0; c < model.embedding_size; ++c) row(0, c) = normal(random);
  return row;
}

PictureBatchEmbedder SyntheticPictureEmbedder(const ModelInfo& model) {
  return [model](const std::vector<std::filesystem::path>& pictures,
                 EmbeddingMatrix& rows, std::vector<std::string>& failures) {
    rows.setZero(static_cast<Eigen::Index>(pictures.size()),
                 model.embedding_size);
    for (size_t i = 0; i < pictures.size(); ++i) {
      try {
        rows.row(static_cast<Eigen::Index>(i)) =
            SyntheticPictureEmbedding(model, ReadFile(pictures[i]));
      } catch (const InputError& e) {
        failures[i] = e.what();
      }
    }
  };
}

}  // namespace diareid::testing
