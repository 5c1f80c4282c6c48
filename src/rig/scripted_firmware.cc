// The scripted firmware's machinery: the pseudo-terminal, the event loop,
// and a table that moves in real time along planned segments.
#include "diareid/rig/scripted_firmware.h"

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "diareid/core/error.h"

namespace diareid {

ScriptedFirmware::ScriptedFirmware(const FirmwareOptions& options)
    : options_(options) {
  master_ = ::posix_openpt(O_RDWR | O_NOCTTY);
  if (master_ < 0 || ::grantpt(master_) != 0 || ::unlockpt(master_) != 0)
    throw RigError(std::string("cannot create a pseudo-terminal: ") +
                   std::strerror(errno));
  port_name_ = ::ptsname(master_);
  // Kept open so that the master never reads end-of-file between hosts;
  // raw, so nothing is echoed or translated.
  slave_ = ::open(port_name_.c_str(), O_RDWR | O_NOCTTY);
  termios t{};
  ::tcgetattr(slave_, &t);
  ::cfmakeraw(&t);
  ::tcsetattr(slave_, TCSANOW, &t);
  Boot(Clock::now());
  thread_ = std::thread([this] { Run(); });
}

ScriptedFirmware::~ScriptedFirmware() {
  quit_ = true;
  thread_.join();
  if (!closed_) ::close(master_);
  ::close(slave_);
}

void ScriptedFirmware::Boot(Clock::time_point now) {
  booting_ = true;
  boot_end_ = now + options_.faults.boot_delay;
  busy_ = false;
  queue_.clear();
  input_.clear();
  last_line_ = 0;
  homing_ = false;
  std::lock_guard<std::mutex> lock(mutex_);
  // A reset stops the table where it is.
  TablePosition here = PositionAt(now);
  segments_.clear();
  segments_.push_back({here, here, now, now});
}

void ScriptedFirmware::Emit(const std::string& text) {
  if (closed_) return;
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(master_, text.data() + done, text.size() - done);
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

void ScriptedFirmware::Run() {
  if (options_.faults.boot_garbage) Emit("\xfe\x80\x13\xff garbage \x01\n");
  while (!quit_ && !closed_) {
    auto now = Clock::now();
    if (booting_ && now >= boot_end_) {
      booting_ = false;
      Emit(options_.dialect == FirmwareDialect::kMarlin
               ? "start\necho:Marlin 2.1.2 scripted\necho: Last Updated\n"
               : "Grbl 1.1h ['$' for help]\n");
    }
    if (busy_ && now >= busy_until_) {
      busy_ = false;
      homing_ = false;
      Emit(reply_when_done_);
    }
    if (busy_ && keepalive_ && now >= next_keepalive_) {
      Emit("busy: processing\n");
      next_keepalive_ += options_.keepalive_interval;
    }
    while (!busy_ && !booting_ && !halted_ && !closed_ && !queue_.empty()) {
      std::string line = queue_.front();
      queue_.erase(queue_.begin());
      OnLine(line, now);
    }
    if (closed_) break;
    auto wake = now + std::chrono::milliseconds(20);
    if (booting_) wake = std::min(wake, boot_end_);
    if (busy_) wake = std::min(wake, busy_until_);
    if (busy_ && keepalive_) wake = std::min(wake, next_keepalive_);
    int wait_ms = static_cast<int>(std::max<long>(
        0, std::chrono::duration_cast<std::chrono::milliseconds>(wake - now)
               .count()));
    pollfd p{master_, POLLIN, 0};
    if (::poll(&p, 1, wait_ms) > 0 && (p.revents & POLLIN)) {
      char buffer[512];
      ssize_t n = ::read(master_, buffer, sizeof buffer);
      if (n > 0) OnBytes(buffer, static_cast<size_t>(n), Clock::now());
    }
  }
}

void ScriptedFirmware::OnBytes(const char* data, size_t size,
                               Clock::time_point now) {
  for (size_t i = 0; i < size; ++i) {
    char c = data[i];
    if (options_.dialect == FirmwareDialect::kGrbl && !halted_) {
      // Real-time characters act at once, even while busy.
      if (c == '?') {
        if (!booting_) Emit(GrblStatus(now));
        continue;
      }
      if (c == '\x18') {
        Boot(now);
        boot_end_ = now;
        continue;
      }
    }
    if (booting_) continue;  // a booting controller hears nothing
    if (c == '\n') {
      if (!input_.empty()) queue_.push_back(input_);
      input_.clear();
    } else if (c != '\r') {
      input_ += c;
    }
  }
}

TablePosition ScriptedFirmware::PositionAt(Clock::time_point t) const {
  if (segments_.empty()) return {};
  for (const Segment& s : segments_) {
    if (t < s.start) return s.from;
    if (t < s.end) {
      double f = std::chrono::duration<double>(t - s.start).count() /
                 std::chrono::duration<double>(s.end - s.start).count();
      return {s.from.x_mm + f * (s.to.x_mm - s.from.x_mm),
              s.from.y_mm + f * (s.to.y_mm - s.from.y_mm)};
    }
  }
  return segments_.back().to;
}

TablePosition ScriptedFirmware::PlannedEnd() const {
  return segments_.empty() ? TablePosition{} : segments_.back().to;
}

ScriptedFirmware::Clock::time_point ScriptedFirmware::MotionEnd() const {
  return segments_.empty() ? Clock::now() : segments_.back().end;
}

void ScriptedFirmware::Plan(const TablePosition& to, double seconds,
                            Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mutex_);
  TablePosition from = PlannedEnd();
  auto start = std::max(now, MotionEnd());
  auto end = start + std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>(seconds));
  // Finished segments are no longer needed to know where the table is.
  while (segments_.size() > 1 && segments_.front().end < now)
    segments_.erase(segments_.begin());
  segments_.push_back({from, to, start, end});
  targets_.push_back(to);
}

TablePosition ScriptedFirmware::PhysicalPosition() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return PositionAt(Clock::now());
}

std::vector<TablePosition> ScriptedFirmware::Targets() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return targets_;
}

std::vector<std::string> ScriptedFirmware::Commands() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return commands_;
}

std::string ScriptedFirmware::GrblStatus(Clock::time_point now) const {
  std::lock_guard<std::mutex> lock(mutex_);
  TablePosition p = PositionAt(now);
  const char* state = alarm_              ? "Alarm"
                      : homing_           ? "Home"
                      : now < MotionEnd() ? "Run"
                                          : "Idle";
  char text[128];
  std::snprintf(text, sizeof text, "<%s|MPos:%.3f,%.3f,0.000|FS:0,0>\n", state,
                p.x_mm, p.y_mm);
  return text;
}

}  // namespace diareid
