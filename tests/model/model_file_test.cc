// Model files: round trips, storage precision, content ID, damaged files.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "diareid/core/files.h"
#include "diareid/model/darknet19.h"
#include "testing.h"

namespace diareid {
namespace {

class ModelFileTest : public testing::TempDirTest {
 protected:
  static ModelInfo SmallInfo() {
    ModelInfo info;
    info.name = "small";
    info.layers = Darknet19Layers(8);
    info.embedding_size = FeatureSize(info);
    info.preprocess.input_size = 64;
    return info;
  }

  static Darknet19 Seeded(const ModelInfo& info, uint64_t seed) {
    torch::manual_seed(seed);
    Darknet19 network = CreateNetwork(info);
    // Non-trivial running statistics, as after training.
    torch::NoGradGuard no_grad;
    for (size_t i = 0; i < network->conv_count(); ++i) {
      network->norm(i)->running_mean.uniform_(-0.1, 0.1);
      network->norm(i)->running_var.uniform_(0.5, 1.5);
    }
    network->eval();
    return network;
  }

  static torch::Tensor Picture(int side, uint64_t seed) {
    torch::manual_seed(seed);
    return torch::rand({1, 3, side, side});
  }

  std::string SavedBytes(const ModelInfo& info, Darknet19 network) {
    const auto path = dir() / "model.dmodel";
    SaveModel(path, network, info);
    return ReadFile(path);
  }

  void ExpectRefused(const std::string& bytes, const std::string& words) {
    const auto path = dir() / "bad.dmodel";
    WriteFileAtomic(path, bytes);
    for (int reader = 0; reader < 2; ++reader) {
      try {
        if (reader == 0) ReadModelInfo(path);
        if (reader == 1) LoadModel(path);
        FAIL() << "accepted a bad model file (" << words << ")";
      } catch (const InputError& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find(path.string()), std::string::npos) << message;
        EXPECT_NE(message.find(words), std::string::npos) << message;
      }
    }
  }
};

TEST_F(ModelFileTest, RoundTripKeepsEmbeddingsAndMetadata) {
  ModelInfo info = SmallInfo();
  info.training = {{"epochs", 3}};
  Darknet19 network = Seeded(info, 7);
  const auto path = dir() / "m.dmodel";
  const ModelInfo written = SaveModel(path, network, info);
  EXPECT_EQ(written.id.size(), 64u);
  const ModelInfo read = ReadModelInfo(path);
  EXPECT_EQ(read.id, written.id);
  EXPECT_EQ(read.training, info.training);
  EXPECT_EQ(read.layers.size(), 8u);
  Darknet19 loaded = LoadModel(path);
  torch::NoGradGuard no_grad;
  const torch::Tensor x = Picture(64, 1);
  EXPECT_TRUE(torch::equal(network->forward(x), loaded->forward(x)));
}

TEST_F(ModelFileTest, IdFollowsWeightsButNotThreshold) {
  ModelInfo info = SmallInfo();
  Darknet19 network = Seeded(info, 7);
  const auto a = SaveModel(dir() / "a.dmodel", network, info);
  info.verify_threshold = 0.42;
  info.calibration = {{"false_reject", 0.01}};
  const auto b = SaveModel(dir() / "b.dmodel", network, info);
  EXPECT_EQ(a.id, b.id);
  const auto c = SaveModel(dir() / "c.dmodel", Seeded(info, 8), info);
  EXPECT_NE(a.id, c.id);
  info.preprocess.polar = true;
  const auto d = SaveModel(dir() / "d.dmodel", network, info);
  EXPECT_NE(a.id, d.id);
}

TEST_F(ModelFileTest, Float16Darknet19StaysUnder45MB) {
  ModelInfo info;
  info.storage = "float16";
  Darknet19 network = Seeded(info, 3);
  const auto path = dir() / "half.dmodel";
  const ModelInfo half = SaveModel(path, network, info);
  EXPECT_LT(std::filesystem::file_size(path), 45u * 1000 * 1000);
  EXPECT_GT(std::filesystem::file_size(path), 39u * 1000 * 1000);
  info.storage = "float32";
  EXPECT_NE(SaveModel(dir() / "full.dmodel", network, info).id, half.id);
  Darknet19 loaded = LoadModel(path);
  torch::NoGradGuard no_grad;
  const torch::Tensor x = Picture(64, 2);
  const torch::Tensor want = network->forward(x), got = loaded->forward(x);
  const double cosine = torch::cosine_similarity(want, got).item<double>();
  EXPECT_GT(cosine, 0.999);
}

// A FIFO or a folder given as a model is refused at once, naming it: a
// FIFO opened for reading would wait for a writer forever.
TEST_F(ModelFileTest, RefusesWhatIsNotARegularFile) {
  const auto fifo = dir() / "model.dmodel";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  for (const auto& path : {fifo, dir()}) {
    try {
      LoadModel(path);
      FAIL() << path << " accepted";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos)
          << e.what();
      EXPECT_NE(std::string(e.what()).find("not a regular file"),
                std::string::npos)
          << e.what();
    }
  }
}

TEST_F(ModelFileTest, RefusesTruncatedForeignLongAndDamagedFiles) {
  ModelInfo info = SmallInfo();
  const std::string good = SavedBytes(info, Seeded(info, 1));
  ExpectRefused(good.substr(0, good.size() - 10),
                "truncated: expected " + std::to_string(good.size()) +
                    " bytes, found " + std::to_string(good.size() - 10));
  ExpectRefused(good.substr(0, 10), "truncated");
  ExpectRefused("GIF89a" + std::string(100, 'x'),
                "not a diareid model: expected magic 'DIAREIDM'");
  ExpectRefused(good + "tail",
                "too long: expected " + std::to_string(good.size()) + " bytes");
  std::string damaged = good;
  damaged[damaged.size() - 3] ^= 0x55;
  const auto path = dir() / "damaged.dmodel";
  WriteFileAtomic(path, damaged);
  EXPECT_NO_THROW(ReadModelInfo(path));
  try {
    LoadModel(path);
    FAIL() << "a damaged model was loaded";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("damaged"), std::string::npos);
  }
}

TEST_F(ModelFileTest, PolarNetworkTurnsRotationIntoTheSameFeature) {
  ModelInfo info = SmallInfo();
  info.layers = Darknet19Layers(12);
  info.embedding_size = FeatureSize(info);
  torch::NoGradGuard no_grad;
  const torch::Tensor x = Picture(64, 4);
  // A turn of the stone is a cyclic shift of the polar picture's columns.
  const torch::Tensor turned = torch::roll(x, {16}, {3});
  Darknet19 flat = Seeded(info, 5);
  info.preprocess.polar = true;
  Darknet19 polar = Seeded(info, 5);
  const auto gap = [](const torch::Tensor& a, const torch::Tensor& b) {
    return ((a - b).abs().max() / a.abs().max()).item<double>();
  };
  EXPECT_LT(gap(polar->forward(x), polar->forward(turned)), 1e-5);
  EXPECT_GT(gap(flat->forward(x), flat->forward(turned)), 1e-4);
}

TEST_F(ModelFileTest, ProjectionHeadGivesUnitEmbeddings) {
  ModelInfo info = SmallInfo();
  info.head = "projection";
  info.embedding_size = 32;
  info.l2_normalize = true;
  Darknet19 network = Seeded(info, 6);
  torch::NoGradGuard no_grad;
  const NetworkOutput out = network->Run(torch::rand({3, 3, 64, 64}));
  EXPECT_EQ(out.pooled.size(1), 128);
  EXPECT_EQ(out.pre_neck.size(1), 32);
  EXPECT_TRUE(torch::allclose(out.embedding.norm(2, 1), torch::ones({3})));
  EXPECT_FALSE(network->named_parameters()["neck.bias"].requires_grad());
}

TEST_F(ModelFileTest, RefusesBadHeads) {
  ModelInfo info = SmallInfo();
  info.head = "softmax";
  EXPECT_THROW(CreateNetwork(info), InputError);
  info.head = "pool";
  info.embedding_size = 256;
  EXPECT_THROW(CreateNetwork(info), InputError);
}

}  // namespace
}  // namespace diareid
