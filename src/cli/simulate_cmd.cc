// `diareid simulate dataset|stone|contact-sheet`: the simulated ASET rig.
#include <opencv2/imgcodecs.hpp>

#include "command.h"
#include "diareid/core/files.h"
#include "diareid/core/progress.h"
#include "diareid/sim/dataset.h"
#include "output_paths.h"

namespace diareid::cli {
namespace {

void WritePng(const std::string& path, const cv::Mat& picture) {
  std::vector<uchar> bytes;
  if (!cv::imencode(".png", picture, bytes))
    throw InternalError("could not encode picture " + path);
  WriteFileAtomic(
      std::filesystem::path(path),
      std::string_view(reinterpret_cast<char*>(bytes.data()), bytes.size()));
}

void RegisterDataset(Registry& registry, CLI::App& group) {
  auto options = std::make_shared<sim::DatasetOptions>();
  auto out = std::make_shared<std::string>();
  CLI::App* cmd = registry.Add(
      group, "dataset",
      "Render a dataset: DIR/<stone id>/<shot>.png and DIR/manifest.json; "
      "pictures already there are kept",
      [options, out, &registry] {
        CheckOutputFolder("--out", *out);
        options->out = *out;
        options->threads = registry.global().threads;
        sim::DatasetSummary summary = sim::RenderDataset(*options);
        CommandOutput result;
        result.json = {{"out", *out},
                       {"rendered", summary.rendered},
                       {"kept", summary.kept},
                       {"seconds", summary.seconds},
                       {"manifest", summary.manifest.string()}};
        result.text = "Rendered " + std::to_string(summary.rendered) +
                      " pictures (" + std::to_string(summary.kept) +
                      " kept) in " + FormatDuration(summary.seconds) +
                      " into " + *out + "\n";
        return result;
      });
  cmd->add_option("--out", *out, "Dataset folder")->required();
  cmd->add_option("--stones", options->stones, "Number of stones")
      ->capture_default_str();
  cmd->add_option("--shots", options->shots, "Pictures per stone")
      ->capture_default_str();
  cmd->add_option("--seed", options->seed, "Stone population")
      ->capture_default_str();
  cmd->add_option("--first-stone", options->first_stone,
                  "Index of the first stone")
      ->capture_default_str();
  cmd->add_option("--preset", options->preset,
                  "Nuisances: clean, realistic or hard")
      ->capture_default_str();
  cmd->add_option("--size", options->size, "Picture size, pixels")
      ->capture_default_str();
  cmd->add_option("--supersampling", options->supersampling,
                  "Rays per pixel along each side")
      ->capture_default_str();
}

// Options of `simulate stone`; those left out keep the stone's or shot's own.
struct StoneCommand {
  std::string out;
  uint64_t seed = 1;
  long stone = -1;
  std::string preset;
  int shot = 0;
  int size = 256;
  int supersampling = 2;
  sim::CutParameters cut;
  sim::ShotConditions shot_conditions;
  double shift_x = 0, shift_y = 0;
  int dust_specks = 0;
  // The parsed subcommand, to tell which options were given.
  CLI::App* app = nullptr;
};

void RegisterStone(Registry& registry, CLI::App& group) {
  auto o = std::make_shared<StoneCommand>();
  CLI::App* cmd = registry.Add(
      group, "stone",
      "Render one picture with every parameter on the command line",
      [o, &registry] {
        // docs/cli.md: the folder of an output file must exist.
        CheckOutputFile("--out", o->out, /*create_folder=*/false);
        sim::StoneRecipe recipe;
        auto given = [&](const char* name) { return o->app->count(name) > 0; };
        if (given("--stone")) recipe = sim::GenerateStone(o->seed, o->stone);
        sim::CutParameters& cut = recipe.cut;
        if (given("--table")) cut.table = o->cut.table;
        if (given("--crown-angle"))
          cut.crown_angle_deg = o->cut.crown_angle_deg;
        if (given("--pavilion-angle"))
          cut.pavilion_angle_deg = o->cut.pavilion_angle_deg;
        if (given("--girdle")) cut.girdle = o->cut.girdle;
        if (given("--star-length")) cut.star_length = o->cut.star_length;
        if (given("--lower-girdle-length"))
          cut.lower_girdle_length = o->cut.lower_girdle_length;
        if (given("--culet")) cut.culet = o->cut.culet;

        sim::NuisanceRanges ranges = sim::NuisancePreset("clean");
        ranges.random_rotation = false;
        sim::ShotConditions c;
        if (given("--preset")) {
          ranges = sim::NuisancePreset(o->preset);
          c = sim::DrawShot(ranges, o->seed, std::max(0L, o->stone), o->shot,
                            o->size);
        }
        const sim::ShotConditions& w = o->shot_conditions;
        if (given("--rotation")) c.pose.rotation_deg = w.pose.rotation_deg;
        if (given("--tilt")) c.pose.tilt_deg = w.pose.tilt_deg;
        if (given("--tilt-azimuth"))
          c.pose.tilt_azimuth_deg = w.pose.tilt_azimuth_deg;
        if (given("--shift-x")) c.pose.shift_x = o->shift_x;
        if (given("--shift-y")) c.pose.shift_y = o->shift_y;
        if (given("--exposure")) c.exposure = w.exposure;
        if (given("--gain-blue")) c.gain_blue = w.gain_blue;
        if (given("--gain-red")) c.gain_red = w.gain_red;
        if (given("--blur")) c.blur_px = w.blur_px;
        if (given("--noise")) c.noise = w.noise;
        if (given("--jpeg")) c.jpeg_quality = w.jpeg_quality;
        if (given("--dust")) ranges.dust_specks = o->dust_specks;

        sim::RenderOptions render;
        render.size = o->size;
        render.supersampling = o->supersampling;
        render.threads = registry.global().threads;
        cv::Mat picture =
            sim::RenderShot(sim::BuildGeometry(recipe), c, ranges, render);
        WritePng(o->out, picture);
        CommandOutput result;
        result.json = {{"out", o->out},
                       {"stone", sim::StoneToJson(recipe)},
                       {"shot", sim::ShotToJson(c)}};
        result.text = "Wrote " + o->out + "\n";
        return result;
      });
  o->app = cmd;
  cmd->add_option("--out", o->out, "PNG file to write")->required();
  cmd->add_option("--seed", o->seed, "Stone population")->capture_default_str();
  cmd->add_option("--stone", o->stone,
                  "Stone index in the population (default: the ideal cut)");
  cmd->add_option("--preset", o->preset,
                  "Draw the nuisances from this preset (default: none)");
  cmd->add_option("--shot", o->shot, "Shot number, for --preset draws")
      ->capture_default_str();
  cmd->add_option("--size", o->size, "Picture size, pixels")
      ->capture_default_str();
  cmd->add_option("--supersampling", o->supersampling,
                  "Rays per pixel along each side")
      ->capture_default_str();
  sim::CutParameters& cut = o->cut;
  cmd->add_option("--table", cut.table, "Table, fraction of the diameter")
      ->capture_default_str();
  cmd->add_option("--crown-angle", cut.crown_angle_deg, "Crown angle, deg")
      ->capture_default_str();
  cmd->add_option("--pavilion-angle", cut.pavilion_angle_deg,
                  "Pavilion angle, deg")
      ->capture_default_str();
  cmd->add_option("--girdle", cut.girdle, "Girdle thickness, fraction")
      ->capture_default_str();
  cmd->add_option("--star-length", cut.star_length, "Star length, 0 to 1")
      ->capture_default_str();
  cmd->add_option("--lower-girdle-length", cut.lower_girdle_length,
                  "Lower girdle length, 0 to 1")
      ->capture_default_str();
  cmd->add_option("--culet", cut.culet, "Culet, fraction (0: pointed)")
      ->capture_default_str();
  sim::ShotConditions& w = o->shot_conditions;
  cmd->add_option("--rotation", w.pose.rotation_deg,
                  "Rotation about the vertical, deg");
  cmd->add_option("--tilt", w.pose.tilt_deg, "Tilt, deg");
  cmd->add_option("--tilt-azimuth", w.pose.tilt_azimuth_deg,
                  "Azimuth of the tilt axis, deg");
  cmd->add_option("--shift-x", o->shift_x, "Shift right, diameters");
  cmd->add_option("--shift-y", o->shift_y, "Shift up, diameters");
  cmd->add_option("--exposure", w.exposure, "Exposure factor (1: nominal)");
  cmd->add_option("--gain-blue", w.gain_blue, "White balance, blue gain");
  cmd->add_option("--gain-red", w.gain_red, "White balance, red gain");
  cmd->add_option("--blur", w.blur_px, "Focus blur, Gaussian sigma in px");
  cmd->add_option("--noise", w.noise, "Sensor noise, fraction of full scale");
  cmd->add_option("--jpeg", w.jpeg_quality, "JPEG quality (0: none)");
  cmd->add_option("--dust", o->dust_specks, "Dust specks on the optics");
}

void RegisterContactSheet(Registry& registry, CLI::App& group) {
  struct Options {
    std::string out;
    uint64_t seed = 1;
    long stones = 4;
    int shots = 4;
    std::string preset = "realistic";
    int size = 128;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd = registry.Add(
      group, "contact-sheet",
      "One PNG of several stones (rows) and several shots of each (columns)",
      [o, &registry] {
        CheckOutputFile("--out", o->out, /*create_folder=*/false);
        WritePng(o->out, sim::RenderContactSheet(o->seed, o->stones, o->shots,
                                                 o->preset, o->size,
                                                 registry.global().threads));
        CommandOutput result;
        result.json = {{"out", o->out}};
        result.text = "Wrote " + o->out + "\n";
        return result;
      });
  cmd->add_option("--out", o->out, "PNG file to write")->required();
  cmd->add_option("--seed", o->seed, "Stone population")->capture_default_str();
  cmd->add_option("--stones", o->stones, "Rows")->capture_default_str();
  cmd->add_option("--shots", o->shots, "Columns")->capture_default_str();
  cmd->add_option("--preset", o->preset, "Nuisances: clean, realistic, hard")
      ->capture_default_str();
  cmd->add_option("--size", o->size, "Size of each picture, pixels")
      ->capture_default_str();
}

}  // namespace

void RegisterSimulate(Registry& registry) {
  CLI::App* group = registry.AddGroup(
      registry.app(), "simulate",
      "The simulated ASET rig: render stones, datasets and contact sheets");
  RegisterDataset(registry, *group);
  RegisterStone(registry, *group);
  RegisterContactSheet(registry, *group);
}

}  // namespace diareid::cli
