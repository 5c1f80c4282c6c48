// `diareid eval`: the published protocol on stones never seen in training.
#include "command.h"
#include "diareid/app/eval.h"

namespace diareid::cli {

void RegisterEval(Registry& registry) {
  auto o = std::make_shared<EvalOptions>();
  auto data = std::make_shared<std::string>();
  auto distractors = std::make_shared<std::string>();
  auto plot = std::make_shared<std::string>();
  auto method = std::make_shared<std::string>("nearest-average");
  auto metric = std::make_shared<std::string>();
  CLI::App* cmd = registry.Add(
      registry.app(), "eval",
      "Measure a model on DIR/<stone-id>/<shot>.png: R references per stone, "
      "the rest queries, repeated; mAP, CMC and verification error rates",
      [=, &registry] {
        EvalOptions options = *o;
        options.model = registry.global().model;
        options.data = *data;
        options.distractors = *distractors;
        options.plot = *plot;
        options.protocol.match.method = ParseMatchMethod(*method);
        if (!metric->empty()) {
          options.protocol.match.metric = ParseMetric(*metric);
          options.metric_from_model = false;
        }
        options.embedder.threads = registry.global().threads;
        EvalReport report = Evaluate(options);
        CommandOutput out;
        out.json = report.json;
        out.text = EvalSummary(report);
        return out;
      });
  cmd->add_option("--data", *data, "Test stones: DIR/<stone-id>/*.png")
      ->required();
  cmd->add_option("--distractors", *distractors,
                  "Stones added to the gallery, never queried");
  cmd->add_option("--refs", o->protocol.references,
                  "Reference pictures per stone")
      ->capture_default_str();
  cmd->add_option("--repeats", o->protocol.repeats,
                  "Random choices of references")
      ->capture_default_str();
  cmd->add_option("--method", *method, "nearest-average, knn or svm")
      ->capture_default_str();
  cmd->add_option("--k", o->protocol.match.k, "Voting neighbours for knn")
      ->capture_default_str();
  cmd->add_option("--metric", *metric,
                  "euclidean or cosine (default: the model's)");
  cmd->add_option("--seed", o->protocol.seed, "Seed of the reference choice")
      ->capture_default_str();
  cmd->add_option("--verify-pictures", o->protocol.verify_pictures,
                  "Query pictures averaged per verification attempt, as "
                  "verify averages a returned stone's pictures")
      ->capture_default_str();
  cmd->add_option("--frr-target", o->protocol.frr_target,
                  "False reject rate of the reported threshold")
      ->capture_default_str();
  cmd->add_option("--far-target", o->protocol.far_target,
                  "False accept rate of the reported (and calibrated) "
                  "threshold")
      ->capture_default_str();
  cmd->add_option("--plot", *plot,
                  "PNG of the distance distributions and the CMC curve");
  cmd->add_flag("--calibrate", o->calibrate,
                "Write the threshold at the false accept target into the "
                "model file (the model's metric only)");
}

}  // namespace diareid::cli
