// Model files to and from a Darknet19 network.
#include <map>

#include "diareid/core/error.h"
#include "diareid/model/darknet19.h"
#include "model_file.h"

namespace diareid {
namespace {

torch::ScalarType StorageType(const std::string& storage) {
  if (storage == "float32") return torch::kFloat32;
  if (storage == "float16") return torch::kFloat16;
  throw InputError("model storage '" + storage +
                   "' is not supported: expected float32 or float16");
}

// The tensors a model file holds: parameters and running statistics, in
// registration order (batch counters are left out).
std::vector<std::pair<std::string, torch::Tensor>> StateOf(Darknet19Impl& net) {
  std::vector<std::pair<std::string, torch::Tensor>> state;
  for (const auto& item : net.named_parameters())
    state.emplace_back(item.key(), item.value());
  for (const auto& item : net.named_buffers())
    if (item.key().find("num_batches_tracked") == std::string::npos)
      state.emplace_back(item.key(), item.value());
  return state;
}

std::string ShapeText(const std::vector<int64_t>& shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? " x " : "") + std::to_string(shape[i]);
  return text + "]";
}

}  // namespace

void Darknet19Impl::FuseBatchNorm() {
  torch::NoGradGuard no_grad;
  for (size_t i = 0; i < convs_.size(); ++i) {
    if (norms_[i].is_empty()) continue;
    torch::nn::BatchNorm2d& bn = norms_[i];
    torch::Tensor& weight = convs_[i]->weight;
    const torch::Tensor mean = bn->running_mean.to(torch::kFloat32);
    const torch::Tensor scale =
        bn->weight.to(torch::kFloat32) /
        torch::sqrt(bn->running_var.to(torch::kFloat32) + bn->options.eps());
    weight.copy_(weight.to(torch::kFloat32) * scale.view({-1, 1, 1, 1}));
    // The convolution registered an empty bias; its forward reads the
    // member, which now holds the batch norm's shift.
    convs_[i]->bias =
        (bn->bias.to(torch::kFloat32) - mean * scale).to(weight.scalar_type());
    norms_[i] = torch::nn::BatchNorm2d(nullptr);
  }
  fused_ = true;
}

ModelInfo SaveModel(const std::filesystem::path& path, Darknet19 network,
                    ModelInfo info) {
  if (network->fused())
    throw InternalError("a network with fused batch norms cannot be saved");
  const torch::ScalarType type = StorageType(info.storage);
  info.layers = network->info().layers;
  std::vector<StoredTensor> tensors;
  for (const auto& [name, value] : StateOf(*network)) {
    torch::Tensor stored = value.detach().to(torch::kCPU).to(type).contiguous();
    StoredTensor tensor;
    tensor.name = name;
    tensor.dtype = info.storage;
    tensor.shape = stored.sizes().vec();
    tensor.bytes.assign(static_cast<const char*>(stored.data_ptr()),
                        stored.numel() * stored.element_size());
    tensors.push_back(std::move(tensor));
  }
  info.id.clear();
  nlohmann::json metadata = ToJson(info);
  info.id = ContentId(metadata, tensors);
  metadata["id"] = info.id;
  WriteModelFile(path, metadata, tensors);
  return info;
}

Darknet19 LoadModel(const std::filesystem::path& path) {
  ModelFileHeader file = ReadModelFile(path);
  const std::string name = path.string();
  ModelInfo info = ModelInfoFromJson(file.metadata);
  const std::string actual_id = ContentId(file.metadata, file.tensors);
  if (info.id != actual_id)
    throw InputError("model file " + name + " is damaged: its content hashes " +
                     "to " + actual_id + ", expected the stored ID " + info.id);
  Darknet19 network(info);
  std::map<std::string, const StoredTensor*> by_name;
  for (const StoredTensor& tensor : file.tensors)
    by_name[tensor.name] = &tensor;
  torch::NoGradGuard no_grad;
  for (auto& [key, value] : StateOf(*network)) {
    auto it = by_name.find(key);
    if (it == by_name.end())
      throw InputError("model file " + name + " lacks tensor " + key +
                       " that its layers need");
    const StoredTensor& stored = *it->second;
    if (stored.shape != value.sizes().vec())
      throw InputError("model file " + name + " gives tensor " + key +
                       " shape " + ShapeText(stored.shape) + ", expected " +
                       ShapeText(value.sizes().vec()));
    torch::Tensor raw =
        torch::from_blob(const_cast<char*>(stored.bytes.data()), stored.shape,
                         StorageType(stored.dtype));
    value.copy_(raw.to(torch::kFloat32));
    by_name.erase(it);
  }
  if (!by_name.empty())
    throw InputError("model file " + name + " holds tensor " +
                     by_name.begin()->first + " that its layers do not use");
  network->eval();
  return network;
}

}  // namespace diareid
