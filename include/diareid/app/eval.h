// `diareid eval`: the published protocol on a folder of pictures of stones
// never seen in training, identification and verification together.
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "diareid/match/protocol.h"
#include "diareid/model/embedder.h"

namespace diareid {

struct EvalOptions {
  // Model file; empty: the shipped default model.
  std::filesystem::path model;
  // Test stones, every one queried: DIR/<stone-id>/<shot>.png.
  std::filesystem::path data;
  // Stones only in the gallery, never queried; empty: none.
  std::filesystem::path distractors;
  // References per stone, repeats, method, k, seed, operating points.
  ProtocolOptions protocol;
  // Take protocol.match.metric from the model (the metric it was trained
  // for) rather than from the options.
  bool metric_from_model = true;
  EmbedderOptions embedder;
  // PNG of the distance distributions and the CMC curve; empty: none.
  std::filesystem::path plot;
  // Write the threshold at the false reject target into the model file.
  bool calibrate = false;
};

struct EvalReport {
  ProtocolResult result;
  std::string model_id;
  int pictures = 0;
  int rejected = 0;
  double embed_seconds = 0;
  // The threshold written into the model when calibrating, else 0.
  double calibrated_threshold = 0;
  // Everything above as JSON, the options included.
  nlohmann::json json;
};

// Embeds the data (and distractors), runs the protocol, and optionally
// draws the plot and calibrates the model. Throws InputError for a bad
// folder, model or option.
EvalReport Evaluate(const EvalOptions& options);

// A person's summary of a report, a few lines.
std::string EvalSummary(const EvalReport& report);

// Draws genuine and impostor distance histograms (with the threshold at
// the false reject target) beside the CMC curve; writes a PNG.
void WriteEvalPlot(const ProtocolResult& result, const std::string& title,
                   const std::filesystem::path& path);

}  // namespace diareid
