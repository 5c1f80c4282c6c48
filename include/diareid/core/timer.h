// Adds the wall time of a scope to a running total in milliseconds.
#pragma once

#include <chrono>

namespace diareid {

class ScopedTimer {
 public:
  explicit ScopedTimer(double* total_ms)
      : total_ms_(total_ms), start_(std::chrono::steady_clock::now()) {}
  ~ScopedTimer() {
    *total_ms_ += std::chrono::duration<double, std::milli>(
                      std::chrono::steady_clock::now() - start_)
                      .count();
  }
  ScopedTimer(const ScopedTimer&) = delete;
  ScopedTimer& operator=(const ScopedTimer&) = delete;

 private:
  double* total_ms_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace diareid
