#include "diareid/match/matcher.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <random>

#include "diareid/core/error.h"

namespace diareid {
namespace {

EmbeddingMatrix Rows(std::initializer_list<std::initializer_list<float>> v) {
  EmbeddingMatrix m(v.size(), v.begin()->size());
  int r = 0;
  for (const auto& row : v) {
    int c = 0;
    for (float x : row) m(r, c++) = x;
    ++r;
  }
  return m;
}

TEST(MatcherTest, NearestAverageMatchesHandComputedDistances) {
  // Stone a's mean is (1, 0); stone b's is (0, 4).
  ReferenceSet refs{Rows({{0, 0}, {0, 4}, {2, 0}}), {"a", "b", "a"}};
  Matcher matcher(refs, MatchOptions{});
  EXPECT_EQ(matcher.StoneCount(), 2);
  auto ranked = matcher.Rank(Rows({{1, 1}}), 5);
  ASSERT_EQ(ranked.size(), 2u);
  EXPECT_EQ(ranked[0].stone_id, "a");
  EXPECT_NEAR(ranked[0].distance, 1.0, 1e-6);
  EXPECT_EQ(ranked[1].stone_id, "b");
  EXPECT_NEAR(ranked[1].distance, std::sqrt(10.0), 1e-6);
  EXPECT_GT(ranked[0].score, ranked[1].score);
  EXPECT_NEAR(matcher.DistanceTo(Rows({{1, 1}}), "b"), std::sqrt(10.0), 1e-6);
  // Several query pictures are averaged first: mean (1, 1).
  EXPECT_NEAR(matcher.DistanceTo(Rows({{0, 1}, {2, 1}}), "a"), 1.0, 1e-6);
}

TEST(MatcherTest, CosineDistanceMatchesHandComputedValues) {
  ReferenceSet refs{Rows({{0, 2}, {3, 3}}), {"up", "diagonal"}};
  MatchOptions options;
  options.metric = Metric::kCosine;
  Matcher matcher(refs, options);
  EXPECT_NEAR(matcher.DistanceTo(Rows({{1, 0}}), "up"), 1.0, 1e-6);
  EXPECT_NEAR(matcher.DistanceTo(Rows({{1, 0}}), "diagonal"),
              1.0 - std::sqrt(0.5), 1e-6);
  EXPECT_EQ(matcher.Rank(Rows({{1, 0}}), 1)[0].stone_id, "diagonal");
}

// Random references: `stones` stones with `per_stone` noisy pictures each.
ReferenceSet RandomReferences(int stones, int per_stone, int dims,
                              unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> centre(0, 1), noise(0, 0.3f);
  ReferenceSet refs;
  refs.vectors.resize(stones * per_stone, dims);
  for (int s = 0; s < stones; ++s) {
    std::vector<float> c(dims);
    for (float& v : c) v = centre(rng);
    for (int p = 0; p < per_stone; ++p) {
      for (int d = 0; d < dims; ++d)
        refs.vectors(s * per_stone + p, d) = c[d] + noise(rng);
      refs.stone_ids.push_back("stone-" + std::to_string(s));
    }
  }
  return refs;
}

TEST(MatcherTest, RankingEqualsBruteForceForBothMetrics) {
  ReferenceSet refs = RandomReferences(40, 3, 16, 3);
  for (Metric metric : {Metric::kEuclidean, Metric::kCosine}) {
    MatchOptions options;
    options.metric = metric;
    Matcher matcher(refs, options);
    EmbeddingMatrix query = RandomReferences(1, 1, 16, 99).vectors;
    // Brute force: per-stone means and distances in double precision.
    std::map<std::string, std::vector<double>> sums;
    std::map<std::string, int> counts;
    for (int r = 0; r < refs.vectors.rows(); ++r) {
      auto& sum = sums[refs.stone_ids[r]];
      sum.resize(16, 0.0);
      for (int d = 0; d < 16; ++d) sum[d] += refs.vectors(r, d);
      ++counts[refs.stone_ids[r]];
    }
    std::vector<std::pair<double, std::string>> expected;
    for (auto& [id, sum] : sums) {
      double dot = 0, nm = 0, nq = 0, sq = 0;
      for (int d = 0; d < 16; ++d) {
        double m = sum[d] / counts[id], q = query(0, d);
        dot += m * q;
        nm += m * m;
        nq += q * q;
        sq += (m - q) * (m - q);
      }
      double dist = metric == Metric::kEuclidean ? std::sqrt(sq)
                                                 : 1 - dot / std::sqrt(nm * nq);
      expected.push_back({dist, id});
    }
    std::sort(expected.begin(), expected.end());
    auto ranked = matcher.Rank(query, 40);
    ASSERT_EQ(ranked.size(), 40u);
    for (size_t i = 0; i < ranked.size(); ++i) {
      EXPECT_EQ(ranked[i].stone_id, expected[i].second) << "rank " << i;
      EXPECT_NEAR(ranked[i].distance, expected[i].first, 1e-4);
    }
  }
}

TEST(MatcherTest, KnnVotesAmongTheNearestReferences) {
  // Query at 0: nearest references are b(0.1), a(0.2), b(0.3), a(5).
  ReferenceSet refs{Rows({{5}, {0.1f}, {0.2f}, {0.3f}, {9}}),
                    {"a", "b", "a", "b", "c"}};
  MatchOptions options;
  options.method = MatchMethod::kKnn;
  options.k = 3;
  Matcher matcher(refs, options);
  auto ranked = matcher.Rank(Rows({{0}}), 3);
  ASSERT_EQ(ranked.size(), 3u);
  EXPECT_EQ(ranked[0].stone_id, "b");
  EXPECT_NEAR(ranked[0].score, 2.0 / 3.0, 1e-9);
  EXPECT_NEAR(ranked[0].distance, 0.1, 1e-6);
  EXPECT_EQ(ranked[1].stone_id, "a");
  EXPECT_NEAR(ranked[1].score, 1.0 / 3.0, 1e-9);
  EXPECT_EQ(ranked[2].stone_id, "c");
  EXPECT_EQ(ranked[2].score, 0.0);
  EXPECT_NEAR(ranked[2].distance, 9.0, 1e-6);
}

TEST(MatcherTest, SvmRanksTheTrueStoneFirst) {
  ReferenceSet refs = RandomReferences(12, 8, 32, 5);
  MatchOptions options;
  options.method = MatchMethod::kSvm;
  Matcher matcher(refs, options);
  ReferenceSet queries = RandomReferences(12, 8, 32, 5);
  int correct = 0;
  for (int s = 0; s < 12; ++s) {
    auto ranked = matcher.Rank(queries.vectors.row(s * 8), 3);
    ASSERT_EQ(ranked.size(), 3u);
    correct += ranked[0].stone_id == "stone-" + std::to_string(s);
    EXPECT_GT(ranked[0].score, 0.5);
  }
  EXPECT_EQ(correct, 12);
}

TEST(MatcherTest, RejectsBadInput) {
  ReferenceSet refs{Rows({{0, 0}}), {"a"}};
  Matcher matcher(refs, MatchOptions{});
  EXPECT_THROW(matcher.Rank(Rows({{1, 2, 3}}), 1), InputError);
  EXPECT_THROW(matcher.Rank(EmbeddingMatrix(0, 2), 1), InputError);
  EXPECT_THROW(matcher.Rank(Rows({{1, 2}}), 0), InputError);
  EXPECT_THROW(matcher.DistanceTo(Rows({{1, 2}}), "zz"), InputError);
  EXPECT_THROW(Matcher(ReferenceSet{Rows({{0, 0}}), {}}, MatchOptions{}),
               InputError);
  MatchOptions bad;
  bad.k = 0;
  EXPECT_THROW(bad.Check(), InputError);
  EXPECT_THROW(ParseMatchMethod("nearest"), InputError);
  EXPECT_THROW(ParseMetric("manhattan"), InputError);
  EXPECT_EQ(ParseMatchMethod(MatchMethodName(MatchMethod::kSvm)),
            MatchMethod::kSvm);
}

TEST(MatcherTest, IdentifiesAmongManyStonesQuickly) {
  // 20,000 stones of 1024 values: one matrix-vector product per query.
  const int stones = 20000, dims = 1024;
  ReferenceSet refs;
  refs.vectors = EmbeddingMatrix::Random(stones, dims);
  for (int s = 0; s < stones; ++s)
    refs.stone_ids.push_back("s" + std::to_string(s));
  EmbeddingMatrix query = refs.vectors.row(12345);
  Matcher matcher(std::move(refs), MatchOptions{});
  matcher.Rank(query, 10);
  auto start = std::chrono::steady_clock::now();
  auto ranked = matcher.Rank(query, 10);
  double ms = std::chrono::duration<double, std::milli>(
                  std::chrono::steady_clock::now() - start)
                  .count();
  EXPECT_EQ(ranked[0].stone_id, "s12345");
  EXPECT_NEAR(ranked[0].distance, 0.0, 1e-2);
  // 100,000 stones must stay under 50 ms; a fifth of them under 25 ms
  // leaves room for a loaded machine.
  EXPECT_LT(ms, 25.0);
}

}  // namespace
}  // namespace diareid
