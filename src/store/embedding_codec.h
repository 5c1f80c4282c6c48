// Embeddings as stored: float32 little-endian rows with their shape, type
// and model, and a digest that Check() recomputes.
#pragma once

#include <cstdint>
#include <string>

#include "diareid/model/embedder.h"

namespace diareid::store {

// The only dtype this version writes.
extern const char kFloat32[];

// The bytes of one row of `matrix`; throws InputError for a value that is
// not finite.
std::string EncodeEmbedding(const EmbeddingMatrix& matrix, int row);

// Copies a stored vector into `row` of `out`, checking dtype, dimension
// and size; throws IntegrityError naming the embedding otherwise.
void DecodeEmbedding(const std::string& blob, int dim, const std::string& dtype,
                     int64_t embedding_id, EmbeddingMatrix& out, int row);

// SHA-256 over what identifies a stored embedding and its bytes.
std::string EmbeddingDigest(int64_t capture_id, const std::string& model_id,
                            int dim, const std::string& dtype,
                            const std::string& blob);

}  // namespace diareid::store
