// Matching query embeddings against the references of enrolled stones.
#pragma once

#include <string>
#include <vector>

#include "diareid/model/embedder.h"

namespace diareid {

enum class MatchMethod { kNearestAverage, kKnn, kSvm };
enum class Metric { kEuclidean, kCosine };

// Parses "nearest-average", "knn", "svm"; throws InputError otherwise.
MatchMethod ParseMatchMethod(const std::string& name);
const char* MatchMethodName(MatchMethod method);
// Parses "euclidean", "cosine"; throws InputError otherwise.
Metric ParseMetric(const std::string& name);
const char* MetricName(Metric metric);

struct MatchOptions {
  MatchMethod method = MatchMethod::kNearestAverage;
  Metric metric = Metric::kEuclidean;
  // Neighbours that vote, for k-NN.
  int k = 5;
  // Throws InputError naming the bad field and its allowed range.
  void Check() const;
};

// Reference embeddings, one row each, with the stone each row belongs to.
// Rows of one stone need not be adjacent.
struct ReferenceSet {
  EmbeddingMatrix vectors;
  std::vector<std::string> stone_ids;
};

// One ranked stone: distance to the query (lower is closer) and a score in
// [0, 1] for display (higher is closer; the votes for k-NN, the decision
// value for SVM).
struct Candidate {
  std::string stone_id;
  double distance = 0;
  double score = 0;
};

// Built once over a reference set (per-stone means, norms and SVMs cached in
// contiguous memory), then asked many times.
class Matcher {
 public:
  Matcher(ReferenceSet references, const MatchOptions& options);
  ~Matcher();
  Matcher(Matcher&&) noexcept;
  Matcher& operator=(Matcher&&) noexcept;

  // The top_k stones for a query of one or several pictures (their
  // embeddings are averaged first, as published), best first.
  std::vector<Candidate> Rank(const EmbeddingMatrix& query, int top_k) const;

  // The distance from a query (averaged) to one stone's mean reference;
  // throws InputError for a stone that is not in the set.
  double DistanceTo(const EmbeddingMatrix& query,
                    const std::string& stone_id) const;

  int StoneCount() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace diareid
