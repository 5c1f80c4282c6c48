#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <sstream>

#include "diareid/core/error.h"
#include "diareid/rig/rig_file.h"

namespace diareid {
namespace {

std::string WellName(int row, int column) {
  return std::string(1, static_cast<char>('A' + row)) +
         std::to_string(column + 1);
}

[[noreturn]] void Fail(const std::filesystem::path& path,
                       const std::string& key, const std::string& expected) {
  throw InputError(path.string() + ": " + key + " must be " + expected);
}

double NumberAt(const toml::node_view<const toml::node>& node,
                const std::filesystem::path& path, const std::string& key) {
  auto value = node.value<double>();
  if (!value) Fail(path, key, "a number");
  return *value;
}

void PairAt(const toml::node_view<const toml::node>& node,
            const std::filesystem::path& path, const std::string& key,
            double* a, double* b) {
  const toml::array* array = node.as_array();
  if (!array || array->size() != 2 || !(*array)[0].value<double>() ||
      !(*array)[1].value<double>())
    Fail(path, key, "a pair of numbers such as [10.0, 12.5]");
  *a = *(*array)[0].value<double>();
  *b = *(*array)[1].value<double>();
}

}  // namespace

const Well& TrayFile::Find(const std::string& name) const {
  std::string upper = name;
  for (char& c : upper) c = static_cast<char>(std::toupper(c));
  for (const Well& well : wells)
    if (well.name == upper) return well;
  throw InputError("well '" + name + "' is not on tray " + this->name +
                   "; expected A1 to " + WellName(rows - 1, columns - 1));
}

TrayFile LoadTrayFile(const std::filesystem::path& path) {
  toml::table root;
  try {
    root = toml::parse_file(path.string());
  } catch (const toml::parse_error& e) {
    throw InputError(path.string() + ": not a valid TOML file: " +
                     std::string(e.description()));
  }
  toml::node_view<const toml::node> t(root);
  auto tray_node = t["tray"];
  TrayFile tray;
  tray.name = tray_node["name"].value_or(path.stem().string());
  if (!tray_node["rows"] || !tray_node["columns"])
    Fail(path, "tray.rows and tray.columns", "given");
  tray.rows = static_cast<int>(NumberAt(tray_node["rows"], path, "tray.rows"));
  tray.columns =
      static_cast<int>(NumberAt(tray_node["columns"], path, "tray.columns"));
  if (tray.rows < 1 || tray.rows > 26)
    Fail(path, "tray.rows", "from 1 to 26 (wells A to Z)");
  if (tray.columns < 1 || tray.columns > 99)
    Fail(path, "tray.columns", "from 1 to 99");
  double x0 = 0, y0 = 0, px = 0, py = 0;
  PairAt(tray_node["first_well_mm"], path, "tray.first_well_mm", &x0, &y0);
  PairAt(tray_node["pitch_mm"], path, "tray.pitch_mm", &px, &py);
  bool snake = tray_node["snake"].value_or(true);
  if (tray_node["settle_s"])
    tray.settle_s = NumberAt(tray_node["settle_s"], path, "tray.settle_s");
  if (tray.settle_s < 0 || tray.settle_s > 10)
    Fail(path, "tray.settle_s", "from 0 to 10 seconds");
  if (tray_node["focus_mm"])
    tray.focus_mm = NumberAt(tray_node["focus_mm"], path, "tray.focus_mm");

  for (int row = 0; row < tray.rows; ++row) {
    for (int i = 0; i < tray.columns; ++i) {
      int column = snake && row % 2 == 1 ? tray.columns - 1 - i : i;
      Well well;
      well.name = WellName(row, column);
      well.row = row;
      well.column = column;
      well.position = {x0 + column * px, y0 + row * py};
      well.stone_id = well.name;
      tray.wells.push_back(well);
    }
  }
  if (const toml::table* wells = t["wells"].as_table()) {
    for (const auto& [key, node] : *wells) {
      std::string name(key.str());
      Well* well = nullptr;
      for (Well& w : tray.wells)
        if (w.name == name) well = &w;
      if (!well)
        Fail(path, "wells." + name,
             "a well of the tray, A1 to " +
                 WellName(tray.rows - 1, tray.columns - 1));
      toml::node_view<const toml::node> w(node);
      if (w["offset_mm"]) {
        double dx = 0, dy = 0;
        PairAt(w["offset_mm"], path, "wells." + name + ".offset_mm", &dx, &dy);
        well->position.x_mm += dx;
        well->position.y_mm += dy;
      }
      well->stone_id = w["id"].value_or(well->stone_id);
      well->stone = w["stone"].value_or(std::string());
      if (!well->stone.empty() && well->stone.find(':') == std::string::npos)
        Fail(path, "wells." + name + ".stone",
             "\"<seed>:<index>\", such as \"7:12\"");
    }
  }
  return tray;
}

}  // namespace diareid
