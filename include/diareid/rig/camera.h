// Cameras behind one interface: a real one through OpenCV, or the simulated
// one of the sim module. The capture code cannot tell them apart.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include <opencv2/core.hpp>

namespace diareid {

// A position of the X-Y table in millimetres, in the rig's coordinates.
struct TablePosition {
  double x_mm = 0;
  double y_mm = 0;
};

// Free-form camera settings from the rig file's [camera] table (key = value,
// values as text), for example exposure, gain, device, stones file.
using CameraSettings = std::map<std::string, std::string>;

// What a camera back end may need from the world around it. A real camera
// needs nothing; the simulated one asks where the table physically is (the
// scripted firmware knows) to decide which well lies under the lens.
struct CameraContext {
  std::function<TablePosition()> table_position;
  // The tray file in use, if any (wells, positions, and for the simulated
  // camera which stone lies in which well).
  std::string tray_file;
};

// One camera. Grab returns a picture taken after the call started: frames
// queued before (stale after a move) are discarded by the implementation.
class Camera {
 public:
  virtual ~Camera() = default;
  // A fresh BGR 8-bit frame; throws RigError when none comes.
  virtual cv::Mat Grab() = 0;
  // What the camera really uses now (read back from the device), for logs
  // and capture manifests.
  virtual CameraSettings ActualSettings() const = 0;
  // A one-line description, such as "V4L2 /dev/video0" or "simulated".
  virtual std::string Describe() const = 0;
};

using CameraFactory = std::function<std::unique_ptr<Camera>(
    const CameraSettings&, const CameraContext&)>;

// Makes a back end available under a name used by rig files' camera.backend.
void RegisterCameraBackend(const std::string& name, CameraFactory factory);

// Opens the camera of a back end by name; throws InputError for an unknown
// back end (naming the known ones) and RigError when the device fails.
std::unique_ptr<Camera> OpenCamera(const std::string& backend,
                                   const CameraSettings& settings,
                                   const CameraContext& context);

}  // namespace diareid
