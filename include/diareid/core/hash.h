// SHA-256 and HMAC-SHA-256, as lowercase hex or raw bytes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace diareid {

// SHA-256 of a byte string, as 64 lowercase hex characters.
std::string Sha256Hex(std::string_view bytes);

// SHA-256 of a file's content, read in chunks; throws InputError if the file
// cannot be read.
std::string Sha256FileHex(const std::filesystem::path& path);

// HMAC-SHA-256 of a message under a key, as 64 lowercase hex characters.
std::string HmacSha256Hex(std::string_view key, std::string_view message);

// Incremental SHA-256 for data that arrives in pieces.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void Update(const void* data, size_t size);
  // Returns the digest as hex; the object cannot be updated afterwards.
  std::string FinishHex();

 private:
  void* ctx_;
};

}  // namespace diareid
