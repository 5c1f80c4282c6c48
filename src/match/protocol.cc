#include "diareid/match/protocol.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <random>

#include "diareid/core/error.h"

namespace diareid {

void ProtocolOptions::Check() const {
  match.Check();
  if (references < 1 || references > 1000)
    throw InputError("references = " + std::to_string(references) +
                     " is out of range; expected 1 to 1000");
  if (repeats < 1 || repeats > 1000)
    throw InputError("repeats = " + std::to_string(repeats) +
                     " is out of range; expected 1 to 1000");
  if (verify_pictures < 1 || verify_pictures > 1000)
    throw InputError("verify_pictures = " + std::to_string(verify_pictures) +
                     " is out of range; expected 1 to 1000");
  if (max_rank < 5)
    throw InputError("max_rank = " + std::to_string(max_rank) +
                     " is out of range; expected at least 5");
}

namespace {

// Row indices of each stone, stones in order of first appearance.
std::vector<std::pair<std::string, std::vector<int>>> RowsByStone(
    const std::vector<std::string>& ids) {
  std::vector<std::pair<std::string, std::vector<int>>> groups;
  std::map<std::string, size_t> index;
  for (size_t r = 0; r < ids.size(); ++r) {
    auto [it, added] = index.emplace(ids[r], groups.size());
    if (added) groups.push_back({ids[r], {}});
    groups[it->second].second.push_back(static_cast<int>(r));
  }
  return groups;
}

// Verification attempts that each average `group` query pictures of one
// stone: distances of the averaged query to every stone's mean reference.
// `queries` lists each stone's queries consecutively.
void VerifyGroups(const EmbeddingMatrix& vectors,
                  const std::vector<std::pair<int, std::string>>& queries,
                  int group, const Matcher& by_average,
                  ProtocolResult& result) {
  const int all = by_average.StoneCount();
  size_t start = 0;
  while (start < queries.size()) {
    size_t end = start;
    while (end < queries.size() && queries[end].second == queries[start].second)
      ++end;
    for (size_t g = start; g + group <= end; g += group) {
      EmbeddingMatrix mean = EmbeddingMatrix::Zero(1, vectors.cols());
      for (int i = 0; i < group; ++i)
        mean += vectors.row(queries[g + i].first) / static_cast<float>(group);
      for (const auto& c : by_average.Rank(mean, all))
        (c.stone_id == queries[start].second ? result.genuine : result.impostor)
            .push_back(c.distance);
    }
    start = end;
  }
}

}  // namespace

ProtocolResult RunProtocol(const LabelledEmbeddings& test,
                           const LabelledEmbeddings& distractors,
                           const ProtocolOptions& options) {
  options.Check();
  ProtocolResult result;
  auto groups = RowsByStone(test.stone_ids);
  auto distractor_groups = RowsByStone(distractors.stone_ids);
  std::vector<size_t> usable;
  for (size_t g = 0; g < groups.size(); ++g) {
    if (static_cast<int>(groups[g].second.size()) > options.references)
      usable.push_back(g);
    else
      ++result.skipped_stones;
  }
  if (usable.empty())
    throw InputError("no stone has more than " +
                     std::to_string(options.references) +
                     " pictures; expected references + 1 or more per stone");
  result.stones = static_cast<int>(usable.size());
  result.distractor_stones = static_cast<int>(distractor_groups.size());
  const Eigen::Index dims = test.vectors.cols();

  std::mt19937 rng(options.seed);
  std::vector<int> first_hits;
  std::vector<double> repeat_maps;
  double ap_sum_all = 0;
  for (int repeat = 0; repeat < options.repeats; ++repeat) {
    ReferenceSet refs;
    std::vector<std::pair<int, std::string>> queries;
    std::vector<std::pair<const EmbeddingMatrix*, int>> ref_rows;
    auto choose = [&](const EmbeddingMatrix& source, const std::string& id,
                      std::vector<int> rows, bool queried) {
      std::shuffle(rows.begin(), rows.end(), rng);
      const int r = std::min<int>(options.references, rows.size());
      for (int i = 0; i < r; ++i) {
        ref_rows.push_back({&source, rows[i]});
        refs.stone_ids.push_back(id);
      }
      if (queried)
        for (size_t i = r; i < rows.size(); ++i)
          queries.push_back({rows[i], id});
    };
    for (size_t g : usable)
      choose(test.vectors, groups[g].first, groups[g].second, true);
    for (const auto& [id, rows] : distractor_groups)
      choose(distractors.vectors, id, rows, false);
    refs.vectors.resize(static_cast<Eigen::Index>(ref_rows.size()), dims);
    for (size_t i = 0; i < ref_rows.size(); ++i)
      refs.vectors.row(i) = ref_rows[i].first->row(ref_rows[i].second);

    MatchOptions average_options = options.match;
    average_options.method = MatchMethod::kNearestAverage;
    Matcher by_average(refs, average_options);
    std::unique_ptr<Matcher> by_method;
    if (options.match.method != MatchMethod::kNearestAverage)
      by_method = std::make_unique<Matcher>(refs, options.match);
    const Matcher& ranker = by_method ? *by_method : by_average;
    const int all = ranker.StoneCount();

    double ap_sum = 0;
    for (const auto& [row, id] : queries) {
      EmbeddingMatrix q = test.vectors.row(row);
      auto ranked = ranker.Rank(q, all);
      int hit = 0;
      for (size_t i = 0; i < ranked.size(); ++i)
        if (ranked[i].stone_id == id) {
          hit = static_cast<int>(i) + 1;
          break;
        }
      first_hits.push_back(hit);
      ap_sum += hit > 0 ? 1.0 / hit : 0.0;
      // Verification: the query against every stone's mean reference.
      if (options.verify_pictures == 1)
        for (const auto& c : by_method ? by_average.Rank(q, all) : ranked)
          (c.stone_id == id ? result.genuine : result.impostor)
              .push_back(c.distance);
    }
    if (options.verify_pictures > 1)
      VerifyGroups(test.vectors, queries, options.verify_pictures, by_average,
                   result);
    repeat_maps.push_back(ap_sum / std::max<size_t>(1, queries.size()));
    ap_sum_all += ap_sum;
    result.queries += static_cast<int>(queries.size());
  }
  result.mean_average_precision = ap_sum_all / std::max(1, result.queries);
  double mean = std::accumulate(repeat_maps.begin(), repeat_maps.end(), 0.0) /
                repeat_maps.size();
  double var = 0;
  for (double m : repeat_maps) var += (m - mean) * (m - mean);
  result.map_std = std::sqrt(var / repeat_maps.size());
  result.cmc = CumulativeMatchCurve(first_hits, options.max_rank);
  result.rank1 = result.cmc[0];
  result.rank5 = result.cmc[4];
  if (result.genuine.empty())
    throw InputError("no stone has " + std::to_string(options.verify_pictures) +
                     " query pictures beyond its " +
                     std::to_string(options.references) +
                     " references; expected fewer verify pictures");
  if (!result.impostor.empty())
    result.verification =
        AnalyseVerification(result.genuine, result.impostor, options.frr_target,
                            options.far_target);
  return result;
}

nlohmann::json ToJson(const ProtocolResult& r) {
  auto summary = [](std::vector<double> d) {
    if (d.empty()) return nlohmann::json::object();
    std::sort(d.begin(), d.end());
    auto q = [&](double f) {
      return d[static_cast<size_t>(f * (d.size() - 1))];
    };
    return nlohmann::json{{"count", d.size()}, {"min", d.front()},
                          {"p01", q(0.01)},    {"median", q(0.5)},
                          {"p99", q(0.99)},    {"max", d.back()}};
  };
  const VerificationReport& v = r.verification;
  return {{"stones", r.stones},
          {"distractor_stones", r.distractor_stones},
          {"skipped_stones", r.skipped_stones},
          {"queries", r.queries},
          {"map", r.mean_average_precision},
          {"map_std", r.map_std},
          {"rank1", r.rank1},
          {"rank5", r.rank5},
          {"cmc", r.cmc},
          {"genuine", summary(r.genuine)},
          {"impostor", summary(r.impostor)},
          {"verification",
           {{"genuine_pairs", v.genuine_pairs},
            {"impostor_pairs", v.impostor_pairs},
            {"eer", v.equal_error_rate},
            {"eer_threshold", v.eer_threshold},
            {"frr_target", v.frr_target},
            {"threshold_at_frr", v.threshold_at_frr},
            {"far_at_frr", v.far_at_frr},
            {"far_target", v.far_target},
            {"threshold_at_far", v.threshold_at_far},
            {"frr_at_far", v.frr_at_far}}}};
}

}  // namespace diareid
