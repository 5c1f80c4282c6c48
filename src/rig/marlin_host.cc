// The Marlin host: numbered lines with checksums, a history for resends,
// busy keepalives, boot detection, and M114 probes when an ok goes missing.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <map>

#include "diareid/core/error.h"
#include "firmware_hosts.h"
#include "line_channel.h"

namespace diareid::rig_internal {
namespace {

bool StartsWith(const std::string& s, const char* prefix) {
  return s.rfind(prefix, 0) == 0;
}

bool Contains(const std::string& s, const char* part) {
  return s.find(part) != std::string::npos;
}

std::string Seconds(std::chrono::milliseconds ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s", ms.count() / 1000.0);
  return text;
}

class MarlinHost : public FirmwareHost {
 public:
  MarlinHost(std::unique_ptr<SerialPort> port, const std::string& ending,
             const HostLimits& limits)
      : channel_(std::move(port), ending), limits_(limits) {}

  void Connect() override {
    auto start = Clock::now();
    auto deadline = start + limits_.boot_timeout;
    auto interval = std::min<std::chrono::milliseconds>(
        std::chrono::milliseconds(1000), limits_.boot_timeout / 4);
    auto next_probe = start + interval;
    while (true) {
      auto line = channel_.ReadLine(std::min(deadline, next_probe));
      if (line && StartsWith(*line, "ok")) break;
      if (line && *line == "start") {
        // Booted: ask at once rather than waiting for the next probe.
        next_probe = Clock::now();
        continue;
      }
      if (line) continue;
      if (Clock::now() >= deadline) {
        if (channel_.SawGarbage())
          throw RigError("replies from " + channel_.PortName() +
                         " are unreadable; check serial.baud in the rig "
                         "file (Marlin uses 115200 or 250000)");
        throw RigError("no answer from Marlin on " + channel_.PortName() +
                       " within " + Seconds(limits_.boot_timeout) +
                       "; check the cable, the power and serial.port");
      }
      // M110 N0 is harmless and resets the line counter.
      channel_.Send("M110 N0");
      next_probe = Clock::now() + interval;
    }
    // Oks of earlier probes that were still in flight.
    channel_.Drain(std::chrono::milliseconds(50));
    line_ = 0;
    history_.clear();
    Transact("M115", limits_.reply_timeout);
    if (describe_.empty()) describe_ = "Marlin";
    spdlog::info("Connected to {} on {}", describe_, channel_.PortName());
  }

  void Command(const std::string& gcode) override {
    Transact(gcode, limits_.reply_timeout);
  }

  void Home() override {
    Transact("G28", limits_.motion_timeout);
    WaitUntilStopped();
  }

  void WaitUntilStopped() override { Transact("M400", limits_.motion_timeout); }

  TablePosition ReportedPosition() override {
    Transact("M114", limits_.reply_timeout);
    return position_;
  }

  std::string Describe() const override { return describe_; }

 private:
  void SendNumbered(long number, const std::string& command) {
    std::string body = "N" + std::to_string(number) + " " + command;
    unsigned char checksum = 0;
    for (char c : body) checksum ^= static_cast<unsigned char>(c);
    std::string line = body + "*" + std::to_string(checksum);
    history_[number] = line;
    channel_.Send(line);
  }

  // Sends one numbered command and returns after its ok. When the ok does
  // not come within `wait`, numbered M114 probes follow: the ok after the
  // last probe's position report proves that every line before it ran.
  void Transact(const std::string& command, std::chrono::milliseconds wait) {
    long number = ++line_;
    SendNumbered(number, command);
    long last_sent = number;
    int probes = 0;
    int reports = 0;
    const int own_reports = command == "M114" ? 1 : 0;
    std::map<long, int> resends;
    auto deadline = Clock::now() + wait;
    while (true) {
      auto line = channel_.ReadLine(deadline);
      if (!line) {
        if (probes >= limits_.max_probes)
          throw RigError("no answer from Marlin on " + channel_.PortName() +
                         " after '" + command + "' (line " +
                         std::to_string(number) + "), " +
                         std::to_string(probes) +
                         " probe(s) unanswered; the controller hangs or "
                         "the cable is loose");
        ++probes;
        spdlog::warn("No ok for '{}' within {}; probing with M114", command,
                     Seconds(wait));
        last_sent = ++line_;
        SendNumbered(last_sent, "M114");
        deadline = Clock::now() + wait;
        continue;
      }
      const std::string& text = *line;
      if (StartsWith(text, "ok")) {
        if (reports >= probes + own_reports) break;
        continue;  // the ok of a line before the last probe
      }
      if (StartsWith(text, "busy:")) {
        deadline = std::max(deadline, Clock::now() + limits_.reply_timeout);
        continue;
      }
      if (StartsWith(text, "X:") && Contains(text, "Count")) {
        ParsePosition(text);
        ++reports;
        continue;
      }
      if (StartsWith(text, "Resend:") || StartsWith(text, "rs ")) {
        long wanted =
            std::atol(text.c_str() + text.find_first_of("0123456789"));
        Resend(wanted, last_sent, resends);
        deadline = Clock::now() + wait;
        continue;
      }
      CheckFatal(text, command);
      if (StartsWith(text, "FIRMWARE_NAME:")) {
        describe_ = text.substr(14, text.find(" SOURCE_CODE_URL") - 14);
      } else if (StartsWith(text, "echo:Unknown command")) {
        spdlog::warn("Marlin does not know '{}': {}", command, text);
      }
    }
    // Resends reach back only a few lines; keep the history short.
    while (history_.size() > 64) history_.erase(history_.begin());
  }

  void Resend(long wanted, long last_sent, std::map<long, int>& resends) {
    if (history_.count(wanted) == 0 || wanted > last_sent)
      throw RigError("Marlin asked to resend line " + std::to_string(wanted) +
                     ", which this host never sent (last sent " +
                     std::to_string(last_sent) + ")");
    if (++resends[wanted] > limits_.max_resends)
      throw RigError("Marlin asked for line " + std::to_string(wanted) + " ('" +
                     history_[wanted] + "') " +
                     std::to_string(resends[wanted]) +
                     " times; giving up: check the cable for noise and "
                     "serial.baud");
    // Marlin follows a resend request with an ok that acknowledges nothing;
    // some builds do not. Swallow it when it comes right away.
    auto peek =
        channel_.ReadLine(Clock::now() + std::min<std::chrono::milliseconds>(
                                             std::chrono::milliseconds(100),
                                             limits_.reply_timeout / 2));
    if (peek && !StartsWith(*peek, "ok")) channel_.Unread(*peek);
    for (long n = wanted; n <= last_sent; ++n) channel_.Send(history_[n]);
  }

  void CheckFatal(const std::string& text, const std::string& command) {
    if (text == "start")
      throw RigError("the controller on " + channel_.PortName() +
                     " reset in the middle of the job (during '" + command +
                     "'); positions are lost: home again");
    if (Contains(text, "halted") || Contains(text, "kill()") ||
        Contains(text, "M999"))
      throw RigError("Marlin halted during '" + command + "': " + text +
                     "; fix the cause, then reset the controller");
    if (StartsWith(text, "Error:") && !Contains(text, "checksum") &&
        !Contains(text, "Line Number") && !Contains(text, "No Checksum"))
      spdlog::warn("Marlin reported during '{}': {}", command, text);
  }

  void ParsePosition(const std::string& text) {
    double x = 0, y = 0;
    if (std::sscanf(text.c_str(), "X:%lf Y:%lf", &x, &y) == 2) {
      position_.x_mm = x;
      position_.y_mm = y;
    }
  }

  LineChannel channel_;
  HostLimits limits_;
  long line_ = 0;
  std::map<long, std::string> history_;
  std::string describe_;
  TablePosition position_;
};

}  // namespace

std::unique_ptr<FirmwareHost> MakeMarlinHost(std::unique_ptr<SerialPort> port,
                                             const std::string& line_ending,
                                             const HostLimits& limits) {
  return std::make_unique<MarlinHost>(std::move(port), line_ending, limits);
}

}  // namespace diareid::rig_internal
