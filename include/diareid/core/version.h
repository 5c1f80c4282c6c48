// Version of diareid itself.
#pragma once

#include <string>

namespace diareid {

// "0.1.0".
std::string Version();

// The short git commit the binary was built from, or "unknown".
std::string GitCommit();

}  // namespace diareid
