// The serial link to the table's controller: a real port through
// libserialport, or a pseudo-terminal (the scripted firmware's end).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

namespace diareid {

// How to open the port; the same names as the rig file's [serial] table.
struct SerialSettings {
  // Device path, such as /dev/ttyUSB0, /dev/ttyACM0 or a /dev/pts/N.
  std::string port;
  // Bits per second; native-USB boards ignore it.
  int baud = 115200;
  // Appended to every line sent: "\n" or "\r\n".
  std::string line_ending = "\n";
};

// A byte stream to the controller. Every call is bounded in time; a port
// that disappears (unplugged, closed by the other end) throws RigError.
class SerialPort {
 public:
  virtual ~SerialPort() = default;
  // Writes all bytes within `timeout`, or throws RigError.
  virtual void Write(std::string_view bytes,
                     std::chrono::milliseconds timeout) = 0;
  // Returns what arrives within `timeout` (possibly nothing).
  virtual std::string Read(std::chrono::milliseconds timeout) = 0;
  // The device path, for messages.
  virtual const std::string& Name() const = 0;
};

// Opens the port exclusively (8N1, no flow control). Pseudo-terminals, which
// libserialport does not enumerate, are opened through termios with the same
// settings. Throws RigError naming the port and the fix for "permission
// denied" (the dialout group) and "busy" (another program holds it).
std::unique_ptr<SerialPort> OpenSerialPort(const SerialSettings& settings);

// Total time spent blocked waiting for bytes from any port, in seconds,
// since the program started: the table's share in the capture benchmark.
double SerialWaitSeconds();

}  // namespace diareid
