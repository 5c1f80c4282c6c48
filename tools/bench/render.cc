// Rendering speed of the simulated ASET rig: pictures per second for each
// nuisance preset at 256 and 600 pixels.
//
//   render [--threads N] [--seconds S]
//
// Each row renders different stones and shots, as a dataset run does, until
// at least S seconds (default 3) have passed.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <thread>

#include "diareid/sim/nuisance.h"

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

}  // namespace

int main(int argc, char** argv) {
  int threads = 0;
  double budget_s = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--threads") == 0)
      threads = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--seconds") == 0)
      budget_s = std::atof(argv[i + 1]);
  }
  int cores = threads > 0
                  ? threads
                  : static_cast<int>(std::thread::hardware_concurrency());
  std::printf("Simulated ASET rig, %d thread(s), supersampling 2x2\n\n", cores);
  std::printf(
      "| preset    | size px | pictures | seconds | pictures/s | CPU s per "
      "picture |\n");
  std::printf(
      "| --------- | ------- | -------- | ------- | ---------- | "
      "----------------- |\n");
  for (const std::string& preset : diareid::sim::NuisancePresetNames()) {
    diareid::sim::NuisanceRanges ranges = diareid::sim::NuisancePreset(preset);
    for (int size : {256, 600}) {
      diareid::sim::RenderOptions options;
      options.size = size;
      options.threads = threads;
      auto start = Clock::now();
      std::clock_t cpu_start = std::clock();
      int pictures = 0;
      while (pictures < 2 || Seconds(start) < budget_s) {
        long stone = pictures / 4;
        auto geometry =
            diareid::sim::BuildGeometry(diareid::sim::GenerateStone(1, stone));
        auto shot =
            diareid::sim::DrawShot(ranges, 1, stone, pictures % 4, size);
        diareid::sim::RenderShot(geometry, shot, ranges, options);
        ++pictures;
      }
      double elapsed = Seconds(start);
      // CPU time shows the cost apart from other load on a shared machine.
      double cpu = double(std::clock() - cpu_start) / CLOCKS_PER_SEC;
      std::printf("| %-9s | %7d | %8d | %7.2f | %10.1f | %17.3f |\n",
                  preset.c_str(), size, pictures, elapsed, pictures / elapsed,
                  cpu / pictures);
      std::fflush(stdout);
    }
  }
  return 0;
}
