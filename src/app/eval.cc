#include "diareid/app/eval.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "diareid/core/error.h"
#include "diareid/core/progress.h"
#include "diareid/model/darknet19.h"
#include "diareid/model/default_model.h"
#include "diareid/train/dataset.h"

namespace diareid {

namespace fs = std::filesystem;

namespace {

// The distinct stones of a list of labels.
std::vector<std::string> StonesOfSet(std::vector<std::string> ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

// Prepares and embeds every picture of a data set folder.
LabelledEmbeddings EmbedFolder(Embedder& embedder, const fs::path& dir,
                               int& pictures, int& rejected) {
  PreparedSet set =
      PrepareDataset(ListDataset(dir), embedder.info().preprocess);
  pictures += static_cast<int>(set.inputs.size());
  rejected += set.rejected;
  LabelledEmbeddings out;
  out.vectors.resize(static_cast<Eigen::Index>(set.inputs.size()),
                     embedder.info().embedding_size);
  Progress progress("Embedding " + dir.filename().string(),
                    static_cast<long>(set.inputs.size()));
  const size_t chunk = 64;
  for (size_t start = 0; start < set.inputs.size(); start += chunk) {
    const size_t end = std::min(set.inputs.size(), start + chunk);
    std::vector<cv::Mat> part(set.inputs.begin() + start,
                              set.inputs.begin() + end);
    out.vectors.middleRows(static_cast<Eigen::Index>(start),
                           static_cast<Eigen::Index>(end - start)) =
        embedder.Embed(part);
    progress.Update(static_cast<long>(end));
  }
  progress.Finish();
  for (const auto& p : set.pictures) out.stone_ids.push_back(p.stone_id);
  return out;
}

// Rewrites the model file with a verdict threshold; its ID is unchanged.
void WriteThreshold(const fs::path& path, double threshold,
                    const nlohmann::json& calibration) {
  Darknet19 network = LoadModel(path);
  ModelInfo info = network->info();
  const std::string id = info.id;
  info.verify_threshold = threshold;
  info.calibration = calibration;
  ModelInfo written = SaveModel(path, network, info);
  if (written.id != id)
    throw InternalError("calibrating changed the model ID of " + path.string() +
                        " from " + id + " to " + written.id);
}

}  // namespace

EvalReport Evaluate(const EvalOptions& options) {
  const fs::path model =
      options.model.empty() ? DefaultModelPath() : options.model;
  ProtocolOptions protocol = options.protocol;
  auto embedder = Embedder::Load(model, options.embedder);
  const ModelInfo& info = embedder->info();
  if (options.metric_from_model)
    protocol.match.metric = ParseMetric(info.metric);
  protocol.Check();
  // The threshold is a distance in the model's metric: calibrating in
  // another one would make every later verdict wrong.
  if (options.calibrate && MetricName(protocol.match.metric) != info.metric)
    throw InputError("--calibrate with --metric " +
                     std::string(MetricName(protocol.match.metric)) +
                     ": model " + model.string() + " matches with the " +
                     info.metric + " metric, and its threshold must too");

  EvalReport report;
  report.model_id = info.id;
  auto start = std::chrono::steady_clock::now();
  LabelledEmbeddings test =
      EmbedFolder(*embedder, options.data, report.pictures, report.rejected);
  LabelledEmbeddings distractors;
  if (!options.distractors.empty())
    distractors = EmbedFolder(*embedder, options.distractors, report.pictures,
                              report.rejected);
  report.embed_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  spdlog::info("Running the protocol: {} references, {} repeats, {} ({})",
               protocol.references, protocol.repeats,
               MatchMethodName(protocol.match.method),
               MetricName(protocol.match.metric));
  for (const std::string& id : StonesOfSet(distractors.stone_ids))
    if (std::find(test.stone_ids.begin(), test.stone_ids.end(), id) !=
        test.stone_ids.end())
      throw InputError("stone " + id + " is both in --data " +
                       options.data.string() + " and in --distractors " +
                       options.distractors.string() +
                       ": expected distractors that are other stones");
  report.result = RunProtocol(test, distractors, protocol);
  if (options.calibrate &&
      (report.result.genuine.empty() || report.result.impostor.empty()))
    throw InputError("--calibrate on " + options.data.string() + ": " +
                     std::to_string(report.result.genuine.size()) +
                     " genuine and " +
                     std::to_string(report.result.impostor.size()) +
                     " impostor attempts; expected both (at least two "
                     "stones); the model file is unchanged");

  report.json = ToJson(report.result);
  report.json["model"] = model.string();
  report.json["model_id"] = info.id;
  report.json["data"] = options.data.string();
  report.json["distractors"] = options.distractors.string();
  report.json["pictures"] = report.pictures;
  report.json["rejected_pictures"] = report.rejected;
  report.json["embed_seconds"] = report.embed_seconds;
  report.json["protocol"] = {{"references", protocol.references},
                             {"repeats", protocol.repeats},
                             {"method", MatchMethodName(protocol.match.method)},
                             {"metric", MetricName(protocol.match.metric)},
                             {"k", protocol.match.k},
                             {"verify_pictures", protocol.verify_pictures},
                             {"seed", protocol.seed}};
  if (!options.plot.empty()) {
    WriteEvalPlot(report.result,
                  info.name + " on " + options.data.filename().string(),
                  options.plot);
    report.json["plot"] = options.plot.string();
  }
  if (options.calibrate) {
    const VerificationReport& v = report.result.verification;
    // A switched stone that passes is the jeweller's costly error, so the
    // threshold holds false accepts under the target; verification averages
    // several query pictures, which lowers false rejects further.
    report.calibrated_threshold = v.threshold_at_far;
    nlohmann::json calibration = {
        {"rule",
         "false accept rate <= target, one query picture against "
         "the mean of the references"},
        {"far_target", v.far_target},
        {"frr_at_threshold", v.frr_at_far},
        {"references", protocol.references},
        {"data", options.data.filename().string()},
        {"stones", report.result.stones + report.result.distractor_stones},
        {"genuine_pairs", v.genuine_pairs},
        {"impostor_pairs", v.impostor_pairs}};
    WriteThreshold(model, v.threshold_at_far, calibration);
    report.json["calibrated_threshold"] = v.threshold_at_far;
    spdlog::info("Wrote threshold {:.6f} into {}", v.threshold_at_far,
                 model.string());
  }
  return report;
}

std::string EvalSummary(const EvalReport& report) {
  const ProtocolResult& r = report.result;
  const VerificationReport& v = r.verification;
  char text[1024];
  std::snprintf(
      text, sizeof(text),
      "%d stones (+%d distractors), %d queries, %d pictures (%d rejected)\n"
      "mAP %.2f%% (spread %.2f%%), rank-1 %.2f%%, rank-5 %.2f%%\n"
      "verification (%d genuine, %d impostor attempts): EER %.3f%% at %.4f; "
      "FAR %.3f%% at FRR <= %.1f%% "
      "(threshold %.4f); FRR %.3f%% at FAR <= %.2f%% (threshold %.4f)\n",
      r.stones, r.distractor_stones, r.queries, report.pictures,
      report.rejected, 100 * r.mean_average_precision, 100 * r.map_std,
      100 * r.rank1, 100 * r.rank5, v.genuine_pairs, v.impostor_pairs,
      100 * v.equal_error_rate, v.eer_threshold, 100 * v.far_at_frr,
      100 * v.frr_target, v.threshold_at_frr, 100 * v.frr_at_far,
      100 * v.far_target, v.threshold_at_far);
  std::string out = text;
  if (report.calibrated_threshold > 0)
    out += "calibrated threshold " +
           std::to_string(report.calibrated_threshold) +
           " written into the model\n";
  return out;
}

}  // namespace diareid
