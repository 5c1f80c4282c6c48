#include "diareid/app/enrol.h"

#include <spdlog/spdlog.h>

#include "diareid/core/timer.h"

namespace diareid {

EnrolResult Enrol(Session& session, const EnrolOptions& options) {
  CheckStoneId(options.stone_id);
  auto existing = session.gallery().FindStone(options.stone_id);
  if (existing && !options.re_enrol)
    throw InputError("stone " + options.stone_id +
                     " is already enrolled (since " + existing->created +
                     "); give --re-enrol to replace its references");
  spdlog::info("Enrolling stone {}", options.stone_id);
  std::vector<Picture> pictures = session.Acquire(options.source);
  EmbeddingMatrix embeddings =
      session.Embed(pictures, /*strict=*/true, /*rejected=*/nullptr);

  int calibrated_refs = session.model().calibration.value("references", 0);
  if (static_cast<int>(pictures.size()) < calibrated_refs)
    spdlog::warn(
        "Stone {} is enrolled with {} pictures, but the model's threshold "
        "was calibrated with {} references per stone: verdicts on it are "
        "less certain",
        options.stone_id, pictures.size(), calibrated_refs);
  EnrolResult result;
  result.stone_id = options.stone_id;
  result.pictures = static_cast<int>(pictures.size());
  result.model_id = session.model().id;

  // A look-alike among the other stones is worth a warning: the same stone
  // enrolled twice, or a stone that was returned being sold again.
  std::optional<Matcher> matcher = session.BuildMatcher();
  if (matcher && session.HasThreshold()) {
    double threshold = session.Threshold();
    for (const auto& candidate : matcher->Rank(embeddings, 3)) {
      if (candidate.stone_id == options.stone_id) continue;
      if (candidate.distance > threshold) break;
      spdlog::warn(
          "Stone {} looks like enrolled stone {} (distance {:.3f}, "
          "threshold {:.3f}): is it the same stone enrolled twice?",
          options.stone_id, candidate.stone_id, candidate.distance, threshold);
      result.look_alikes.push_back(candidate);
    }
  }

  EnrolmentInput input;
  input.stone_id = options.stone_id;
  input.metadata = options.metadata;
  input.operator_name = session.options().operator_name;
  input.re_enrol = options.re_enrol;
  input.captures = ToCaptures(pictures);
  input.model_id = session.model().id;
  input.embeddings = embeddings;
  {
    ScopedTimer timer(&session.times().database_ms);
    session.gallery().Enrol(input);
  }
  result.times = session.times();
  spdlog::info("Enrolled stone {} with {} pictures", options.stone_id,
               result.pictures);
  return result;
}

nlohmann::json ToJson(const EnrolResult& result) {
  nlohmann::json look_alikes = nlohmann::json::array();
  for (const auto& c : result.look_alikes)
    look_alikes.push_back({{"stone", c.stone_id}, {"distance", c.distance}});
  return {{"stone", result.stone_id},
          {"pictures", result.pictures},
          {"model", result.model_id},
          {"look_alikes", look_alikes},
          {"times_ms", ToJson(result.times)}};
}

}  // namespace diareid
