// Rig and tray files: values read, snake order, offsets, and errors that
// name the file, the key and what was expected.
#include <gmock/gmock.h>

#include <fstream>

#include "diareid/core/error.h"
#include "diareid/rig/rig_file.h"
#include "testing.h"

namespace diareid::testing {
namespace {

using ::testing::HasSubstr;

class RigFileTest : public TempDirTest {
 protected:
  std::filesystem::path Write(const std::string& name,
                              const std::string& text) {
    std::filesystem::path path = dir() / name;
    std::ofstream(path) << text;
    return path;
  }
};

TEST_F(RigFileTest, ReadsEveryTable) {
  RigFile rig = LoadRigFile(Write("r.toml", R"([rig]
name = "bench"
[serial]
port = "/dev/ttyACM0"
baud = 250000
line_ending = "\r\n"
[firmware]
kind = "grbl"
reply_timeout_s = 1.5
max_resends = 7
[motion]
feed_mm_min = 1200
x_limits_mm = [5, 150]
backlash_mm = [0.1, 0.2]
invert_x = true
[camera]
backend = "opencv"
source = "/dev/video2"
exposure = 150
)"));
  EXPECT_EQ(rig.name, "bench");
  EXPECT_EQ(rig.serial.baud, 250000);
  EXPECT_EQ(rig.serial.line_ending, "\r\n");
  EXPECT_EQ(rig.firmware, "grbl");
  EXPECT_EQ(rig.limits.reply_timeout.count(), 1500);
  EXPECT_EQ(rig.limits.max_resends, 7);
  EXPECT_DOUBLE_EQ(rig.motion.x_min_mm, 5);
  EXPECT_DOUBLE_EQ(rig.motion.backlash_y_mm, 0.2);
  EXPECT_TRUE(rig.motion.invert_x);
  EXPECT_EQ(rig.camera.at("source"), "/dev/video2");
  EXPECT_EQ(rig.camera.at("exposure"), "150");
}

TEST_F(RigFileTest, NamesTheKeyOfABadValue) {
  auto path = Write("r.toml", R"([serial]
port = "/dev/ttyUSB0"
[firmware]
kind = "smoothie"
[camera]
backend = "opencv"
)");
  try {
    LoadRigFile(path);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("firmware.kind"));
    EXPECT_THAT(e.what(), HasSubstr("\"grbl\""));
  }
  EXPECT_THROW(LoadRigFile(Write("b.toml", "[serial]\nport = 3\n")),
               InputError);
  EXPECT_THROW(LoadRigFile(Write("c.toml", "[serial\n")), InputError);
}

TEST_F(RigFileTest, LaysOutATrayInSnakeOrderWithOffsets) {
  TrayFile tray = LoadTrayFile(Write("t.toml", R"([tray]
rows = 2
columns = 3
first_well_mm = [10, 20]
pitch_mm = [5, 7]
settle_s = 0.25
[wells.B1]
offset_mm = [0.3, -0.2]
stone = "7:12"
id = "ring-1"
)"));
  std::vector<std::string> order;
  for (const Well& w : tray.wells) order.push_back(w.name);
  EXPECT_EQ(order,
            (std::vector<std::string>{"A1", "A2", "A3", "B3", "B2", "B1"}));
  const Well& b1 = tray.Find("b1");
  EXPECT_DOUBLE_EQ(b1.position.x_mm, 10.3);
  EXPECT_DOUBLE_EQ(b1.position.y_mm, 26.8);
  EXPECT_EQ(b1.stone, "7:12");
  EXPECT_EQ(b1.stone_id, "ring-1");
  EXPECT_DOUBLE_EQ(tray.Find("A3").position.x_mm, 20);
  EXPECT_DOUBLE_EQ(tray.settle_s, 0.25);
  EXPECT_THROW(tray.Find("C1"), InputError);
}

TEST_F(RigFileTest, RefusesAWellOutsideTheTray) {
  auto path = Write("t.toml", R"([tray]
rows = 2
columns = 2
first_well_mm = [0, 0]
pitch_mm = [5, 5]
[wells.C9]
stone = "1:1"
)");
  try {
    LoadTrayFile(path);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("wells.C9"));
    EXPECT_THAT(e.what(), HasSubstr("A1 to B2"));
  }
}

TEST_F(RigFileTest, ShippedExamplesLoad) {
  std::filesystem::path data =
      std::filesystem::path(DIAREID_SOURCE_DIR) / "data";
  for (const char* name : {"simulated", "marlin-usb", "grbl"})
    EXPECT_NO_THROW(LoadRigFile(data / "rigs" / (std::string(name) + ".toml")))
        << name;
  TrayFile tray = LoadTrayFile(data / "trays/demo-4x4.toml");
  EXPECT_EQ(tray.wells.size(), 16u);
  EXPECT_EQ(tray.Find("D4").stone, "7:15");
}

}  // namespace
}  // namespace diareid::testing
