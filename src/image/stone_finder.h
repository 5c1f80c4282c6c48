// Finding the stone against the dark field, and measuring picture quality.
#pragma once

#include <string>

#include <opencv2/core.hpp>

#include "diareid/image/preprocess.h"

namespace diareid {

// The stone and the mask of its pixels in the full picture.
struct FoundStone {
  StoneCircle circle;
  cv::Mat mask;  // 8-bit, 255 inside the stone
};

// Segments the bright stone from the dark field; throws PictureRejected
// (no stone, several stones, stone cut by the border) naming `name`.
FoundStone FindStone(const cv::Mat& gray, const std::string& name);

// Rejects an over- or under-exposed stone (PictureRejected naming `name`).
void CheckExposure(const cv::Mat& bgr, const FoundStone& stone,
                   const PreprocessOptions& options, const std::string& name);

// Variance of the Laplacian inside the stone divided by the variance of the
// brightness there, on a square crop resized to 256 px: a blur measure that
// depends neither on exposure nor on the picture's resolution.
double MeasureSharpness(const cv::Mat& square_gray);

}  // namespace diareid
