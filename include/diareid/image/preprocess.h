// Preprocessing of ASET pictures: find the stone against the viewer's dark
// field, check the picture is usable, crop, resize, optionally polar-warp.
#pragma once

#include <filesystem>
#include <string>

#include <opencv2/core.hpp>

#include "diareid/core/error.h"

namespace diareid {

// Why a picture cannot be used; each has its own sentence in the message.
enum class RejectReason {
  kUndecodable,
  kNoStone,
  kSeveralStones,
  kStoneCut,  // the stone touches the border of the frame
  kBlurred,
  kOverExposed,
  kUnderExposed,
};

// Name of a reason, such as "blurred", for logs and JSON.
const char* RejectReasonName(RejectReason reason);

// A picture that cannot be used, with the reason and the picture's name.
class PictureRejected : public InputError {
 public:
  PictureRejected(RejectReason reason, const std::string& message)
      : InputError(message), reason_(reason) {}
  RejectReason reason() const { return reason_; }

 private:
  RejectReason reason_;
};

// The stone found in a picture: centre and radius in pixels.
struct StoneCircle {
  double cx = 0;
  double cy = 0;
  double radius = 0;
};

// Options of preprocessing; they travel inside the model file.
struct PreprocessOptions {
  // Side of the square network input in pixels.
  int input_size = 256;
  // Margin around the stone as a fraction of its radius.
  double margin = 0.10;
  // Polar warp about the stone's centre: rows are radius, columns angle.
  bool polar = false;
  // Quality gates; a value outside them rejects the picture.
  double min_sharpness = 0.5;  // see docs/preprocessing.md
  double max_clipped_fraction = 0.25;
  double min_mean_level = 0.02;
  // Skip stone finding and checks: only resize the whole picture.
  bool raw = false;
  // Throws InputError naming the first bad field and its allowed range.
  void Check() const;
};

// A picture ready for the network: RGB float32 in [0, 1], input_size square,
// HWC, plus what was measured on the way.
struct PreparedPicture {
  cv::Mat input;
  StoneCircle stone;
  double sharpness = 0;
};

// The picture file formats diareid accepts, and keeps in the gallery's
// picture store, in words: "PNG, JPEG, TIFF or BMP".
extern const char kAcceptedPictureFormats[];

// "png", "jpg", "tif" or "bmp" from a file's first bytes (the same test the
// picture store makes), or "" for any other format.
std::string PictureFileFormat(const std::string& bytes);

// Decodes an image file to BGR 8-bit; throws PictureRejected(kUndecodable)
// naming the file when it is missing, not a regular file (a FIFO, a
// device), empty, corrupt or in a format that is not accepted.
cv::Mat LoadPicture(const std::filesystem::path& path);

// Decodes a picture held in memory (the bytes of a PNG, JPEG, TIFF or BMP
// file); throws PictureRejected(kUndecodable) naming `name` when it cannot,
// or when the bytes are another format OpenCV could decode (PPM, WebP...)
// but the gallery would not keep.
cv::Mat DecodePicture(const std::string& bytes, const std::string& name);

// Finds the stone, checks quality, crops and resizes; throws PictureRejected
// whose message starts with `name` (a file name, or "camera frame 3").
PreparedPicture PreparePicture(const cv::Mat& bgr,
                               const PreprocessOptions& options,
                               const std::string& name);

}  // namespace diareid
