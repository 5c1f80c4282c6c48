// The X-Y table in rig coordinates: soft limits, axis inversion and
// backlash compensation over a firmware host.
#pragma once

#include "diareid/rig/firmware_host.h"
#include "diareid/rig/rig_file.h"

namespace diareid {

// Moves the table only inside its soft limits, approaching every target
// from the same side, and returns only once it has stopped.
class Stage {
 public:
  Stage(FirmwareHost& host, const MotionSettings& motion);
  // Homes, then selects absolute millimetre coordinates.
  void Home();
  // Moves to `target` (rig coordinates) and waits until the table stops.
  // Throws InputError, before anything moves, for a target outside the
  // soft limits.
  void MoveTo(const TablePosition& target);
  // Moves the focus (Z) axis to `z_mm` and waits.
  void MoveFocus(double z_mm);
  // Where the controller says the table is, in rig coordinates.
  TablePosition Position();
  // Converts between rig and machine coordinates (inversion mirrors an
  // axis within its limits; the map is its own inverse).
  TablePosition ToMachine(const TablePosition& rig) const;
  TablePosition ToRig(const TablePosition& machine) const {
    return ToMachine(machine);
  }

 private:
  void Go(const TablePosition& machine);

  FirmwareHost& host_;
  MotionSettings motion_;
  bool homed_ = false;
};

}  // namespace diareid
