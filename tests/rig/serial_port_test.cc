// Opening ports: exclusive, with the fix in the message.
#include <gmock/gmock.h>

#include "diareid/core/error.h"
#include "diareid/rig/scripted_firmware.h"
#include "diareid/rig/serial_port.h"

namespace diareid::testing {
namespace {

using ::testing::HasSubstr;

TEST(SerialPort, ASecondOpenIsToldThePortIsBusy) {
  ScriptedFirmware firmware({});
  SerialSettings settings;
  settings.port = firmware.PortName();
  auto first = OpenSerialPort(settings);
  try {
    OpenSerialPort(settings);
    FAIL();
  } catch (const RigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("busy"));
    EXPECT_THAT(e.what(), HasSubstr(firmware.PortName()));
  }
}

TEST(SerialPort, AMissingPortNamesTheSetting) {
  SerialSettings settings;
  settings.port = "/dev/ttyUSB-diareid-missing";
  try {
    OpenSerialPort(settings);
    FAIL();
  } catch (const RigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("serial.port"));
  }
}

TEST(SerialPort, RefusesAnUnsupportedBaud) {
  SerialSettings settings;
  settings.port = "/dev/ttyUSB0";
  settings.baud = 12345;
  EXPECT_THROW(OpenSerialPort(settings), InputError);
}

TEST(SerialPort, ReadsWhatTheFirmwareSaysAndTimesOut) {
  ScriptedFirmware firmware({});
  SerialSettings settings;
  settings.port = firmware.PortName();
  auto port = OpenSerialPort(settings);
  std::string got;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (got.find("start") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline)
    got += port->Read(std::chrono::milliseconds(100));
  EXPECT_THAT(got, HasSubstr("start"));
  auto start = std::chrono::steady_clock::now();
  port->Read(std::chrono::milliseconds(50));
  EXPECT_LT(std::chrono::steady_clock::now() - start,
            std::chrono::milliseconds(1000));
}

}  // namespace
}  // namespace diareid::testing
