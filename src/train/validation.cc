#include "validation.h"

#include <set>

#include "diareid/match/protocol.h"

namespace diareid {

ValidationSet MakeValidationSet(const PreparedSet& prepared,
                                const std::vector<std::string>& stones) {
  std::set<std::string> wanted(stones.begin(), stones.end());
  ValidationSet set;
  std::vector<torch::Tensor> rows;
  for (size_t i = 0; i < prepared.inputs.size(); ++i) {
    if (!wanted.count(prepared.pictures[i].stone_id)) continue;
    const cv::Mat& input = prepared.inputs[i];
    rows.push_back(torch::from_blob(const_cast<float*>(input.ptr<float>()),
                                    {input.rows, input.cols, 3},
                                    torch::kFloat32)
                       .permute({2, 0, 1})
                       .clone());
    set.stone_ids.push_back(prepared.pictures[i].stone_id);
  }
  if (!rows.empty()) set.inputs = torch::stack(rows);
  return set;
}

void RecalibrateBatchNorm(Darknet19 network, const torch::Tensor& inputs) {
  torch::NoGradGuard no_grad;
  using Norm2 = std::pair<torch::nn::BatchNorm2dImpl*, c10::optional<double>>;
  using Norm1 = std::pair<torch::nn::BatchNorm1dImpl*, c10::optional<double>>;
  std::vector<Norm2> norms2;
  std::vector<Norm1> norms1;
  for (auto& module : network->modules(/*include_self=*/false)) {
    if (auto* bn = module->as<torch::nn::BatchNorm2d>()) {
      norms2.push_back({bn, bn->options.momentum()});
      bn->reset_running_stats();
      bn->options.momentum(c10::nullopt);
    } else if (auto* bn1 = module->as<torch::nn::BatchNorm1d>()) {
      norms1.push_back({bn1, bn1->options.momentum()});
      bn1->reset_running_stats();
      bn1->options.momentum(c10::nullopt);
    }
  }
  const bool was_training = network->is_training();
  network->train();
  // Training-mode batch norm needs two pictures or more per batch.
  for (int64_t start = 0; start + 1 < inputs.size(0); start += 32)
    network->Run(inputs.slice(0, start, start + 32));
  for (auto& [bn, momentum] : norms2) bn->options.momentum(momentum);
  for (auto& [bn, momentum] : norms1) bn->options.momentum(momentum);
  network->train(was_training);
}

ValidationScore Validate(Darknet19 network, const ValidationSet& set,
                         const ModelInfo& info) {
  ValidationScore score;
  if (set.stone_ids.size() < 2) return score;
  network->eval();
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> parts;
  for (int64_t start = 0; start < set.inputs.size(0); start += 32)
    parts.push_back(network->forward(set.inputs.slice(0, start, start + 32)));
  torch::Tensor embeddings = torch::cat(parts).contiguous();
  LabelledEmbeddings test;
  test.vectors = Eigen::Map<EmbeddingMatrix>(
      embeddings.data_ptr<float>(), embeddings.size(0), embeddings.size(1));
  test.stone_ids = set.stone_ids;
  ProtocolOptions options;
  options.references = 1;
  options.repeats = 3;
  options.match.metric = ParseMetric(info.metric);
  ProtocolResult result = RunProtocol(test, LabelledEmbeddings{}, options);
  network->train();
  score.map = result.mean_average_precision;
  score.rank1 = result.rank1;
  return score;
}

}  // namespace diareid
