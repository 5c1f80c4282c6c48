// A scripted table controller on a pseudo-terminal: speaks Marlin or GRBL,
// moves a virtual table in real time, and injects the faults hosts meet in
// the field. The simulated rig and the host tests talk to it through the
// real serial code.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "diareid/rig/camera.h"

namespace diareid {

// Which protocol the firmware speaks.
enum class FirmwareDialect { kMarlin, kGrbl };

// Faults, each at the k-th command accepted after boot (1-based, connection
// probes such as M110 not counted); 0 disables one.
struct FirmwareFaults {
  // Silence at boot, filled with bytes that are not text when asked.
  std::chrono::milliseconds boot_delay{0};
  bool boot_garbage = false;
  // The command runs but its ok never comes.
  int drop_ok_at = 0;
  // Marlin: the line is refused once with a checksum or line-number error.
  int checksum_error_at = 0;
  int line_number_error_at = 0;
  // Marlin: the line is refused every time it comes.
  int endless_resend_at = 0;
  // Marlin: "Resend:" without the ok that usually follows it.
  bool resend_without_ok = false;
  // Extra busy time with "busy: processing" keepalives (Marlin).
  int busy_at = 0;
  std::chrono::milliseconds busy_for{0};
  // Extra busy time with no keepalive: the ok arrives late.
  int late_ok_at = 0;
  std::chrono::milliseconds late_by{0};
  // Marlin: "Printer halted. kill() called!"; GRBL: ALARM:1 (hard limit).
  int halt_at = 0;
  // The controller reboots (prints its banner again) instead of answering.
  int reset_at = 0;
  // The port closes (a cable pulled) instead of answering.
  int close_at = 0;
};

// How the scripted firmware behaves.
struct FirmwareOptions {
  FirmwareDialect dialect = FirmwareDialect::kMarlin;
  FirmwareFaults faults;
  // Moves run this many times faster than their feed rate says.
  double speed_scale = 1.0;
  // How long a homing cycle takes (before speed_scale).
  std::chrono::milliseconds home_time{800};
  // Interval of Marlin's busy keepalives.
  std::chrono::milliseconds keepalive_interval{2000};
};

// The firmware runs on its own thread from construction to destruction.
class ScriptedFirmware {
 public:
  explicit ScriptedFirmware(const FirmwareOptions& options);
  ~ScriptedFirmware();
  ScriptedFirmware(const ScriptedFirmware&) = delete;
  ScriptedFirmware& operator=(const ScriptedFirmware&) = delete;

  // The pseudo-terminal a host opens, such as /dev/pts/3.
  const std::string& PortName() const { return port_name_; }
  // Where the table physically is now (machine coordinates, mm).
  TablePosition PhysicalPosition() const;
  // Every target the table was sent to, in order (homing adds 0,0).
  std::vector<TablePosition> Targets() const;
  // Every command accepted after boot, in order, without line numbers.
  std::vector<std::string> Commands() const;

 private:
  struct Segment {
    TablePosition from, to;
    std::chrono::steady_clock::time_point start, end;
  };
  using Clock = std::chrono::steady_clock;

  void Run();
  void Boot(Clock::time_point now);
  void OnBytes(const char* data, size_t size, Clock::time_point now);
  void OnLine(const std::string& line, Clock::time_point now);
  bool CheckMarlinLine(std::string& line);
  void Execute(const std::string& command, Clock::time_point now);
  void Emit(const std::string& text);
  TablePosition PositionAt(Clock::time_point t) const;
  TablePosition PlannedEnd() const;
  Clock::time_point MotionEnd() const;
  void Plan(const TablePosition& to, double seconds, Clock::time_point now);
  std::string GrblStatus(Clock::time_point now) const;

  FirmwareOptions options_;
  int master_ = -1;
  int slave_ = -1;
  std::string port_name_;
  std::thread thread_;
  std::atomic<bool> quit_{false};

  mutable std::mutex mutex_;
  std::vector<Segment> segments_;
  std::vector<TablePosition> targets_;
  std::vector<std::string> commands_;

  // Touched by the firmware thread only.
  std::string input_;
  std::vector<std::string> queue_;
  Clock::time_point boot_end_;
  bool booting_ = true;
  bool halted_ = false;
  bool alarm_ = false;
  bool closed_ = false;
  Clock::time_point busy_until_;
  bool busy_ = false;
  bool keepalive_ = false;
  Clock::time_point next_keepalive_;
  std::string reply_when_done_;
  long last_line_ = 0;
  int accepted_ = 0;
  bool checksum_fired_ = false;
  bool line_number_fired_ = false;
  double feed_mm_min_ = 3000;
  bool homing_ = false;
  bool drop_ok_ = false;
};

}  // namespace diareid
