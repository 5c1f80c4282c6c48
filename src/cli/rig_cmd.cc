// `diareid rig home | move X Y | status`: the technician's commands.
#include <cstdio>
#include <memory>

#include "command.h"
#include "diareid/rig/capture.h"

namespace diareid::cli {
namespace {

struct RigArgs {
  std::string rig;
  double x_mm = 0;
  double y_mm = 0;
};

CommandOutput PositionOutput(Rig& rig, const std::string& what) {
  CommandOutput out;
  out.json = {{"controller", rig.Describe()},
              {"homed", rig.homed()},
              {"x_mm", nullptr},
              {"y_mm", nullptr}};
  if (!rig.homed()) {
    // Before homing the controller counts from wherever the table stood
    // when it was switched on or reset: its numbers say nothing.
    out.text = rig.Describe() + "\n" + what +
               ": table position unknown until the table is homed (`diareid "
               "rig home`)\n";
    return out;
  }
  TablePosition p = rig.Position();
  out.json["x_mm"] = p.x_mm;
  out.json["y_mm"] = p.y_mm;
  char text[160];
  std::snprintf(text, sizeof text, "%s: table at X %.3f Y %.3f mm\n",
                what.c_str(), p.x_mm, p.y_mm);
  out.text = rig.Describe() + "\n" + text;
  return out;
}

void AddRigOption(CLI::App* cmd, RigArgs& args) {
  cmd->add_option("--rig", args.rig, "Rig file (TOML)")
      ->required()
      ->check(CLI::ExistingFile);
}

}  // namespace

void RegisterRig(Registry& registry) {
  CLI::App* group = registry.AddGroup(registry.app(), "rig",
                                      "Drive the rig by hand (technician)");
  auto args = std::make_shared<RigArgs>();
  CLI::App* home = registry.Add(*group, "home", "Home the table", [args] {
    Rig rig(args->rig, "");
    rig.Home();
    return PositionOutput(rig, "Homed");
  });
  AddRigOption(home, *args);
  CLI::App* move = registry.Add(
      *group, "move",
      "Home, then move the table to X Y (mm, rig coordinates, inside the "
      "soft limits)",
      [args] {
        Rig rig(args->rig, "");
        rig.Home();
        rig.MoveTo({args->x_mm, args->y_mm});
        return PositionOutput(rig, "Moved");
      });
  AddRigOption(move, *args);
  move->add_option("x", args->x_mm, "X, mm")->required();
  move->add_option("y", args->y_mm, "Y, mm")->required();
  CLI::App* status = registry.Add(
      *group, "status",
      "Connect and report the controller; the position is unknown until "
      "homed",
      [args] {
        Rig rig(args->rig, "");
        return PositionOutput(rig, "Connected");
      });
  AddRigOption(status, *args);
}

}  // namespace diareid::cli
