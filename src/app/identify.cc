#include "diareid/app/identify.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "diareid/core/timer.h"

namespace diareid {

const char* IdentifyVerdictName(IdentifyVerdict verdict) {
  switch (verdict) {
    case IdentifyVerdict::kSameStone:
      return "SAME STONE";
    case IdentifyVerdict::kNotFound:
      return "NOT FOUND";
    case IdentifyVerdict::kInconclusive:
      return "INCONCLUSIVE";
  }
  return "?";
}

IdentifyResult Identify(Session& session, const IdentifyOptions& options) {
  if (options.top < 1 || options.top > 1000)
    throw InputError("--top " + std::to_string(options.top) +
                     " is out of range, expected 1 to 1000");
  IdentifyResult result;
  result.threshold = session.Threshold();
  const MatchOptions& match = session.options().match;
  result.metric = MetricName(match.metric);
  result.method = MatchMethodName(match.method);
  if (match.method == MatchMethod::kKnn) result.k = match.k;
  result.model_id = session.model().id;
  std::vector<Picture> pictures = session.Acquire(options.source);
  EmbeddingMatrix embeddings =
      session.Embed(pictures, /*strict=*/false, &result.rejected);
  result.pictures_used = static_cast<int>(embeddings.rows());
  if (result.pictures_used == 0)
    throw InputError("none of the pictures can be used: " +
                     (result.rejected.empty() ? std::string("no pictures")
                                              : result.rejected.front()));
  std::optional<Matcher> matcher = session.BuildMatcher();
  if (!matcher)
    throw InputError("gallery " + session.gallery().dir().string() +
                     " has no enrolled stone for model " +
                     session.model().name);
  // Two candidates at least, so that a second stone within the threshold
  // is seen even with --top 1.
  result.ranking = matcher->Rank(embeddings, std::max(options.top, 2));
  int within = 0;
  for (size_t i = 0; i < result.ranking.size(); ++i) {
    const bool close = result.ranking[i].distance <= result.threshold;
    result.within_threshold.push_back(close);
    within += close ? 1 : 0;
    if (close && i > 0 && !result.rival) result.rival = result.ranking[i];
  }
  // Only the best can be the same stone, and only when no other stone is
  // as close: otherwise (a stone enrolled twice, look-alikes, or knn/svm
  // ranking a farther stone first) the pictures cannot decide.
  if (within == 0)
    result.verdict = IdentifyVerdict::kNotFound;
  else if (within == 1 && result.within_threshold.front())
    result.verdict = IdentifyVerdict::kSameStone;
  else
    result.verdict = IdentifyVerdict::kInconclusive;
  const std::string replayed =
      ReplayedEnrolmentPictures(session.gallery(), pictures);
  if (!replayed.empty()) {
    result.verdict = IdentifyVerdict::kInconclusive;
    result.inconclusive_reason =
        "replayed pictures: " + replayed + "; photograph the stone anew";
  }
  if (static_cast<int>(result.ranking.size()) > options.top) {
    result.ranking.resize(options.top);
    result.within_threshold.resize(options.top);
  }
  if (!result.ranking.empty())
    spdlog::info("Identification: {}, best match stone {} at distance {:.3f}",
                 IdentifyVerdictName(result.verdict),
                 result.ranking.front().stone_id,
                 result.ranking.front().distance);

  QueryRecord record;
  record.purpose = "identify";
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
    session.gallery().RecordQuery(record);
  }
  result.times = session.times();
  return result;
}

nlohmann::json ToJson(const IdentifyResult& result) {
  const bool same = result.verdict == IdentifyVerdict::kSameStone;
  nlohmann::json ranking = nlohmann::json::array();
  for (size_t i = 0; i < result.ranking.size(); ++i)
    ranking.push_back({{"rank", i + 1},
                       {"stone", result.ranking[i].stone_id},
                       {"distance", result.ranking[i].distance},
                       {"score", result.ranking[i].score},
                       {"within_threshold", bool(result.within_threshold[i])},
                       {"same_stone", same && i == 0}});
  nlohmann::json json = {{"verdict", IdentifyVerdictName(result.verdict)},
                         {"stone", nullptr},
                         {"rival", nullptr},
                         {"ranking", ranking},
                         {"threshold", result.threshold},
                         {"metric", result.metric},
                         {"method", result.method},
                         {"model", result.model_id},
                         {"pictures_used", result.pictures_used},
                         {"rejected", result.rejected},
                         {"times_ms", ToJson(result.times)}};
  if (result.k > 0) json["k"] = result.k;
  if (same) json["stone"] = result.ranking.front().stone_id;
  if (result.rival)
    json["rival"] = {{"stone", result.rival->stone_id},
                     {"distance", result.rival->distance}};
  if (!result.inconclusive_reason.empty())
    json["inconclusive_reason"] = result.inconclusive_reason;
  return json;
}

}  // namespace diareid
