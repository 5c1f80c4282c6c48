#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <ctime>
#include <thread>

#include "diareid/core/error.h"
#include "diareid/rig/capture.h"
#include "diareid/rig/firmware_host.h"
#include "diareid/rig/scripted_firmware.h"
#include "diareid/rig/stage.h"

namespace diareid {
namespace {

using Clock = std::chrono::steady_clock;

double Since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Adds the time of one call to a total.
class CallTimer {
 public:
  explicit CallTimer(double& total) : total_(total), start_(Clock::now()) {}
  ~CallTimer() { total_ += Since(start_); }

 private:
  double& total_;
  Clock::time_point start_;
};

std::string UtcNow() {
  auto now = std::chrono::system_clock::now();
  std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  long ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                now.time_since_epoch())
                .count() %
            1000;
  std::tm tm{};
  ::gmtime_r(&seconds, &tm);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ",
                tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                tm.tm_min, tm.tm_sec, ms);
  return text;
}

}  // namespace

Rig::Rig(const std::filesystem::path& rig_file,
         const std::filesystem::path& tray_file)
    : rig_(LoadRigFile(rig_file)) {
  if (!tray_file.empty()) tray_ = LoadTrayFile(tray_file);
  SerialSettings serial = rig_.serial;
  if (!rig_.simulate.empty()) {
    FirmwareOptions options;
    options.dialect = rig_.simulate == "grbl" ? FirmwareDialect::kGrbl
                                              : FirmwareDialect::kMarlin;
    options.speed_scale = rig_.simulate_speed;
    firmware_ = std::make_unique<ScriptedFirmware>(options);
    serial.port = firmware_->PortName();
    spdlog::info("Simulated {} controller on {}", rig_.simulate, serial.port);
  }
  serial_wait_at_open_ = SerialWaitSeconds();
  host_ = MakeFirmwareHost(rig_.firmware, OpenSerialPort(serial),
                           serial.line_ending, rig_.limits);
  host_->Connect();
  stage_ = std::make_unique<Stage>(*host_, rig_.motion);
  CameraContext context;
  context.tray_file = tray_file.string();
  context.table_position = [this] {
    // The scripted firmware knows where the table physically is; a real
    // rig can only offer where it was sent.
    if (firmware_) return stage_->ToRig(firmware_->PhysicalPosition());
    return commanded_;
  };
  camera_ = OpenCamera(rig_.camera_backend, rig_.camera, context);
  spdlog::info("Camera: {}", camera_->Describe());
}

Rig::~Rig() = default;

void Rig::Home() {
  CallTimer timer(timings_.total_s);
  spdlog::info("Homing the table");
  stage_->Home();
  commanded_ = {};
  homed_ = true;
  if (tray_.focus_mm >= 0) stage_->MoveFocus(tray_.focus_mm);
}

void Rig::MoveTo(const TablePosition& position) {
  CallTimer timer(timings_.total_s);
  stage_->MoveTo(position);
  commanded_ = position;
}

void Rig::Settle() {
  auto start = Clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(tray_.settle_s));
  timings_.table_s += Since(start);
}

void Rig::MoveToWell(const std::string& well) {
  const Well& w = tray_.Find(well);
  MoveTo(w.position);
  CallTimer timer(timings_.total_s);
  Settle();
}

std::vector<Shot> Rig::Shots(const std::string& well_name, int n) {
  if (n < 1 || n > 1000)
    throw InputError("shots " + std::to_string(n) +
                     " is out of range; expected 1 to 1000");
  const Well& well = tray_.Find(well_name);
  std::vector<Shot> shots;
  for (int i = 0; i < n; ++i) {
    TablePosition target = well.position;
    if (i > 0 && rig_.motion.reposition_mm > 0) {
      // Spread the shots over a small circle, the same way every time.
      double angle = i * 2.399963;  // the golden angle, radians
      target.x_mm += rig_.motion.reposition_mm * std::cos(angle);
      target.y_mm += rig_.motion.reposition_mm * std::sin(angle);
    }
    if (i == 0 || rig_.motion.reposition_mm > 0) {
      MoveTo(target);
      CallTimer timer(timings_.total_s);
      Settle();
    }
    CallTimer timer(timings_.total_s);
    Shot shot;
    shot.well = well.name;
    shot.stone_id = well.stone_id;
    shot.index = i;
    shot.position = target;
    shot.time = UtcNow();
    auto start = Clock::now();
    shot.image = camera_->Grab();
    timings_.camera_s += Since(start);
    shot.camera = camera_->ActualSettings();
    shots.push_back(std::move(shot));
  }
  return shots;
}

TablePosition Rig::Position() { return stage_->Position(); }

std::string Rig::Describe() const {
  return host_->Describe() + " on " +
         (firmware_ ? firmware_->PortName() + " (simulated)"
                    : rig_.serial.port) +
         ", camera " + camera_->Describe();
}

CameraSettings Rig::CameraActualSettings() const {
  return camera_->ActualSettings();
}

RigTimings Rig::timings() const {
  RigTimings t = timings_;
  t.table_s += SerialWaitSeconds() - serial_wait_at_open_;
  return t;
}

}  // namespace diareid
