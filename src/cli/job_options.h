// Options shared by enrol, verify and identify: pictures and matching.
#pragma once

#include <string>

#include "command.h"
#include "diareid/app/session.h"

namespace diareid::cli {

// Matching and verdict settings as they come from the command line.
struct MatchSettings {
  std::string method = "nearest-average";
  std::string metric;  // empty: the model's metric
  int k = 5;
  double threshold = 0;
};

// Adds --images, or --rig/--tray/--well/--shots.
void AddPictureOptions(CLI::App* command, PictureSource& source);

// Adds --match, --metric, --k, --threshold.
void AddMatchOptions(CLI::App* command, MatchSettings& settings);

// Session options from the global options and the matching settings.
SessionOptions MakeSessionOptions(const GlobalOptions& global,
                                  const MatchSettings& match);

}  // namespace diareid::cli
