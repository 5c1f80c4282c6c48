#include "diareid/train/trainer.h"

#include <gtest/gtest.h>

#include "diareid/core/error.h"
#include "diareid/model/model_info.h"
#include "diareid/sim/dataset.h"
#include "testing.h"

namespace diareid {
namespace {

class TrainerTest : public testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    sim::DatasetOptions o;
    o.out = dir() / "data";
    o.stones = 4;
    o.shots = 4;
    o.seed = 91;
    o.size = 96;
    o.supersampling = 1;
    o.threads = 1;
    sim::RenderDataset(o);
  }

  // A tiny network (an eighth of Darknet19's filters at 64 px) that trains
  // in seconds on one thread.
  TrainOptions Tiny(const std::string& name) const {
    TrainOptions o;
    o.data = dir() / "data";
    o.out = dir() / (name + ".dmodel");
    o.input_size = 64;
    o.width = 0.125;
    o.epochs = 3;
    o.batches_per_epoch = 2;
    o.stones_per_batch = 4;
    o.pictures_per_stone = 2;
    o.validation_stones = 0;
    o.learning_rate = 3e-3;
    o.threads = 1;
    o.seed = 5;
    return o;
  }
};

TEST_F(TrainerTest, AFewStepsLowerTheLoss) {
  TrainOptions o = Tiny("fall");
  o.epochs = 6;
  o.augment = false;
  TrainReport r = Train(o);
  ASSERT_EQ(r.history.size(), 6u);
  EXPECT_LT(r.history.back()["loss"].get<double>(),
            r.history.front()["loss"].get<double>());
  ASSERT_FALSE(r.model_id.empty());
  ModelInfo info = ReadModelInfo(o.out);
  EXPECT_EQ(info.id, r.model_id);
  EXPECT_EQ(info.preprocess.input_size, 64);
  EXPECT_EQ(info.storage, "float16");
  EXPECT_EQ(info.training["loss"], "softmax");
}

TEST_F(TrainerTest, ResumedRunEqualsUninterruptedRun) {
  TrainOptions whole = Tiny("whole");
  whole.loss = "triplet";
  whole.embedding_size = 16;
  TrainReport uninterrupted = Train(whole);

  TrainOptions parts = Tiny("parts");
  parts.loss = "triplet";
  parts.embedding_size = 16;
  parts.stop_after_epochs = 1;
  TrainReport first = Train(parts);
  EXPECT_EQ(first.epochs_done, 1);
  EXPECT_TRUE(first.model_id.empty());
  EXPECT_FALSE(std::filesystem::exists(parts.out));
  parts.stop_after_epochs = 0;
  TrainReport rest = Train(parts);
  EXPECT_EQ(rest.resumed_from, 1);
  EXPECT_EQ(rest.epochs_done, 3);
  EXPECT_EQ(rest.model_id, uninterrupted.model_id);
  EXPECT_DOUBLE_EQ(rest.final_loss, uninterrupted.final_loss);
}

TEST_F(TrainerTest, ResumingWithOtherOptionsIsRefused) {
  TrainOptions o = Tiny("changed");
  o.epochs = 2;
  o.stop_after_epochs = 1;
  Train(o);
  o.learning_rate = 1e-2;
  EXPECT_THROW(Train(o), InputError);
}

TEST_F(TrainerTest, AngularLossesTrainAndWriteCosineModels) {
  for (const char* loss : {"arcface", "cosface"}) {
    TrainOptions o = Tiny(loss);
    o.loss = loss;
    o.epochs = 1;
    o.embedding_size = 8;
    TrainReport r = Train(o);
    ModelInfo info = ReadModelInfo(o.out);
    EXPECT_EQ(info.metric, "cosine") << loss;
    EXPECT_TRUE(info.l2_normalize) << loss;
    EXPECT_EQ(info.head, "projection") << loss;
    EXPECT_TRUE(std::isfinite(r.final_loss)) << loss;
  }
}

TEST(TrainOptionsTest, RejectsBadValues) {
  TrainOptions o;
  o.data = "d";
  o.out = "m";
  EXPECT_NO_THROW(o.Check());
  o.loss = "hinge";
  EXPECT_THROW(o.Check(), InputError);
  o.loss = "softmax";
  o.width = 0;
  EXPECT_THROW(o.Check(), InputError);
}

}  // namespace
}  // namespace diareid
