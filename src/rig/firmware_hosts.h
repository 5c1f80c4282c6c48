// The concrete hosts behind MakeFirmwareHost.
#pragma once

#include <memory>
#include <string>

#include "diareid/rig/firmware_host.h"

namespace diareid::rig_internal {

std::unique_ptr<FirmwareHost> MakeMarlinHost(std::unique_ptr<SerialPort> port,
                                             const std::string& line_ending,
                                             const HostLimits& limits);

std::unique_ptr<FirmwareHost> MakeGrblHost(std::unique_ptr<SerialPort> port,
                                           const std::string& line_ending,
                                           const HostLimits& limits);

}  // namespace diareid::rig_internal
