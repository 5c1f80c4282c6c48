#include "diareid/rig/serial_port.h"

#include <errno.h>
#include <fcntl.h>
#include <libserialport.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <atomic>
#include <cstring>

#include "diareid/core/error.h"

namespace diareid {
namespace {

using Clock = std::chrono::steady_clock;

// Nanoseconds blocked in reads, summed over every port.
std::atomic<long long> g_wait_ns{0};

class WaitTimer {
 public:
  WaitTimer() : start_(Clock::now()) {}
  ~WaitTimer() {
    g_wait_ns += std::chrono::duration_cast<std::chrono::nanoseconds>(
                     Clock::now() - start_)
                     .count();
  }

 private:
  Clock::time_point start_;
};

// The message for a failed open, with the usual fix.
std::string OpenFailure(const std::string& port, int err) {
  std::string message = "cannot open serial port " + port + ": ";
  if (err == EACCES || err == EPERM)
    return message +
           "permission denied; add yourself to the dialout group "
           "(sudo usermod -aG dialout $USER) and log in again";
  if (err == EBUSY || err == EWOULDBLOCK)
    return message +
           "port busy; another program (a printer host, ModemManager, "
           "another diareid) has it open: close it and retry";
  if (err == ENOENT || err == ENODEV || err == ENXIO)
    return message +
           "no such device; check the cable and serial.port in the rig file";
  return message + std::strerror(err);
}

// Locks the port against a second opener (TIOCEXCL alone does not stop
// root).
void LockExclusive(int fd, const std::string& port) {
  ::ioctl(fd, TIOCEXCL);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0)
    throw RigError(OpenFailure(port, EBUSY));
}

// Waits until fd is ready for `events`; false on timeout. Throws when the
// other end has gone.
bool WaitReady(int fd, short events, std::chrono::milliseconds timeout,
               const std::string& port) {
  pollfd p{fd, events, 0};
  int n = ::poll(&p, 1, static_cast<int>(timeout.count()));
  if (n < 0 && errno == EINTR) return false;
  if (n < 0)
    throw RigError("serial port " + port + " failed: " + std::strerror(errno));
  if (n == 0) return false;
  if ((p.revents & (POLLHUP | POLLERR | POLLNVAL)) && !(p.revents & POLLIN))
    throw RigError("serial port " + port +
                   " was closed (unplugged, or the controller went away)");
  return true;
}

speed_t BaudConstant(int baud) {
  switch (baud) {
    case 9600:
      return B9600;
    case 19200:
      return B19200;
    case 38400:
      return B38400;
    case 57600:
      return B57600;
    case 115200:
      return B115200;
    case 230400:
      return B230400;
    case 250000:
      return B230400;  // a pseudo-terminal ignores the rate
    default:
      throw InputError("serial.baud " + std::to_string(baud) +
                       " is not a supported rate (9600 to 250000)");
  }
}

// A pseudo-terminal through termios: raw 8N1.
class TerminalPort : public SerialPort {
 public:
  explicit TerminalPort(const SerialSettings& settings) : name_(settings.port) {
    fd_ = ::open(name_.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK);
    if (fd_ < 0) throw RigError(OpenFailure(name_, errno));
    try {
      LockExclusive(fd_, name_);
      termios t{};
      if (::tcgetattr(fd_, &t) != 0) throw RigError(OpenFailure(name_, errno));
      ::cfmakeraw(&t);
      speed_t speed = BaudConstant(settings.baud);
      ::cfsetispeed(&t, speed);
      ::cfsetospeed(&t, speed);
      t.c_cflag |= CLOCAL | CREAD;
      if (::tcsetattr(fd_, TCSANOW, &t) != 0)
        throw RigError(OpenFailure(name_, errno));
    } catch (...) {
      ::close(fd_);
      throw;
    }
  }
  ~TerminalPort() override { ::close(fd_); }

  void Write(std::string_view bytes,
             std::chrono::milliseconds timeout) override {
    auto deadline = Clock::now() + timeout;
    while (!bytes.empty()) {
      ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n > 0) {
        bytes.remove_prefix(static_cast<size_t>(n));
        continue;
      }
      if (n < 0 && errno != EAGAIN && errno != EINTR)
        throw RigError("writing to serial port " + name_ +
                       " failed: " + std::strerror(errno));
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - Clock::now());
      if (left.count() <= 0 || !WaitReady(fd_, POLLOUT, left, name_))
        throw RigError("writing to serial port " + name_ + " timed out");
    }
  }

  std::string Read(std::chrono::milliseconds timeout) override {
    {
      WaitTimer timer;
      if (!WaitReady(fd_, POLLIN, timeout, name_)) return {};
    }
    char buffer[512];
    ssize_t n = ::read(fd_, buffer, sizeof buffer);
    if (n > 0) return std::string(buffer, static_cast<size_t>(n));
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return {};
    throw RigError("serial port " + name_ +
                   " was closed (unplugged, or the controller went away)");
  }

  const std::string& Name() const override { return name_; }

 private:
  std::string name_;
  int fd_ = -1;
};

// A real port through libserialport.
class LibSerialPort : public SerialPort {
 public:
  explicit LibSerialPort(const SerialSettings& settings)
      : name_(settings.port) {
    if (sp_get_port_by_name(name_.c_str(), &port_) != SP_OK)
      throw RigError(OpenFailure(name_, ENOENT));
    if (sp_open(port_, SP_MODE_READ_WRITE) != SP_OK) {
      int err = sp_last_error_code();
      sp_free_port(port_);
      throw RigError(OpenFailure(name_, err));
    }
    try {
      int fd = -1;
      sp_get_port_handle(port_, &fd);
      LockExclusive(fd, name_);
      Check(sp_set_baudrate(port_, settings.baud), "baud rate");
      Check(sp_set_bits(port_, 8), "data bits");
      Check(sp_set_parity(port_, SP_PARITY_NONE), "parity");
      Check(sp_set_stopbits(port_, 1), "stop bits");
      Check(sp_set_flowcontrol(port_, SP_FLOWCONTROL_NONE), "flow control");
    } catch (...) {
      sp_close(port_);
      sp_free_port(port_);
      throw;
    }
  }
  ~LibSerialPort() override {
    sp_close(port_);
    sp_free_port(port_);
  }

  void Write(std::string_view bytes,
             std::chrono::milliseconds timeout) override {
    sp_return n = sp_blocking_write(port_, bytes.data(), bytes.size(),
                                    static_cast<unsigned>(timeout.count()));
    if (n < 0) Gone("writing");
    if (static_cast<size_t>(n) != bytes.size())
      throw RigError("writing to serial port " + name_ + " timed out");
  }

  std::string Read(std::chrono::milliseconds timeout) override {
    char buffer[512];
    sp_return n;
    {
      WaitTimer timer;
      // Waits for the first byte, then takes what else is already there.
      n = sp_blocking_read_next(port_, buffer, sizeof buffer,
                                static_cast<unsigned>(timeout.count()));
    }
    if (n < 0) Gone("reading");
    return std::string(buffer, static_cast<size_t>(n));
  }

  const std::string& Name() const override { return name_; }

 private:
  void Check(sp_return result, const char* what) {
    if (result != SP_OK)
      throw RigError("cannot set the " + std::string(what) +
                     " of serial port " + name_ + ": " +
                     sp_last_error_message());
  }
  [[noreturn]] void Gone(const char* doing) {
    throw RigError(std::string(doing) + " serial port " + name_ +
                   " failed (unplugged?): " + sp_last_error_message());
  }

  std::string name_;
  sp_port* port_ = nullptr;
};

}  // namespace

std::unique_ptr<SerialPort> OpenSerialPort(const SerialSettings& settings) {
  if (settings.port.empty())
    throw InputError(
        "serial.port is empty; expected a device such as "
        "/dev/ttyUSB0");
  if (settings.line_ending != "\n" && settings.line_ending != "\r\n")
    throw InputError("serial.line_ending must be \"\\n\" or \"\\r\\n\"");
  BaudConstant(settings.baud);
  if (settings.port.rfind("/dev/pts/", 0) == 0)
    return std::make_unique<TerminalPort>(settings);
  return std::make_unique<LibSerialPort>(settings);
}

double SerialWaitSeconds() { return static_cast<double>(g_wait_ns) * 1e-9; }

}  // namespace diareid
