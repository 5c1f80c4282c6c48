#include "diareid/model/model_tools.h"

#include <spdlog/spdlog.h>

#include "diareid/core/error.h"
#include "diareid/model/darknet19.h"
#include "diareid/model/darknet_cfg.h"
#include "model_file.h"

namespace diareid {

ModelInfo ImportDarknet(const ImportDarknetOptions& options) {
  const DarknetCfg cfg = ParseDarknetCfg(options.cfg);
  if (options.layers < 1 ||
      options.layers > static_cast<int>(cfg.layers.size()))
    throw InputError("--layers " + std::to_string(options.layers) +
                     " is out of range for " + options.cfg.string() +
                     ": expected 1 to " + std::to_string(cfg.layers.size()));
  if (cfg.channels != 3)
    throw InputError("darknet cfg " + options.cfg.string() + " takes " +
                     std::to_string(cfg.channels) +
                     " channels, expected 3 (RGB)");
  ModelInfo info;
  info.name = options.out.stem().string();
  info.layers.assign(cfg.layers.begin(), cfg.layers.begin() + options.layers);
  info.preprocess.input_size =
      options.input_size > 0 ? options.input_size : cfg.width;
  info.preprocess.Check();
  info.embedding_size = FeatureSize(info);
  info.storage = options.storage;
  info.training = {{"source", "darknet"},
                   {"cfg", options.cfg.filename().string()},
                   {"weights", options.weights.filename().string()}};
  Darknet19 network = CreateNetwork(info);
  spdlog::info("Reading darknet weights {}", options.weights.string());
  LoadDarknetWeights(options.weights, cfg.layers, network);
  return SaveModel(options.out, network, info);
}

ModelInfo InitModel(const InitModelOptions& options) {
  ModelInfo info;
  info.name = options.out.stem().string();
  info.layers = Darknet19Layers(options.layers);
  info.preprocess.input_size = options.input_size;
  info.preprocess.polar = options.polar;
  info.preprocess.Check();
  info.head = options.head;
  info.embedding_size =
      options.embedding_size > 0 ? options.embedding_size : FeatureSize(info);
  info.storage = options.storage;
  info.training = {{"source", "random"}, {"seed", options.seed}};
  torch::manual_seed(options.seed);
  return SaveModel(options.out, CreateNetwork(info), info);
}

ModelInfo ReadVerifiedModelInfo(const std::filesystem::path& path) {
  const ModelFileHeader file = ReadModelFile(path);
  ModelInfo info = ModelInfoFromJson(file.metadata);
  const std::string actual_id = ContentId(file.metadata, file.tensors);
  if (info.id != actual_id)
    throw InputError("model file " + path.string() +
                     " is damaged: its content hashes to " + actual_id +
                     ", expected the stored ID " + info.id);
  return info;
}

std::vector<PictureEmbedding> EmbedPictures(
    const EmbedPicturesOptions& options) {
  auto embedder = Embedder::Load(options.model, options.embedder);
  PreprocessOptions preprocess = embedder->info().preprocess;
  preprocess.raw = preprocess.raw || options.no_preprocess;
  std::vector<PictureEmbedding> results(options.pictures.size());
  std::vector<cv::Mat> inputs;
  std::vector<size_t> accepted;
  for (size_t i = 0; i < options.pictures.size(); ++i) {
    const std::string name = options.pictures[i].string();
    results[i].picture = name;
    try {
      PreparedPicture prepared =
          PreparePicture(LoadPicture(options.pictures[i]), preprocess, name);
      results[i].stone = prepared.stone;
      results[i].sharpness = prepared.sharpness;
      inputs.push_back(prepared.input);
      accepted.push_back(i);
    } catch (const PictureRejected& e) {
      spdlog::warn("Skipping {}", e.what());
      results[i].rejected = RejectReasonName(e.reason());
      results[i].message = e.what();
    }
  }
  const EmbeddingMatrix embeddings = embedder->Embed(inputs);
  for (size_t row = 0; row < accepted.size(); ++row) {
    const auto values = embeddings.row(static_cast<Eigen::Index>(row));
    results[accepted[row]].embedding.assign(values.data(),
                                            values.data() + values.size());
  }
  return results;
}

}  // namespace diareid
