// Preprocessing on synthetic ASET-like pictures: a many-coloured disc on
// the viewer's dark field.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <random>

#include "diareid/core/files.h"
#include "diareid/image/preprocess.h"
#include "testing.h"

namespace diareid {
namespace {

// Draws a stone: coloured sectors (as ASET's red, green and blue zones)
// sprinkled with small facet spots, on black.
void DrawStone(cv::Mat& picture, cv::Point centre, int radius, uint32_t seed,
               double gain = 1.0) {
  const cv::Scalar colours[] = {{40, 40, 220}, {40, 200, 40},  {220, 60, 30},
                                {30, 30, 120}, {40, 140, 200}, {180, 40, 40}};
  for (int sector = 0; sector < 12; ++sector)
    cv::ellipse(picture, centre, cv::Size(radius, radius), 0, sector * 30,
                sector * 30 + 30, colours[sector % 6] * gain, cv::FILLED,
                cv::LINE_AA);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> unit(0, 1);
  for (int spot = 0; spot < 300; ++spot) {
    const double r = radius * 0.9 * std::sqrt(unit(rng));
    const double a = 2 * CV_PI * unit(rng);
    const cv::Point at(centre.x + static_cast<int>(r * std::cos(a)),
                       centre.y + static_cast<int>(r * std::sin(a)));
    cv::circle(picture, at, 1 + static_cast<int>(4 * unit(rng)),
               colours[spot % 6] * (0.4 + unit(rng)) * gain, cv::FILLED);
  }
}

cv::Mat Stone(int width = 800, int height = 600, uint32_t seed = 1) {
  cv::Mat picture = cv::Mat::zeros(height, width, CV_8UC3);
  DrawStone(picture, {width / 2 + 23, height / 2 - 11}, 180, seed);
  return picture;
}

RejectReason ReasonOf(const cv::Mat& picture, const PreprocessOptions& options,
                      const std::string& name = "stone.png") {
  try {
    PreparePicture(picture, options, name);
  } catch (const PictureRejected& e) {
    EXPECT_EQ(std::string(e.what()).rfind(name + ": ", 0), 0u) << e.what();
    return e.reason();
  }
  ADD_FAILURE() << "the picture was accepted";
  return RejectReason::kUndecodable;
}

class PreprocessTest : public testing::TempDirTest {};

TEST_F(PreprocessTest, FindsTheStoneAndCropsIt) {
  PreprocessOptions options;
  const PreparedPicture prepared =
      PreparePicture(Stone(), options, "stone.png");
  EXPECT_NEAR(prepared.stone.cx, 423, 2.0);
  EXPECT_NEAR(prepared.stone.cy, 289, 2.0);
  EXPECT_NEAR(prepared.stone.radius, 180, 4.0);
  EXPECT_EQ(prepared.input.type(), CV_32FC3);
  EXPECT_EQ(prepared.input.rows, 256);
  EXPECT_EQ(prepared.input.cols, 256);
  double low = 0, high = 0;
  cv::minMaxLoc(prepared.input.reshape(1), &low, &high);
  EXPECT_GE(low, 0.0);
  EXPECT_LE(high, 1.0);
  // The margin leaves dark field in the corners, stone in the middle.
  const cv::Vec3f corner = prepared.input.at<cv::Vec3f>(3, 3);
  EXPECT_LT(corner[0] + corner[1] + corner[2], 0.01);
  const cv::Vec3f middle = prepared.input.at<cv::Vec3f>(128, 100);
  EXPECT_GT(middle[0] + middle[1] + middle[2], 0.1);
}

TEST_F(PreprocessTest, RejectsEachBadPictureWithItsReason) {
  PreprocessOptions options;
  EXPECT_EQ(ReasonOf(cv::Mat::zeros(600, 800, CV_8UC3), options),
            RejectReason::kNoStone);
  cv::Mat two = cv::Mat::zeros(600, 800, CV_8UC3);
  DrawStone(two, {200, 300}, 150, 1);
  DrawStone(two, {600, 300}, 120, 2);
  EXPECT_EQ(ReasonOf(two, options), RejectReason::kSeveralStones);
  cv::Mat cut = cv::Mat::zeros(600, 800, CV_8UC3);
  DrawStone(cut, {100, 300}, 180, 1);
  EXPECT_EQ(ReasonOf(cut, options), RejectReason::kStoneCut);
  cv::Mat white = cv::Mat::zeros(600, 800, CV_8UC3);
  cv::circle(white, {400, 300}, 180, cv::Scalar::all(255), cv::FILLED);
  EXPECT_EQ(ReasonOf(white, options), RejectReason::kOverExposed);
  cv::Mat dark = cv::Mat::zeros(600, 800, CV_8UC3);
  DrawStone(dark, {400, 300}, 180, 1, /*gain=*/0.04);
  EXPECT_EQ(ReasonOf(dark, options), RejectReason::kUnderExposed);
}

TEST_F(PreprocessTest, SharpnessSeparatesBlurredPictures) {
  PreprocessOptions options;
  options.min_sharpness = 0;  // Measure only.
  const cv::Mat sharp = Stone();
  cv::Mat blurred;
  cv::GaussianBlur(sharp, blurred, cv::Size(0, 0), 6);
  const double sharp_value = PreparePicture(sharp, options, "a").sharpness;
  const double blurred_value = PreparePicture(blurred, options, "b").sharpness;
  EXPECT_GT(sharp_value, 4 * blurred_value);
  // The same stone at half the resolution keeps about its sharpness.
  cv::Mat half;
  cv::resize(sharp, half, cv::Size(), 0.5, 0.5, cv::INTER_AREA);
  EXPECT_GT(PreparePicture(half, options, "c").sharpness, 0.5 * sharp_value);
  options.min_sharpness = std::sqrt(sharp_value * blurred_value);
  EXPECT_EQ(ReasonOf(blurred, options), RejectReason::kBlurred);
  EXPECT_NO_THROW(PreparePicture(sharp, options, "a"));
}

// The default gate (calibrated on rendered stones by tools/bench/sharpness)
// keeps a sharp picture and refuses the same one out of focus, naming the
// reason; the score does not depend on exposure.
TEST_F(PreprocessTest, DefaultBlurGateRefusesAnOutOfFocusPicture) {
  const PreprocessOptions options;
  ASSERT_GT(options.min_sharpness, 0);
  const cv::Mat sharp = Stone();
  EXPECT_NO_THROW(PreparePicture(sharp, options, "sharp.png"));
  cv::Mat darker = sharp * 0.6;
  EXPECT_NEAR(PreparePicture(darker, options, "d").sharpness,
              PreparePicture(sharp, options, "s").sharpness,
              0.1 * PreparePicture(sharp, options, "s").sharpness);
  // This drawn stone's large flat sectors keep more sharpness under blur
  // than a rendered one (scores 67 sharp, 1.0 at sigma 3): sigma 6 and 10
  // of its 800 x 600 px.
  for (const double sigma : {6.0, 10.0}) {
    cv::Mat blurred;
    cv::GaussianBlur(sharp, blurred, cv::Size(0, 0), sigma);
    EXPECT_EQ(ReasonOf(blurred, options), RejectReason::kBlurred) << sigma;
    try {
      PreparePicture(blurred, options, "blurred.png");
      ADD_FAILURE() << "blurred picture accepted";
    } catch (const PictureRejected& e) {
      EXPECT_NE(std::string(e.what()).find("blurred.png: blurred"),
                std::string::npos)
          << e.what();
    }
  }
}

TEST_F(PreprocessTest, PolarWarpTurnsRotationIntoAColumnShift) {
  PreprocessOptions options;
  options.polar = true;
  options.input_size = 128;
  const cv::Mat picture = Stone(700, 700);
  cv::Mat turned;
  cv::rotate(picture, turned, cv::ROTATE_90_CLOCKWISE);
  const cv::Mat a = PreparePicture(picture, options, "a").input;
  const cv::Mat b = PreparePicture(turned, options, "b").input;
  std::vector<double> error(a.cols);
  for (int shift = 0; shift < a.cols; ++shift) {
    cv::Mat shifted;
    if (shift == 0)
      shifted = a.clone();
    else
      cv::hconcat(a.colRange(shift, a.cols), a.colRange(0, shift), shifted);
    error[shift] = cv::norm(shifted, b, cv::NORM_L1);
  }
  const int best = static_cast<int>(
      std::min_element(error.begin(), error.end()) - error.begin());
  const int quarter = a.cols / 4;
  EXPECT_TRUE(std::abs(best - quarter) <= 1 ||
              std::abs(best - 3 * quarter) <= 1)
      << "best shift " << best;
  EXPECT_LT(error[best], 0.25 * error[0]);
}

TEST_F(PreprocessTest, RawModeOnlyResizes) {
  PreprocessOptions options;
  options.raw = true;
  options.input_size = 64;
  const PreparedPicture prepared =
      PreparePicture(cv::Mat::zeros(600, 800, CV_8UC3), options, "black");
  EXPECT_EQ(prepared.input.rows, 64);
  EXPECT_EQ(prepared.input.cols, 64);
}

TEST_F(PreprocessTest, RefusesBadOptionsAndFiles) {
  PreprocessOptions options;
  options.margin = -1;
  try {
    options.Check();
    FAIL() << "a negative margin was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("margin"), std::string::npos);
  }
  const auto garbage = dir() / "garbage.png";
  WriteFileAtomic(garbage, "not a picture");
  try {
    LoadPicture(garbage);
    FAIL() << "garbage was decoded";
  } catch (const PictureRejected& e) {
    EXPECT_EQ(e.reason(), RejectReason::kUndecodable);
    EXPECT_NE(std::string(e.what()).find(garbage.string()), std::string::npos);
  }
  const auto good = dir() / "good.png";
  cv::imwrite(good.string(), Stone());
  EXPECT_EQ(LoadPicture(good).cols, 800);
}

TEST_F(PreprocessTest, RefusesFormatsTheGalleryDoesNotKeep) {
  // OpenCV decodes PPM, but the picture store keeps only PNG, JPEG, TIFF and
  // BMP: such a picture must be refused before it is judged.
  const auto ppm = dir() / "stone.ppm";
  ASSERT_TRUE(cv::imwrite(ppm.string(), Stone()));
  try {
    LoadPicture(ppm);
    FAIL() << "a PPM picture was accepted";
  } catch (const PictureRejected& e) {
    EXPECT_EQ(e.reason(), RejectReason::kUndecodable);
    EXPECT_NE(std::string(e.what()).find(ppm.string()), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("PNG, JPEG, TIFF or BMP"),
              std::string::npos)
        << e.what();
  }
  for (const char* extension : {".png", ".jpg", ".tif", ".bmp"}) {
    std::vector<uchar> bytes;
    ASSERT_TRUE(cv::imencode(extension, Stone(), bytes));
    const std::string encoded(bytes.begin(), bytes.end());
    EXPECT_NE(PictureFileFormat(encoded), "") << extension;
    EXPECT_EQ(DecodePicture(encoded, extension).cols, 800) << extension;
  }
}

// A small file whose header declares a huge picture is refused from the
// header, before OpenCV allocates it (a 70 KB JPEG claiming 30000 x 30000
// px took 6 GB to decode).
TEST_F(PreprocessTest, RefusesAHugeDeclaredSizeBeforeDecoding) {
  std::vector<uchar> jpeg;
  ASSERT_TRUE(cv::imencode(".jpg", Stone(), jpeg));
  std::string bytes(jpeg.begin(), jpeg.end());
  const size_t frame = bytes.find("\xff\xc0");
  ASSERT_NE(frame, std::string::npos);
  for (size_t at : {frame + 5, frame + 7}) {  // height, then width
    bytes[at] = static_cast<char>(30000 >> 8);
    bytes[at + 1] = static_cast<char>(30000 & 0xff);
  }
  try {
    DecodePicture(bytes, "huge.jpg");
    FAIL() << "a 30000 px JPEG header was accepted";
  } catch (const PictureRejected& e) {
    EXPECT_NE(std::string(e.what()).find("huge.jpg: picture is 30000 x 30000"),
              std::string::npos)
        << e.what();
  }
  std::vector<uchar> bmp;
  ASSERT_TRUE(cv::imencode(".bmp", Stone(), bmp));
  bytes.assign(bmp.begin(), bmp.end());
  bytes[18] = 0x30;  // width 0x00010030 = 65584 px
  bytes[19] = 0x00;
  bytes[20] = 0x01;
  EXPECT_THROW(DecodePicture(bytes, "wide.bmp"), PictureRejected);
}

TEST_F(PreprocessTest, RefusesAFifoWithoutWaitingForAWriter) {
  const auto fifo = dir() / "pictures.png";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  try {
    LoadPicture(fifo);
    FAIL() << "a FIFO was read";
  } catch (const PictureRejected& e) {
    EXPECT_NE(std::string(e.what()).find("not a regular file"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace diareid
