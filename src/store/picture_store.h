// The content-addressed picture store beside the database:
// pictures/ab/abcdef....png, named by the SHA-256 of the file's bytes.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace diareid::store {

// "png", "jpg", "tif" or "bmp" from the first bytes; throws InputError
// naming `source` for anything else.
std::string PictureFormat(std::string_view encoded, const std::string& source);

class PictureStore {
 public:
  explicit PictureStore(std::filesystem::path root) : root_(std::move(root)) {}

  // Where a picture with this hash and format lives.
  std::filesystem::path PathOf(const std::string& sha256,
                               const std::string& format) const;

  // Writes the picture (temporary file, fsync, rename, fsync of the folder)
  // unless a file of that name and size is already there. Returns its hash.
  std::string Put(std::string_view encoded, const std::string& format) const;

  // Files in the store that are not pictures of `known` paths, and
  // temporary files left by an interrupted write.
  std::vector<std::filesystem::path> Strays(
      const std::vector<std::filesystem::path>& known) const;

  const std::filesystem::path& root() const { return root_; }

 private:
  std::filesystem::path root_;
};

}  // namespace diareid::store
