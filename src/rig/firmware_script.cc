// What the scripted firmware says to each line: Marlin's line checks and
// resend requests, GRBL's ok / error:N, the commands a table needs, and the
// faults injected at chosen commands.
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "diareid/rig/scripted_firmware.h"

namespace diareid {
namespace {

bool StartsWith(const std::string& s, const char* prefix) {
  return s.rfind(prefix, 0) == 0;
}

// The number after `letter` in a G-code line, if present.
bool Word(const std::string& command, char letter, double* value) {
  for (size_t i = 0; i < command.size(); ++i) {
    if (command[i] == letter && (i == 0 || command[i - 1] == ' ')) {
      *value = std::atof(command.c_str() + i + 1);
      return true;
    }
  }
  return false;
}

}  // namespace

// Checks a Marlin line's number and checksum; strips them when the line is
// good. Refusals print the error and the resend request.
bool ScriptedFirmware::CheckMarlinLine(std::string& line) {
  if (line[0] != 'N') return true;
  long number = std::atol(line.c_str() + 1);
  std::string last = ", Last Line: " + std::to_string(last_line_) + "\n";
  std::string resend = "Resend: " + std::to_string(last_line_ + 1) + "\n" +
                       (options_.faults.resend_without_ok ? "" : "ok\n");
  auto star = line.rfind('*');
  if (star == std::string::npos) {
    Emit("Error:No Checksum with line number" + last + resend);
    return false;
  }
  unsigned char sum = 0;
  for (size_t i = 0; i < star; ++i) sum ^= static_cast<unsigned char>(line[i]);
  std::string body = line.substr(line.find(' ') + 1, star - line.find(' ') - 1);
  bool is_m110 = StartsWith(body, "M110");
  const FirmwareFaults& f = options_.faults;
  int next = accepted_ + 1;
  bool inject_checksum = f.checksum_error_at == next && !checksum_fired_;
  if (sum != std::atoi(line.c_str() + star + 1) || inject_checksum ||
      (!is_m110 && f.endless_resend_at == next)) {
    checksum_fired_ = checksum_fired_ || inject_checksum;
    Emit("Error:checksum mismatch" + last + resend);
    return false;
  }
  bool inject_number = f.line_number_error_at == next && !line_number_fired_;
  if ((!is_m110 && number != last_line_ + 1) || inject_number) {
    line_number_fired_ = line_number_fired_ || inject_number;
    Emit("Error:Line Number is not Last Line Number+1" + last + resend);
    return false;
  }
  last_line_ = number;
  line = body;
  return true;
}

void ScriptedFirmware::OnLine(const std::string& raw, Clock::time_point now) {
  std::string line = raw;
  bool marlin = options_.dialect == FirmwareDialect::kMarlin;
  if (marlin && !CheckMarlinLine(line)) return;
  double value = 0;
  if (StartsWith(line, "M110")) {
    last_line_ = Word(line, 'N', &value) ? static_cast<long>(value) : 0;
    Emit("ok\n");
    return;
  }
  int k = ++accepted_;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    commands_.push_back(line);
  }
  const FirmwareFaults& f = options_.faults;
  if (f.close_at == k) {
    ::close(master_);
    closed_ = true;
    return;
  }
  if (f.reset_at == k) {
    Boot(now);
    return;
  }
  if (f.halt_at == k) {
    if (marlin) {
      Emit("Error:Printer halted. kill() called!\n");
      halted_ = true;
    } else {
      alarm_ = true;
      Boot(now);
      booting_ = false;
      Emit("ALARM:1\n");
    }
    return;
  }
  drop_ok_ = f.drop_ok_at == k;
  Execute(line, now);
  if (f.late_ok_at == k || f.busy_at == k) {
    if (!busy_) busy_until_ = now;
    busy_ = true;
    busy_until_ += f.late_ok_at == k ? f.late_by : f.busy_for;
    keepalive_ = marlin && f.busy_at == k;
    next_keepalive_ = now + options_.keepalive_interval;
  }
}

void ScriptedFirmware::Execute(const std::string& command,
                               Clock::time_point now) {
  bool marlin = options_.dialect == FirmwareDialect::kMarlin;
  // A dropped ok: the command runs, only its answer is lost.
  std::string ok = drop_ok_ ? "" : "ok\n";
  reply_when_done_ = ok;
  double value = 0;
  auto wait_for = [&](Clock::time_point until) {
    busy_ = true;
    busy_until_ = std::max(now, until);
    keepalive_ = marlin;
    next_keepalive_ = now + options_.keepalive_interval;
  };
  if (!marlin && alarm_ && command != "$H" && command != "$X" &&
      command != "$G") {
    Emit("error:9\n");
    return;
  }
  if (command == "G28" || command == "$H") {
    double s = std::chrono::duration<double>(options_.home_time).count() /
               options_.speed_scale;
    Plan({0, 0}, s, now);
    alarm_ = false;
    homing_ = true;
    wait_for(MotionEnd());
    return;
  }
  if (StartsWith(command, "G0") || StartsWith(command, "G1")) {
    TablePosition to;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      to = PlannedEnd();
    }
    Word(command, 'X', &to.x_mm);
    Word(command, 'Y', &to.y_mm);
    if (Word(command, 'F', &value) && value > 0) feed_mm_min_ = value;
    if (command.find('X') != std::string::npos ||
        command.find('Y') != std::string::npos) {
      TablePosition from;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        from = PlannedEnd();
      }
      double distance = std::hypot(to.x_mm - from.x_mm, to.y_mm - from.y_mm);
      Plan(to, distance / (feed_mm_min_ / 60.0) / options_.speed_scale, now);
    }
    Emit(ok);
    reply_when_done_.clear();
    return;
  }
  if (command == "M400") {
    wait_for(MotionEnd());
    return;
  }
  reply_when_done_.clear();
  if (command == "M114") {
    TablePosition p;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      p = PlannedEnd();
    }
    char text[128];
    std::snprintf(text, sizeof text,
                  "X:%.2f Y:%.2f Z:0.00 E:0.00 Count X:%d Y:%d Z:0\n", p.x_mm,
                  p.y_mm, static_cast<int>(p.x_mm * 80),
                  static_cast<int>(p.y_mm * 80));
    Emit(text);
  } else if (command == "M115") {
    Emit(
        "FIRMWARE_NAME:Marlin 2.1.2 (scripted) SOURCE_CODE_URL:none "
        "PROTOCOL_VERSION:1.0 MACHINE_TYPE:diareid table\n"
        "Cap:HOST_KEEPALIVE:1\n");
  } else if (command == "$G") {
    Emit("[GC:G0 G54 G17 G21 G90 G94 M5 M9 T0 F0 S0]\n");
  } else if (command != "G90" && command != "G21" && command != "$X" &&
             !StartsWith(command, "M105") && !StartsWith(command, "G4")) {
    Emit(marlin ? "echo:Unknown command: \"" + command + "\"\n" : "error:20\n");
    if (!marlin) return;
  }
  Emit(ok);
}

}  // namespace diareid
