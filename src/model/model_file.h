// The container of a diareid model file, without LibTorch: a magic, a
// version, a JSON block, then the raw tensors (docs/model-format.md).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace diareid {

// Format version this code writes and reads.
constexpr uint32_t kModelFileVersion = 1;

// One named tensor as stored: dtype "float32" or "float16", little-endian.
struct StoredTensor {
  std::string name;
  std::string dtype;
  std::vector<int64_t> shape;
  std::string bytes;
};

// What precedes the tensor data: the model's metadata (ModelInfo JSON) and
// the tensor directory (bytes left empty).
struct ModelFileHeader {
  nlohmann::json metadata;
  std::vector<StoredTensor> tensors;
  uint64_t data_offset = 0;
  uint64_t file_size = 0;
};

// Reads and checks the header, including that the file has exactly the size
// the directory announces; throws InputError naming the file.
ModelFileHeader ReadModelFileHeader(const std::filesystem::path& path);

// Reads the header and every tensor's bytes.
ModelFileHeader ReadModelFile(const std::filesystem::path& path);

// The content ID: SHA-256 over the embedding-deciding metadata (architecture,
// layers, the geometric preprocessing, head) and every tensor.
std::string ContentId(const nlohmann::json& metadata,
                      const std::vector<StoredTensor>& tensors);

// Writes a model file atomically; metadata["id"] is written as given.
void WriteModelFile(const std::filesystem::path& path,
                    const nlohmann::json& metadata,
                    const std::vector<StoredTensor>& tensors);

}  // namespace diareid
