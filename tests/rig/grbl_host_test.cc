// The GRBL host against the scripted firmware, one fault at a time.
// Commands after boot: 1 $H, 2 G90, 3 G21, 4 G0 X10 Y20, 5 G0 X30 Y5 (the
// waits are '?' polls, which are not commands).
#include <gmock/gmock.h>

#include "diareid/core/error.h"
#include "host_fixture.h"

namespace diareid::testing {
namespace {

void ExpectRecovers(const FirmwareFaults& faults, double max_s) {
  ExpectHostRecovers(FirmwareDialect::kGrbl, faults, max_s);
}

void ExpectStops(const FirmwareFaults& faults, const std::string& what,
                 size_t max_targets, double max_s) {
  ExpectHostStops(FirmwareDialect::kGrbl, faults, what, max_targets, max_s);
}

TEST(GrblHost, RunsACleanJob) { ExpectRecovers({}, 3.0); }

TEST(GrblHost, SkipsBootGarbageAndDelay) {
  FirmwareFaults f;
  f.boot_delay = std::chrono::milliseconds(300);
  f.boot_garbage = true;
  ExpectRecovers(f, 3.0);
}

TEST(GrblHost, RecoversADroppedOk) {
  FirmwareFaults f;
  f.drop_ok_at = 4;
  ExpectRecovers(f, 3.0);
}

TEST(GrblHost, WaitsForALateOkOfHoming) {
  FirmwareFaults f;
  f.late_ok_at = 1;
  f.late_by = std::chrono::milliseconds(900);
  ExpectRecovers(f, 3.5);
}

TEST(GrblHost, StopsOnAnAlarm) {
  FirmwareFaults f;
  f.halt_at = 4;
  ExpectStops(f, "alarm 1", 1, 1.5);
}

TEST(GrblHost, StopsWhenTheControllerResetsMidJob) {
  FirmwareFaults f;
  f.reset_at = 5;
  ExpectStops(f, "reset", 2, 2.0);
}

TEST(GrblHost, StopsWhenThePortClosesMidJob) {
  FirmwareFaults f;
  f.close_at = 4;
  ExpectStops(f, "closed", 1, 1.5);
}

}  // namespace
}  // namespace diareid::testing
