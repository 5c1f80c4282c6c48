// Matching query embeddings against the references of enrolled stones.
#pragma once

#include <memory>
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

// One mean reference per stone, contiguous: all that nearest-average
// matching needs, and a tenth of the references' size.
struct MeanReferences {
  std::vector<std::string> stone_ids;  // in order of first appearance
  EmbeddingMatrix means;               // one row per stone
};

// The per-stone means of a reference set (the same sums the Matcher
// makes); throws InputError for an inconsistent set.
MeanReferences ComputeMeanReferences(const ReferenceSet& references);

// SHA-256 over the stone IDs and vector bytes of a reference set, in order:
// what a cached matcher was trained on.
std::string ReferenceDigest(const ReferenceSet& references);

// The one-vs-rest linear SVMs of an SVM matcher: one row of weights and a
// bias per stone, stones in order of first appearance among the references.
// Training them is the slow part, so the gallery caches them.
struct SvmParameters {
  EmbeddingMatrix weights;
  Eigen::VectorXf bias;
};

// Trains the SVMs of an SVM matcher over `references`; throws InputError
// for an empty or inconsistent set.
SvmParameters TrainSvmParameters(const ReferenceSet& references);

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
  // A nearest-average matcher over per-stone means computed before
  // (cached); throws InputError for another method or an empty set.
  Matcher(MeanReferences means, const MatchOptions& options);
  // An SVM matcher with SVMs trained before (cached) instead of training
  // them now; throws InputError when they do not fit the references.
  Matcher(ReferenceSet references, const MatchOptions& options,
          SvmParameters svms);
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
  void Build(ReferenceSet references, const MatchOptions& options,
             SvmParameters* svms);
  std::unique_ptr<Impl> impl_;
};

}  // namespace diareid
