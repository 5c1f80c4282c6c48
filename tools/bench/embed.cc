// Pictures per second of the Darknet19 embedder: diareid in float32 and
// bfloat16 and OpenCV dnn on the same weights, at 256 and 600 px, batch 1
// and 8, next to the peak a large convolution reaches in LibTorch.
// Engines are timed in interleaved rounds and each keeps its best round, so
// that load from other work on a shared machine hits all of them alike
// instead of whichever cell ran at the wrong moment.
//   embed [--threads N] [--iterations K] [--rounds R] [--sizes 256,600]
#include <CLI/CLI.hpp>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <opencv2/core/utility.hpp>
#include <opencv2/dnn.hpp>
#include <random>
#include <thread>

#include "diareid/core/files.h"
#include "diareid/model/darknet19.h"
#include "diareid/model/darknet_cfg.h"
#include "diareid/model/embedder.h"

namespace {

using Clock = std::chrono::steady_clock;
using diareid::LayerSpec;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// Multiply-adds x 2 of the feature extractor for a side x side input.
double Gflop(const std::vector<LayerSpec>& layers, int side) {
  double flop = 0;
  int64_t channels = 3, h = side;
  for (const LayerSpec& layer : layers) {
    if (layer.type == "maxpool") {
      h = (h + layer.stride - 1) / layer.stride;
      continue;
    }
    flop += 2.0 * layer.filters * channels * layer.size * layer.size * h * h;
    channels = layer.filters;
  }
  return flop / 1e9;
}

// Random darknet weights for the layers, with positive variances.
void WriteWeights(const std::filesystem::path& path,
                  const std::vector<LayerSpec>& layers) {
  const auto counts = diareid::DarknetWeightCounts(layers);
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> unit(-1, 1);
  std::string bytes(20, '\0');
  const int32_t version[3] = {0, 2, 0};
  std::memcpy(bytes.data(), version, 12);
  int64_t channels = 3;
  for (size_t i = 0; i < layers.size(); ++i) {
    if (layers[i].type != "convolutional") continue;
    const int64_t n = layers[i].filters;
    std::vector<float> values(counts[i]);
    const float bound =
        std::sqrt(6.0f / (channels * layers[i].size * layers[i].size));
    for (int64_t j = 0; j < counts[i]; ++j)
      values[j] = j >= 2 * n && j < 4 * n ? 0.3f + 0.1f * unit(rng)
                  : j < 2 * n             ? 1.0f + 0.1f * unit(rng)
                                          : bound * unit(rng);
    bytes.append(reinterpret_cast<const char*>(values.data()),
                 values.size() * 4);
    channels = n;
  }
  diareid::WriteFileAtomic(path, bytes);
}

std::filesystem::path WriteCfg(const std::filesystem::path& dir,
                               const std::vector<LayerSpec>& layers, int side) {
  std::string text = "[net]\nwidth=" + std::to_string(side) +
                     "\nheight=" + std::to_string(side) + "\nchannels=3\n";
  for (const LayerSpec& l : layers) {
    if (l.type == "maxpool") {
      text += "\n[maxpool]\nsize=2\nstride=2\n";
      continue;
    }
    text += "\n[convolutional]\nbatch_normalize=1\nfilters=" +
            std::to_string(l.filters) + "\nsize=" + std::to_string(l.size) +
            "\nstride=1\npad=1\nactivation=leaky\n";
  }
  const auto path = dir / ("bench" + std::to_string(side) + ".cfg");
  diareid::WriteFileAtomic(path, text);
  return path;
}

// GFLOP/s of a 3x3, 256-channel convolution on a 76x76 grid, batch 8, in
// the best of `rounds` rounds.
double PeakGflops(torch::ScalarType type, int iterations, int rounds) {
  torch::InferenceMode guard;
  auto x = torch::rand({8, 256, 76, 76})
               .contiguous(torch::MemoryFormat::ChannelsLast)
               .to(type);
  auto w = torch::rand({256, 256, 3, 3})
               .contiguous(torch::MemoryFormat::ChannelsLast)
               .to(type);
  torch::conv2d(x, w, {}, 1, 1);
  double best = 0;
  for (int round = 0; round < rounds; ++round) {
    const auto start = Clock::now();
    for (int i = 0; i < iterations; ++i) torch::conv2d(x, w, {}, 1, 1);
    best = std::max(best, iterations * 2.0 * 8 * 256 * 256 * 9 * 76 * 76 / 1e9 /
                              Seconds(start));
  }
  return best;
}

// Pictures per second of each engine, best of `rounds` interleaved rounds
// of `iterations` runs each (after one warm-up run).
std::vector<double> BestRates(int batch, int iterations, int rounds,
                              const std::vector<std::function<void()>>& runs) {
  for (const auto& run : runs) run();
  std::vector<double> best(runs.size(), 0.0);
  for (int round = 0; round < rounds; ++round)
    for (size_t e = 0; e < runs.size(); ++e) {
      const auto start = Clock::now();
      for (int i = 0; i < iterations; ++i) runs[e]();
      best[e] = std::max(best[e], iterations * batch / Seconds(start));
    }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Darknet19 embedding throughput"};
  int threads = 0, iterations = 2, rounds = 3;
  std::vector<int> sizes = {256, 600};
  app.add_option("--threads", threads, "Threads; 0: all cores");
  app.add_option("--iterations", iterations, "Timed runs per round");
  app.add_option("--rounds", rounds, "Interleaved rounds; the best counts");
  app.add_option("--sizes", sizes, "Input sides")->delimiter(',');
  CLI11_PARSE(app, argc, argv);
  if (threads <= 0)
    threads = static_cast<int>(std::thread::hardware_concurrency());
  torch::set_num_threads(threads);
  cv::setNumThreads(threads);

  const auto dir = std::filesystem::temp_directory_path() /
                   ("diareid-bench-embed-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto layers = diareid::Darknet19Layers(23);
  const auto weights = dir / "darknet19.weights";
  WriteWeights(weights, layers);

  const double peak32 = PeakGflops(torch::kFloat32, iterations, rounds);
  const double peak16 = PeakGflops(torch::kBFloat16, iterations, rounds);
  std::printf(
      "threads %d; peak (3x3 conv 256->256, 76x76, batch 8): "
      "float32 %.1f GFLOP/s, bfloat16 %.1f GFLOP/s\n\n",
      threads, peak32, peak16);
  std::printf("%-6s %-6s %-16s %10s %10s %10s %8s\n", "size", "batch", "engine",
              "pict/s", "GFLOP/s", "of peak", "vs cv");
  for (int side : sizes) {
    diareid::ModelInfo info;
    info.layers = layers;
    info.preprocess.input_size = side;
    diareid::Darknet19 network = diareid::CreateNetwork(info);
    diareid::LoadDarknetWeights(weights, layers, network);
    const auto model = dir / ("bench" + std::to_string(side) + ".dmodel");
    diareid::SaveModel(model, network, info);
    cv::dnn::Net reference = cv::dnn::readNetFromDarknet(
        WriteCfg(dir, layers, side).string(), weights.string());
    const double gflop = Gflop(layers, side);
    for (int batch : {1, 8}) {
      std::vector<cv::Mat> pictures;
      for (int i = 0; i < batch; ++i) {
        cv::Mat picture(side, side, CV_32FC3);
        cv::randu(picture, 0.0f, 1.0f);
        pictures.push_back(picture);
      }
      diareid::EmbedderOptions options;
      options.threads = threads;
      options.batch_size = batch;
      auto fp32 = diareid::Embedder::Load(model, options);
      options.bfloat16 = true;
      auto bf16 = diareid::Embedder::Load(model, options);
      const cv::Mat blob = cv::dnn::blobFromImages(pictures);
      const std::vector<double> rates = BestRates(
          batch, iterations, rounds,
          {[&] { fp32->Embed(pictures); }, [&] { bf16->Embed(pictures); },
           [&] {
             reference.setInput(blob);
             reference.forward();
           }});
      const double cv_rate = rates[2];
      const char* names[3] = {"diareid float32", "diareid bfloat16",
                              "opencv dnn"};
      const double peaks[3] = {peak32, peak16, peak32};
      for (int e = 0; e < 3; ++e)
        std::printf("%-6d %-6d %-16s %10.2f %10.1f %9.0f%% %7.2fx\n", side,
                    batch, names[e], rates[e], rates[e] * gflop,
                    100 * rates[e] * gflop / peaks[e], rates[e] / cv_rate);
    }
  }
  std::filesystem::remove_all(dir);
  return 0;
}
