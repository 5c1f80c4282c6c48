// Checks of the paths a command will write, made before any work: a path
// that cannot be written is bad input (exit 2), named in one line, rather
// than a failure halfway through (exit 5).
#pragma once

#include <CLI/CLI.hpp>

#include <filesystem>
#include <string>

namespace diareid::cli {

// Throws InputError naming `option` and `path` unless `path` is a folder we
// may write in, or can be created as one: its nearest existing ancestor is
// a folder we may write in (not a regular file).
void CheckOutputFolder(const std::string& option,
                       const std::filesystem::path& path);

// Throws InputError naming `option` and `path` unless `path` names a file
// that can be written: not a folder, in an existing folder we may write in
// (with `create_folder`, a folder that CheckOutputFolder accepts).
void CheckOutputFile(const std::string& option,
                     const std::filesystem::path& path, bool create_folder);

// Creates the folder of an output file, or throws InputError naming
// `option`, `path` and why.
void CreateOutputFolder(const std::string& option,
                        const std::filesystem::path& folder);

// A CLI11 check for input files: they must exist and be regular files (a
// FIFO or a device would block the read, a folder cannot be read).
CLI::Validator RegularFile();

}  // namespace diareid::cli
