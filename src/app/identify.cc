#include "diareid/app/identify.h"

#include <spdlog/spdlog.h>

#include "diareid/core/timer.h"

namespace diareid {

IdentifyResult Identify(Session& session, const IdentifyOptions& options) {
  if (options.top < 1 || options.top > 1000)
    throw InputError("--top " + std::to_string(options.top) +
                     " is out of range, expected 1 to 1000");
  IdentifyResult result;
  result.threshold = session.Threshold();
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
  result.ranking = matcher->Rank(embeddings, options.top);
  for (const auto& candidate : result.ranking)
    result.under_threshold.push_back(candidate.distance <= result.threshold);
  if (!result.ranking.empty())
    spdlog::info("Best match: stone {} at distance {:.3f}",
                 result.ranking.front().stone_id,
                 result.ranking.front().distance);

  QueryRecord record;
  record.purpose = "identify";
  record.operator_name = session.options().operator_name;
  record.captures = ToCaptures(pictures);
  record.model_id = session.model().id;
  record.embeddings = embeddings;
  record.result = ToJson(result);
  {
    ScopedTimer timer(&session.times().database_ms);
    session.gallery().RecordQuery(record);
  }
  result.times = session.times();
  return result;
}

nlohmann::json ToJson(const IdentifyResult& result) {
  nlohmann::json ranking = nlohmann::json::array();
  for (size_t i = 0; i < result.ranking.size(); ++i)
    ranking.push_back({{"rank", i + 1},
                       {"stone", result.ranking[i].stone_id},
                       {"distance", result.ranking[i].distance},
                       {"score", result.ranking[i].score},
                       {"same_stone", bool(result.under_threshold[i])}});
  return {{"ranking", ranking},
          {"threshold", result.threshold},
          {"pictures_used", result.pictures_used},
          {"rejected", result.rejected},
          {"times_ms", ToJson(result.times)}};
}

}  // namespace diareid
