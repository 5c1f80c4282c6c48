// Identification (1:N): which enrolled stone is this?
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "diareid/app/session.h"

namespace diareid {

struct IdentifyOptions {
  PictureSource source;
  int top = 5;
};

struct IdentifyResult {
  // Best first; `under_threshold` marks candidates close enough to be the
  // same stone.
  std::vector<Candidate> ranking;
  std::vector<bool> under_threshold;
  double threshold = 0;
  int pictures_used = 0;
  std::vector<std::string> rejected;
  StageTimes times;
};

// Ranks the enrolled stones for the pictures and records the query. Throws
// InputError when no picture is usable or the gallery is empty.
IdentifyResult Identify(Session& session, const IdentifyOptions& options);

nlohmann::json ToJson(const IdentifyResult& result);

}  // namespace diareid
