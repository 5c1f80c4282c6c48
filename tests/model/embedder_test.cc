// The embedder: batches, fused batch norms, channels-last and bfloat16 give
// the embeddings of the plain network.
#include <gtest/gtest.h>

#include "diareid/model/darknet19.h"
#include "diareid/model/embedder.h"
#include "diareid/model/model_tools.h"
#include "testing.h"

namespace diareid {
namespace {

class EmbedderTest : public testing::TempDirTest {
 protected:
  std::filesystem::path SmallModel(const std::string& head = "pool",
                                   bool polar = false) {
    InitModelOptions options;
    options.out = dir() / "small.dmodel";
    options.polar = polar;
    options.input_size = 64;
    options.layers = 12;
    options.head = head;
    options.embedding_size = head == "pool" ? 0 : 64;
    options.seed = 11;
    InitModel(options);
    return options.out;
  }

  static std::vector<cv::Mat> Pictures(int count, int side) {
    std::vector<cv::Mat> pictures;
    for (int i = 0; i < count; ++i) {
      cv::Mat picture(side, side, CV_32FC3);
      cv::randu(picture, 0.0f, 1.0f);
      pictures.push_back(picture);
    }
    return pictures;
  }

  static double Cosine(const EmbeddingMatrix& a, const EmbeddingMatrix& b,
                       int row) {
    return a.row(row).dot(b.row(row)) / (a.row(row).norm() * b.row(row).norm());
  }
};

// The embedder runs prepacked, batch-norm-folded convolutions on
// channels-last data; the network's own forward pass (unfused batch norms,
// plain layout) is the reference, for plain and polar padding, both heads,
// and batch sizes that change between calls.
TEST_F(EmbedderTest, MatchesThePlainNetworkInAnyBatchSize) {
  for (const bool polar : {false, true}) {
    for (const std::string head : {"pool", "projection"}) {
      const std::string what =
          head + (polar ? " polar" : " plain") + " picture ";
      const auto path = SmallModel(head, polar);
      const auto pictures = Pictures(5, 64);
      EmbedderOptions options;
      options.threads = 1;
      options.batch_size = 2;
      auto embedder = Embedder::Load(path, options);
      const EmbeddingMatrix batched = embedder->Embed(pictures);
      // A second call with other batch shapes (3 and 1, then 2 again).
      const EmbeddingMatrix again =
          embedder->Embed({pictures[0], pictures[1], pictures[2], pictures[3]});
      ASSERT_EQ(batched.rows(), 5);
      Darknet19 network = LoadModel(path);
      torch::InferenceMode guard;
      for (int i = 0; i < 5; ++i) {
        torch::Tensor x =
            torch::from_blob(const_cast<float*>(pictures[i].ptr<float>()),
                             {1, 64, 64, 3})
                .permute({0, 3, 1, 2})
                .contiguous();
        torch::Tensor want = network->forward(x)[0];
        ASSERT_EQ(batched.cols(), want.size(0)) << what;
        const double scale = want.abs().max().item<double>();
        for (int j = 0; j < batched.cols(); ++j) {
          ASSERT_NEAR(batched(i, j), want[j].item<float>(), 1e-4 * scale)
              << what << i << " value " << j;
          if (i < 4)
            ASSERT_NEAR(again(i, j), want[j].item<float>(), 1e-4 * scale)
                << what << i << " value " << j << " (second call)";
        }
      }
    }
  }
}

TEST_F(EmbedderTest, Bfloat16StaysCloseToFloat32) {
  const auto path = SmallModel();
  const auto pictures = Pictures(3, 64);
  EmbedderOptions options;
  const EmbeddingMatrix full = Embedder::Load(path, options)->Embed(pictures);
  options.bfloat16 = true;
  const EmbeddingMatrix half = Embedder::Load(path, options)->Embed(pictures);
  for (int i = 0; i < 3; ++i) EXPECT_GT(Cosine(full, half, i), 0.99);
}

TEST_F(EmbedderTest, RefusesPicturesOfTheWrongSize) {
  auto embedder = Embedder::Load(SmallModel(), EmbedderOptions());
  EXPECT_THROW(embedder->Embed(Pictures(1, 32)), InputError);
  EXPECT_EQ(embedder->Embed({}).rows(), 0);
}

}  // namespace
}  // namespace diareid
