// `diareid capture`: home the rig, visit the wells of a tray, take pictures.
#include <memory>

#include "command.h"
#include "diareid/rig/capture.h"
#include "output_paths.h"

namespace diareid::cli {
namespace {

// Splits "A1,B3" into wells.
std::vector<std::string> SplitWells(const std::string& text) {
  std::vector<std::string> wells;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    if (comma > start) wells.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return wells;
}

struct CaptureArgs {
  std::string rig;
  std::string tray;
  std::string wells;
  bool all = false;
  int shots = 3;
  std::string out;
  bool add = false;
};

}  // namespace

void RegisterCapture(Registry& registry) {
  auto args = std::make_shared<CaptureArgs>();
  CLI::App* cmd = registry.Add(
      registry.app(), "capture",
      "Home the rig, visit the wells in the tray's order and write "
      "OUT/<stone id>/<shot>.png and OUT/manifest.json; Ctrl-C stops the "
      "table and keeps what was captured (exit 3)",
      [args] {
        // A bad folder is found before the rig is opened or the table moves.
        CheckOutputFolder("--out", args->out);
        Rig rig(args->rig, args->tray);
        CaptureOptions options;
        options.add = args->add;
        if (!args->all) options.wells = SplitWells(args->wells);
        options.shots = args->shots;
        options.out = args->out;
        CaptureResult result = CaptureTray(rig, options);
        CommandOutput out;
        out.json = {{"wells", result.wells_done},
                    {"shots", result.shots_written},
                    {"interrupted", result.interrupted},
                    {"manifest", result.manifest.string()}};
        out.text = std::string(result.interrupted ? "Interrupted after "
                                                  : "Captured ") +
                   std::to_string(result.wells_done) + " well(s), " +
                   std::to_string(result.shots_written) +
                   " picture(s); manifest " + result.manifest.string() + "\n";
        if (result.interrupted) out.code = ExitCode::kRigFault;
        return out;
      });
  cmd->add_option("--rig", args->rig, "Rig file (TOML)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--tray", args->tray, "Tray file (TOML)")
      ->required()
      ->check(CLI::ExistingFile);
  auto* wells =
      cmd->add_option("--wells", args->wells, "Wells to capture, e.g. A1,B3");
  auto* all = cmd->add_flag("--all", args->all, "Capture every well");
  wells->excludes(all);
  cmd->add_option("--shots", args->shots, "Pictures per well")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_option("--out", args->out, "Output folder")->required();
  cmd->add_flag("--add", args->add,
                "Add stones to a folder that already holds a capture (its "
                "manifest keeps its stones)");
  cmd->callback([args] {
    if (!args->all && args->wells.empty())
      throw CLI::ValidationError("capture", "choose --wells A1,B3 or --all");
  });
}

}  // namespace diareid::cli
