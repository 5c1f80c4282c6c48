#include "diareid/train/trainer.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <numeric>
#include <random>
#include <thread>

#include "augment.h"
#include "checkpoint.h"
#include "diareid/core/error.h"
#include "diareid/core/progress.h"
#include "diareid/model/darknet19.h"
#include "diareid/train/dataset.h"
#include "losses.h"
#include "network_setup.h"
#include "validation.h"

namespace diareid {

namespace fs = std::filesystem;

void TrainOptions::Check() const {
  auto range = [](const char* name, double v, double lo, double hi) {
    if (!(v >= lo && v <= hi))
      throw InputError(std::string("train option ") + name + " = " +
                       std::to_string(v) + " is out of range; expected " +
                       std::to_string(lo) + " to " + std::to_string(hi));
  };
  if (data.empty()) throw InputError("train option data is empty");
  if (out.empty()) throw InputError("train option out is empty");
  range("input_size", input_size, 32, 1024);
  range("width", width, 0.05, 2.0);
  range("embedding_size", embedding_size, 0, 65536);
  range("epochs", epochs, 1, 10000);
  range("stones_per_batch", stones_per_batch, 2, 1024);
  range("pictures_per_stone", pictures_per_stone, 1, 64);
  range("learning_rate", learning_rate, 1e-7, 10);
  range("weight_decay", weight_decay, 0, 1);
  range("validation_stones", validation_stones, 0, 100000);
  range("batches_per_epoch", batches_per_epoch, 0, 1e7);
  range("threads", threads, 0, 1024);
  range("stop_after_epochs", stop_after_epochs, 0, 10000);
  if (loss != "softmax" && loss != "arcface" && loss != "cosface" &&
      loss != "triplet")
    throw InputError("train option loss '" + loss +
                     "' is unknown; expected softmax, arcface, cosface or "
                     "triplet");
  if (storage != "float32" && storage != "float16")
    throw InputError("train option storage '" + storage +
                     "' is unknown; expected float32 or float16");
}

namespace {

// Pictures of the training stones as one 8-bit tensor (N x 3 x S x S) with
// their class labels.
struct TrainingTensors {
  torch::Tensor inputs;
  std::vector<int64_t> labels;
  std::vector<std::vector<int64_t>> rows_of_class;
};

TrainingTensors ToTensors(const PreparedSet& set,
                          const std::vector<std::string>& stones) {
  std::map<std::string, int64_t> label_of;
  for (size_t i = 0; i < stones.size(); ++i)
    label_of[stones[i]] = static_cast<int64_t>(i);
  TrainingTensors t;
  t.rows_of_class.resize(stones.size());
  std::vector<torch::Tensor> rows;
  for (size_t i = 0; i < set.inputs.size(); ++i) {
    auto it = label_of.find(set.pictures[i].stone_id);
    if (it == label_of.end()) continue;
    const cv::Mat& input = set.inputs[i];
    torch::Tensor hwc =
        torch::from_blob(const_cast<float*>(input.ptr<float>()),
                         {input.rows, input.cols, 3}, torch::kFloat32);
    rows.push_back((hwc.permute({2, 0, 1}) * 255.0).round().to(torch::kUInt8));
    t.rows_of_class[it->second].push_back(
        static_cast<int64_t>(t.labels.size()));
    t.labels.push_back(it->second);
  }
  t.inputs = torch::stack(rows);
  return t;
}

// Batches of P stones x K pictures for one epoch, seeded by the run's seed
// and the epoch so that a resumed run draws the same batches.
std::vector<std::vector<int64_t>> SampleEpoch(const TrainingTensors& t,
                                              const TrainOptions& o,
                                              int batches, int epoch) {
  std::mt19937 rng(o.seed * 1000003u + static_cast<unsigned>(epoch));
  const int classes = static_cast<int>(t.rows_of_class.size());
  const int p = std::min(o.stones_per_batch, classes);
  std::vector<int> order;
  std::vector<std::vector<int64_t>> out;
  for (int b = 0; b < batches; ++b) {
    if (static_cast<int>(order.size()) < p) {
      std::vector<int> fresh(classes);
      std::iota(fresh.begin(), fresh.end(), 0);
      std::shuffle(fresh.begin(), fresh.end(), rng);
      order.insert(order.end(), fresh.begin(), fresh.end());
    }
    std::vector<int64_t> batch;
    for (int i = 0; i < p; ++i) {
      std::vector<int64_t> rows = t.rows_of_class[order[i]];
      std::shuffle(rows.begin(), rows.end(), rng);
      for (int k = 0; k < o.pictures_per_stone; ++k)
        batch.push_back(rows[k % rows.size()]);
    }
    order.erase(order.begin(), order.begin() + p);
    out.push_back(std::move(batch));
  }
  return out;
}

// The options that must not change between a run and its resumption.
nlohmann::json Fingerprint(const TrainOptions& o) {
  return {{"data", fs::absolute(o.data).string()},
          {"init", o.init.string()},
          {"input_size", o.input_size},
          {"polar", o.polar},
          {"width", o.width},
          {"embedding_size", o.embedding_size},
          {"epochs", o.epochs},
          {"loss", o.loss},
          {"stones_per_batch", o.stones_per_batch},
          {"pictures_per_stone", o.pictures_per_stone},
          {"learning_rate", o.learning_rate},
          {"weight_decay", o.weight_decay},
          {"validation_stones", o.validation_stones},
          {"augment", o.augment},
          {"batches_per_epoch", o.batches_per_epoch},
          {"seed", o.seed}};
}

double LearningRate(const TrainOptions& o, long step, long steps_per_epoch) {
  const double total = static_cast<double>(o.epochs) * steps_per_epoch;
  const double warm = std::min(1.0, (step + 1.0) / steps_per_epoch);
  return o.learning_rate * warm * 0.5 * (1 + std::cos(M_PI * step / total));
}

}  // namespace

TrainReport Train(const TrainOptions& options) {
  options.Check();
  torch::set_num_threads(options.threads > 0
                             ? options.threads
                             : static_cast<int>(std::max(
                                   1u, std::thread::hardware_concurrency())));
  const fs::path work = options.work_dir.empty()
                            ? fs::path(options.out.string() + ".work")
                            : options.work_dir;
  fs::create_directories(work);
  ModelInfo info = TrainingModelInfo(options);

  // Split by stone, prepare every picture once (cached in the work folder).
  std::vector<LabelledPicture> pictures = ListDataset(options.data);
  std::vector<std::string> stones = StonesOf(pictures);
  const int held_out = std::min<int>(options.validation_stones,
                                     static_cast<int>(stones.size()) - 2);
  StoneSplit split = SplitStones(stones, std::max(0, held_out), options.seed);
  spdlog::info("Training on {} stones, validating on {} other stones",
               split.first.size(), split.second.size());
  PreparedSet prepared = PrepareDataset(pictures, info.preprocess, work);
  TrainingTensors data = ToTensors(prepared, split.first);
  ValidationSet validation = MakeValidationSet(prepared, split.second);

  torch::manual_seed(options.seed);
  Darknet19 network = CreateNetwork(info);
  InitialiseNetwork(options.init, network);
  const int64_t features =
      info.head == "pool" ? FeatureSize(info) : info.embedding_size;
  StoneClassifier classifier(features, static_cast<int64_t>(split.first.size()),
                             options.loss);
  std::vector<torch::Tensor> parameters = network->parameters();
  for (auto& p : classifier->parameters()) parameters.push_back(p);
  torch::optim::Adam optimiser(parameters,
                               torch::optim::AdamOptions(options.learning_rate)
                                   .weight_decay(options.weight_decay));

  const int batch_pictures =
      std::min<int>(options.stones_per_batch, split.first.size()) *
      options.pictures_per_stone;
  const int batches =
      options.batches_per_epoch > 0
          ? options.batches_per_epoch
          : std::max<int>(1, data.labels.size() / batch_pictures);

  TrainReport report;
  const fs::path checkpoint = work / "checkpoint.pt";
  int start_epoch = 0;
  if (fs::exists(checkpoint)) {
    std::string json_text;
    start_epoch =
        LoadCheckpoint(checkpoint, network, classifier, optimiser, json_text);
    auto saved = nlohmann::json::parse(json_text);
    if (saved["options"] != Fingerprint(options))
      throw InputError("checkpoint '" + checkpoint.string() +
                       "' was made with other options (" +
                       saved["options"].dump() +
                       "); delete it or choose another --out");
    report.history = saved["history"];
    report.resumed_from = start_epoch;
    spdlog::info("Resuming after epoch {} from {}", start_epoch,
                 checkpoint.string());
  }

  const torch::Tensor labels_all = torch::tensor(data.labels);
  // A fixed sample of training pictures for the batch-norm statistics.
  const int64_t sample = std::min<int64_t>(data.inputs.size(0), 320);
  const torch::Tensor recalibration =
      data.inputs
          .index_select(0, torch::linspace(0, data.inputs.size(0) - 1, sample)
                               .to(torch::kLong))
          .to(torch::kFloat32) /
      255.0;
  const auto run_start = std::chrono::steady_clock::now();
  int epochs_this_run = 0;
  for (int epoch = start_epoch; epoch < options.epochs; ++epoch) {
    torch::manual_seed(options.seed * 7919u + static_cast<unsigned>(epoch));
    network->train();
    classifier->train();
    auto epoch_batches = SampleEpoch(data, options, batches, epoch);
    Progress progress("Epoch " + std::to_string(epoch + 1) + "/" +
                          std::to_string(options.epochs),
                      batches, 10.0);
    double loss_sum = 0, correct = 0, seen = 0;
    for (int b = 0; b < batches; ++b) {
      const long step = static_cast<long>(epoch) * batches + b;
      for (auto& group : optimiser.param_groups())
        static_cast<torch::optim::AdamOptions&>(group.options())
            .lr(LearningRate(options, step, batches));
      torch::Tensor index = torch::tensor(epoch_batches[b]);
      torch::Tensor x =
          data.inputs.index_select(0, index).to(torch::kFloat32) / 255.0;
      if (options.augment) x = AugmentBatch(x, options.polar);
      torch::Tensor y = labels_all.index_select(0, index);
      NetworkOutput out = network->Run(x);
      torch::Tensor logits = classifier->forward(out.post_neck, y);
      torch::Tensor loss = classifier->Loss(logits, y);
      if (options.loss == "triplet")
        loss = loss + BatchHardTripletLoss(out.pre_neck, y);
      optimiser.zero_grad();
      loss.backward();
      optimiser.step();
      loss_sum += loss.item<double>() * y.size(0);
      correct += (logits.argmax(1) == y).sum().item<double>();
      seen += y.size(0);
      char detail[128];
      std::snprintf(detail, sizeof(detail),
                    "loss %.4f, accuracy %.1f%%, %.1f pictures/s",
                    loss_sum / seen, 100 * correct / seen,
                    seen / std::max(1e-9, progress.ElapsedSeconds()));
      progress.Update(b + 1, detail);
    }
    RecalibrateBatchNorm(network, recalibration);
    ValidationScore score = Validate(network, validation, info);
    const double seconds = progress.ElapsedSeconds();
    ++epochs_this_run;
    const double run_seconds = std::chrono::duration<double>(
                                   std::chrono::steady_clock::now() - run_start)
                                   .count();
    const double left =
        run_seconds / epochs_this_run * (options.epochs - epoch - 1);
    report.history.push_back({{"epoch", epoch + 1},
                              {"loss", loss_sum / seen},
                              {"accuracy", correct / seen},
                              {"validation_map", score.map},
                              {"validation_rank1", score.rank1},
                              {"seconds", seconds},
                              {"pictures_per_second", seen / seconds}});
    spdlog::info(
        "Epoch {}/{}: loss {:.4f}, accuracy {:.1f}%, validation mAP {:.1f}% "
        "rank-1 {:.1f}%, {:.1f} pictures/s, {} left",
        epoch + 1, options.epochs, loss_sum / seen, 100 * correct / seen,
        100 * score.map, 100 * score.rank1, seen / seconds,
        FormatDuration(left));
    report.final_loss = loss_sum / seen;
    report.final_accuracy = correct / seen;
    report.epochs_done = epoch + 1;
    nlohmann::json state = {{"options", Fingerprint(options)},
                            {"history", report.history}};
    SaveCheckpoint(checkpoint, network, classifier, optimiser, epoch + 1,
                   state.dump());
    if (options.stop_after_epochs > 0 &&
        epochs_this_run >= options.stop_after_epochs &&
        epoch + 1 < options.epochs) {
      spdlog::info("Stopping after {} epochs of this run, as asked",
                   epochs_this_run);
      return report;
    }
  }
  if (report.epochs_done == 0) report.epochs_done = start_epoch;
  info.training = TrainingRecord(options, split, prepared, report);
  network->eval();
  ModelInfo written = SaveModel(options.out, network, info);
  report.model_id = written.id;
  spdlog::info("Wrote {} (model {})", options.out.string(), written.id);
  return report;
}

}  // namespace diareid
