// The published evaluation protocol over embeddings: per stone R pictures
// are the references and the rest are queries, repeated over random
// choices; identification (mAP, CMC) and verification (genuine and
// impostor distances) measured together.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "diareid/match/matcher.h"
#include "diareid/match/metrics.h"

namespace diareid {

struct ProtocolOptions {
  // Reference pictures per stone; the stone's other pictures are queries.
  int references = 1;
  // Random choices of references, each a full round of queries.
  int repeats = 5;
  // How queries are matched (method, metric, k).
  MatchOptions match;
  unsigned seed = 1;
  // Query pictures averaged into one verification attempt, as `diareid
  // verify` averages the pictures it takes of a returned stone: each
  // stone's queries are split into groups of this many (a remainder
  // smaller than a group is left out of verification). 1: every query
  // picture alone, the published protocol. Identification always ranks
  // single pictures.
  int verify_pictures = 1;
  // Operating points reported for verification.
  double frr_target = 0.01;
  double far_target = 0.001;
  // Length of the cumulative match curve.
  int max_rank = 20;
  // Throws InputError naming the bad field and its allowed range.
  void Check() const;
};

// Labelled embeddings: one row per picture and the stone it shows.
struct LabelledEmbeddings {
  EmbeddingMatrix vectors;
  std::vector<std::string> stone_ids;
};

struct ProtocolResult {
  int stones = 0;             // stones queried
  int distractor_stones = 0;  // stones only in the gallery
  int skipped_stones = 0;     // too few pictures for references + 1 query
  int queries = 0;            // over all repeats
  // Mean over queries of AP (1 / rank of the true stone), and the spread
  // of the per-repeat means.
  double mean_average_precision = 0;
  double map_std = 0;
  double rank1 = 0;
  double rank5 = 0;
  std::vector<double> cmc;
  // Distances between a query and a stone's mean reference.
  std::vector<double> genuine;
  std::vector<double> impostor;
  VerificationReport verification;
};

// Runs the protocol on `test` (every stone queried) with `distractors`
// (stones never queried, R references each) added to the gallery. Throws
// InputError when no stone has enough pictures.
ProtocolResult RunProtocol(const LabelledEmbeddings& test,
                           const LabelledEmbeddings& distractors,
                           const ProtocolOptions& options);

// The result as JSON (distances summarised, not listed).
nlohmann::json ToJson(const ProtocolResult& result);

}  // namespace diareid
