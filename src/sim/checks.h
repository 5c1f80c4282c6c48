// Range checks of the simulator's parameters, with messages that name the
// parameter, its value and the allowed range.
#pragma once

#include <cstdio>
#include <string>

#include "diareid/core/error.h"

namespace diareid::sim {

// Throws InputError "<kind> <name> = <value> is out of range; expected
// <lo> to <hi>" unless lo <= value <= hi (NaN is out of range).
inline void CheckParameterRange(const char* kind, const char* name,
                                double value, double lo, double hi) {
  if (value >= lo && value <= hi) return;
  auto number = [](double x) {
    char text[32];
    std::snprintf(text, sizeof(text), "%g", x);
    return std::string(text);
  };
  throw InputError(std::string(kind) + " " + name + " = " + number(value) +
                   " is out of range; expected " + number(lo) + " to " +
                   number(hi));
}

}  // namespace diareid::sim
