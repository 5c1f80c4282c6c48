// A camera for the rig tests and the capture benchmark: records where the
// table physically was at every picture and returns a small grey frame,
// optionally after a fixed exposure time.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "diareid/rig/camera.h"

namespace diareid::testing {

// Where the table was at each Grab, shared with the test.
struct GrabLog {
  std::mutex mutex;
  std::vector<TablePosition> positions;
  std::function<void(size_t)> on_grab;
};

class RecordingCamera : public Camera {
 public:
  RecordingCamera(const CameraContext& context, std::shared_ptr<GrabLog> log,
                  std::chrono::microseconds exposure)
      : context_(context), log_(std::move(log)), exposure_(exposure) {}
  cv::Mat Grab() override {
    std::this_thread::sleep_for(exposure_);
    size_t count;
    {
      std::lock_guard<std::mutex> lock(log_->mutex);
      log_->positions.push_back(context_.table_position());
      count = log_->positions.size();
    }
    if (log_->on_grab) log_->on_grab(count);
    return cv::Mat(48, 64, CV_8UC3, cv::Scalar(40, 90, 160));
  }
  CameraSettings ActualSettings() const override {
    return {{"exposure_us", std::to_string(exposure_.count())}};
  }
  std::string Describe() const override { return "recording test camera"; }

 private:
  CameraContext context_;
  std::shared_ptr<GrabLog> log_;
  std::chrono::microseconds exposure_;
};

// Registers the back end "recording" writing to `log`.
inline void RegisterRecordingCamera(std::shared_ptr<GrabLog> log,
                                    std::chrono::microseconds exposure) {
  RegisterCameraBackend(
      "recording",
      [log, exposure](const CameraSettings&, const CameraContext& context) {
        return std::make_unique<RecordingCamera>(context, log, exposure);
      });
}

}  // namespace diareid::testing
