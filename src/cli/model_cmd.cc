// `diareid model import-darknet | init | info`: model files.
#include <memory>
#include <sstream>

#include "command.h"
#include "diareid/model/model_tools.h"
#include "output_paths.h"

namespace diareid::cli {
namespace {

CommandOutput Written(const ModelInfo& info,
                      const std::filesystem::path& out_path) {
  CommandOutput out;
  out.json = ToJson(info);
  out.json["file"] = out_path.string();
  out.text = "Wrote " + out_path.string() + " (model " + info.id + ", " +
             std::to_string(info.embedding_size) + "-d " + info.head +
             " embeddings at " + std::to_string(info.preprocess.input_size) +
             " px)\n";
  return out;
}

std::string InfoText(const ModelInfo& info) {
  std::ostringstream text;
  const PreprocessOptions& p = info.preprocess;
  text << "ID            " << info.id << "\n"
       << "name          " << info.name << "\n"
       << "architecture  " << info.architecture << ", " << info.layers.size()
       << " layers\n"
       << "input         " << p.input_size << " px, margin " << p.margin
       << (p.polar ? ", polar warp" : "") << (p.raw ? ", no stone crop" : "")
       << "\n"
       << "quality gates sharpness >= " << p.min_sharpness
       << ", clipped <= " << p.max_clipped_fraction
       << ", mean level >= " << p.min_mean_level << "\n"
       << "head          " << info.head << ", " << info.embedding_size << "-d"
       << (info.l2_normalize ? ", L2-normalised" : "") << "\n"
       << "metric        " << info.metric << "\n"
       << "threshold     "
       << (info.verify_threshold > 0 ? std::to_string(info.verify_threshold)
                                     : std::string("not calibrated"))
       << "\n"
       << "calibration   " << info.calibration.dump() << "\n"
       << "training      " << info.training.dump() << "\n"
       << "storage       " << info.storage << "\n"
       << "layers\n";
  for (size_t i = 0; i < info.layers.size(); ++i) {
    const LayerSpec& l = info.layers[i];
    text << "  " << i << " " << l.type;
    if (l.type == "convolutional")
      text << " " << l.filters << " " << l.size << "x" << l.size << "/"
           << l.stride << (l.batch_normalize ? " bn" : "") << " "
           << l.activation;
    else
      text << " " << l.size << "/" << l.stride;
    text << "\n";
  }
  return text.str();
}

}  // namespace

void RegisterModel(Registry& registry) {
  CLI::App* group = registry.AddGroup(registry.app(), "model",
                                      "Create and inspect model files");

  auto import = std::make_shared<ImportDarknetOptions>();
  CLI::App* cmd = registry.Add(
      *group, "import-darknet",
      "Build a model file from a darknet cfg and .weights", [import] {
        CheckOutputFile("--out", import->out, /*create_folder=*/false);
        return Written(ImportDarknet(*import), import->out);
      });
  cmd->add_option("--cfg", import->cfg, "Darknet network cfg")->required();
  cmd->add_option("--weights", import->weights, "Darknet .weights file")
      ->required();
  cmd->add_option("--out", import->out, "Model file to write")->required();
  cmd->add_option("--input-size", import->input_size,
                  "Input side in pixels; 0 takes the cfg's width")
      ->capture_default_str();
  cmd->add_option("--layers", import->layers,
                  "Cfg layers to keep (23: darknet19 without its classifier)")
      ->capture_default_str();
  cmd->add_option("--storage", import->storage, "float32 or float16")
      ->check(CLI::IsMember({"float32", "float16"}))
      ->capture_default_str();

  auto init = std::make_shared<InitModelOptions>();
  cmd = registry.Add(*group, "init",
                     "Write a model file with random weights (for tests)",
                     [init] {
                       CheckOutputFile("--out", init->out,
                                       /*create_folder=*/false);
                       return Written(InitModel(*init), init->out);
                     });
  cmd->add_option("--out", init->out, "Model file to write")->required();
  cmd->add_option("--input-size", init->input_size, "Input side in pixels")
      ->capture_default_str();
  cmd->add_flag("--polar", init->polar, "Polar-warp pictures about the stone");
  cmd->add_option("--head", init->head, "pool or projection")
      ->check(CLI::IsMember({"pool", "projection"}))
      ->capture_default_str();
  cmd->add_option("--embedding-size", init->embedding_size,
                  "Embedding size; 0: the pooled feature's (1024)")
      ->capture_default_str();
  cmd->add_option("--seed", init->seed, "Random seed")->capture_default_str();
  cmd->add_option("--layers", init->layers, "Darknet19 layers (1 to 23)")
      ->capture_default_str();
  cmd->add_option("--storage", init->storage, "float32 or float16")
      ->check(CLI::IsMember({"float32", "float16"}))
      ->capture_default_str();

  auto info_path = std::make_shared<std::string>();
  cmd = registry.Add(*group, "info", "Print everything a model file says",
                     [info_path] {
                       const ModelInfo info = ReadVerifiedModelInfo(*info_path);
                       CommandOutput out;
                       out.json = ToJson(info);
                       out.text = InfoText(info);
                       return out;
                     });
  cmd->add_option("MODEL", *info_path, "Model file")->required();
}

}  // namespace diareid::cli
