// Rig files and tray files (TOML): how the table, the controller and the
// camera are set up, and where the wells of a tray lie.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "diareid/rig/camera.h"
#include "diareid/rig/firmware_host.h"
#include "diareid/rig/serial_port.h"

namespace diareid {

// The motion settings of a rig file's [motion] table.
struct MotionSettings {
  // Feed rate of every move, mm/min.
  double feed_mm_min = 3000;
  // Soft limits in rig coordinates; no move leaves them.
  double x_min_mm = 0, x_max_mm = 200;
  double y_min_mm = 0, y_max_mm = 200;
  // Every target is approached from below by this much (0: off).
  double backlash_x_mm = 0, backlash_y_mm = 0;
  // Mirrors an axis within its limits (a bed mounted the other way round).
  bool invert_x = false, invert_y = false;
  // Radius of the small re-positioning between shots of one well, mm.
  double reposition_mm = 0;
};

// A whole rig file.
struct RigFile {
  std::string name;
  SerialSettings serial;
  // "marlin" or "grbl".
  std::string firmware = "marlin";
  HostLimits limits;
  // When not empty ("marlin" or "grbl"), serial.port is ignored and a
  // scripted firmware is started in-process on a pseudo-terminal.
  std::string simulate;
  // The scripted firmware's speed-up over real time.
  double simulate_speed = 1.0;
  MotionSettings motion;
  std::string camera_backend;
  CameraSettings camera;
};

// One well of a tray.
struct Well {
  // "A1": row letter, column number from 1.
  std::string name;
  int row = 0, column = 0;
  // Centre of the well in rig coordinates, offsets included.
  TablePosition position;
  // The stone's ID for the capture folder (default: the well name).
  std::string stone_id;
  // For the simulated camera only: "<seed>:<index>" of the stone rendered.
  std::string stone;
};

// A whole tray file.
struct TrayFile {
  std::string name;
  int rows = 0, columns = 0;
  // Wells in visiting order (snake order when the file asks for it).
  std::vector<Well> wells;
  // Wait after each move before a picture, seconds.
  double settle_s = 0.3;
  // Height of the focus axis, mm; negative: the Z axis is not moved.
  double focus_mm = -1;
  // Looks a well up by name; throws InputError naming the known range.
  const Well& Find(const std::string& name) const;
};

// Reads a rig file; throws InputError naming the file, the key, the value
// and what was expected.
RigFile LoadRigFile(const std::filesystem::path& path);

// Reads a tray file, likewise.
TrayFile LoadTrayFile(const std::filesystem::path& path);

}  // namespace diareid
