// The GRBL host: one line at a time answered by ok or error:N, ALARM:N at
// any moment, '?' status polls until Idle, $H to home, and $G probes when an
// ok goes missing.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "diareid/core/error.h"
#include "firmware_hosts.h"
#include "line_channel.h"

namespace diareid::rig_internal {
namespace {

bool StartsWith(const std::string& s, const char* prefix) {
  return s.rfind(prefix, 0) == 0;
}

std::string AlarmMeaning(int code) {
  switch (code) {
    case 1:
      return "hard limit";
    case 2:
      return "soft limit";
    case 3:
      return "reset while in motion";
    case 8:
      return "homing failed: pull-off did not clear the switch";
    case 9:
      return "homing failed: switch not found";
    default:
      return "see the GRBL alarm table";
  }
}

std::string ErrorMeaning(int code) {
  switch (code) {
    case 1:
      return "expected command letter";
    case 2:
      return "bad number format";
    case 9:
      return "locked by an alarm: send $X or home";
    case 15:
      return "travel exceeded (soft limits)";
    case 20:
      return "unsupported G-code";
    default:
      return "see the GRBL error table";
  }
}

class GrblHost : public FirmwareHost {
 public:
  GrblHost(std::unique_ptr<SerialPort> port, const std::string& ending,
           const HostLimits& limits)
      : channel_(std::move(port), ending), limits_(limits) {}

  void Connect() override {
    auto deadline = Clock::now() + limits_.boot_timeout;
    auto interval = std::min<std::chrono::milliseconds>(
        std::chrono::milliseconds(1000), limits_.boot_timeout / 4);
    auto next_reset = Clock::now() + interval;
    while (true) {
      auto line = channel_.ReadLine(std::min(deadline, next_reset));
      if (line && StartsWith(*line, "Grbl ")) {
        describe_ = line->substr(0, line->find(" ["));
        break;
      }
      if (line) continue;
      if (Clock::now() >= deadline) {
        if (channel_.SawGarbage())
          throw RigError("replies from " + channel_.PortName() +
                         " are unreadable; check serial.baud in the rig "
                         "file (GRBL uses 115200)");
        throw RigError("no answer from GRBL on " + channel_.PortName() +
                       " within the boot timeout; check the cable, the "
                       "power and serial.port");
      }
      // A soft reset makes GRBL print its banner again.
      channel_.SendRaw("\x18");
      next_reset = Clock::now() + interval;
    }
    channel_.Drain(std::chrono::milliseconds(50));
    spdlog::info("Connected to {} on {}", describe_, channel_.PortName());
  }

  void Command(const std::string& gcode) override {
    Transact(gcode, limits_.reply_timeout);
  }

  void Home() override {
    Transact("$H", limits_.motion_timeout);
    WaitUntilStopped();
  }

  void WaitUntilStopped() override {
    auto last_answer = Clock::now();
    while (true) {
      auto poll_start = Clock::now();
      std::string state = PollStatus();
      if (state == "Idle") return;
      if (state == "Alarm")
        throw RigError("GRBL on " + channel_.PortName() +
                       " is in alarm state; clear it with $X and home again "
                       "(diareid rig home)");
      if (!state.empty()) last_answer = Clock::now();
      if (Clock::now() - last_answer > limits_.motion_timeout ||
          (state.empty() && ++silent_polls_ > limits_.max_probes))
        throw RigError("GRBL on " + channel_.PortName() +
                       " answers no status polls; the controller hangs");
      if (!state.empty()) silent_polls_ = 0;
      // GRBL asks for at most 5 polls a second; an alarm that arrives in
      // between is seen at once.
      while (auto line =
                 channel_.ReadLine(poll_start + limits_.status_interval)) {
        if (!StartsWith(*line, "<")) CheckFatal(*line, "?");
      }
    }
  }

  TablePosition ReportedPosition() override {
    for (int i = 0; i <= limits_.max_probes; ++i)
      if (!PollStatus().empty()) return position_;
    throw RigError("GRBL on " + channel_.PortName() +
                   " answers no status polls");
  }

  std::string Describe() const override { return describe_; }

 private:
  // Sends '?' and returns the state of the report ("Idle", "Run", ...), or
  // an empty string when none came within the reply timeout.
  std::string PollStatus() {
    channel_.SendRaw("?");
    auto deadline = Clock::now() + limits_.reply_timeout;
    while (auto line = channel_.ReadLine(deadline)) {
      if (StartsWith(*line, "<")) return ParseStatus(*line);
      CheckFatal(*line, "?");
    }
    return {};
  }

  // Sends one line and returns after its ok. When the ok does not come,
  // $G probes follow: the ok after the last probe's [GC:...] report proves
  // that every line before it ran.
  void Transact(const std::string& command, std::chrono::milliseconds wait) {
    channel_.Send(command);
    int probes = 0;
    int reports = 0;
    auto deadline = Clock::now() + wait;
    while (true) {
      auto line = channel_.ReadLine(deadline);
      if (!line) {
        if (probes >= limits_.max_probes)
          throw RigError("no answer from GRBL on " + channel_.PortName() +
                         " after '" + command + "', " + std::to_string(probes) +
                         " probe(s) unanswered; the controller hangs or "
                         "the cable is loose");
        ++probes;
        spdlog::warn("No ok for '{}'; probing with $G", command);
        channel_.Send("$G");
        deadline = Clock::now() + wait;
        continue;
      }
      const std::string& text = *line;
      if (text == "ok") {
        if (reports >= probes) return;
        continue;
      }
      if (StartsWith(text, "error:")) {
        int code = std::atoi(text.c_str() + 6);
        throw RigError("GRBL rejected '" + command + "': " + text + " (" +
                       ErrorMeaning(code) + ")");
      }
      if (StartsWith(text, "[GC:")) {
        ++reports;
      } else if (StartsWith(text, "<")) {
        ParseStatus(text);
      } else {
        CheckFatal(text, command);
      }
    }
  }

  void CheckFatal(const std::string& text, const std::string& command) {
    if (StartsWith(text, "ALARM:")) {
      int code = std::atoi(text.c_str() + 6);
      throw RigError("GRBL alarm " + std::to_string(code) + " (" +
                     AlarmMeaning(code) + ") during '" + command +
                     "'; the table stopped: clear with $X and home again");
    }
    if (StartsWith(text, "Grbl "))
      throw RigError("the controller on " + channel_.PortName() +
                     " reset in the middle of the job (during '" + command +
                     "'); positions are lost: home again");
  }

  std::string ParseStatus(const std::string& text) {
    std::string state = text.substr(1, text.find_first_of("|:>") - 1);
    auto at = text.find("MPos:");
    if (at == std::string::npos) at = text.find("WPos:");
    double x = 0, y = 0;
    if (at != std::string::npos &&
        std::sscanf(text.c_str() + at + 5, "%lf,%lf", &x, &y) == 2) {
      position_.x_mm = x;
      position_.y_mm = y;
    }
    return state;
  }

  LineChannel channel_;
  HostLimits limits_;
  std::string describe_;
  TablePosition position_;
  int silent_polls_ = 0;
};

}  // namespace

std::unique_ptr<FirmwareHost> MakeGrblHost(std::unique_ptr<SerialPort> port,
                                           const std::string& line_ending,
                                           const HostLimits& limits) {
  return std::make_unique<GrblHost>(std::move(port), line_ending, limits);
}

}  // namespace diareid::rig_internal
