// Where the shipped default model lives.
#pragma once

#include <filesystem>

namespace diareid {

// The shipped default model, diareid-default.dmodel: in
// <prefix>/share/diareid/models/ next to the installed binary, else in
// models/ of the source tree; the first that exists, or the installed path
// when neither does (so the error names where it should be).
std::filesystem::path DefaultModelPath();

}  // namespace diareid
