#include "diareid/rig/firmware_host.h"

#include "diareid/core/error.h"
#include "firmware_hosts.h"

namespace diareid {

std::unique_ptr<FirmwareHost> MakeFirmwareHost(const std::string& firmware,
                                               std::unique_ptr<SerialPort> port,
                                               const std::string& line_ending,
                                               const HostLimits& limits) {
  if (firmware == "marlin")
    return rig_internal::MakeMarlinHost(std::move(port), line_ending, limits);
  if (firmware == "grbl")
    return rig_internal::MakeGrblHost(std::move(port), line_ending, limits);
  throw InputError("firmware.kind '" + firmware +
                   "' is unknown; expected \"marlin\" or \"grbl\"");
}

}  // namespace diareid
