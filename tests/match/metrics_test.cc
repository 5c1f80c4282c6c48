#include "diareid/match/metrics.h"

#include <gtest/gtest.h>

#include <random>

#include "diareid/core/error.h"

namespace diareid {
namespace {

TEST(AveragePrecisionTest, MatchesHandComputedCases) {
  // Relevant at ranks 1 and 3: (1/1 + 2/3) / 2.
  EXPECT_NEAR(AveragePrecision({true, false, true, false}), 5.0 / 6.0, 1e-12);
  // One relevant item at rank 2: 1/2.
  EXPECT_NEAR(AveragePrecision({false, true}), 0.5, 1e-12);
  // A third relevant item never ranked counts as missed.
  EXPECT_NEAR(AveragePrecision({true, false, true}, 3), (1 + 2.0 / 3) / 3,
              1e-12);
  EXPECT_EQ(AveragePrecision({false, false}), 0.0);
  EXPECT_EQ(AveragePrecision({true}), 1.0);
}

TEST(CumulativeMatchCurveTest, MatchesHandComputedCase) {
  std::vector<double> curve = CumulativeMatchCurve({1, 2, 0, 1}, 3);
  ASSERT_EQ(curve.size(), 3u);
  EXPECT_DOUBLE_EQ(curve[0], 0.5);
  EXPECT_DOUBLE_EQ(curve[1], 0.75);
  EXPECT_DOUBLE_EQ(curve[2], 0.75);
  EXPECT_THROW(CumulativeMatchCurve({1}, 0), InputError);
}

TEST(VerificationTest, MatchesHandComputedCase) {
  std::vector<double> genuine = {0.1, 0.2, 0.3, 0.4};
  std::vector<double> impostor = {0.35, 0.5, 0.6, 0.7, 0.8};
  VerificationReport r = AnalyseVerification(genuine, impostor, 0.25, 0.2);
  EXPECT_EQ(r.genuine_pairs, 4);
  EXPECT_EQ(r.impostor_pairs, 5);
  // One genuine pair (0.4) may be rejected: threshold 0.3, no impostor in.
  EXPECT_DOUBLE_EQ(r.threshold_at_frr, 0.3);
  EXPECT_DOUBLE_EQ(r.far_at_frr, 0.0);
  // One impostor (0.35) may be accepted: the threshold sits in the middle
  // of the gap between the next impostor (0.5) and the distance below it
  // (genuine 0.4), so a recomputed 0.5 cannot tip back in.
  EXPECT_DOUBLE_EQ(r.threshold_at_far, 0.45);
  EXPECT_DOUBLE_EQ(r.frr_at_far, 0.0);
  // At 0.35: FAR 1/5, FRR 1/4, the closest crossing.
  EXPECT_NEAR(r.equal_error_rate, 0.225, 1e-12);
  EXPECT_DOUBLE_EQ(r.eer_threshold, 0.35);

  VerificationReport strict = AnalyseVerification(genuine, impostor, 0, 0);
  EXPECT_DOUBLE_EQ(strict.threshold_at_frr, 0.4);
  EXPECT_DOUBLE_EQ(strict.far_at_frr, 0.2);
  // No impostor may be accepted: midway between genuine 0.3 and 0.35.
  EXPECT_DOUBLE_EQ(strict.threshold_at_far, 0.325);
  EXPECT_DOUBLE_EQ(strict.frr_at_far, 0.25);
}

TEST(VerificationTest, SeparatedDistributionsHaveNoError) {
  VerificationReport r = AnalyseVerification({0.1, 0.2}, {0.5, 0.9});
  EXPECT_EQ(r.equal_error_rate, 0.0);
  EXPECT_EQ(r.far_at_frr, 0.0);
  EXPECT_EQ(r.frr_at_far, 0.0);
}

TEST(VerificationTest, AgreesWithBruteForceRates) {
  std::mt19937 rng(7);
  std::normal_distribution<double> g(1.0, 0.3), i(2.0, 0.4);
  std::vector<double> genuine(500), impostor(3000);
  for (double& d : genuine) d = g(rng);
  for (double& d : impostor) d = i(rng);
  VerificationReport r = AnalyseVerification(genuine, impostor);
  EXPECT_LE(FalseRejectRate(genuine, r.threshold_at_frr), 0.01);
  EXPECT_DOUBLE_EQ(r.far_at_frr, FalseAcceptRate(impostor, r.threshold_at_frr));
  EXPECT_LE(FalseAcceptRate(impostor, r.threshold_at_far), 0.001);
  EXPECT_DOUBLE_EQ(r.frr_at_far, FalseRejectRate(genuine, r.threshold_at_far));
  // Brute force over many thresholds: no threshold's |FAR - FRR| is
  // smaller than the reported crossing's.
  double far = FalseAcceptRate(impostor, r.eer_threshold);
  double frr = FalseRejectRate(genuine, r.eer_threshold);
  for (double t = 0; t < 3; t += 0.001)
    EXPECT_GE(
        std::abs(FalseAcceptRate(impostor, t) - FalseRejectRate(genuine, t)) +
            1e-12,
        std::abs(far - frr));
}

TEST(VerificationTest, RejectsEmptyListsAndBadTargets) {
  EXPECT_THROW(AnalyseVerification({}, {1.0}), InputError);
  EXPECT_THROW(AnalyseVerification({1.0}, {}), InputError);
  EXPECT_THROW(AnalyseVerification({1.0}, {2.0}, 1.0), InputError);
}

}  // namespace
}  // namespace diareid
