// The host side of the G-code conversation with the table's controller:
// Marlin (numbered, checksummed lines) or GRBL (ok / error:N, status polls).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "diareid/rig/camera.h"
#include "diareid/rig/serial_port.h"

namespace diareid {

// Time limits and retry counts; the names of the rig file's [firmware] table.
struct HostLimits {
  // Longest wait for the controller to boot and answer after opening.
  std::chrono::milliseconds boot_timeout{10000};
  // Longest silence after a plain command before probing the controller.
  std::chrono::milliseconds reply_timeout{3000};
  // Longest silence while the table moves or homes (no keepalive).
  std::chrono::milliseconds motion_timeout{60000};
  // Probes of a silent controller before giving up.
  int max_probes = 3;
  // Resend requests for one line before giving up.
  int max_resends = 5;
  // Interval between GRBL status polls (at most 5 a second).
  std::chrono::milliseconds status_interval{200};
};

// One controller on the other end of a serial port. Every call finishes or
// throws RigError within the limits; none moves the table anywhere but the
// G-code it is given.
class FirmwareHost {
 public:
  virtual ~FirmwareHost() = default;
  // Waits for the boot (garbage and boot messages are skipped), then
  // checks that the controller answers.
  virtual void Connect() = 0;
  // Sends one G-code line and waits for its acknowledgement (which for a
  // move means "queued", not "arrived").
  virtual void Command(const std::string& gcode) = 0;
  // Homes every axis and waits for the end of the cycle.
  virtual void Home() = 0;
  // Returns once every queued move has finished (M400, or GRBL Idle).
  virtual void WaitUntilStopped() = 0;
  // The position the controller reports (machine coordinates, mm).
  virtual TablePosition ReportedPosition() = 0;
  // The controller's name and version as it announced itself.
  virtual std::string Describe() const = 0;
};

// Makes the host for `firmware` ("marlin" or "grbl"), which owns the port.
// Throws InputError for another name.
std::unique_ptr<FirmwareHost> MakeFirmwareHost(const std::string& firmware,
                                               std::unique_ptr<SerialPort> port,
                                               const std::string& line_ending,
                                               const HostLimits& limits);

}  // namespace diareid
