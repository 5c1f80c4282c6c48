#include "diareid/model/darknet_cfg.h"

#include <fstream>
#include <map>

#include "diareid/core/error.h"

namespace diareid {
namespace {

using Section = std::map<std::string, std::pair<std::string, int>>;

std::string Trim(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return "";
  const auto end = text.find_last_not_of(" \t\r");
  return text.substr(begin, end - begin + 1);
}

class CfgReader {
 public:
  explicit CfgReader(const std::filesystem::path& path)
      : file_(path.string()) {}

  int Int(const Section& section, const std::string& key, int fallback) const {
    auto it = section.find(key);
    if (it == section.end()) return fallback;
    try {
      size_t used = 0;
      const int value = std::stoi(it->second.first, &used);
      if (used == it->second.first.size()) return value;
    } catch (const std::exception&) {
    }
    throw InputError("darknet cfg " + file_ + " line " +
                     std::to_string(it->second.second) + ": " + key + "=" +
                     it->second.first + " is not an integer");
  }

  std::string Text(const Section& section, const std::string& key,
                   const std::string& fallback) const {
    auto it = section.find(key);
    return it == section.end() ? fallback : it->second.first;
  }

 private:
  std::string file_;
};

}  // namespace

DarknetCfg ParseDarknetCfg(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in)
    throw InputError("cannot read darknet cfg " + path.string() +
                     ": expected an existing readable file");
  std::vector<std::pair<std::string, Section>> sections;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    line = Trim(line);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line[0] == '[') {
      if (line.back() != ']')
        throw InputError("darknet cfg " + path.string() + " line " +
                         std::to_string(number) + ": '" + line +
                         "' is not a [section] heading");
      sections.emplace_back(line.substr(1, line.size() - 2), Section());
      continue;
    }
    const auto equals = line.find('=');
    if (equals == std::string::npos || sections.empty())
      throw InputError("darknet cfg " + path.string() + " line " +
                       std::to_string(number) + ": '" + line +
                       "' is not key=value inside a section");
    sections.back().second[Trim(line.substr(0, equals))] = {
        Trim(line.substr(equals + 1)), number};
  }
  if (sections.empty() ||
      (sections[0].first != "net" && sections[0].first != "network"))
    throw InputError("darknet cfg " + path.string() +
                     " does not start with a [net] section");
  CfgReader reader(path);
  DarknetCfg cfg;
  const Section& net = sections[0].second;
  cfg.width = reader.Int(net, "width", 0);
  cfg.height = reader.Int(net, "height", 0);
  cfg.channels = reader.Int(net, "channels", 3);
  for (size_t i = 1; i < sections.size(); ++i) {
    const auto& [type, section] = sections[i];
    LayerSpec layer;
    layer.type = type;
    if (type == "convolutional") {
      layer.filters = reader.Int(section, "filters", 1);
      layer.size = reader.Int(section, "size", 1);
      layer.stride = reader.Int(section, "stride", 1);
      layer.pad = reader.Int(section, "pad", 0) != 0;
      layer.batch_normalize = reader.Int(section, "batch_normalize", 0) != 0;
      layer.activation = reader.Text(section, "activation", "logistic");
    } else {
      layer.stride = reader.Int(section, "stride", 1);
      layer.size = reader.Int(section, "size", layer.stride);
      layer.pad = false;
      layer.batch_normalize = false;
      layer.activation = "linear";
    }
    cfg.layers.push_back(layer);
  }
  return cfg;
}

std::vector<int64_t> DarknetWeightCounts(const std::vector<LayerSpec>& layers,
                                         int channels) {
  std::vector<int64_t> counts;
  int64_t c = channels;
  for (size_t i = 0; i < layers.size(); ++i) {
    const LayerSpec& layer = layers[i];
    if (layer.type == "convolutional") {
      const int64_t n = layer.filters;
      counts.push_back(n * (layer.batch_normalize ? 4 : 1) +
                       n * c * layer.size * layer.size);
      c = n;
    } else if (layer.type == "maxpool" || layer.type == "avgpool" ||
               layer.type == "softmax" || layer.type == "cost" ||
               layer.type == "dropout") {
      counts.push_back(0);
    } else {
      throw InputError("darknet layer " + std::to_string(i) + " of type [" +
                       layer.type +
                       "] is not supported: expected convolutional, maxpool, "
                       "avgpool, softmax, dropout or cost");
    }
  }
  return counts;
}

}  // namespace diareid
