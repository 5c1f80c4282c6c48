#include "diareid/match/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "diareid/core/error.h"

namespace diareid {

double AveragePrecision(const std::vector<bool>& relevant_by_rank,
                        int total_relevant) {
  const int in_list = static_cast<int>(
      std::count(relevant_by_rank.begin(), relevant_by_rank.end(), true));
  const int total = std::max(total_relevant, in_list);
  if (total == 0) return 0;
  double sum = 0;
  int hits = 0;
  for (size_t i = 0; i < relevant_by_rank.size(); ++i) {
    if (!relevant_by_rank[i]) continue;
    ++hits;
    sum += static_cast<double>(hits) / static_cast<double>(i + 1);
  }
  return sum / total;
}

std::vector<double> CumulativeMatchCurve(
    const std::vector<int>& first_hit_ranks, int max_rank) {
  if (max_rank < 1)
    throw InputError("CMC max_rank = " + std::to_string(max_rank) +
                     " is out of range; expected at least 1");
  std::vector<double> curve(max_rank, 0.0);
  if (first_hit_ranks.empty()) return curve;
  for (int rank : first_hit_ranks)
    if (rank >= 1 && rank <= max_rank) curve[rank - 1] += 1;
  double running = 0;
  for (double& v : curve) {
    running += v;
    v = running / static_cast<double>(first_hit_ranks.size());
  }
  return curve;
}

double FalseAcceptRate(const std::vector<double>& impostor, double threshold) {
  if (impostor.empty()) return 0;
  auto accepted = std::count_if(impostor.begin(), impostor.end(),
                                [&](double d) { return d <= threshold; });
  return static_cast<double>(accepted) / impostor.size();
}

double FalseRejectRate(const std::vector<double>& genuine, double threshold) {
  if (genuine.empty()) return 0;
  auto rejected = std::count_if(genuine.begin(), genuine.end(),
                                [&](double d) { return d > threshold; });
  return static_cast<double>(rejected) / genuine.size();
}

namespace {

void CheckTarget(const char* name, double target) {
  if (!(target >= 0 && target < 1))
    throw InputError(std::string(name) + " = " + std::to_string(target) +
                     " is out of range; expected [0, 1)");
}

}  // namespace

VerificationReport AnalyseVerification(std::vector<double> genuine,
                                       std::vector<double> impostor,
                                       double frr_target, double far_target) {
  if (genuine.empty() || impostor.empty())
    throw InputError("verification needs genuine and impostor pairs; got " +
                     std::to_string(genuine.size()) + " genuine and " +
                     std::to_string(impostor.size()) + " impostor");
  CheckTarget("false reject target", frr_target);
  CheckTarget("false accept target", far_target);
  std::sort(genuine.begin(), genuine.end());
  std::sort(impostor.begin(), impostor.end());
  const size_t n = genuine.size();
  const size_t m = impostor.size();
  VerificationReport report;
  report.genuine_pairs = static_cast<int>(n);
  report.impostor_pairs = static_cast<int>(m);
  report.frr_target = frr_target;
  report.far_target = far_target;

  // FRR <= target allows floor(target * n) rejected genuine pairs: the
  // threshold is the genuine distance just below them.
  const size_t allowed_rejects =
      static_cast<size_t>(std::floor(frr_target * n + 1e-9));
  report.threshold_at_frr = genuine[n - 1 - allowed_rejects];
  report.far_at_frr = FalseAcceptRate(impostor, report.threshold_at_frr);

  // FAR <= target allows floor(target * m) accepted impostors: the
  // threshold lies below the next impostor distance, in the middle of the
  // gap to the distance below it (genuine or impostor). A threshold a hair
  // below that impostor would accept it again once its distance is
  // recomputed elsewhere in another order of float additions.
  const size_t allowed_accepts =
      static_cast<size_t>(std::floor(far_target * m + 1e-9));
  if (allowed_accepts >= m) {
    report.threshold_at_far = std::numeric_limits<double>::infinity();
  } else {
    const double next = impostor[allowed_accepts];
    double below = -std::numeric_limits<double>::infinity();
    if (allowed_accepts > 0) below = impostor[allowed_accepts - 1];
    auto genuine_below = std::lower_bound(genuine.begin(), genuine.end(), next);
    if (genuine_below != genuine.begin())
      below = std::max(below, *std::prev(genuine_below));
    report.threshold_at_far =
        below < next && std::isfinite(below)
            ? below + (next - below) / 2
            : std::nextafter(next, -std::numeric_limits<double>::infinity());
  }
  report.frr_at_far = FalseRejectRate(genuine, report.threshold_at_far);

  // Sweep every distinct distance as a threshold; the equal error rate is
  // taken where |FAR - FRR| is smallest.
  std::vector<double> thresholds;
  thresholds.reserve(n + m + 1);
  thresholds.insert(thresholds.end(), genuine.begin(), genuine.end());
  thresholds.insert(thresholds.end(), impostor.begin(), impostor.end());
  std::sort(thresholds.begin(), thresholds.end());
  thresholds.erase(std::unique(thresholds.begin(), thresholds.end()),
                   thresholds.end());
  // A threshold below everything: nothing accepted.
  thresholds.insert(thresholds.begin(),
                    std::nextafter(thresholds.front(),
                                   -std::numeric_limits<double>::infinity()));
  double best_gap = std::numeric_limits<double>::infinity();
  size_t g = 0, i = 0;  // counts of distances <= threshold
  for (double t : thresholds) {
    while (g < n && genuine[g] <= t) ++g;
    while (i < m && impostor[i] <= t) ++i;
    const double far = static_cast<double>(i) / m;
    const double frr = static_cast<double>(n - g) / n;
    const double gap = std::abs(far - frr);
    if (gap < best_gap) {
      best_gap = gap;
      report.equal_error_rate = (far + frr) / 2;
      report.eer_threshold = t;
    }
  }
  return report;
}

}  // namespace diareid
