// Timestamps as text, the way the gallery stores them.
#pragma once

#include <string>

namespace diareid::store {

// The current time in UTC, ISO 8601 with milliseconds:
// "2026-12-04T15:56:04.123Z".
std::string NowText();

}  // namespace diareid::store
