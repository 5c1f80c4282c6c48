// Identification (1:N): which enrolled stone is this?
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "diareid/app/session.h"

namespace diareid {

struct IdentifyOptions {
  PictureSource source;
  int top = 5;
};

// The answer of an identification. Only the best-ranked stone can be the
// same stone, and only when it is the one stone within the threshold.
enum class IdentifyVerdict {
  // Exactly one enrolled stone is within the threshold: this is it.
  kSameStone,
  // No enrolled stone is within the threshold.
  kNotFound,
  // Two or more stones are within the threshold: the pictures cannot tell
  // them apart.
  kInconclusive,
};

// "SAME STONE", "NOT FOUND", "INCONCLUSIVE".
const char* IdentifyVerdictName(IdentifyVerdict verdict);

struct IdentifyResult {
  IdentifyVerdict verdict = IdentifyVerdict::kNotFound;
  // Best first, at most `top`; `within_threshold` marks candidates close
  // enough to be the same stone (only the best can be, see `verdict`).
  std::vector<Candidate> ranking;
  std::vector<bool> within_threshold;
  // When inconclusive: the first stone within the threshold after the best
  // (it may be ranked below `top`).
  std::optional<Candidate> rival;
  // Why the verdict is inconclusive when it is not two close stones (a
  // replayed enrolment picture); empty otherwise.
  std::string inconclusive_reason;
  double threshold = 0;
  // How stones were ranked: metric, method (and k for knn), model ID.
  std::string metric;
  std::string method;
  int k = 0;
  std::string model_id;
  int pictures_used = 0;
  std::vector<std::string> rejected;
  StageTimes times;
};

// Ranks the enrolled stones for the pictures, decides the verdict and
// records the query. Throws InputError when no picture is usable or the
// gallery is empty.
IdentifyResult Identify(Session& session, const IdentifyOptions& options);

nlohmann::json ToJson(const IdentifyResult& result);

}  // namespace diareid
