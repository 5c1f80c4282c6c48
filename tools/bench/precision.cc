// Float32 against bfloat16 on rendered stones: how far apart the two
// embeddings of each picture are (cosine), how fast each runs, and whether
// the published protocol and the model's verdicts change. The measurement
// that decides whether bfloat16 may be the default.
//   precision --data DIR [--model MODEL] [--repeats N] [--threads N]
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "diareid/core/logging.h"
#include "diareid/match/protocol.h"
#include "diareid/model/default_model.h"
#include "diareid/model/embedder.h"
#include "diareid/train/dataset.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Run {
  diareid::LabelledEmbeddings embeddings;
  double seconds = 0;
};

Run EmbedAll(const std::filesystem::path& model,
             const diareid::PreparedSet& set, bool bfloat16, int threads) {
  diareid::EmbedderOptions options;
  options.threads = threads;
  options.bfloat16 = bfloat16;
  auto embedder = diareid::Embedder::Load(model, options);
  embedder->Embed({set.inputs.front()});  // Warm-up: prepacks the weights.
  Run run;
  const auto start = Clock::now();
  run.embeddings.vectors = embedder->Embed(set.inputs);
  run.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  for (const auto& picture : set.pictures)
    run.embeddings.stone_ids.push_back(picture.stone_id);
  return run;
}

// Pairs whose verdict at `threshold` differs between the two runs.
int Flips(const std::vector<double>& a, const std::vector<double>& b,
          double threshold) {
  int flips = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i)
    flips += (a[i] <= threshold) != (b[i] <= threshold);
  return flips;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Float32 against bfloat16 embeddings on rendered stones"};
  std::string data, model;
  int repeats = 5, threads = 0;
  app.add_option("--data", data, "Rendered stones: DIR/<stone-id>/*.png")
      ->required();
  app.add_option("--model", model, "Model file (default: the shipped one)");
  app.add_option("--repeats", repeats, "Random choices of references");
  app.add_option("--threads", threads, "Threads; 0: all cores");
  CLI11_PARSE(app, argc, argv);
  diareid::SetUpLogging("warn", "");
  const std::filesystem::path model_path = model.empty()
                                               ? diareid::DefaultModelPath()
                                               : std::filesystem::path(model);

  auto probe = diareid::Embedder::Load(model_path, {});
  const diareid::ModelInfo info = probe->info();
  probe.reset();
  const diareid::PreparedSet set =
      diareid::PrepareDataset(diareid::ListDataset(data), info.preprocess);
  const Run full = EmbedAll(model_path, set, false, threads);
  const Run half = EmbedAll(model_path, set, true, threads);

  std::vector<double> cosines;
  for (Eigen::Index i = 0; i < full.embeddings.vectors.rows(); ++i) {
    const auto a = full.embeddings.vectors.row(i);
    const auto b = half.embeddings.vectors.row(i);
    cosines.push_back(a.dot(b) / (a.norm() * b.norm()));
  }
  std::sort(cosines.begin(), cosines.end());
  double mean = 0;
  for (double c : cosines) mean += c / cosines.size();
  const auto below = std::count_if(cosines.begin(), cosines.end(),
                                   [](double c) { return c < 0.999; });
  std::printf("model %s, %zu pictures of %s\n", info.id.substr(0, 12).c_str(),
              cosines.size(), data.c_str());
  std::printf("speed: float32 %.1f pict/s, bfloat16 %.1f pict/s (%.2fx)\n",
              cosines.size() / full.seconds, cosines.size() / half.seconds,
              full.seconds / half.seconds);
  std::printf(
      "cosine(float32, bfloat16): min %.6f, 1st percentile %.6f, mean "
      "%.6f; %ld pictures below 0.999\n\n",
      cosines.front(), cosines[cosines.size() / 100], mean,
      static_cast<long>(below));

  std::printf("%-16s %4s %-9s %8s %8s %8s %9s %9s %7s\n", "method", "refs",
              "precision", "mAP %", "rank-1 %", "EER %", "FAR@FRR1",
              "FRR@FAR.1", "flips");
  struct Case {
    diareid::MatchMethod method;
    int refs;
  };
  for (const Case c : {Case{diareid::MatchMethod::kNearestAverage, 1},
                       Case{diareid::MatchMethod::kKnn, 8},
                       Case{diareid::MatchMethod::kSvm, 8}}) {
    diareid::ProtocolOptions options;
    options.references = c.refs;
    options.repeats = repeats;
    options.match.method = c.method;
    options.match.k = 5;
    options.match.metric = diareid::ParseMetric(info.metric);
    const auto a = diareid::RunProtocol(full.embeddings, {}, options);
    const auto b = diareid::RunProtocol(half.embeddings, {}, options);
    const int flips = Flips(a.genuine, b.genuine, info.verify_threshold) +
                      Flips(a.impostor, b.impostor, info.verify_threshold);
    for (const auto* r : {&a, &b}) {
      const auto& v = r->verification;
      std::printf(
          "%-16s %4d %-9s %8.2f %8.2f %8.2f %8.2f%% %8.2f%% %7s\n",
          diareid::MatchMethodName(c.method), c.refs,
          r == &a ? "float32" : "bfloat16", 100 * r->mean_average_precision,
          100 * r->rank1, 100 * v.equal_error_rate, 100 * v.far_at_frr,
          100 * v.frr_at_far, r == &a ? "" : std::to_string(flips).c_str());
    }
  }
  std::printf(
      "\nflips: query/stone pairs whose verdict at the model's threshold "
      "(%.3f) differs between float32 and bfloat16.\n",
      info.verify_threshold);
  return 0;
}
