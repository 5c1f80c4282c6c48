#include "embedding_codec.h"

#include <cmath>
#include <cstring>

#include "diareid/core/error.h"
#include "diareid/core/hash.h"

namespace diareid::store {

const char kFloat32[] = "float32";

static_assert(sizeof(float) == 4, "float must be IEEE-754 binary32");

std::string EncodeEmbedding(const EmbeddingMatrix& matrix, int row) {
  std::string blob(static_cast<size_t>(matrix.cols()) * sizeof(float), '\0');
  for (Eigen::Index c = 0; c < matrix.cols(); ++c) {
    float value = matrix(row, c);
    if (!std::isfinite(value))
      throw InputError("embedding row " + std::to_string(row) +
                       " has a value that is not finite at column " +
                       std::to_string(c));
    std::memcpy(&blob[static_cast<size_t>(c) * sizeof(float)], &value,
                sizeof(float));
  }
  return blob;
}

void DecodeEmbedding(const std::string& blob, int dim, const std::string& dtype,
                     int64_t embedding_id, EmbeddingMatrix& out, int row) {
  std::string name = "embedding " + std::to_string(embedding_id);
  if (dtype != kFloat32)
    throw IntegrityError(name + " has dtype '" + dtype + "', expected '" +
                         kFloat32 + "'");
  if (dim != out.cols())
    throw IntegrityError(name + " has dimension " + std::to_string(dim) +
                         ", expected " + std::to_string(out.cols()) +
                         " for its model");
  if (blob.size() != static_cast<size_t>(dim) * sizeof(float))
    throw IntegrityError(name + " holds " + std::to_string(blob.size()) +
                         " bytes, expected " +
                         std::to_string(static_cast<size_t>(dim) * 4) +
                         " for dimension " + std::to_string(dim));
  std::memcpy(out.row(row).data(), blob.data(), blob.size());
}

std::string EmbeddingDigest(int64_t capture_id, const std::string& model_id,
                            int dim, const std::string& dtype,
                            const std::string& blob) {
  std::string head = std::to_string(capture_id) + "\n" + model_id + "\n" +
                     std::to_string(dim) + "\n" + dtype + "\n";
  Sha256 sha;
  sha.Update(head.data(), head.size());
  sha.Update(blob.data(), blob.size());
  return sha.FinishHex();
}

}  // namespace diareid::store
