// Measures of re-identification quality: average precision, the cumulative
// match curve, and verification error rates from genuine and impostor
// distances. A verification accepts when distance <= threshold.
#pragma once

#include <vector>

namespace diareid {

// Average precision of one ranking: relevant_by_rank[i] says whether the
// item ranked i + 1 is relevant. Relevant items never ranked count as
// missed when `total_relevant` exceeds those in the list; 0 when none.
double AveragePrecision(const std::vector<bool>& relevant_by_rank,
                        int total_relevant = -1);

// The cumulative match curve: entry r is the fraction of queries whose true
// stone is ranked r + 1 or better. `first_hit_ranks` are 1-based, 0 for a
// query whose stone was not ranked at all.
std::vector<double> CumulativeMatchCurve(
    const std::vector<int>& first_hit_ranks, int max_rank);

// Verification error rates at chosen operating points.
struct VerificationReport {
  int genuine_pairs = 0;
  int impostor_pairs = 0;
  // Equal error rate and the threshold where false accepts and false
  // rejects cross.
  double equal_error_rate = 0;
  double eer_threshold = 0;
  // The largest-accepting threshold with false rejects <= frr_target, and
  // the false accept rate there.
  double frr_target = 0.01;
  double threshold_at_frr = 0;
  double far_at_frr = 0;
  // The threshold with false accepts <= far_target, and the false reject
  // rate there.
  double far_target = 0.001;
  double threshold_at_far = 0;
  double frr_at_far = 0;
};

// The false accept rate of a threshold: impostors with distance <= it.
double FalseAcceptRate(const std::vector<double>& impostor, double threshold);
// The false reject rate of a threshold: genuine pairs with distance > it.
double FalseRejectRate(const std::vector<double>& genuine, double threshold);

// Error rates from the distances of genuine pairs (query and its own stone)
// and impostor pairs (query and another stone). Throws InputError when
// either list is empty or a target is outside [0, 1).
VerificationReport AnalyseVerification(std::vector<double> genuine,
                                       std::vector<double> impostor,
                                       double frr_target = 0.01,
                                       double far_target = 0.001);

}  // namespace diareid
