// The stage: backlash approach from below, inversion, soft limits.
#include "diareid/core/error.h"
#include "host_fixture.h"

namespace diareid::testing {
namespace {

TEST(Stage, ApproachesEveryTargetFromBelow) {
  Bench bench(FirmwareDialect::kMarlin, {});
  MotionSettings motion = TestMotion();
  motion.backlash_x_mm = 0.5;
  motion.backlash_y_mm = 0.25;
  Stage stage(*bench.host, motion);
  bench.host->Connect();
  stage.Home();
  stage.MoveTo({10, 20});
  stage.MoveTo({4, 30});
  auto t = bench.firmware->Targets();
  ASSERT_EQ(t.size(), 5u);  // home, then a pre-move before each target
  EXPECT_DOUBLE_EQ(t[1].x_mm, 9.5);
  EXPECT_DOUBLE_EQ(t[1].y_mm, 19.75);
  EXPECT_DOUBLE_EQ(t[2].x_mm, 10);
  EXPECT_DOUBLE_EQ(t[3].x_mm, 3.5);
  EXPECT_DOUBLE_EQ(t[4].y_mm, 30);
}

TEST(Stage, MirrorsAnInvertedAxisWithinItsLimits) {
  Bench bench(FirmwareDialect::kGrbl, {});
  MotionSettings motion = TestMotion();
  motion.x_min_mm = 10;
  motion.x_max_mm = 110;
  motion.invert_x = true;
  Stage stage(*bench.host, motion);
  bench.host->Connect();
  stage.Home();
  stage.MoveTo({30, 40});
  TablePosition machine = bench.firmware->PhysicalPosition();
  EXPECT_DOUBLE_EQ(machine.x_mm, 90);
  EXPECT_DOUBLE_EQ(machine.y_mm, 40);
  EXPECT_DOUBLE_EQ(stage.Position().x_mm, 30);
}

TEST(Stage, RefusesTargetsOutsideTheSoftLimitsWithoutMoving) {
  Bench bench(FirmwareDialect::kMarlin, {});
  bench.host->Connect();
  bench.stage->Home();
  EXPECT_THROW(bench.stage->MoveTo({-1, 10}), InputError);
  EXPECT_THROW(bench.stage->MoveTo({10, 200.5}), InputError);
  EXPECT_EQ(bench.firmware->Targets().size(), 1u);  // only homing
}

TEST(Stage, RefusesToMoveBeforeHoming) {
  Bench bench(FirmwareDialect::kMarlin, {});
  bench.host->Connect();
  EXPECT_THROW(bench.stage->MoveTo({10, 10}), RigError);
  EXPECT_TRUE(bench.firmware->Targets().empty());
}

}  // namespace
}  // namespace diareid::testing
