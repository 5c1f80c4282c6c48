#include "diareid/rig/stage.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "diareid/core/error.h"

namespace diareid {

Stage::Stage(FirmwareHost& host, const MotionSettings& motion)
    : host_(host), motion_(motion) {}

void Stage::Home() {
  host_.Home();
  host_.Command("G90");
  host_.Command("G21");
  homed_ = true;
}

TablePosition Stage::ToMachine(const TablePosition& p) const {
  TablePosition m = p;
  if (motion_.invert_x) m.x_mm = motion_.x_min_mm + motion_.x_max_mm - p.x_mm;
  if (motion_.invert_y) m.y_mm = motion_.y_min_mm + motion_.y_max_mm - p.y_mm;
  return m;
}

void Stage::Go(const TablePosition& machine) {
  char line[96];
  std::snprintf(line, sizeof line, "G0 X%.3f Y%.3f F%.0f", machine.x_mm,
                machine.y_mm, motion_.feed_mm_min);
  host_.Command(line);
}

void Stage::MoveTo(const TablePosition& target) {
  // NaN passes every comparison below; it must never reach the controller.
  if (!std::isfinite(target.x_mm) || !std::isfinite(target.y_mm))
    throw InputError("table position (" + std::to_string(target.x_mm) + ", " +
                     std::to_string(target.y_mm) +
                     ") mm is not a finite number");
  if (target.x_mm < motion_.x_min_mm || target.x_mm > motion_.x_max_mm ||
      target.y_mm < motion_.y_min_mm || target.y_mm > motion_.y_max_mm) {
    char message[200];
    std::snprintf(message, sizeof message,
                  "table position (%.3f, %.3f) mm is outside the soft "
                  "limits x %.1f to %.1f, y %.1f to %.1f mm of the rig file",
                  target.x_mm, target.y_mm, motion_.x_min_mm, motion_.x_max_mm,
                  motion_.y_min_mm, motion_.y_max_mm);
    throw InputError(message);
  }
  if (!homed_) throw RigError("the table must be homed before it moves");
  TablePosition machine = ToMachine(target);
  if (motion_.backlash_x_mm > 0 || motion_.backlash_y_mm > 0) {
    // Approach from below so the lead screws always take up the same slack.
    TablePosition before{
        std::max(motion_.x_min_mm, machine.x_mm - motion_.backlash_x_mm),
        std::max(motion_.y_min_mm, machine.y_mm - motion_.backlash_y_mm)};
    Go(before);
  }
  Go(machine);
  host_.WaitUntilStopped();
}

void Stage::MoveFocus(double z_mm) {
  char line[64];
  std::snprintf(line, sizeof line, "G0 Z%.3f F%.0f", z_mm, motion_.feed_mm_min);
  host_.Command(line);
  host_.WaitUntilStopped();
}

TablePosition Stage::Position() { return ToRig(host_.ReportedPosition()); }

}  // namespace diareid
