// The capture API: a rig opened from its rig file and tray file, taking
// pictures of the stones in the wells of a tray.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "diareid/rig/camera.h"
#include "diareid/rig/rig_file.h"

namespace diareid {

class FirmwareHost;
class ScriptedFirmware;
class Stage;

// One picture of a stone and where and how it was taken.
struct Shot {
  cv::Mat image;  // BGR, 8 bits
  std::string well;
  std::string stone_id;
  int index = 0;  // 0 .. n-1 within its well
  // Where the table was sent for this shot (rig coordinates).
  TablePosition position;
  // When the picture was taken, UTC, ISO 8601.
  std::string time;
  CameraSettings camera;
};

// Where a rig's time goes, in seconds since it was opened.
struct RigTimings {
  double table_s = 0;   // blocked on the controller, and settling
  double camera_s = 0;  // inside the camera's Grab
  double total_s = 0;   // in Home, MoveTo and Shots altogether
};

// A connected rig: the serial port, the controller (or the scripted
// firmware for a simulated rig) and the camera.
class Rig {
 public:
  // Opens everything the rig file names; `tray_file` may be empty when no
  // well is addressed (the `rig` technician commands). Throws RigError
  // when the hardware fails, InputError for bad files.
  Rig(const std::filesystem::path& rig_file,
      const std::filesystem::path& tray_file);
  ~Rig();
  Rig(const Rig&) = delete;
  Rig& operator=(const Rig&) = delete;

  const RigFile& rig_file() const { return rig_; }
  const TrayFile& tray() const { return tray_; }
  // Homes the table, then raises the focus axis to the tray's height.
  void Home();
  // Moves to a position in rig coordinates and waits for the table to stop.
  void MoveTo(const TablePosition& position);
  // Moves to a well, waits for the table to stop and settle.
  void MoveToWell(const std::string& well);
  // Takes `n` pictures of a well, with the rig file's small re-positioning
  // between them; every picture follows a stop and the settle time.
  std::vector<Shot> Shots(const std::string& well, int n);
  // Where the controller says the table is (rig coordinates). Meaningful
  // only once homed: before, the controller counts from wherever it was
  // switched on or reset.
  TablePosition Position();
  // True once Home() has run on this connection.
  bool homed() const { return homed_; }
  // The controller and the camera, in one line.
  std::string Describe() const;
  CameraSettings CameraActualSettings() const;
  RigTimings timings() const;

 private:
  void Settle();

  RigFile rig_;
  TrayFile tray_;
  std::unique_ptr<ScriptedFirmware> firmware_;
  std::unique_ptr<FirmwareHost> host_;
  std::unique_ptr<Stage> stage_;
  std::unique_ptr<Camera> camera_;
  TablePosition commanded_;
  bool homed_ = false;
  RigTimings timings_;
  double serial_wait_at_open_ = 0;
};

// What to capture from a tray.
struct CaptureOptions {
  // Wells by name; empty: every well of the tray.
  std::vector<std::string> wells;
  // Pictures per well.
  int shots = 3;
  // Output folder: one folder per stone plus manifest.json.
  std::filesystem::path out;
  // Add to a folder that already holds a capture: its manifest keeps its
  // stones and gains the new ones. Without it such a folder is refused.
  bool add = false;
};

// What a capture did.
struct CaptureResult {
  int wells_done = 0;
  int shots_written = 0;
  // True when Ctrl-C stopped it early; what was captured is kept.
  bool interrupted = false;
  std::filesystem::path manifest;
};

// Homes, visits the wells in the tray's order and writes
// out/<stone-id>/<shot>.png and out/manifest.json (rewritten after every
// well). Ctrl-C lets the current move finish, stops, and keeps the rest.
// Throws InputError, before the table moves, for a folder that cannot be
// created, a folder that already holds a capture (without `add`), and with
// `add` a stone the folder already holds.
CaptureResult CaptureTray(Rig& rig, const CaptureOptions& options);

// True once Ctrl-C arrived while a capture listens for it.
bool StopRequested();

}  // namespace diareid
