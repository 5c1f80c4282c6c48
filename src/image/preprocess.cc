#include "diareid/image/preprocess.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string_view>

#include <cmath>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "stone_finder.h"

namespace diareid {
namespace {

void CheckRange(const char* field, double value, double low, double high) {
  if (!(value >= low && value <= high))
    throw InputError("preprocess option " + std::string(field) + " = " +
                     std::to_string(value) + " is out of range: expected " +
                     std::to_string(low) + " to " + std::to_string(high));
}

// The square of side 2 * half around (cx, cy); parts outside the picture
// are dark field.
cv::Mat CropSquare(const cv::Mat& bgr, double cx, double cy, double half) {
  const int x0 = static_cast<int>(std::floor(cx - half));
  const int y0 = static_cast<int>(std::floor(cy - half));
  const int side = std::max(1, static_cast<int>(std::lround(2 * half)));
  const cv::Rect wanted(x0, y0, side, side);
  const cv::Rect inside = wanted & cv::Rect(0, 0, bgr.cols, bgr.rows);
  cv::Mat square;
  cv::copyMakeBorder(bgr(inside), square, inside.y - wanted.y,
                     wanted.br().y - inside.br().y, inside.x - wanted.x,
                     wanted.br().x - inside.br().x, cv::BORDER_CONSTANT,
                     cv::Scalar::all(0));
  return square;
}

cv::Mat Resize(const cv::Mat& picture, int side) {
  cv::Mat resized;
  const int interpolation =
      picture.cols > side ? cv::INTER_AREA : cv::INTER_LINEAR;
  cv::resize(picture, resized, cv::Size(side, side), 0, 0, interpolation);
  return resized;
}

// Rows become radius from the centre, columns angle, so that turning the
// stone shifts the columns cyclically.
cv::Mat PolarWarp(const cv::Mat& square) {
  const int side = square.cols;
  const cv::Point2f centre(side / 2.0f, side / 2.0f);
  cv::Mat angle_rows;
  cv::warpPolar(
      square, angle_rows, cv::Size(side, side), centre, side / 2.0,
      cv::INTER_LINEAR | cv::WARP_FILL_OUTLIERS | cv::WARP_POLAR_LINEAR);
  return angle_rows.t();
}

cv::Mat ToNetworkInput(const cv::Mat& bgr) {
  cv::Mat rgb, input;
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  rgb.convertTo(input, CV_32FC3, 1.0 / 255.0);
  return input;
}

}  // namespace

const char* RejectReasonName(RejectReason reason) {
  switch (reason) {
    case RejectReason::kUndecodable:
      return "undecodable";
    case RejectReason::kNoStone:
      return "no_stone";
    case RejectReason::kSeveralStones:
      return "several_stones";
    case RejectReason::kStoneCut:
      return "stone_cut";
    case RejectReason::kBlurred:
      return "blurred";
    case RejectReason::kOverExposed:
      return "over_exposed";
    case RejectReason::kUnderExposed:
      return "under_exposed";
  }
  return "unknown";
}

void PreprocessOptions::Check() const {
  CheckRange("input_size", input_size, 32, 4096);
  CheckRange("margin", margin, 0.0, 2.0);
  CheckRange("min_sharpness", min_sharpness, 0.0, 1e6);
  CheckRange("max_clipped_fraction", max_clipped_fraction, 0.0, 1.0);
  CheckRange("min_mean_level", min_mean_level, 0.0, 1.0);
}

namespace {

// Codec libraries (libpng, libjpeg) print their own warnings on stderr for
// a damaged file; the user gets one line from us instead, so stderr is
// pointed at /dev/null while a picture decodes.
class QuietStderr {
 public:
  QuietStderr() {
    std::fflush(stderr);
    saved_ = ::dup(STDERR_FILENO);
    int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (saved_ >= 0 && null >= 0) ::dup2(null, STDERR_FILENO);
    if (null >= 0) ::close(null);
  }
  ~QuietStderr() {
    if (saved_ < 0) return;
    ::dup2(saved_, STDERR_FILENO);
    ::close(saved_);
  }
  QuietStderr(const QuietStderr&) = delete;
  QuietStderr& operator=(const QuietStderr&) = delete;

 private:
  int saved_ = -1;
};

// The width and height a PNG, JPEG or BMP header declares, or {0, 0} when
// it cannot tell (TIFF, a damaged header): read before decoding, so that a
// small file declaring a huge picture is refused without allocating it.
std::pair<int64_t, int64_t> DeclaredSize(const std::string& bytes,
                                         const std::string& format) {
  auto byte = [&](size_t i) -> int64_t {
    return i < bytes.size() ? static_cast<unsigned char>(bytes[i]) : 0;
  };
  auto big16 = [&](size_t i) { return byte(i) << 8 | byte(i + 1); };
  auto big32 = [&](size_t i) { return big16(i) << 16 | big16(i + 2); };
  auto little32 = [&](size_t i) {
    return static_cast<int64_t>(static_cast<int32_t>(static_cast<uint32_t>(
        byte(i) | byte(i + 1) << 8 | byte(i + 2) << 16 | byte(i + 3) << 24)));
  };
  if (format == "png" && bytes.size() >= 24) return {big32(16), big32(20)};
  if (format == "bmp" && bytes.size() >= 26)
    return {std::abs(little32(18)), std::abs(little32(22))};
  if (format == "jpg") {
    // Segments after SOI: FF marker, 16-bit length; a start-of-frame
    // segment (C0-CF but C4, C8, CC) holds precision, height, width.
    size_t at = 2;
    while (at + 9 < bytes.size() && byte(at) == 0xFF) {
      const int64_t marker = byte(at + 1);
      if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 &&
          marker != 0xC8 && marker != 0xCC)
        return {big16(at + 7), big16(at + 5)};
      at += 2 + static_cast<size_t>(big16(at + 2));
    }
  }
  return {0, 0};
}

}  // namespace

const char kAcceptedPictureFormats[] = "PNG, JPEG, TIFF or BMP";

std::string PictureFileFormat(const std::string& bytes) {
  auto starts = [&](std::string_view magic) {
    return bytes.size() >= magic.size() &&
           std::string_view(bytes).substr(0, magic.size()) == magic;
  };
  if (starts("\x89PNG\r\n\x1a\n")) return "png";
  if (starts("\xff\xd8\xff")) return "jpg";
  if (starts(std::string_view("II*\0", 4)) ||
      starts(std::string_view("MM\0*", 4)))
    return "tif";
  if (starts("BM")) return "bmp";
  return "";
}

cv::Mat DecodePicture(const std::string& bytes, const std::string& name) {
  // Refused before decoding: OpenCV reads more formats than the gallery
  // keeps, and a picture must not be judged and then fail to be stored.
  if (!bytes.empty() && PictureFileFormat(bytes).empty())
    throw PictureRejected(RejectReason::kUndecodable,
                          name + ": not a " + kAcceptedPictureFormats +
                              " file (the formats diareid accepts)");
  // A rig picture is a few megapixels; a far larger one is a mistake and
  // would stall stone finding for minutes, or exhaust memory decoding it.
  constexpr int kMaxSide = 8192;
  auto too_large = [&](int64_t width, int64_t height) {
    return PictureRejected(RejectReason::kUndecodable,
                           name + ": picture is " + std::to_string(width) +
                               " x " + std::to_string(height) +
                               " px, expected at most " +
                               std::to_string(kMaxSide) + " px a side");
  };
  if (!bytes.empty()) {
    const auto [width, height] = DeclaredSize(bytes, PictureFileFormat(bytes));
    if (width > kMaxSide || height > kMaxSide) throw too_large(width, height);
  }
  cv::Mat bgr;
  if (!bytes.empty()) {
    QuietStderr quiet;
    cv::Mat raw(1, static_cast<int>(bytes.size()), CV_8UC1,
                const_cast<char*>(bytes.data()));
    try {
      bgr = cv::imdecode(raw, cv::IMREAD_COLOR);
    } catch (const cv::Exception&) {
      bgr.release();  // a header OpenCV refuses (absurd size): undecodable
    }
  }
  if (!bgr.empty() && (bgr.cols > kMaxSide || bgr.rows > kMaxSide))
    throw too_large(bgr.cols, bgr.rows);
  if (bgr.empty())
    throw PictureRejected(RejectReason::kUndecodable,
                          name +
                              ": cannot be decoded (empty, damaged or not a "
                              "picture), expected a " +
                              kAcceptedPictureFormats + " file");
  return bgr;
}

cv::Mat LoadPicture(const std::filesystem::path& path) {
  // Opening a FIFO would wait for a writer forever.
  std::error_code error;
  if (std::filesystem::exists(path, error) &&
      !std::filesystem::is_regular_file(path, error))
    throw PictureRejected(RejectReason::kUndecodable,
                          path.string() +
                              ": is not a regular file (a folder, FIFO or "
                              "device), expected a picture file");
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw PictureRejected(RejectReason::kUndecodable,
                          path.string() +
                              ": cannot be read (missing or no "
                              "permission), expected a picture "
                              "file");
  std::string bytes((std::istreambuf_iterator<char>(in)),
                    std::istreambuf_iterator<char>());
  return DecodePicture(bytes, path.string());
}

PreparedPicture PreparePicture(const cv::Mat& bgr,
                               const PreprocessOptions& options,
                               const std::string& name) {
  options.Check();
  if (bgr.empty() || bgr.type() != CV_8UC3)
    throw PictureRejected(RejectReason::kUndecodable,
                          name + ": expected a non-empty 8-bit BGR picture");
  PreparedPicture prepared;
  if (options.raw) {
    prepared.stone = {bgr.cols / 2.0, bgr.rows / 2.0,
                      std::min(bgr.cols, bgr.rows) / 2.0};
    prepared.input = ToNetworkInput(Resize(bgr, options.input_size));
    return prepared;
  }
  cv::Mat gray;
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  const FoundStone stone = FindStone(gray, name);
  prepared.stone = stone.circle;
  CheckExposure(bgr, stone, options, name);
  const double half = stone.circle.radius * (1.0 + options.margin);
  cv::Mat square = CropSquare(bgr, stone.circle.cx, stone.circle.cy, half);
  cv::Mat square_gray;
  cv::cvtColor(square, square_gray, cv::COLOR_BGR2GRAY);
  prepared.sharpness = MeasureSharpness(square_gray);
  if (prepared.sharpness < options.min_sharpness)
    throw PictureRejected(RejectReason::kBlurred,
                          name + ": blurred (sharpness " +
                              std::to_string(prepared.sharpness) +
                              ", expected at least " +
                              std::to_string(options.min_sharpness) + ")");
  cv::Mat resized = Resize(square, options.input_size);
  if (options.polar) resized = PolarWarp(resized);
  prepared.input = ToNetworkInput(resized);
  return prepared;
}

}  // namespace diareid
