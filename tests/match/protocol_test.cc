#include "diareid/match/protocol.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "diareid/core/error.h"

namespace diareid {
namespace {

// `stones` stones of `pictures` pictures, each a noisy copy of its stone's
// centre; centres far apart relative to the noise when `spread` is large.
LabelledEmbeddings Clusters(int stones, int pictures, double spread,
                            unsigned seed, const std::string& prefix = "s") {
  std::mt19937 rng(seed);
  std::normal_distribution<float> centre(0, static_cast<float>(spread));
  std::normal_distribution<float> noise(0, 0.1f);
  LabelledEmbeddings e;
  e.vectors.resize(stones * pictures, 8);
  for (int s = 0; s < stones; ++s) {
    std::vector<float> c(8);
    for (float& v : c) v = centre(rng);
    for (int p = 0; p < pictures; ++p) {
      for (int d = 0; d < 8; ++d)
        e.vectors(s * pictures + p, d) = c[d] + noise(rng);
      e.stone_ids.push_back(prefix + std::to_string(s));
    }
  }
  return e;
}

TEST(ProtocolTest, SeparatedStonesScorePerfectly) {
  ProtocolOptions options;
  options.references = 1;
  options.repeats = 3;
  ProtocolResult r = RunProtocol(Clusters(10, 4, 10.0, 1), {}, options);
  EXPECT_EQ(r.stones, 10);
  EXPECT_EQ(r.queries, 3 * 10 * 3);
  EXPECT_DOUBLE_EQ(r.mean_average_precision, 1.0);
  EXPECT_DOUBLE_EQ(r.rank1, 1.0);
  EXPECT_EQ(r.verification.equal_error_rate, 0.0);
  EXPECT_EQ(r.genuine.size(), 90u);
  EXPECT_EQ(r.impostor.size(), 90u * 9);
}

TEST(ProtocolTest, MatchesHandComputedRanks) {
  // One dimension. Stone a: pictures at 0 and 10; stone b: pictures at 3
  // and 4. With one reference each, every choice is one of four cases;
  // over many repeats each query's AP is 1 or 1/2 as computed below.
  LabelledEmbeddings e;
  e.vectors.resize(4, 1);
  e.vectors << 0, 10, 3, 4;
  e.stone_ids = {"a", "a", "b", "b"};
  ProtocolOptions options;
  options.references = 1;
  options.repeats = 1;
  options.max_rank = 5;
  // Each repeat picks references at random; check each query by hand:
  // ref a = 0, query a = 10: b's ref (3 or 4) is nearer -> AP 1/2.
  // ref a = 10, query a = 0: b's ref nearer (3 or 4 vs 10) -> AP 1/2.
  // ref b = 3, query b = 4 vs a ref 0: 1 < 4 -> AP 1; vs a ref 10: AP 1.
  // ref b = 4, query b = 3: same, AP 1. So mAP is always 3/4.
  for (unsigned seed = 1; seed < 6; ++seed) {
    options.seed = seed;
    ProtocolResult r = RunProtocol(e, {}, options);
    EXPECT_EQ(r.queries, 2);
    EXPECT_DOUBLE_EQ(r.mean_average_precision, 0.75);
    EXPECT_DOUBLE_EQ(r.rank1, 0.5);
    EXPECT_DOUBLE_EQ(r.rank5, 1.0);
  }
}

TEST(ProtocolTest, DistractorsAreNeverQueriedButCompete) {
  ProtocolOptions options;
  options.references = 2;
  options.repeats = 2;
  LabelledEmbeddings test = Clusters(6, 5, 0.05, 3);
  ProtocolResult alone = RunProtocol(test, {}, options);
  ProtocolResult crowded =
      RunProtocol(test, Clusters(200, 3, 0.05, 4, "d"), options);
  EXPECT_EQ(crowded.stones, 6);
  EXPECT_EQ(crowded.distractor_stones, 200);
  EXPECT_EQ(crowded.queries, alone.queries);
  // Close clusters: many more stones make ranking harder.
  EXPECT_LT(crowded.rank1, alone.rank1);
  EXPECT_EQ(crowded.impostor.size(), crowded.genuine.size() * 205);
}

TEST(ProtocolTest, VerificationAveragesGroupsOfQueryPictures) {
  // One dimension. Stone a's pictures are 2, 1 and 3; stone b's are 10,
  // 10 and 10. With one reference, each stone's two other pictures are its
  // queries, averaged into one verification attempt:
  //   a's reference 2: queries 1 and 3 average 2, distance 0;
  //   reference 1 (or 3): queries average 2.5 (or 1.5), distance 1.5;
  //   b: distance 0. Impostors: a's average (1.5 to 2.5) against b's 10,
  //   and b's 10 against a's reference (1 to 3): at least 7.
  LabelledEmbeddings e;
  e.vectors.resize(6, 1);
  e.vectors << 2, 1, 3, 10, 10, 10;
  e.stone_ids = {"a", "a", "a", "b", "b", "b"};
  ProtocolOptions options;
  options.references = 1;
  options.repeats = 1;
  options.verify_pictures = 2;
  for (unsigned seed = 1; seed < 8; ++seed) {
    options.seed = seed;
    ProtocolResult r = RunProtocol(e, {}, options);
    // Identification still ranks each of the 4 query pictures alone.
    EXPECT_EQ(r.queries, 4);
    ASSERT_EQ(r.genuine.size(), 2u);
    ASSERT_EQ(r.impostor.size(), 2u);
    EXPECT_TRUE(std::abs(r.genuine[0]) < 1e-6 ||
                std::abs(r.genuine[0] - 1.5) < 1e-6)
        << r.genuine[0];
    EXPECT_NEAR(r.genuine[1], 0.0, 1e-6);
    EXPECT_GE(r.impostor[0], 7.0);
    EXPECT_GE(r.impostor[1], 7.0);
  }
  // Three query pictures per attempt: no stone has them beyond its
  // reference.
  options.verify_pictures = 3;
  EXPECT_THROW(RunProtocol(e, {}, options), InputError);
}

TEST(ProtocolTest, SkipsStonesWithTooFewPicturesAndRejectsBadOptions) {
  LabelledEmbeddings e = Clusters(3, 2, 10, 5);
  ProtocolOptions options;
  options.references = 2;
  EXPECT_THROW(RunProtocol(e, {}, options), InputError);
  options.references = 1;
  EXPECT_EQ(RunProtocol(e, {}, options).skipped_stones, 0);
  options.repeats = 0;
  EXPECT_THROW(RunProtocol(e, {}, options), InputError);
}

TEST(ProtocolTest, KnnAndSvmRankSeparatedStonesFirst) {
  for (MatchMethod method : {MatchMethod::kKnn, MatchMethod::kSvm}) {
    ProtocolOptions options;
    options.references = 4;
    options.repeats = 2;
    options.match.method = method;
    ProtocolResult r = RunProtocol(Clusters(8, 6, 10.0, 6), {}, options);
    EXPECT_DOUBLE_EQ(r.rank1, 1.0) << MatchMethodName(method);
  }
}

}  // namespace
}  // namespace diareid
