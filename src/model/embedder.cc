#include "diareid/model/embedder.h"

#include <spdlog/spdlog.h>

#include <thread>

#include "diareid/core/error.h"
#include "diareid/model/darknet19.h"
#include "packed_network.h"

namespace diareid {
namespace {

bool CpuHasBfloat16() {
  return __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vl");
}

class TorchEmbedder : public Embedder {
 public:
  TorchEmbedder(Darknet19 network, const EmbedderOptions& options)
      : info_(network->info()), options_(options) {
    const int threads =
        options_.threads > 0
            ? options_.threads
            : static_cast<int>(std::thread::hardware_concurrency());
    torch::set_num_threads(std::max(threads, 1));
    network->eval();
    if (options_.bfloat16 && !CpuHasBfloat16()) {
      spdlog::warn(
          "This CPU lacks AVX-512; computing in float32, not bfloat16");
      options_.bfloat16 = false;
    }
    network->to(options_.bfloat16 ? torch::kBFloat16 : torch::kFloat32);
    network_ = std::make_unique<PackedNetwork>(std::move(network));
    spdlog::debug("Embedder: model {}, {} threads, {}, {} convolutions",
                  info_.id, torch::get_num_threads(),
                  options_.bfloat16 ? "bfloat16" : "float32",
                  network_->prepacked() ? "prepacked" : "plain");
  }

  const ModelInfo& info() const override { return info_; }

  EmbeddingMatrix Embed(const std::vector<cv::Mat>& inputs) override {
    const int side = info_.preprocess.input_size;
    EmbeddingMatrix out(static_cast<Eigen::Index>(inputs.size()),
                        info_.embedding_size);
    c10::InferenceMode guard;
    const size_t batch = static_cast<size_t>(std::max(options_.batch_size, 1));
    for (size_t start = 0; start < inputs.size(); start += batch) {
      const size_t count = std::min(batch, inputs.size() - start);
      torch::Tensor x = torch::empty(
          {static_cast<int64_t>(count), side, side, 3}, torch::kFloat32);
      for (size_t i = 0; i < count; ++i) {
        const cv::Mat& input = inputs[start + i];
        if (input.type() != CV_32FC3 || input.rows != side ||
            input.cols != side)
          throw InputError(
              "picture " + std::to_string(start + i) +
              " given to the model is " + std::to_string(input.cols) + "x" +
              std::to_string(input.rows) + " of OpenCV type " +
              std::to_string(input.type()) + ", expected " +
              std::to_string(side) + "x" + std::to_string(side) +
              " RGB float32 (type " + std::to_string(CV_32FC3) + ")");
        cv::Mat target(side, side, CV_32FC3, x[i].data_ptr<float>());
        input.copyTo(target);
      }
      // NHWC memory viewed as NCHW is exactly the channels-last layout.
      x = x.permute({0, 3, 1, 2});
      if (options_.bfloat16) x = x.to(torch::kBFloat16);
      torch::Tensor y = network_->Embed(x).to(torch::kFloat32).contiguous();
      std::memcpy(out.row(static_cast<Eigen::Index>(start)).data(),
                  y.data_ptr<float>(), y.numel() * sizeof(float));
    }
    return out;
  }

 private:
  std::unique_ptr<PackedNetwork> network_;
  ModelInfo info_;
  EmbedderOptions options_;
};

}  // namespace

std::unique_ptr<Embedder> Embedder::Load(const std::filesystem::path& path,
                                         const EmbedderOptions& options) {
  return std::make_unique<TorchEmbedder>(LoadModel(path), options);
}

}  // namespace diareid
