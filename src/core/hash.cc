#include "diareid/core/hash.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <fstream>

#include "diareid/core/error.h"

namespace diareid {
namespace {

std::string ToHex(const unsigned char* data, size_t size) {
  static const char kDigits[] = "0123456789abcdef";
  std::string hex(size * 2, '0');
  for (size_t i = 0; i < size; ++i) {
    hex[2 * i] = kDigits[data[i] >> 4];
    hex[2 * i + 1] = kDigits[data[i] & 15];
  }
  return hex;
}

}  // namespace

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  auto* ctx = static_cast<EVP_MD_CTX*>(ctx_);
  if (ctx == nullptr || EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) != 1)
    throw InternalError("OpenSSL could not start a SHA-256 digest");
}

Sha256::~Sha256() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_)); }

void Sha256::Update(const void* data, size_t size) {
  if (EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), data, size) != 1)
    throw InternalError("OpenSSL SHA-256 update failed");
}

std::string Sha256::FinishHex() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(ctx_), digest, &size) != 1)
    throw InternalError("OpenSSL SHA-256 final failed");
  return ToHex(digest, size);
}

std::string Sha256Hex(std::string_view bytes) {
  Sha256 sha;
  sha.Update(bytes.data(), bytes.size());
  return sha.FinishHex();
}

std::string Sha256FileHex(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot read file " + path.string());
  Sha256 sha;
  std::string buffer(1 << 16, '\0');
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    sha.Update(buffer.data(), static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) throw InputError("error while reading file " + path.string());
  return sha.FinishHex();
}

std::string HmacSha256Hex(std::string_view key, std::string_view message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(message.data()),
           message.size(), digest, &size) == nullptr)
    throw InternalError("OpenSSL HMAC-SHA-256 failed");
  return ToHex(digest, size);
}

}  // namespace diareid
