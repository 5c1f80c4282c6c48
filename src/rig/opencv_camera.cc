#include "opencv_camera.h"

#include <spdlog/spdlog.h>

#include <cctype>
#include <cstdlib>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "diareid/core/error.h"

namespace diareid::rig_internal {
namespace {

double NumberSetting(const CameraSettings& settings, const std::string& key,
                     double fallback) {
  auto it = settings.find(key);
  if (it == settings.end()) return fallback;
  char* end = nullptr;
  double value = std::strtod(it->second.c_str(), &end);
  if (end == it->second.c_str() || *end != '\0')
    throw InputError("camera." + key + " '" + it->second + "' is not a number");
  return value;
}

int ApiOf(const std::string& api) {
  if (api == "any") return cv::CAP_ANY;
  if (api == "v4l2") return cv::CAP_V4L2;
  if (api == "gstreamer") return cv::CAP_GSTREAMER;
  if (api == "images") return cv::CAP_IMAGES;
  throw InputError("camera.api '" + api +
                   "' is unknown; expected any, v4l2, gstreamer or images");
}

class OpenCvCamera : public Camera {
 public:
  explicit OpenCvCamera(const CameraSettings& settings) {
    auto source = settings.find("source");
    if (source == settings.end() || source->second.empty())
      throw InputError(
          "camera.source is missing; expected a device number, "
          "/dev/videoN, a GStreamer pipeline or img_%04d.png");
    source_ = source->second;
    std::string api = settings.count("api") ? settings.at("api") : "any";
    bool sequence = source_.find('%') != std::string::npos;
    bool numeric = !source_.empty() &&
                   std::isdigit(static_cast<unsigned char>(source_[0])) &&
                   source_.find_first_not_of("0123456789") == std::string::npos;
    bool opened = numeric
                      ? capture_.open(std::atoi(source_.c_str()), ApiOf(api))
                      : capture_.open(source_, ApiOf(api));
    if (!opened)
      throw RigError("camera source '" + source_ +
                     "' cannot be opened (camera.source, camera.api)");
    discard_ = static_cast<int>(
        NumberSetting(settings, "discard_frames", sequence ? 0 : 4));
    Apply(settings);
  }

  cv::Mat Grab() override {
    // The driver queues frames taken while the table still moved.
    for (int i = 0; i < discard_; ++i) capture_.grab();
    cv::Mat frame;
    if (!capture_.read(frame) || frame.empty())
      throw RigError("camera '" + source_ + "' gave no picture");
    if (frame.channels() == 1) cv::cvtColor(frame, frame, cv::COLOR_GRAY2BGR);
    if (frame.depth() != CV_8U) frame.convertTo(frame, CV_8U);
    return frame;
  }

  CameraSettings ActualSettings() const override {
    auto& c = const_cast<cv::VideoCapture&>(capture_);
    CameraSettings actual;
    actual["width"] = std::to_string(c.get(cv::CAP_PROP_FRAME_WIDTH));
    actual["height"] = std::to_string(c.get(cv::CAP_PROP_FRAME_HEIGHT));
    actual["exposure"] = std::to_string(c.get(cv::CAP_PROP_EXPOSURE));
    actual["gain"] = std::to_string(c.get(cv::CAP_PROP_GAIN));
    actual["white_balance"] =
        std::to_string(c.get(cv::CAP_PROP_WB_TEMPERATURE));
    actual["source"] = source_;
    return actual;
  }

  std::string Describe() const override {
    auto& c = const_cast<cv::VideoCapture&>(capture_);
    return c.getBackendName() + " " + source_;
  }

 private:
  void Set(int property, double value, const char* name) {
    if (!capture_.set(property, value))
      spdlog::warn("Camera refused {} = {}", name, value);
    double actual = capture_.get(property);
    if (actual != value)
      spdlog::warn("Camera uses {} = {} (asked for {})", name, actual, value);
    else
      spdlog::debug("Camera {} = {}", name, actual);
  }

  void Apply(const CameraSettings& s) {
    // Both sizes, then the format: a new size applies once both are set.
    if (s.count("fourcc") && s.at("fourcc").size() == 4) {
      const std::string& f = s.at("fourcc");
      Set(cv::CAP_PROP_FOURCC, cv::VideoWriter::fourcc(f[0], f[1], f[2], f[3]),
          "fourcc");
    }
    if (s.count("width"))
      Set(cv::CAP_PROP_FRAME_WIDTH, NumberSetting(s, "width", 0), "width");
    if (s.count("height"))
      Set(cv::CAP_PROP_FRAME_HEIGHT, NumberSetting(s, "height", 0), "height");
    if (s.count("exposure")) {
      // V4L2: 1 is manual, 3 automatic; exposure in units of 100 us.
      Set(cv::CAP_PROP_AUTO_EXPOSURE, 1, "auto_exposure");
      Set(cv::CAP_PROP_EXPOSURE, NumberSetting(s, "exposure", 0), "exposure");
    }
    if (s.count("gain"))
      Set(cv::CAP_PROP_GAIN, NumberSetting(s, "gain", 0), "gain");
    if (s.count("white_balance")) {
      Set(cv::CAP_PROP_AUTO_WB, 0, "auto_white_balance");
      Set(cv::CAP_PROP_WB_TEMPERATURE, NumberSetting(s, "white_balance", 0),
          "white_balance");
    }
    for (const auto& [key, value] : ActualSettings())
      spdlog::info("Camera {} = {}", key, value);
  }

  std::string source_;
  cv::VideoCapture capture_;
  int discard_ = 4;
};

}  // namespace

std::unique_ptr<Camera> OpenOpenCvCamera(const CameraSettings& settings,
                                         const CameraContext&) {
  return std::make_unique<OpenCvCamera>(settings);
}

}  // namespace diareid::rig_internal
