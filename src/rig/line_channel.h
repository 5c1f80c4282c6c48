// Lines over a serial port: splits what arrives into lines, logs all
// traffic at debug level, and keeps unreadable bytes from reaching parsers.
#pragma once

#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "diareid/rig/serial_port.h"

namespace diareid::rig_internal {

using Clock = std::chrono::steady_clock;

class LineChannel {
 public:
  LineChannel(std::unique_ptr<SerialPort> port, std::string line_ending);
  // Sends `line` followed by the line ending.
  void Send(const std::string& line);
  // Sends bytes as they are (GRBL's real-time characters).
  void SendRaw(const std::string& bytes);
  // The next line (without its ending) if one arrives before `deadline`.
  std::optional<std::string> ReadLine(Clock::time_point deadline);
  // Puts a line back so that the next ReadLine returns it.
  void Unread(std::string line) { lines_.push_front(std::move(line)); }
  // Drops every line that arrives until `quiet` passes without one.
  void Drain(std::chrono::milliseconds quiet);
  // True when bytes that are not printable text arrived (a wrong baud).
  bool SawGarbage() const { return saw_garbage_; }
  const std::string& PortName() const { return port_->Name(); }

 private:
  std::unique_ptr<SerialPort> port_;
  std::string line_ending_;
  std::string partial_;
  std::deque<std::string> lines_;
  bool saw_garbage_ = false;
};

}  // namespace diareid::rig_internal
