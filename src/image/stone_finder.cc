#include "stone_finder.h"

#include <algorithm>
#include <opencv2/imgproc.hpp>
#include <vector>

namespace diareid {
namespace {

// Blobs smaller than this fraction of the picture are dust, not stones.
constexpr double kMinStoneArea = 0.002;
// A second blob at least this fraction of the largest is a second stone.
constexpr double kSecondStoneRatio = 0.15;
// Levels (of 255) a pixel must exceed to count as stone, at the least.
constexpr double kMinThreshold = 3.0;

std::string Fmt(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.3g", value);
  return text;
}

}  // namespace

FoundStone FindStone(const cv::Mat& gray, const std::string& name) {
  cv::Mat smooth;
  cv::GaussianBlur(gray, smooth, cv::Size(5, 5), 0);
  double brightest = 0;
  cv::minMaxLoc(smooth, nullptr, &brightest);
  cv::Mat binary;
  const double otsu = cv::threshold(smooth, binary, 0, 255,
                                    cv::THRESH_BINARY | cv::THRESH_OTSU);
  const double level = std::max({otsu, 0.25 * brightest, kMinThreshold});
  cv::threshold(smooth, binary, level, 255, cv::THRESH_BINARY);
  // Close dark facets inside the stone so that it forms one blob.
  const int side = std::max(3, std::min(gray.rows, gray.cols) / 40) | 1;
  cv::morphologyEx(
      binary, binary, cv::MORPH_CLOSE,
      cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(side, side)));
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(binary, contours, cv::RETR_EXTERNAL,
                   cv::CHAIN_APPROX_SIMPLE);
  const double picture_area = static_cast<double>(gray.total());
  std::vector<std::pair<double, size_t>> blobs;
  for (size_t i = 0; i < contours.size(); ++i) {
    const double area = cv::contourArea(contours[i]);
    if (area >= kMinStoneArea * picture_area) blobs.emplace_back(area, i);
  }
  std::sort(blobs.rbegin(), blobs.rend());
  if (blobs.empty())
    throw PictureRejected(RejectReason::kNoStone,
                          name + ": no stone found (no bright region above " +
                              Fmt(kMinStoneArea * 100) +
                              "% of the picture; brightest level " +
                              Fmt(brightest) + " of 255)");
  if (blobs.size() > 1 && blobs[1].first >= kSecondStoneRatio * blobs[0].first)
    throw PictureRejected(RejectReason::kSeveralStones,
                          name + ": several stones found (" +
                              std::to_string(blobs.size()) +
                              " bright regions; the second is " +
                              Fmt(100 * blobs[1].first / blobs[0].first) +
                              "% of the largest), expected one");
  const std::vector<cv::Point>& contour = contours[blobs[0].second];
  const cv::Rect box = cv::boundingRect(contour);
  if (box.x <= 0 || box.y <= 0 || box.x + box.width >= gray.cols ||
      box.y + box.height >= gray.rows)
    throw PictureRejected(
        RejectReason::kStoneCut,
        name + ": the stone touches the border of the picture (bounding box " +
            std::to_string(box.x) + "," + std::to_string(box.y) + " " +
            std::to_string(box.width) + "x" + std::to_string(box.height) +
            " in " + std::to_string(gray.cols) + "x" +
            std::to_string(gray.rows) + "), expected it whole in the frame");
  FoundStone stone;
  stone.mask = cv::Mat::zeros(gray.size(), CV_8U);
  cv::drawContours(stone.mask, contours, static_cast<int>(blobs[0].second),
                   cv::Scalar(255), cv::FILLED);
  const cv::Moments m = cv::moments(stone.mask, /*binaryImage=*/true);
  stone.circle.cx = m.m10 / m.m00;
  stone.circle.cy = m.m01 / m.m00;
  cv::Point2f centre;
  float enclosing = 0;
  cv::minEnclosingCircle(contour, centre, enclosing);
  stone.circle.radius = enclosing;
  return stone;
}

void CheckExposure(const cv::Mat& bgr, const FoundStone& stone,
                   const PreprocessOptions& options, const std::string& name) {
  std::vector<cv::Mat> channels;
  cv::split(bgr, channels);
  cv::Mat brightest = cv::max(cv::max(channels[0], channels[1]), channels[2]);
  cv::Mat clipped = (brightest >= 250) & stone.mask;
  const double inside = cv::countNonZero(stone.mask);
  const double clipped_fraction = cv::countNonZero(clipped) / inside;
  if (clipped_fraction > options.max_clipped_fraction)
    throw PictureRejected(
        RejectReason::kOverExposed,
        name + ": over-exposed (" + Fmt(100 * clipped_fraction) +
            "% of the stone is clipped at white, expected at most " +
            Fmt(100 * options.max_clipped_fraction) + "%)");
  cv::Mat gray;
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  const double mean_level = cv::mean(gray, stone.mask)[0] / 255.0;
  if (mean_level < options.min_mean_level)
    throw PictureRejected(RejectReason::kUnderExposed,
                          name + ": under-exposed (mean level of the stone " +
                              Fmt(mean_level) + ", expected at least " +
                              Fmt(options.min_mean_level) + ")");
}

double MeasureSharpness(const cv::Mat& square_gray) {
  constexpr int kSide = 256;
  cv::Mat small;
  cv::resize(square_gray, small, cv::Size(kSide, kSide), 0, 0, cv::INTER_AREA);
  cv::Mat laplacian;
  cv::Laplacian(small, laplacian, CV_32F);
  // Inside the stone, away from its rim (whose edge stays sharp in a
  // blurred picture only in contrast, not in detail).
  cv::Mat mask = cv::Mat::zeros(small.size(), CV_8U);
  cv::circle(mask, cv::Point(kSide / 2, kSide / 2),
             static_cast<int>(kSide * 0.35), cv::Scalar(255), cv::FILLED);
  cv::Scalar lap_mean, lap_dev, mean, dev;
  cv::meanStdDev(laplacian, lap_mean, lap_dev, mask);
  cv::meanStdDev(small, mean, dev, mask);
  // Laplacian energy per squared mean level: both scale with the square of
  // the exposure gain, and unlike the grey level's variance the mean does
  // not fall with blur (dividing by the variance made strongly blurred
  // pictures, whose variance is mostly 8-bit rounding, score higher again).
  const double level = mean[0] * mean[0];
  return level > 1e-9 ? 1000 * lap_dev[0] * lap_dev[0] / level : 0.0;
}

}  // namespace diareid
