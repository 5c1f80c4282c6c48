// Logging set-up shared by the binary, the tools and the tests.
#pragma once

#include <string>

namespace diareid {

// Configures spdlog: level by name (trace, debug, info, warn, error, off),
// messages to stderr, and also to `log_file` when it is not empty. Throws
// InputError for an unknown level or a log file that cannot be opened.
void SetUpLogging(const std::string& level, const std::string& log_file);

}  // namespace diareid
