#include "output_paths.h"

#include <unistd.h>

#include <system_error>

#include "diareid/core/error.h"

namespace diareid::cli {
namespace {

namespace fs = std::filesystem;

// The path itself when it exists, else its nearest existing ancestor.
fs::path NearestExisting(const fs::path& path) {
  std::error_code error;
  fs::path at = fs::absolute(path, error);
  if (error) at = path;
  while (true) {
    if (fs::exists(fs::status(at, error))) return at;
    if (!at.has_relative_path() || at.parent_path() == at) return at;
    at = at.parent_path();
  }
}

void RequireWritableFolder(const std::string& option, const fs::path& path,
                           const fs::path& folder) {
  std::error_code error;
  if (!fs::is_directory(folder, error))
    throw InputError(option + " " + path.string() + ": " + folder.string() +
                     " is a file, not a folder");
  if (::access(folder.c_str(), W_OK | X_OK) != 0)
    throw InputError(option + " " + path.string() +
                     ": no permission to write in " + folder.string());
}

}  // namespace

void CheckOutputFolder(const std::string& option, const fs::path& path) {
  if (path.empty()) throw InputError(option + " is empty; expected a folder");
  RequireWritableFolder(option, path, NearestExisting(path));
}

void CheckOutputFile(const std::string& option, const fs::path& path,
                     bool create_folder) {
  if (path.empty() || !path.has_filename())
    throw InputError(option + " '" + path.string() +
                     "' does not name a file; expected a file name");
  std::error_code error;
  if (fs::is_directory(path, error))
    throw InputError(option + " " + path.string() +
                     " is a folder; expected a file name");
  fs::path folder = path.parent_path();
  if (folder.empty()) folder = ".";
  if (create_folder) {
    CheckOutputFolder(option, folder);
    return;
  }
  if (!fs::exists(fs::status(folder, error)))
    throw InputError(option + " " + path.string() + ": folder " +
                     folder.string() + " does not exist; create it first");
  RequireWritableFolder(option, path, folder);
}

void CreateOutputFolder(const std::string& option, const fs::path& folder) {
  if (folder.empty()) return;
  CheckOutputFolder(option, folder);
  std::error_code error;
  fs::create_directories(folder, error);
  if (error)
    throw InputError(option + ": cannot create folder " + folder.string() +
                     ": " + error.message());
}

CLI::Validator RegularFile() {
  return CLI::Validator(
      [](std::string& name) -> std::string {
        std::error_code error;
        const fs::file_status status = fs::status(name, error);
        if (!fs::exists(status)) return "file " + name + " does not exist";
        if (!fs::is_regular_file(status))
          return name +
                 " is not a regular file (a folder, FIFO or device); "
                 "expected a picture file";
        return "";
      },
      "FILE");
}

}  // namespace diareid::cli
