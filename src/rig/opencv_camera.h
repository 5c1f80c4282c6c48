// The OpenCV VideoCapture back end ("opencv").
#pragma once

#include <memory>

#include "diareid/rig/camera.h"

namespace diareid::rig_internal {

// Settings (all optional but source): source (a device number, a device
// path, a GStreamer pipeline or an image sequence such as img_%04d.png),
// api (any, v4l2, gstreamer, images), width, height, fourcc, exposure
// (V4L2 units of 100 us; turns auto-exposure off), gain, white_balance
// (kelvin; turns auto white balance off), discard_frames (stale frames
// dropped before each picture; default 4 for devices, 0 for sequences).
std::unique_ptr<Camera> OpenOpenCvCamera(const CameraSettings& settings,
                                         const CameraContext& context);

}  // namespace diareid::rig_internal
