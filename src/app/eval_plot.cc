#include <algorithm>
#include <cstdio>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "diareid/app/eval.h"
#include "diareid/core/error.h"

namespace diareid {

namespace {

const cv::Scalar kInk(40, 40, 40);
const cv::Scalar kGenuine(60, 160, 40);    // green (BGR)
const cv::Scalar kImpostor(40, 40, 200);   // red
const cv::Scalar kThreshold(200, 120, 0);  // blue

void Label(cv::Mat& canvas, const std::string& text, cv::Point at,
           double scale = 0.45) {
  cv::putText(canvas, text, at, cv::FONT_HERSHEY_SIMPLEX, scale, kInk, 1,
              cv::LINE_AA);
}

std::string Number(double v, const char* format = "%.3g") {
  char text[32];
  std::snprintf(text, sizeof(text), format, v);
  return text;
}

// Histogram of distances as fractions of their own count.
std::vector<double> Histogram(const std::vector<double>& d, double lo,
                              double hi, int bins) {
  std::vector<double> h(bins, 0.0);
  for (double v : d) {
    int b = static_cast<int>((v - lo) / (hi - lo) * bins);
    h[std::clamp(b, 0, bins - 1)] += 1;
  }
  for (double& v : h) v /= std::max<size_t>(1, d.size());
  return h;
}

void DrawDistances(cv::Mat& canvas, cv::Rect box, const ProtocolResult& r) {
  cv::rectangle(canvas, box, kInk);
  double lo = 0, hi = 1e-9;
  for (double v : r.genuine) hi = std::max(hi, v);
  for (double v : r.impostor) hi = std::max(hi, v);
  const int bins = 60;
  auto g = Histogram(r.genuine, lo, hi, bins);
  auto i = Histogram(r.impostor, lo, hi, bins);
  double top = 1e-9;
  for (int b = 0; b < bins; ++b) top = std::max({top, g[b], i[b]});
  auto point = [&](int b, double v) {
    return cv::Point(box.x + (b + 0.5) * box.width / bins,
                     box.y + box.height - v / top * (box.height - 10));
  };
  for (int b = 1; b < bins; ++b) {
    cv::line(canvas, point(b - 1, g[b - 1]), point(b, g[b]), kGenuine, 2,
             cv::LINE_AA);
    cv::line(canvas, point(b - 1, i[b - 1]), point(b, i[b]), kImpostor, 2,
             cv::LINE_AA);
  }
  const double t = r.verification.threshold_at_frr;
  const int x = box.x + static_cast<int>(t / hi * box.width);
  cv::line(canvas, {x, box.y}, {x, box.y + box.height}, kThreshold, 1);
  Label(canvas, "0", {box.x - 4, box.y + box.height + 16});
  Label(canvas, Number(hi), {box.x + box.width - 30, box.y + box.height + 16});
  Label(canvas, "distance to the stone's mean reference",
        {box.x + box.width / 2 - 140, box.y + box.height + 34});
  cv::putText(canvas, "genuine", {box.x + box.width - 200, box.y + 20},
              cv::FONT_HERSHEY_SIMPLEX, 0.5, kGenuine, 1, cv::LINE_AA);
  cv::putText(canvas, "impostor", {box.x + box.width - 200, box.y + 40},
              cv::FONT_HERSHEY_SIMPLEX, 0.5, kImpostor, 1, cv::LINE_AA);
  cv::putText(canvas,
              "threshold at FRR " +
                  Number(100 * r.verification.frr_target, "%.1f") + "%",
              {box.x + box.width - 200, box.y + 60}, cv::FONT_HERSHEY_SIMPLEX,
              0.5, kThreshold, 1, cv::LINE_AA);
}

void DrawCmc(cv::Mat& canvas, cv::Rect box, const ProtocolResult& r) {
  cv::rectangle(canvas, box, kInk);
  const int n = static_cast<int>(r.cmc.size());
  // The y axis spans from just below the lowest value to 100%.
  const double floor = std::max(0.0, std::min(0.9, r.cmc.front() - 0.05));
  auto point = [&](int rank, double v) {
    return cv::Point(
        box.x + static_cast<int>((rank - 1.0) / std::max(1, n - 1) * box.width),
        box.y + box.height -
            static_cast<int>((v - floor) / (1 - floor) * box.height));
  };
  for (int k = 1; k < n; ++k)
    cv::line(canvas, point(k, r.cmc[k - 1]), point(k + 1, r.cmc[k]), kInk, 2,
             cv::LINE_AA);
  for (int k = 1; k <= n; ++k)
    cv::circle(canvas, point(k, r.cmc[k - 1]), 3, kInk, -1, cv::LINE_AA);
  Label(canvas, Number(100 * floor, "%.0f%%"),
        {box.x - 40, box.y + box.height});
  Label(canvas, "100%", {box.x - 40, box.y + 10});
  Label(canvas, "1", {box.x - 3, box.y + box.height + 16});
  Label(canvas, std::to_string(n),
        {box.x + box.width - 8, box.y + box.height + 16});
  Label(canvas, "rank (CMC)",
        {box.x + box.width / 2 - 40, box.y + box.height + 34});
}

}  // namespace

void WriteEvalPlot(const ProtocolResult& result, const std::string& title,
                   const std::filesystem::path& path) {
  cv::Mat canvas(440, 1000, CV_8UC3, cv::Scalar(255, 255, 255));
  Label(canvas, title, {20, 24}, 0.6);
  const VerificationReport& v = result.verification;
  Label(canvas,
        "mAP " + Number(100 * result.mean_average_precision, "%.2f") +
            "%  rank-1 " + Number(100 * result.rank1, "%.2f") + "%  EER " +
            Number(100 * v.equal_error_rate, "%.3f") + "%  FAR@FRR1% " +
            Number(100 * v.far_at_frr, "%.3f") + "%",
        {20, 48});
  DrawDistances(canvas, {40, 70, 520, 310}, result);
  DrawCmc(canvas, {640, 70, 330, 310}, result);
  std::vector<uchar> bytes;
  if (!cv::imwrite(path.string(), canvas))
    throw InputError("cannot write the plot to '" + path.string() +
                     "'; expected a writable .png path");
}

}  // namespace diareid
