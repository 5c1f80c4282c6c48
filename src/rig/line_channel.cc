#include "line_channel.h"

#include <spdlog/spdlog.h>

namespace diareid::rig_internal {

LineChannel::LineChannel(std::unique_ptr<SerialPort> port,
                         std::string line_ending)
    : port_(std::move(port)), line_ending_(std::move(line_ending)) {}

void LineChannel::Send(const std::string& line) {
  spdlog::debug("serial > {}", line);
  port_->Write(line + line_ending_, std::chrono::milliseconds(2000));
}

void LineChannel::SendRaw(const std::string& bytes) {
  spdlog::debug("serial > (real-time {} byte(s))", bytes.size());
  port_->Write(bytes, std::chrono::milliseconds(2000));
}

std::optional<std::string> LineChannel::ReadLine(Clock::time_point deadline) {
  while (lines_.empty()) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - Clock::now());
    if (left.count() <= 0) return std::nullopt;
    std::string bytes = port_->Read(left);
    for (char c : bytes) {
      auto u = static_cast<unsigned char>(c);
      if (c == '\n') {
        if (!partial_.empty()) lines_.push_back(partial_);
        partial_.clear();
      } else if (c == '\r') {
        continue;
      } else if (u < 0x20 || u > 0x7e) {
        // Boot noise or a wrong baud rate: keep it out of the parsers.
        saw_garbage_ = true;
        partial_ += '?';
      } else {
        partial_ += c;
      }
    }
  }
  std::string line = std::move(lines_.front());
  lines_.pop_front();
  spdlog::debug("serial < {}", line);
  return line;
}

void LineChannel::Drain(std::chrono::milliseconds quiet) {
  while (ReadLine(Clock::now() + quiet)) {
  }
}

}  // namespace diareid::rig_internal
