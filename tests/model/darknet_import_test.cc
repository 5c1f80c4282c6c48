// Darknet .weights import, checked against darknet's own writer and
// OpenCV's independent reader and forward pass.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <opencv2/dnn.hpp>
#include <random>
#include <sstream>

#include "diareid/core/files.h"
#include "diareid/model/darknet19.h"
#include "diareid/model/darknet_cfg.h"
#include "testing.h"

namespace diareid {
namespace {

const char* const kCfg = "/usr/share/darknet/cfg/darknet19.cfg";
constexpr int kFeatureLayers = 23;

class DarknetImportTest : public testing::TempDirTest {
 protected:
  // darknet19.cfg cut after its first 23 layers, at the given input size.
  std::filesystem::path FeatureCfg(int side) {
    std::ifstream in(kCfg);
    std::ostringstream out;
    std::string line;
    int sections = 0;
    while (std::getline(in, line)) {
      if (!line.empty() && line[0] == '[' && ++sections > kFeatureLayers + 1)
        break;
      if (line.rfind("width=", 0) == 0) line = "width=" + std::to_string(side);
      if (line.rfind("height=", 0) == 0)
        line = "height=" + std::to_string(side);
      out << line << "\n";
    }
    const auto path = dir() / ("features" + std::to_string(side) + ".cfg");
    WriteFileAtomic(path, out.str());
    return path;
  }

  // A weights file written by Debian's darknet for the first `layers`.
  std::filesystem::path DarknetPartial(int layers) {
    const auto path = dir() / ("partial" + std::to_string(layers) + ".weights");
    const auto run =
        testing::RunCommand(std::string("darknet partial ") + kCfg + " '' " +
                            path.string() + " " + std::to_string(layers));
    EXPECT_EQ(run.exit_code, 0) << run.err;
    return path;
  }

  // Gives every batch norm of a weights file random positive variances and
  // random scales, shifts and means (darknet partial leaves them 0 and 1).
  void RandomiseNorms(const std::filesystem::path& path, uint32_t seed) {
    std::string bytes = ReadFile(path);
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> shift(-0.01f, 0.01f);
    std::uniform_real_distribution<float> scale(0.8f, 1.2f);
    std::uniform_real_distribution<float> variance(1.0f, 2.0f);
    const auto layers = Cfg().layers;
    const auto counts = DarknetWeightCounts(layers);
    size_t offset = 20;
    for (size_t i = 0; i < layers.size() && offset < bytes.size(); ++i) {
      if (layers[i].type == "convolutional" && layers[i].batch_normalize) {
        const size_t n = layers[i].filters;
        std::vector<float> norm(4 * n);
        for (size_t j = 0; j < n; ++j) {
          norm[j] = shift(rng);
          norm[n + j] = scale(rng);
          norm[2 * n + j] = shift(rng);
          norm[3 * n + j] = variance(rng);
        }
        std::memcpy(bytes.data() + offset, norm.data(), norm.size() * 4);
      }
      offset += counts[i] * 4;
    }
    WriteFileAtomic(path, bytes);
  }

  static DarknetCfg Cfg() { return ParseDarknetCfg(kCfg); }

  static Darknet19 Network(int side, int layers = kFeatureLayers) {
    ModelInfo info;
    const DarknetCfg cfg = Cfg();
    info.layers.assign(cfg.layers.begin(), cfg.layers.begin() + layers);
    info.preprocess.input_size = side;
    info.embedding_size = FeatureSize(info);
    return CreateNetwork(info);
  }

  // Pooled features from diareid and from OpenCV for one random picture.
  void ExpectAgreement(int side, const std::filesystem::path& weights) {
    Darknet19 network = Network(side);
    LoadDarknetWeights(weights, Cfg().layers, network);
    network->eval();
    cv::dnn::Net reference = cv::dnn::readNetFromDarknet(
        FeatureCfg(side).string(), weights.string());
    reference.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    std::vector<torch::Tensor> pooled;
    for (int picture = 0; picture < 2; ++picture) {
      cv::Mat image(side, side, CV_32FC3);
      cv::randu(image, 0.0f, 1.0f);
      reference.setInput(cv::dnn::blobFromImage(image));
      cv::Mat grid = reference.forward();
      ASSERT_EQ(grid.size[1], 1024);
      const int cells = grid.size[2] * grid.size[3];
      // Darknet pads its max pools on the right and bottom: 600 px -> 19.
      EXPECT_EQ(grid.size[2], (side + 31) / 32);
      torch::Tensor expected =
          torch::from_blob(grid.ptr<float>(), {1024, cells}).mean(1);
      torch::Tensor input =
          torch::from_blob(image.ptr<float>(), {1, side, side, 3})
              .permute({0, 3, 1, 2})
              .contiguous();
      torch::Tensor actual;
      {
        torch::InferenceMode guard;
        actual = network->Pool(input)[0];
      }
      const double scale = expected.abs().max().item<double>();
      const double error = (actual - expected).abs().max().item<double>();
      EXPECT_GT(scale, 0.0);
      EXPECT_LE(error, 1e-4 * scale)
          << side << " px: max difference " << error << " at scale " << scale;
      pooled.push_back(actual);
    }
    // Two different pictures must give features ten times further apart
    // than the tolerance, so the agreement above is not that of a constant.
    const double spread = (pooled[0] - pooled[1]).abs().max().item<double>();
    EXPECT_GT(spread, 1e-3 * pooled[0].abs().max().item<double>());
  }
};

TEST_F(DarknetImportTest, PartialFileHasTheSizeTheCfgAnnounces) {
  const auto path = DarknetPartial(kFeatureLayers);
  const auto counts = DarknetWeightCounts(Cfg().layers);
  int64_t floats = 0;
  for (int i = 0; i < kFeatureLayers; ++i) floats += counts[i];
  EXPECT_EQ(std::filesystem::file_size(path), 20 + 4 * floats);
  EXPECT_EQ(std::filesystem::file_size(path), 79327124u);
  EXPECT_NO_THROW(LoadDarknetWeights(path, Cfg().layers, Network(64)));
}

TEST_F(DarknetImportTest, MatchesOpenCvAt256) {
  const auto path = DarknetPartial(kFeatureLayers);
  RandomiseNorms(path, 1);
  ExpectAgreement(256, path);
}

TEST_F(DarknetImportTest, MatchesOpenCvAt600) {
  const auto path = DarknetPartial(kFeatureLayers);
  RandomiseNorms(path, 2);
  ExpectAgreement(600, path);
}

TEST_F(DarknetImportTest, BothHeaderVersionsGiveTheSameNetwork) {
  const auto modern = DarknetPartial(kFeatureLayers);
  RandomiseNorms(modern, 3);
  // Version 0.1.0 stores `seen` in 4 bytes instead of 8.
  std::string bytes = ReadFile(modern);
  const int32_t old_version[3] = {0, 1, 0};
  std::string old_bytes(reinterpret_cast<const char*>(old_version), 12);
  old_bytes += bytes.substr(12, 4) + bytes.substr(20);
  const auto old = dir() / "old.weights";
  WriteFileAtomic(old, old_bytes);
  Darknet19 a = Network(64), b = Network(64);
  LoadDarknetWeights(modern, Cfg().layers, a);
  LoadDarknetWeights(old, Cfg().layers, b);
  EXPECT_TRUE(torch::equal(a->conv(17)->weight, b->conv(17)->weight));
  EXPECT_TRUE(torch::equal(a->norm(17)->running_var, b->norm(17)->running_var));
  EXPECT_FALSE(torch::equal(a->conv(3)->weight, Network(64)->conv(3)->weight));
}

TEST_F(DarknetImportTest, RefusesTruncatedFileWithBothSizes) {
  const auto path = DarknetPartial(kFeatureLayers);
  std::string bytes = ReadFile(path);
  bytes.resize(bytes.size() - 100);
  WriteFileAtomic(path, bytes);
  try {
    LoadDarknetWeights(path, Cfg().layers, Network(64));
    FAIL() << "a truncated file was accepted";
  } catch (const InputError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(path.string()), std::string::npos) << message;
    EXPECT_NE(message.find("expected 79327124"), std::string::npos) << message;
    EXPECT_NE(message.find("found 79327024"), std::string::npos) << message;
  }
}

TEST_F(DarknetImportTest, AcceptsWholeCfgAndRefusesLonger) {
  const auto whole = DarknetPartial(26);
  EXPECT_EQ(std::filesystem::file_size(whole), 83427124u);
  EXPECT_NO_THROW(LoadDarknetWeights(whole, Cfg().layers, Network(64)));
  std::string bytes = ReadFile(whole) + std::string(4000, '\0');
  WriteFileAtomic(whole, bytes);
  try {
    LoadDarknetWeights(whole, Cfg().layers, Network(64));
    FAIL() << "a file too long was accepted";
  } catch (const InputError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("too long"), std::string::npos) << message;
    EXPECT_NE(message.find("at most 83427124"), std::string::npos) << message;
    EXPECT_NE(message.find("found 83431124"), std::string::npos) << message;
  }
}

TEST_F(DarknetImportTest, RefusesFileEndingInsideALayer) {
  const auto whole = DarknetPartial(kFeatureLayers);
  WriteFileAtomic(whole, ReadFile(whole) + std::string(8, '\0'));
  EXPECT_THROW(LoadDarknetWeights(whole, Cfg().layers, Network(64)),
               InputError);
}

}  // namespace
}  // namespace diareid
