#include "diareid/app/verify.h"

#include <spdlog/spdlog.h>

#include "diareid/core/timer.h"

namespace diareid {
namespace {

// A picture this much farther than the threshold from the claimed stone is
// not a view of it, whatever the average of all pictures says (another
// stone's pictures lie at two to three thresholds; the stone's own rarely
// beyond one).
constexpr double kStrayFactor = 1.5;

}  // namespace

const char* VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kSameStone:
      return "SAME STONE";
    case Verdict::kDifferentStone:
      return "DIFFERENT STONE";
    case Verdict::kInconclusive:
      return "INCONCLUSIVE";
  }
  return "?";
}

VerifyResult Verify(Session& session, const VerifyOptions& options) {
  CheckStoneId(options.stone_id);
  if (!session.gallery().FindStone(options.stone_id))
    throw InputError("stone " + options.stone_id +
                     " is not enrolled in gallery " +
                     session.gallery().dir().string());
  VerifyResult result;
  result.stone_id = options.stone_id;
  result.threshold = session.Threshold();
  result.metric = MetricName(session.options().match.metric);
  result.model_id = session.model().id;
  std::vector<Picture> pictures = session.Acquire(options.source);
  const size_t given = pictures.size();
  EmbeddingMatrix embeddings =
      session.Embed(pictures, /*strict=*/false, &result.rejected);
  result.pictures_used = static_cast<int>(embeddings.rows());

  // Checked before the pictures are kept: an old picture says nothing
  // about the stone on the counter.
  const std::string replayed =
      ReplayedEnrolmentPictures(session.gallery(), pictures);

  if (result.pictures_used > 0) {
    const Matcher stone = session.BuildStoneMatcher(options.stone_id);
    const double distance = stone.DistanceTo(embeddings, options.stone_id);
    result.distance = distance;
    result.verdict = distance <= result.threshold ? Verdict::kSameStone
                                                  : Verdict::kDifferentStone;
    // Pictures of one stone agree; an average can hide one of another
    // stone among them.
    std::string strays;
    int near = 0;
    for (Eigen::Index i = 0; i < embeddings.rows(); ++i) {
      const double own = stone.DistanceTo(embeddings.row(i), options.stone_id);
      if (own <= result.threshold) ++near;
      if (own > kStrayFactor * result.threshold) {
        char text[64];
        std::snprintf(text, sizeof(text), " (distance %.3f)", own);
        strays += (strays.empty() ? "" : ", ") +
                  pictures[static_cast<size_t>(i)].name + text;
      }
    }
    if (!strays.empty() && near > 0) {
      result.verdict = Verdict::kInconclusive;
      result.inconclusive_reason =
          "the pictures disagree: " + strays +
          " far from the stone while others match it; are they all of one "
          "stone? take the pictures again";
    }
    if (!replayed.empty()) {
      result.verdict = Verdict::kInconclusive;
      result.inconclusive_reason = "replayed pictures: " + replayed +
                                   "; photograph the returned stone anew";
    }
    if (result.verdict == Verdict::kDifferentStone) {
      // Which enrolled stone is it, then? Only now is the whole gallery
      // worth loading.
      std::optional<Matcher> matcher = session.BuildMatcher();
      for (const auto& candidate : matcher->Rank(embeddings, 2)) {
        if (candidate.stone_id == options.stone_id) continue;
        if (candidate.distance <= result.threshold)
          result.matches_instead = candidate;
        break;
      }
    }
    spdlog::info(
        "Verification of stone {}: {} (distance {:.3f}, threshold "
        "{:.3f}, {} pictures)",
        options.stone_id, VerdictName(result.verdict), distance,
        result.threshold, result.pictures_used);
  } else {
    result.inconclusive_reason =
        "none of the " + std::to_string(given) + " pictures could be used";
    if (!replayed.empty())
      result.inconclusive_reason += "; replayed pictures: " + replayed;
    spdlog::info("Verification of stone {}: {} ({})", options.stone_id,
                 VerdictName(result.verdict), result.inconclusive_reason);
  }

  QueryRecord record;
  record.purpose = "verify";
  record.stone_id = options.stone_id;
  record.operator_name = session.options().operator_name;
  record.captures = ToCaptures(pictures);
  record.model_id = session.model().id;
  record.embeddings = embeddings;
  // The event keeps the stage times so far (the database time up to the
  // write that records it).
  result.times = session.times();
  record.result = ToJson(result);
  {
    ScopedTimer timer(&session.times().database_ms);
    // An inconclusive verification has no picture to keep, but the attempt
    // still goes into the event log.
    if (record.captures.empty())
      session.gallery().RecordEvent("verify", options.stone_id,
                                    {{"operator", record.operator_name},
                                     {"captures", nlohmann::json::array()},
                                     {"result", record.result}});
    else
      session.gallery().RecordQuery(record);
  }
  result.times = session.times();
  return result;
}

nlohmann::json ToJson(const VerifyResult& result) {
  nlohmann::json json = {{"stone", result.stone_id},
                         {"verdict", VerdictName(result.verdict)},
                         {"distance", nullptr},
                         {"inconclusive_reason", nullptr},
                         {"threshold", result.threshold},
                         {"metric", result.metric},
                         {"method", result.method},
                         {"model", result.model_id},
                         {"pictures_used", result.pictures_used},
                         {"rejected", result.rejected},
                         {"matches_instead", nullptr},
                         {"times_ms", ToJson(result.times)}};
  if (result.distance) json["distance"] = *result.distance;
  if (!result.inconclusive_reason.empty())
    json["inconclusive_reason"] = result.inconclusive_reason;
  if (result.matches_instead)
    json["matches_instead"] = {{"stone", result.matches_instead->stone_id},
                               {"distance", result.matches_instead->distance}};
  return json;
}

}  // namespace diareid
