// File helpers that never leave a half-written file behind.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace diareid {

// Writes bytes to path through a temporary file in the same folder, fsync
// and rename, then fsyncs the folder: readers see the old file or the whole
// new one. Throws InternalError (disk full, read-only) naming the path.
void WriteFileAtomic(const std::filesystem::path& path, std::string_view bytes);

// Reads a whole file; throws InputError naming the path if it cannot.
std::string ReadFile(const std::filesystem::path& path);

// fsyncs a folder so that a rename or a new entry in it is durable.
void SyncDirectory(const std::filesystem::path& dir);

// The user's data folder for diareid: $XDG_DATA_HOME/diareid, else
// $HOME/.local/share/diareid.
std::filesystem::path DefaultDataDir();

}  // namespace diareid
