// Shared set-up of the host tests: a scripted firmware with faults, a host
// with short limits, and the same little job run against both dialects.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "diareid/core/error.h"
#include "diareid/rig/firmware_host.h"
#include "diareid/rig/scripted_firmware.h"
#include "diareid/rig/stage.h"

namespace diareid::testing {

// Short limits so that every fault resolves in well under a second or two.
inline HostLimits ShortLimits() {
  HostLimits limits;
  limits.boot_timeout = std::chrono::milliseconds(800);
  limits.reply_timeout = std::chrono::milliseconds(200);
  limits.motion_timeout = std::chrono::milliseconds(600);
  limits.max_probes = 2;
  limits.max_resends = 3;
  limits.status_interval = std::chrono::milliseconds(200);
  return limits;
}

inline MotionSettings TestMotion() {
  MotionSettings motion;
  motion.feed_mm_min = 6000;
  return motion;
}

// A firmware, a host connected to it and a stage over the host.
struct Bench {
  Bench(FirmwareDialect dialect, const FirmwareFaults& faults,
        double speed_scale = 20) {
    FirmwareOptions options;
    options.dialect = dialect;
    options.faults = faults;
    options.speed_scale = speed_scale;
    options.home_time = std::chrono::milliseconds(2000);
    options.keepalive_interval = std::chrono::milliseconds(100);
    firmware = std::make_unique<ScriptedFirmware>(options);
    SerialSettings serial;
    serial.port = firmware->PortName();
    host = MakeFirmwareHost(
        dialect == FirmwareDialect::kMarlin ? "marlin" : "grbl",
        OpenSerialPort(serial), "\n", ShortLimits());
    stage = std::make_unique<Stage>(*host, TestMotion());
  }
  // Connects, homes and visits two places.
  void RunJob() {
    host->Connect();
    stage->Home();
    stage->MoveTo({10, 20});
    stage->MoveTo({30, 5});
  }
  std::unique_ptr<ScriptedFirmware> firmware;
  std::unique_ptr<FirmwareHost> host;
  std::unique_ptr<Stage> stage;
};

// The job's targets, exactly: home, then the two places.
inline void ExpectJobTargets(const ScriptedFirmware& firmware) {
  auto targets = firmware.Targets();
  ASSERT_EQ(targets.size(), 3u);
  EXPECT_DOUBLE_EQ(targets[0].x_mm, 0);
  EXPECT_DOUBLE_EQ(targets[1].x_mm, 10);
  EXPECT_DOUBLE_EQ(targets[1].y_mm, 20);
  EXPECT_DOUBLE_EQ(targets[2].x_mm, 30);
  EXPECT_DOUBLE_EQ(targets[2].y_mm, 5);
  TablePosition here = firmware.PhysicalPosition();
  EXPECT_DOUBLE_EQ(here.x_mm, 30);
  EXPECT_DOUBLE_EQ(here.y_mm, 5);
}

// Seconds since `start`.
inline double Elapsed(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

// Runs the job under `faults` and expects it to reach every target, within
// `max_s` seconds.
inline void ExpectHostRecovers(FirmwareDialect dialect,
                               const FirmwareFaults& faults, double max_s) {
  auto start = std::chrono::steady_clock::now();
  Bench bench(dialect, faults);
  bench.RunJob();
  ExpectJobTargets(*bench.firmware);
  EXPECT_LT(Elapsed(start), max_s);
}

// Runs the job expecting a RigError that mentions `what`, soon enough, and
// no target other than those asked for before the fault.
inline void ExpectHostStops(FirmwareDialect dialect,
                            const FirmwareFaults& faults,
                            const std::string& what, size_t max_targets,
                            double max_s) {
  auto start = std::chrono::steady_clock::now();
  Bench bench(dialect, faults);
  try {
    bench.RunJob();
    ADD_FAILURE() << "expected a RigError about " << what;
  } catch (const RigError& e) {
    EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
  }
  EXPECT_LT(Elapsed(start), max_s);
  auto targets = bench.firmware->Targets();
  EXPECT_LE(targets.size(), max_targets);
  if (targets.size() >= 2) {
    EXPECT_DOUBLE_EQ(targets[1].x_mm, 10);
  }
}

}  // namespace diareid::testing
