// Error kinds and the exit codes they map to at the command-line boundary.
#pragma once

#include <stdexcept>
#include <string>

namespace diareid {

// Exit codes, the same for every command (documented in docs/cli.md).
enum class ExitCode : int {
  kOk = 0,                // success; for verify: the same stone
  kDifferentStone = 1,    // verify found a different stone
  kBadInput = 2,          // bad usage or bad input
  kRigFault = 3,          // rig or hardware fault
  kGalleryIntegrity = 4,  // gallery integrity problem
  kInternal = 5,          // internal error
};

// Base of every error diareid reports to a user; carries its exit code.
class Error : public std::runtime_error {
 public:
  Error(ExitCode code, const std::string& message)
      : std::runtime_error(message), code_(code) {}
  ExitCode code() const { return code_; }

 private:
  ExitCode code_;
};

// Bad usage or bad input: a file, a picture, an option, an ID.
class InputError : public Error {
 public:
  explicit InputError(const std::string& message)
      : Error(ExitCode::kBadInput, message) {}
};

// The rig (serial port, firmware, camera) failed or cannot be reached.
class RigError : public Error {
 public:
  explicit RigError(const std::string& message)
      : Error(ExitCode::kRigFault, message) {}
};

// The gallery is damaged, tampered with or inconsistent.
class IntegrityError : public Error {
 public:
  explicit IntegrityError(const std::string& message)
      : Error(ExitCode::kGalleryIntegrity, message) {}
};

// An internal invariant broke: a bug, or the environment (disk full).
class InternalError : public Error {
 public:
  explicit InternalError(const std::string& message)
      : Error(ExitCode::kInternal, message) {}
};

}  // namespace diareid

// Throws InternalError naming the failed condition and its place.
#define DIAREID_CHECK(cond)                                                  \
  do {                                                                       \
    if (!(cond))                                                             \
      throw ::diareid::InternalError(std::string("Check failed: ") + #cond + \
                                     " at " + __FILE__ + ":" +               \
                                     std::to_string(__LINE__));              \
  } while (0)
