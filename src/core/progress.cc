#include "diareid/core/progress.h"

#include <spdlog/spdlog.h>

#include <cstdio>

namespace diareid {

std::string FormatDuration(double seconds) {
  char text[64];
  if (seconds < 60) {
    std::snprintf(text, sizeof(text), "%.1f s", seconds);
  } else if (seconds < 3600) {
    int s = static_cast<int>(seconds + 0.5);
    std::snprintf(text, sizeof(text), "%d min %02d s", s / 60, s % 60);
  } else {
    int m = static_cast<int>(seconds / 60 + 0.5);
    std::snprintf(text, sizeof(text), "%d h %02d min", m / 60, m % 60);
  }
  return text;
}

Progress::Progress(std::string what, long total, double interval_s)
    : what_(std::move(what)),
      total_(total),
      interval_s_(interval_s),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

double Progress::ElapsedSeconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                       start_)
      .count();
}

void Progress::Update(long done, const std::string& detail) {
  done_ = done;
  auto now = std::chrono::steady_clock::now();
  if (std::chrono::duration<double>(now - last_).count() < interval_s_ &&
      done < total_)
    return;
  last_ = now;
  double elapsed = ElapsedSeconds();
  std::string left = "?";
  if (done > 0 && total_ > done)
    left = FormatDuration(elapsed / done * (total_ - done));
  else if (done >= total_)
    left = "0 s";
  spdlog::info("{} [{}/{}] elapsed {}, left {}{}{}", what_, done, total_,
               FormatDuration(elapsed), left, detail.empty() ? "" : ", ",
               detail);
}

void Progress::Finish(const std::string& detail) {
  spdlog::info("{} done: {} in {}{}{}", what_, done_,
               FormatDuration(ElapsedSeconds()), detail.empty() ? "" : ", ",
               detail);
}

}  // namespace diareid
