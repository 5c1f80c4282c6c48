#include "picture_store.h"

#include <algorithm>
#include <system_error>
#include <unordered_set>

#include "diareid/core/error.h"
#include "diareid/core/files.h"
#include "diareid/core/hash.h"

namespace diareid::store {

std::string PictureFormat(std::string_view encoded, const std::string& source) {
  auto starts = [&](std::string_view magic) {
    return encoded.size() >= magic.size() &&
           encoded.substr(0, magic.size()) == magic;
  };
  if (starts("\x89PNG\r\n\x1a\n")) return "png";
  if (starts("\xff\xd8\xff")) return "jpg";
  if (starts(std::string_view("II*\0", 4)) ||
      starts(std::string_view("MM\0*", 4)))
    return "tif";
  if (starts("BM")) return "bmp";
  throw InputError("picture " + source + " (" + std::to_string(encoded.size()) +
                   " bytes) is not a PNG, JPEG, TIFF or BMP file");
}

std::filesystem::path PictureStore::PathOf(const std::string& sha256,
                                           const std::string& format) const {
  return root_ / sha256.substr(0, 2) / (sha256 + "." + format);
}

std::string PictureStore::Put(std::string_view encoded,
                              const std::string& format) const {
  std::string sha256 = Sha256Hex(encoded);
  std::filesystem::path path = PathOf(sha256, format);
  std::error_code error;
  if (std::filesystem::is_regular_file(path, error) &&
      std::filesystem::file_size(path, error) == encoded.size())
    return sha256;
  std::filesystem::path folder = path.parent_path();
  bool created = std::filesystem::create_directories(folder, error);
  if (error)
    throw InternalError("cannot create picture folder " + folder.string() +
                        ": " + error.message());
  WriteFileAtomic(path, encoded);
  if (created) SyncDirectory(root_);
  return sha256;
}

std::vector<std::filesystem::path> PictureStore::Strays(
    const std::vector<std::filesystem::path>& known) const {
  std::unordered_set<std::string> wanted;
  for (const auto& path : known) wanted.insert(path.string());
  std::vector<std::filesystem::path> strays;
  std::error_code error;
  if (!std::filesystem::is_directory(root_, error)) return strays;
  for (auto it = std::filesystem::recursive_directory_iterator(root_, error);
       it != std::filesystem::recursive_directory_iterator();
       it.increment(error)) {
    if (error) break;
    if (!it->is_regular_file(error)) continue;
    if (wanted.count(it->path().string()) == 0) strays.push_back(it->path());
  }
  std::sort(strays.begin(), strays.end());
  return strays;
}

}  // namespace diareid::store
