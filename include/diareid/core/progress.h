// Progress of long work: "[i/n]" lines with elapsed time and time left.
#pragma once

#include <chrono>
#include <string>

namespace diareid {

// Logs at info level at most every `interval_s` seconds, and at the end.
class Progress {
 public:
  Progress(std::string what, long total, double interval_s = 2.0);
  // Marks `done` items finished in all (not an increment); `detail` is
  // appended to the line (for example "loss 0.31").
  void Update(long done, const std::string& detail = "");
  // Logs the final line with the total elapsed time.
  void Finish(const std::string& detail = "");
  double ElapsedSeconds() const;

 private:
  std::string what_;
  long total_;
  double interval_s_;
  long done_ = 0;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_;
};

// Formats seconds as "12.3 s", "4 min 05 s" or "1 h 02 min".
std::string FormatDuration(double seconds);

}  // namespace diareid
