#include "checkpoint.h"

#include "diareid/core/error.h"
#include "diareid/core/files.h"

namespace diareid {

namespace {

torch::Tensor TextTensor(const std::string& text) {
  torch::Tensor t =
      torch::empty({static_cast<int64_t>(text.size())}, torch::kUInt8);
  std::memcpy(t.data_ptr<uint8_t>(), text.data(), text.size());
  return t;
}

}  // namespace

void SaveCheckpoint(const std::filesystem::path& path, Darknet19 network,
                    StoneClassifier classifier, torch::optim::Optimizer& opt,
                    int epoch, const std::string& json) {
  torch::serialize::OutputArchive archive, net, head, optimiser;
  network->save(net);
  classifier->save(head);
  opt.save(optimiser);
  archive.write("network", net);
  archive.write("classifier", head);
  archive.write("optimizer", optimiser);
  archive.write("epoch", torch::tensor(static_cast<int64_t>(epoch)));
  archive.write("json", TextTensor(json));
  std::filesystem::path temporary = path;
  temporary += ".partial";
  archive.save_to(temporary.string());
  std::filesystem::rename(temporary, path);
  SyncDirectory(path.parent_path());
}

int LoadCheckpoint(const std::filesystem::path& path, Darknet19 network,
                   StoneClassifier classifier, torch::optim::Optimizer& opt,
                   std::string& json) {
  try {
    torch::serialize::InputArchive archive, net, head, optimiser;
    archive.load_from(path.string());
    archive.read("network", net);
    archive.read("classifier", head);
    archive.read("optimizer", optimiser);
    network->load(net);
    classifier->load(head);
    opt.load(optimiser);
    torch::Tensor epoch, text;
    archive.read("epoch", epoch);
    archive.read("json", text);
    json.assign(reinterpret_cast<const char*>(text.data_ptr<uint8_t>()),
                text.numel());
    return static_cast<int>(epoch.item<int64_t>());
  } catch (const c10::Error& e) {
    throw InputError("checkpoint '" + path.string() + "' cannot be read (" +
                     e.what_without_backtrace() + "); delete it to start over");
  }
}

}  // namespace diareid
