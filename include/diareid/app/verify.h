// Verification on return: is this the stone that was sold under this ID?
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "diareid/app/session.h"

namespace diareid {

enum class Verdict { kSameStone, kDifferentStone, kInconclusive };

// "SAME STONE", "DIFFERENT STONE", "INCONCLUSIVE".
const char* VerdictName(Verdict verdict);

struct VerifyOptions {
  std::string stone_id;
  PictureSource source;
};

struct VerifyResult {
  std::string stone_id;
  Verdict verdict = Verdict::kInconclusive;
  // Distance from the pictures to the enrolled stone (lower is closer);
  // none when the verdict is inconclusive (no picture could be used).
  std::optional<double> distance;
  // Why the verdict is inconclusive; empty otherwise.
  std::string inconclusive_reason;
  double threshold = 0;
  // How the distance was measured: the metric ("euclidean", "cosine"), the
  // method (verify always compares the averaged pictures with the stone's
  // mean reference) and the model's ID.
  std::string metric;
  std::string method = "nearest-average";
  std::string model_id;
  int pictures_used = 0;
  // Pictures that could not be used, "name: reason".
  std::vector<std::string> rejected;
  // When different: the enrolled stone the pictures match best, if it is
  // under the threshold.
  std::optional<Candidate> matches_instead;
  StageTimes times;
};

// Compares the pictures with the enrolled stone and records the
// verification in the gallery. Throws InputError for an unknown ID.
VerifyResult Verify(Session& session, const VerifyOptions& options);

nlohmann::json ToJson(const VerifyResult& result);

}  // namespace diareid
