#include "model_file.h"

#include <cstring>
#include <fstream>

#include "diareid/core/error.h"
#include "diareid/core/files.h"
#include "diareid/core/hash.h"

namespace diareid {
namespace {

constexpr char kMagic[8] = {'D', 'I', 'A', 'R', 'E', 'I', 'D', 'M'};
constexpr uint64_t kPreambleSize = 8 + 4 + 8;

uint64_t ElementSize(const std::string& dtype, const std::string& file) {
  if (dtype == "float32") return 4;
  if (dtype == "float16") return 2;
  throw InputError("model file " + file + " holds dtype '" + dtype +
                   "', expected float32 or float16");
}

uint64_t ByteCount(const StoredTensor& tensor, const std::string& file) {
  uint64_t count = 1;
  for (int64_t side : tensor.shape) {
    if (side < 0)
      throw InputError("model file " + file + " gives tensor " + tensor.name +
                       " a negative side " + std::to_string(side));
    count *= static_cast<uint64_t>(side);
  }
  return count * ElementSize(tensor.dtype, file);
}

template <typename T>
void Append(std::string& out, T value) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out.append(bytes, sizeof(T));
}

std::string ShowBytes(const char* data, size_t size) {
  std::string shown;
  for (size_t i = 0; i < size; ++i) {
    unsigned char c = static_cast<unsigned char>(data[i]);
    shown += (c >= 32 && c < 127) ? static_cast<char>(c) : '.';
  }
  return shown;
}

ModelFileHeader ReadHeader(std::ifstream& in, const std::string& file,
                           uint64_t file_size) {
  if (file_size < kPreambleSize)
    throw InputError("model file " + file +
                     " is truncated: expected at least " +
                     std::to_string(kPreambleSize) + " bytes, found " +
                     std::to_string(file_size));
  char preamble[kPreambleSize];
  in.read(preamble, kPreambleSize);
  if (std::memcmp(preamble, kMagic, 8) != 0)
    throw InputError("model file " + file +
                     " is not a diareid model: expected magic 'DIAREIDM', "
                     "found '" +
                     ShowBytes(preamble, 8) + "'");
  uint32_t version = 0;
  uint64_t json_size = 0;
  std::memcpy(&version, preamble + 8, 4);
  std::memcpy(&json_size, preamble + 12, 8);
  if (version != kModelFileVersion)
    throw InputError("model file " + file + " has format version " +
                     std::to_string(version) + ", expected " +
                     std::to_string(kModelFileVersion));
  if (json_size > file_size - kPreambleSize)
    throw InputError("model file " + file +
                     " is truncated: expected at least " +
                     std::to_string(kPreambleSize + json_size) +
                     " bytes, found " + std::to_string(file_size));
  std::string text(json_size, '\0');
  in.read(text.data(), static_cast<std::streamsize>(json_size));
  nlohmann::json top = nlohmann::json::parse(text, nullptr, false);
  if (top.is_discarded() || !top.is_object() || !top.contains("model") ||
      !top.contains("tensors"))
    throw InputError("model file " + file +
                     " has a damaged metadata block: expected a JSON object "
                     "with 'model' and 'tensors'");
  ModelFileHeader header;
  header.metadata = top.at("model");
  header.data_offset = kPreambleSize + json_size;
  header.file_size = file_size;
  uint64_t expected = header.data_offset;
  try {
    for (const auto& entry : top.at("tensors")) {
      StoredTensor tensor;
      tensor.name = entry.at("name").get<std::string>();
      tensor.dtype = entry.at("dtype").get<std::string>();
      tensor.shape = entry.at("shape").get<std::vector<int64_t>>();
      expected += ByteCount(tensor, file);
      header.tensors.push_back(std::move(tensor));
    }
  } catch (const nlohmann::json::exception& e) {
    throw InputError("model file " + file +
                     " has a damaged tensor directory: " + e.what());
  }
  if (expected != file_size)
    throw InputError("model file " + file + " is " +
                     (file_size < expected ? "truncated" : "too long") +
                     ": expected " + std::to_string(expected) +
                     " bytes, found " + std::to_string(file_size));
  return header;
}

// Opens a model file after checking it is a regular file: opening a FIFO
// would wait for a writer forever. Returns its size.
uint64_t OpenModelFile(const std::filesystem::path& path, std::ifstream& in) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw InputError("cannot read model file " + path.string() + ": " +
                     (std::filesystem::exists(path, ec) ? "not a regular file"
                                                        : "no such file") +
                     ", expected an existing readable file");
  const uint64_t size = std::filesystem::file_size(path, ec);
  in.open(path, std::ios::binary);
  if (ec || !in)
    throw InputError("cannot read model file " + path.string() +
                     ": expected an existing readable file");
  return size;
}

}  // namespace

ModelFileHeader ReadModelFileHeader(const std::filesystem::path& path) {
  std::ifstream in;
  const uint64_t size = OpenModelFile(path, in);
  return ReadHeader(in, path.string(), size);
}

ModelFileHeader ReadModelFile(const std::filesystem::path& path) {
  std::ifstream in;
  const uint64_t size = OpenModelFile(path, in);
  ModelFileHeader header = ReadHeader(in, path.string(), size);
  for (StoredTensor& tensor : header.tensors) {
    tensor.bytes.resize(ByteCount(tensor, path.string()));
    in.read(tensor.bytes.data(),
            static_cast<std::streamsize>(tensor.bytes.size()));
  }
  if (!in)
    throw InputError("model file " + path.string() +
                     " could not be read to its end");
  return header;
}

std::string ContentId(const nlohmann::json& metadata,
                      const std::vector<StoredTensor>& tensors) {
  nlohmann::json decisive = {
      {"architecture", metadata.value("architecture", "")},
      {"layers", metadata.value("layers", nlohmann::json::array())},
      {"head", metadata.value("head", "")},
      {"embedding_size", metadata.value("embedding_size", 0)},
      {"l2_normalize", metadata.value("l2_normalize", false)}};
  const nlohmann::json pre =
      metadata.value("preprocess", nlohmann::json::object());
  for (const char* key : {"input_size", "margin", "polar", "raw"})
    decisive["preprocess"][key] = pre.value(key, nlohmann::json());
  Sha256 sha;
  const std::string text = decisive.dump();
  sha.Update(text.data(), text.size());
  for (const StoredTensor& tensor : tensors) {
    nlohmann::json entry = {{"name", tensor.name},
                            {"dtype", tensor.dtype},
                            {"shape", tensor.shape}};
    const std::string head = entry.dump();
    sha.Update(head.data(), head.size());
    sha.Update(tensor.bytes.data(), tensor.bytes.size());
  }
  return sha.FinishHex();
}

void WriteModelFile(const std::filesystem::path& path,
                    const nlohmann::json& metadata,
                    const std::vector<StoredTensor>& tensors) {
  nlohmann::json directory = nlohmann::json::array();
  uint64_t data_size = 0;
  for (const StoredTensor& tensor : tensors) {
    DIAREID_CHECK(tensor.bytes.size() == ByteCount(tensor, path.string()));
    directory.push_back({{"name", tensor.name},
                         {"dtype", tensor.dtype},
                         {"shape", tensor.shape}});
    data_size += tensor.bytes.size();
  }
  const std::string text =
      nlohmann::json{{"model", metadata}, {"tensors", directory}}.dump(1);
  std::string out;
  out.reserve(kPreambleSize + text.size() + data_size);
  out.append(kMagic, 8);
  Append<uint32_t>(out, kModelFileVersion);
  Append<uint64_t>(out, text.size());
  out += text;
  for (const StoredTensor& tensor : tensors) out += tensor.bytes;
  WriteFileAtomic(path, out);
}

}  // namespace diareid
