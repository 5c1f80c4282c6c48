// `diareid embed`: the embedding of each picture, for inspection and for
// comparison with other implementations.
#include <cmath>
#include <cstdio>
#include <memory>

#include "command.h"
#include "diareid/model/default_model.h"
#include "diareid/model/model_tools.h"
#include "output_paths.h"

namespace diareid::cli {
namespace {

struct EmbedArgs {
  std::vector<std::string> pictures;
  bool no_preprocess = false;
  bool bfloat16 = false;
};

CommandOutput RunEmbed(const GlobalOptions& global, const EmbedArgs& args) {
  EmbedPicturesOptions options;
  options.pictures.assign(args.pictures.begin(), args.pictures.end());
  options.model = global.model.empty() ? DefaultModelPath()
                                       : std::filesystem::path(global.model);
  options.embedder.threads = global.threads;
  options.embedder.bfloat16 = args.bfloat16;
  options.no_preprocess = args.no_preprocess;
  const auto results = EmbedPictures(options);
  CommandOutput out;
  out.json["model"] = options.model.string();
  out.json["pictures"] = nlohmann::json::array();
  for (const PictureEmbedding& result : results) {
    nlohmann::json entry = {{"picture", result.picture}};
    char line[160];
    if (result.rejected.empty()) {
      entry["embedding"] = result.embedding;
      entry["stone"] = {{"cx", result.stone.cx},
                        {"cy", result.stone.cy},
                        {"radius", result.stone.radius}};
      entry["sharpness"] = result.sharpness;
      double norm = 0;
      for (float v : result.embedding) norm += double(v) * v;
      std::snprintf(line, sizeof(line), "%s: %zu values, norm %.4f, first",
                    result.picture.c_str(), result.embedding.size(),
                    std::sqrt(norm));
      out.text += line;
      for (size_t i = 0; i < std::min<size_t>(4, result.embedding.size());
           ++i) {
        std::snprintf(line, sizeof(line), " %.5f", result.embedding[i]);
        out.text += line;
      }
      out.text += "\n";
    } else {
      entry["rejected"] = result.rejected;
      entry["message"] = result.message;
      out.text += "rejected " + result.message + "\n";
      out.code = ExitCode::kBadInput;
    }
    out.json["pictures"].push_back(entry);
  }
  return out;
}

}  // namespace

void RegisterEmbed(Registry& registry) {
  auto args = std::make_shared<EmbedArgs>();
  const GlobalOptions& global = registry.global();
  CLI::App* command = registry.Add(
      registry.app(), "embed",
      "Print the embedding of each picture (exit 2 if any is rejected)",
      [&global, args] { return RunEmbed(global, *args); });
  command->add_option("--images", args->pictures, "Pictures to embed")
      ->required()
      ->check(RegularFile());
  command->add_flag("--no-preprocess", args->no_preprocess,
                    "Only resize each whole picture to the input size");
  command->add_flag("--bf16", args->bfloat16,
                    "Compute in bfloat16 (CPUs with AVX-512)");
}

}  // namespace diareid::cli
