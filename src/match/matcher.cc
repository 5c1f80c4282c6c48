#include "diareid/match/matcher.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_map>

#include "diareid/core/error.h"
#include "diareid/core/hash.h"
#include "linear_svm.h"

namespace diareid {

MatchMethod ParseMatchMethod(const std::string& name) {
  if (name == "nearest-average") return MatchMethod::kNearestAverage;
  if (name == "knn") return MatchMethod::kKnn;
  if (name == "svm") return MatchMethod::kSvm;
  throw InputError("match method '" + name +
                   "' is unknown; expected nearest-average, knn or svm");
}

const char* MatchMethodName(MatchMethod method) {
  switch (method) {
    case MatchMethod::kNearestAverage:
      return "nearest-average";
    case MatchMethod::kKnn:
      return "knn";
    case MatchMethod::kSvm:
      return "svm";
  }
  return "?";
}

Metric ParseMetric(const std::string& name) {
  if (name == "euclidean") return Metric::kEuclidean;
  if (name == "cosine") return Metric::kCosine;
  throw InputError("metric '" + name +
                   "' is unknown; expected euclidean or cosine");
}

const char* MetricName(Metric metric) {
  return metric == Metric::kEuclidean ? "euclidean" : "cosine";
}

void MatchOptions::Check() const {
  if (k < 1 || k > 1000)
    throw InputError("match option k = " + std::to_string(k) +
                     " is out of range; expected 1 to 1000");
}

namespace {

using RowVector = Eigen::Matrix<float, 1, Eigen::Dynamic>;

// Distances from one query to every row of `rows`, whose squared norms
// (Euclidean) or norms (cosine) are precomputed: one matrix-vector product.
Eigen::VectorXf DistancesToRows(const EmbeddingMatrix& rows,
                                const Eigen::VectorXf& row_norms,
                                const RowVector& query, Metric metric) {
  Eigen::VectorXf dots = rows * query.transpose();
  if (metric == Metric::kEuclidean) {
    const float q2 = query.squaredNorm();
    return ((row_norms.array() + q2 - 2.0f * dots.array()).max(0.0f)).sqrt();
  }
  const float qn = std::max(query.norm(), 1e-12f);
  return 1.0f - dots.array() / (row_norms.array().max(1e-12f) * qn);
}

Eigen::VectorXf RowNorms(const EmbeddingMatrix& rows, Metric metric) {
  if (metric == Metric::kEuclidean) return rows.rowwise().squaredNorm();
  return rows.rowwise().norm();
}

// Indices of the `count` smallest values, smallest first.
std::vector<int> SmallestIndices(const Eigen::VectorXf& values, int count) {
  std::vector<int> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  count = std::min<int>(count, static_cast<int>(order.size()));
  auto closer = [&](int a, int b) {
    return values[a] < values[b] || (values[a] == values[b] && a < b);
  };
  std::partial_sort(order.begin(), order.begin() + count, order.end(), closer);
  order.resize(count);
  return order;
}

}  // namespace

struct Matcher::Impl {
  MatchOptions options;
  // Stones in order of first appearance among the references.
  std::vector<std::string> stone_ids;
  std::unordered_map<std::string, int> stone_index;
  // One mean reference per stone, contiguous, and its norms.
  EmbeddingMatrix means;
  Eigen::VectorXf mean_norms;
  // Every reference (k-NN), its norms and its stone.
  EmbeddingMatrix references;
  Eigen::VectorXf reference_norms;
  std::vector<int> reference_stone;
  // One-vs-rest linear SVMs, one row of weights per stone.
  LinearSvmBank svms;

  RowVector AverageQuery(const EmbeddingMatrix& query) const {
    if (query.rows() == 0)
      throw InputError("query holds no embedding; expected at least one");
    if (query.cols() != means.cols())
      throw InputError("query embedding has " + std::to_string(query.cols()) +
                       " values; the references have " +
                       std::to_string(means.cols()));
    return query.colwise().mean();
  }

  std::vector<Candidate> RankByMean(const RowVector& q, int top_k) const;
  std::vector<Candidate> RankByKnn(const RowVector& q, int top_k) const;
  std::vector<Candidate> RankBySvm(const RowVector& q, int top_k) const;
};

namespace {

void CheckReferenceSet(const ReferenceSet& references) {
  const auto rows = references.vectors.rows();
  if (rows == 0)
    throw InputError("reference set is empty; expected at least one stone");
  if (static_cast<size_t>(rows) != references.stone_ids.size())
    throw InputError("reference set has " + std::to_string(rows) +
                     " embeddings but " +
                     std::to_string(references.stone_ids.size()) +
                     " stone IDs; expected one ID per embedding");
}

// Each row's stone index, stones numbered in order of first appearance.
std::vector<int> IndexStones(const ReferenceSet& references,
                             std::vector<std::string>& stone_ids,
                             std::unordered_map<std::string, int>& index) {
  std::vector<int> stone_of_row(references.stone_ids.size());
  for (size_t r = 0; r < references.stone_ids.size(); ++r) {
    const std::string& id = references.stone_ids[r];
    auto [it, added] = index.emplace(id, static_cast<int>(stone_ids.size()));
    if (added) stone_ids.push_back(id);
    stone_of_row[r] = it->second;
  }
  return stone_of_row;
}

}  // namespace

MeanReferences ComputeMeanReferences(const ReferenceSet& references) {
  CheckReferenceSet(references);
  MeanReferences out;
  std::unordered_map<std::string, int> index;
  std::vector<int> stone_of_row = IndexStones(references, out.stone_ids, index);
  const int stones = static_cast<int>(out.stone_ids.size());
  out.means = EmbeddingMatrix::Zero(stones, references.vectors.cols());
  std::vector<int> counts(stones, 0);
  for (Eigen::Index r = 0; r < references.vectors.rows(); ++r) {
    out.means.row(stone_of_row[r]) += references.vectors.row(r);
    ++counts[stone_of_row[r]];
  }
  for (int s = 0; s < stones; ++s) out.means.row(s) /= counts[s];
  return out;
}

std::string ReferenceDigest(const ReferenceSet& references) {
  Sha256 sha;
  const std::string head = std::to_string(references.vectors.rows()) + " x " +
                           std::to_string(references.vectors.cols()) + "\n";
  sha.Update(head.data(), head.size());
  for (size_t r = 0; r < references.stone_ids.size(); ++r) {
    const std::string& id = references.stone_ids[r];
    // The ID with its terminator, then the row's float bytes.
    sha.Update(id.c_str(), id.size() + 1);
    if (static_cast<Eigen::Index>(r) < references.vectors.rows())
      sha.Update(
          references.vectors.row(static_cast<Eigen::Index>(r)).data(),
          static_cast<size_t>(references.vectors.cols()) * sizeof(float));
  }
  return sha.FinishHex();
}

SvmParameters TrainSvmParameters(const ReferenceSet& references) {
  CheckReferenceSet(references);
  std::vector<std::string> stone_ids;
  std::unordered_map<std::string, int> index;
  std::vector<int> stone_of_row = IndexStones(references, stone_ids, index);
  LinearSvmBank bank = TrainLinearSvms(references.vectors, stone_of_row,
                                       static_cast<int>(stone_ids.size()));
  return {std::move(bank.weights), std::move(bank.bias)};
}

Matcher::Matcher(ReferenceSet references, const MatchOptions& options)
    : impl_(std::make_unique<Impl>()) {
  Build(std::move(references), options, nullptr);
}

Matcher::Matcher(ReferenceSet references, const MatchOptions& options,
                 SvmParameters svms)
    : impl_(std::make_unique<Impl>()) {
  Build(std::move(references), options, &svms);
}

Matcher::Matcher(MeanReferences means, const MatchOptions& options)
    : impl_(std::make_unique<Impl>()) {
  options.Check();
  if (options.method != MatchMethod::kNearestAverage)
    throw InputError(std::string("per-stone means serve nearest-average "
                                 "matching only, not ") +
                     MatchMethodName(options.method));
  if (means.means.rows() == 0 ||
      static_cast<size_t>(means.means.rows()) != means.stone_ids.size())
    throw InputError("mean references hold " +
                     std::to_string(means.means.rows()) + " rows for " +
                     std::to_string(means.stone_ids.size()) +
                     " stones; expected one row per stone, at least one");
  Impl& m = *impl_;
  m.options = options;
  m.stone_ids = std::move(means.stone_ids);
  for (size_t s = 0; s < m.stone_ids.size(); ++s)
    m.stone_index.emplace(m.stone_ids[s], static_cast<int>(s));
  m.means = std::move(means.means);
  m.mean_norms = RowNorms(m.means, options.metric);
}

void Matcher::Build(ReferenceSet references, const MatchOptions& options,
                    SvmParameters* svms) {
  options.Check();
  MeanReferences mean_references = ComputeMeanReferences(references);
  Impl& m = *impl_;
  m.options = options;
  m.stone_ids = std::move(mean_references.stone_ids);
  for (size_t s = 0; s < m.stone_ids.size(); ++s)
    m.stone_index.emplace(m.stone_ids[s], static_cast<int>(s));
  m.reference_stone.resize(references.stone_ids.size());
  for (size_t r = 0; r < references.stone_ids.size(); ++r)
    m.reference_stone[r] = m.stone_index.at(references.stone_ids[r]);
  const int stones = static_cast<int>(m.stone_ids.size());
  m.means = std::move(mean_references.means);
  m.mean_norms = RowNorms(m.means, options.metric);
  if (options.method == MatchMethod::kKnn) {
    m.references = std::move(references.vectors);
    m.reference_norms = RowNorms(m.references, options.metric);
  } else if (options.method == MatchMethod::kSvm && svms != nullptr) {
    if (svms->weights.rows() != stones ||
        svms->weights.cols() != references.vectors.cols() ||
        svms->bias.size() != stones)
      throw InputError(
          "cached SVMs are " + std::to_string(svms->weights.rows()) + " x " +
          std::to_string(svms->weights.cols()) + "; the references hold " +
          std::to_string(stones) + " stones of " +
          std::to_string(references.vectors.cols()) + " values");
    m.svms.weights = std::move(svms->weights);
    m.svms.bias = std::move(svms->bias);
  } else if (options.method == MatchMethod::kSvm) {
    m.svms = TrainLinearSvms(references.vectors, m.reference_stone, stones);
  }
}

Matcher::~Matcher() = default;
Matcher::Matcher(Matcher&&) noexcept = default;
Matcher& Matcher::operator=(Matcher&&) noexcept = default;

int Matcher::StoneCount() const {
  return static_cast<int>(impl_->stone_ids.size());
}

std::vector<Candidate> Matcher::Impl::RankByMean(const RowVector& q,
                                                 int top_k) const {
  Eigen::VectorXf d = DistancesToRows(means, mean_norms, q, options.metric);
  std::vector<Candidate> out;
  for (int s : SmallestIndices(d, top_k)) {
    // A score in [0, 1]: 1 at distance 0, falling with distance.
    out.push_back({stone_ids[s], d[s], 1.0 / (1.0 + d[s])});
  }
  return out;
}

std::vector<Candidate> Matcher::Impl::RankByKnn(const RowVector& q,
                                                int top_k) const {
  Eigen::VectorXf d =
      DistancesToRows(references, reference_norms, q, options.metric);
  const int k = std::min<int>(options.k, static_cast<int>(d.size()));
  const int stones = static_cast<int>(stone_ids.size());
  // Nearest reference of each stone, and the votes of the k nearest.
  std::vector<float> nearest(stones, std::numeric_limits<float>::infinity());
  for (Eigen::Index r = 0; r < d.size(); ++r)
    nearest[reference_stone[r]] = std::min(nearest[reference_stone[r]], d[r]);
  std::vector<int> votes(stones, 0);
  for (int r : SmallestIndices(d, k)) ++votes[reference_stone[r]];
  std::vector<int> order(stones);
  std::iota(order.begin(), order.end(), 0);
  top_k = std::min(top_k, stones);
  std::partial_sort(order.begin(), order.begin() + top_k, order.end(),
                    [&](int a, int b) {
                      if (votes[a] != votes[b]) return votes[a] > votes[b];
                      if (nearest[a] != nearest[b])
                        return nearest[a] < nearest[b];
                      return a < b;
                    });
  std::vector<Candidate> out;
  for (int i = 0; i < top_k; ++i) {
    int s = order[i];
    out.push_back(
        {stone_ids[s], nearest[s], static_cast<double>(votes[s]) / k});
  }
  return out;
}

std::vector<Candidate> Matcher::Impl::RankBySvm(const RowVector& q,
                                                int top_k) const {
  Eigen::VectorXf decision = svms.Decide(q);
  Eigen::VectorXf d = DistancesToRows(means, mean_norms, q, options.metric);
  Eigen::VectorXf negated = -decision;
  std::vector<Candidate> out;
  for (int s : SmallestIndices(negated, top_k)) {
    double score = 1.0 / (1.0 + std::exp(-static_cast<double>(decision[s])));
    out.push_back({stone_ids[s], d[s], score});
  }
  return out;
}

std::vector<Candidate> Matcher::Rank(const EmbeddingMatrix& query,
                                     int top_k) const {
  if (top_k < 1)
    throw InputError("top_k = " + std::to_string(top_k) +
                     " is out of range; expected at least 1");
  RowVector q = impl_->AverageQuery(query);
  switch (impl_->options.method) {
    case MatchMethod::kKnn:
      return impl_->RankByKnn(q, top_k);
    case MatchMethod::kSvm:
      return impl_->RankBySvm(q, top_k);
    case MatchMethod::kNearestAverage:
      break;
  }
  return impl_->RankByMean(q, top_k);
}

double Matcher::DistanceTo(const EmbeddingMatrix& query,
                           const std::string& stone_id) const {
  auto it = impl_->stone_index.find(stone_id);
  if (it == impl_->stone_index.end())
    throw InputError("stone '" + stone_id +
                     "' has no references; expected an enrolled stone");
  RowVector q = impl_->AverageQuery(query);
  const int s = it->second;
  if (impl_->options.metric == Metric::kEuclidean)
    return (impl_->means.row(s) - q).norm();
  const double denominator =
      std::max(static_cast<double>(impl_->mean_norms[s]) * q.norm(), 1e-12);
  return 1.0 - impl_->means.row(s).dot(q) / denominator;
}

}  // namespace diareid
