// The Marlin host against the scripted firmware, one fault at a time.
// Commands after boot: 1 M115, 2 G28, 3 M400, 4 G90, 5 G21, 6 G0 X10 Y20,
// 7 M400, 8 G0 X30 Y5, 9 M400.
#include <gmock/gmock.h>

#include "diareid/core/error.h"
#include "host_fixture.h"

namespace diareid::testing {
namespace {

void ExpectRecovers(const FirmwareFaults& faults, double max_s) {
  ExpectHostRecovers(FirmwareDialect::kMarlin, faults, max_s);
}

void ExpectStops(const FirmwareFaults& faults, const std::string& what,
                 size_t max_targets, double max_s) {
  ExpectHostStops(FirmwareDialect::kMarlin, faults, what, max_targets, max_s);
}

TEST(MarlinHost, RunsACleanJob) { ExpectRecovers({}, 2.0); }

TEST(MarlinHost, SkipsBootGarbageAndDelay) {
  FirmwareFaults f;
  f.boot_delay = std::chrono::milliseconds(300);
  f.boot_garbage = true;
  ExpectRecovers(f, 2.5);
}

TEST(MarlinHost, RecoversADroppedOkOfAMove) {
  FirmwareFaults f;
  f.drop_ok_at = 6;
  ExpectRecovers(f, 2.5);
}

TEST(MarlinHost, RecoversADroppedOkOfM400) {
  FirmwareFaults f;
  f.drop_ok_at = 7;
  ExpectRecovers(f, 3.0);
}

TEST(MarlinHost, ResendsAfterAChecksumError) {
  FirmwareFaults f;
  f.checksum_error_at = 6;
  ExpectRecovers(f, 2.0);
}

TEST(MarlinHost, ResendsAfterALineNumberError) {
  FirmwareFaults f;
  f.line_number_error_at = 8;
  ExpectRecovers(f, 2.0);
}

TEST(MarlinHost, ResendsWhenNoOkFollowsTheRequest) {
  FirmwareFaults f;
  f.checksum_error_at = 6;
  f.resend_without_ok = true;
  ExpectRecovers(f, 2.0);
}

TEST(MarlinHost, GivesUpOnALineRequestedAgainAndAgain) {
  FirmwareFaults f;
  f.endless_resend_at = 6;
  ExpectStops(f, "line 6", 1, 2.0);
}

TEST(MarlinHost, WaitsWhileBusyKeepalivesCome) {
  FirmwareFaults f;
  f.busy_at = 7;
  f.busy_for = std::chrono::milliseconds(900);  // longer than any timeout
  ExpectRecovers(f, 3.0);
}

TEST(MarlinHost, WaitsForALateOkWithoutKeepalive) {
  FirmwareFaults f;
  f.late_ok_at = 7;
  f.late_by = std::chrono::milliseconds(900);
  ExpectRecovers(f, 3.0);
}

TEST(MarlinHost, StopsWhenTheOkNeverComes) {
  FirmwareFaults f;
  f.late_ok_at = 7;
  f.late_by = std::chrono::milliseconds(60000);
  ExpectStops(f, "no answer", 2, 3.0);
}

TEST(MarlinHost, StopsWhenThePrinterHalts) {
  FirmwareFaults f;
  f.halt_at = 6;
  ExpectStops(f, "halted", 1, 1.5);
}

TEST(MarlinHost, StopsWhenTheControllerResetsMidJob) {
  FirmwareFaults f;
  f.reset_at = 8;
  ExpectStops(f, "reset", 2, 1.5);
}

TEST(MarlinHost, StopsWhenThePortClosesMidJob) {
  FirmwareFaults f;
  f.close_at = 6;
  ExpectStops(f, "closed", 1, 1.5);
}

TEST(MarlinHost, SuggestsTheBaudWhenOnlyGarbageComes) {
  FirmwareFaults f;
  f.boot_delay = std::chrono::milliseconds(60000);
  f.boot_garbage = true;
  ExpectStops(f, "serial.baud", 0, 2.0);
}

}  // namespace
}  // namespace diareid::testing
