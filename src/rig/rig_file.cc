#include "diareid/rig/rig_file.h"

#include <toml++/toml.h>

#include <cmath>
#include <sstream>

#include "diareid/core/error.h"

namespace diareid {
namespace {

// Reads typed keys of one file and names the file and key in every error.
class Reader {
 public:
  explicit Reader(const std::filesystem::path& path) : path_(path.string()) {
    try {
      table_ = toml::parse_file(path_);
    } catch (const toml::parse_error& e) {
      std::ostringstream message;
      message << path_ << ": not a valid TOML file: " << e.description()
              << " (line " << e.source().begin.line << ")";
      throw InputError(message.str());
    }
  }
  const toml::table& table() const { return table_; }

  [[noreturn]] void Fail(const std::string& key,
                         const std::string& expected) const {
    throw InputError(path_ + ": " + key + " must be " + expected);
  }

  double Number(const toml::node_view<const toml::node>& node,
                const std::string& key, double fallback, double low,
                double high) const {
    if (!node) return fallback;
    auto value = node.value<double>();
    if (!value || !std::isfinite(*value) || *value < low || *value > high) {
      std::ostringstream expected;
      expected << "a number from " << low << " to " << high;
      Fail(key, expected.str());
    }
    return *value;
  }

  std::string Text(const toml::node_view<const toml::node>& node,
                   const std::string& key, const std::string& fallback) const {
    if (!node) return fallback;
    auto value = node.value<std::string>();
    if (!value) Fail(key, "a string");
    return *value;
  }

  bool Flag(const toml::node_view<const toml::node>& node,
            const std::string& key, bool fallback) const {
    if (!node) return fallback;
    auto value = node.value<bool>();
    if (!value) Fail(key, "true or false");
    return *value;
  }

  // A pair [a, b] of numbers.
  void Pair(const toml::node_view<const toml::node>& node,
            const std::string& key, double* a, double* b) const {
    if (!node) return;
    const toml::array* array = node.as_array();
    if (!array || array->size() != 2 || !(*array)[0].value<double>() ||
        !(*array)[1].value<double>())
      Fail(key, "a pair of numbers such as [10.0, 12.5]");
    *a = *(*array)[0].value<double>();
    *b = *(*array)[1].value<double>();
  }

  std::chrono::milliseconds Duration(
      const toml::node_view<const toml::node>& node, const std::string& key,
      std::chrono::milliseconds fallback) const {
    double s = Number(node, key, fallback.count() / 1000.0, 0.01, 3600);
    return std::chrono::milliseconds(static_cast<long>(s * 1000));
  }

 private:
  std::string path_;
  toml::table table_;
};

}  // namespace

RigFile LoadRigFile(const std::filesystem::path& path) {
  Reader r(path);
  toml::node_view<const toml::node> t(r.table());
  RigFile rig;
  rig.name = r.Text(t["rig"]["name"], "rig.name", path.stem().string());
  auto serial = t["serial"];
  rig.serial.port = r.Text(serial["port"], "serial.port", "");
  rig.serial.baud = static_cast<int>(
      r.Number(serial["baud"], "serial.baud", 115200, 300, 4000000));
  rig.serial.line_ending =
      r.Text(serial["line_ending"], "serial.line_ending", "\n");
  if (rig.serial.line_ending != "\n" && rig.serial.line_ending != "\r\n")
    r.Fail("serial.line_ending", "\"\\n\" or \"\\r\\n\"");
  rig.simulate = r.Text(serial["simulate"], "serial.simulate", "");
  rig.simulate_speed = r.Number(serial["simulate_speed"],
                                "serial.simulate_speed", 1.0, 0.01, 1000);

  auto fw = t["firmware"];
  rig.firmware = r.Text(fw["kind"], "firmware.kind",
                        rig.simulate.empty() ? "marlin" : rig.simulate);
  if (rig.firmware != "marlin" && rig.firmware != "grbl")
    r.Fail("firmware.kind", "\"marlin\" or \"grbl\"");
  if (!rig.simulate.empty() && rig.simulate != rig.firmware)
    r.Fail("serial.simulate", "the same as firmware.kind");
  if (rig.simulate.empty() && rig.serial.port.empty())
    r.Fail("serial.port", "a device such as /dev/ttyUSB0");
  HostLimits& l = rig.limits;
  l.boot_timeout = r.Duration(fw["boot_timeout_s"], "firmware.boot_timeout_s",
                              l.boot_timeout);
  l.reply_timeout = r.Duration(fw["reply_timeout_s"],
                               "firmware.reply_timeout_s", l.reply_timeout);
  l.motion_timeout = r.Duration(fw["motion_timeout_s"],
                                "firmware.motion_timeout_s", l.motion_timeout);
  l.status_interval = r.Duration(
      fw["status_interval_s"], "firmware.status_interval_s", l.status_interval);
  if (l.status_interval.count() < 200)
    r.Fail("firmware.status_interval_s", "at least 0.2 (GRBL's limit)");
  l.max_probes = static_cast<int>(
      r.Number(fw["max_probes"], "firmware.max_probes", l.max_probes, 0, 20));
  l.max_resends = static_cast<int>(r.Number(
      fw["max_resends"], "firmware.max_resends", l.max_resends, 0, 100));

  auto m = t["motion"];
  MotionSettings& motion = rig.motion;
  motion.feed_mm_min = r.Number(m["feed_mm_min"], "motion.feed_mm_min",
                                motion.feed_mm_min, 1, 100000);
  r.Pair(m["x_limits_mm"], "motion.x_limits_mm", &motion.x_min_mm,
         &motion.x_max_mm);
  r.Pair(m["y_limits_mm"], "motion.y_limits_mm", &motion.y_min_mm,
         &motion.y_max_mm);
  if (motion.x_min_mm >= motion.x_max_mm)
    r.Fail("motion.x_limits_mm", "[low, high] with low < high");
  if (motion.y_min_mm >= motion.y_max_mm)
    r.Fail("motion.y_limits_mm", "[low, high] with low < high");
  r.Pair(m["backlash_mm"], "motion.backlash_mm", &motion.backlash_x_mm,
         &motion.backlash_y_mm);
  if (motion.backlash_x_mm < 0 || motion.backlash_y_mm < 0 ||
      motion.backlash_x_mm > 5 || motion.backlash_y_mm > 5)
    r.Fail("motion.backlash_mm", "two numbers from 0 to 5");
  motion.invert_x = r.Flag(m["invert_x"], "motion.invert_x", false);
  motion.invert_y = r.Flag(m["invert_y"], "motion.invert_y", false);
  motion.reposition_mm =
      r.Number(m["reposition_mm"], "motion.reposition_mm", 0, 0, 5);

  auto camera = t["camera"];
  rig.camera_backend = r.Text(camera["backend"], "camera.backend", "");
  if (rig.camera_backend.empty())
    r.Fail("camera.backend", "a camera back end such as \"opencv\"");
  if (const toml::table* table = camera.as_table()) {
    for (const auto& [key, node] : *table) {
      if (key == "backend") continue;
      std::string name(key.str());
      if (auto s = node.value<std::string>()) {
        rig.camera[name] = *s;
      } else if (auto d = node.value<double>()) {
        std::ostringstream text;
        text << *d;
        rig.camera[name] = text.str();
      } else if (auto b = node.value<bool>()) {
        rig.camera[name] = *b ? "true" : "false";
      } else {
        r.Fail("camera." + name, "a string, a number or true/false");
      }
    }
  }
  return rig;
}

}  // namespace diareid
