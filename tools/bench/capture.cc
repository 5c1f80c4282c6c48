// Time per well on the simulated rig (scripted firmware in real time, a
// camera with a fixed exposure): moves and settling, N shots, split into
// waiting on the table, waiting on the camera, and our own code.
//
//   capture [--wells N] [--shots N] [--settle S] [--exposure-ms MS]
//           [--firmware marlin|grbl] [--speed X]
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <unistd.h>

#include "diareid/rig/capture.h"

namespace {

using diareid::Camera;
using diareid::CameraSettings;

// Returns a fixed frame after the exposure time, as a camera would.
class ExposureCamera : public Camera {
 public:
  explicit ExposureCamera(double exposure_ms) : exposure_ms_(exposure_ms) {}
  cv::Mat Grab() override {
    std::this_thread::sleep_for(
        std::chrono::duration<double, std::milli>(exposure_ms_));
    return cv::Mat(480, 640, CV_8UC3, cv::Scalar(30, 120, 60));
  }
  CameraSettings ActualSettings() const override {
    return {{"exposure_ms", std::to_string(exposure_ms_)}};
  }
  std::string Describe() const override { return "bench exposure camera"; }

 private:
  double exposure_ms_;
};

struct Options {
  int wells = 8;
  int shots = 3;
  double settle_s = 0.3;
  double exposure_ms = 20;
  std::string firmware = "marlin";
  double speed = 1.0;
};

Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string key = argv[i];
    const char* value = argv[i + 1];
    if (key == "--wells")
      o.wells = std::atoi(value);
    else if (key == "--shots")
      o.shots = std::atoi(value);
    else if (key == "--settle")
      o.settle_s = std::atof(value);
    else if (key == "--exposure-ms")
      o.exposure_ms = std::atof(value);
    else if (key == "--firmware")
      o.firmware = value;
    else if (key == "--speed")
      o.speed = std::atof(value);
    else {
      std::fprintf(stderr, "unknown option %s\n", key.c_str());
      std::exit(2);
    }
  }
  if (o.wells < 1 || o.wells > 16 || o.shots < 1) {
    std::fprintf(stderr, "--wells must be 1 to 16, --shots at least 1\n");
    std::exit(2);
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  Options o = Parse(argc, argv);
  spdlog::set_level(spdlog::level::warn);
  auto folder = std::filesystem::temp_directory_path() /
                ("diareid-bench-capture-" + std::to_string(::getpid()));
  std::filesystem::create_directories(folder);
  std::ofstream(folder / "rig.toml")
      << "[serial]\nsimulate = \"" << o.firmware
      << "\"\nsimulate_speed = " << o.speed
      << "\n[motion]\nfeed_mm_min = 3000\nbacklash_mm = [0.1, 0.1]\n"
         "reposition_mm = 0.3\n[camera]\nbackend = \"bench\"\n";
  std::ofstream(folder / "tray.toml")
      << "[tray]\nrows = 4\ncolumns = 4\nfirst_well_mm = [20, 20]\n"
         "pitch_mm = [15, 15]\nsettle_s = "
      << o.settle_s << "\n";
  double exposure = o.exposure_ms;
  diareid::RegisterCameraBackend(
      "bench",
      [exposure](const CameraSettings&, const diareid::CameraContext&) {
        return std::make_unique<ExposureCamera>(exposure);
      });

  diareid::Rig rig(folder / "rig.toml", folder / "tray.toml");
  rig.Home();
  std::printf(
      "Capture on the simulated rig: %s firmware at %.1fx speed, "
      "%d shot(s) per well, settle %.2f s, exposure %.0f ms\n\n",
      o.firmware.c_str(), o.speed, o.shots, o.settle_s, o.exposure_ms);
  std::printf(
      "| well | total ms | table ms | camera ms | ours ms | ours %% |\n");
  std::printf("| --- | ---: | ---: | ---: | ---: | ---: |\n");
  diareid::RigTimings sum;
  for (int i = 0; i < o.wells; ++i) {
    const std::string& well = rig.tray().wells[static_cast<size_t>(i)].name;
    diareid::RigTimings before = rig.timings();
    rig.Shots(well, o.shots);
    diareid::RigTimings after = rig.timings();
    double total = after.total_s - before.total_s;
    double table = after.table_s - before.table_s;
    double camera = after.camera_s - before.camera_s;
    double ours = total - table - camera;
    sum.total_s += total;
    sum.table_s += table;
    sum.camera_s += camera;
    std::printf("| %s | %.1f | %.1f | %.1f | %.2f | %.2f |\n", well.c_str(),
                total * 1e3, table * 1e3, camera * 1e3, ours * 1e3,
                100 * ours / total);
  }
  double ours = sum.total_s - sum.table_s - sum.camera_s;
  std::printf("| mean | %.1f | %.1f | %.1f | %.2f | %.2f |\n",
              sum.total_s * 1e3 / o.wells, sum.table_s * 1e3 / o.wells,
              sum.camera_s * 1e3 / o.wells, ours * 1e3 / o.wells,
              100 * ours / sum.total_s);
  std::filesystem::remove_all(folder);
  return 0;
}
