// `diareid train`: trains an embedding network on a folder of pictures.
#include "command.h"
#include "diareid/core/progress.h"
#include "diareid/train/trainer.h"

namespace diareid::cli {

void RegisterTrain(Registry& registry) {
  auto o = std::make_shared<TrainOptions>();
  auto data = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto init = std::make_shared<std::string>();
  auto work = std::make_shared<std::string>();
  auto no_augment = std::make_shared<bool>(false);
  CLI::App* cmd = registry.Add(
      registry.app(), "train",
      "Train an embedding network on DIR/<stone-id>/<shot>.png (a classifier "
      "over the training stones, dropped afterwards); resumes after an "
      "interruption",
      [=, &registry] {
        o->data = *data;
        o->out = *out;
        o->init = *init;
        o->work_dir = *work;
        o->augment = !*no_augment;
        o->threads = registry.global().threads;
        TrainReport report = Train(*o);
        CommandOutput result;
        result.json = {{"out", *out},
                       {"model_id", report.model_id},
                       {"epochs", report.epochs_done},
                       {"resumed_from", report.resumed_from},
                       {"loss", report.final_loss},
                       {"accuracy", report.final_accuracy},
                       {"history", report.history}};
        if (report.model_id.empty()) {
          result.text = "Stopped after epoch " +
                        std::to_string(report.epochs_done) +
                        "; run the same command again to carry on\n";
        } else {
          result.text = "Wrote " + *out + " (model " + report.model_id +
                        ") after " + std::to_string(report.epochs_done) +
                        " epochs\n";
        }
        return result;
      });
  cmd->add_option("--data", *data, "Data set folder: DIR/<stone-id>/*.png")
      ->required();
  cmd->add_option("--out", *out, "Model file to write")->required();
  cmd->add_option("--init", *init,
                  "Start from darknet .weights or a diareid model");
  cmd->add_option("--work-dir", *work,
                  "Checkpoints and prepared pictures (default: OUT.work)");
  cmd->add_option("--input-size", o->input_size, "Network input, pixels")
      ->capture_default_str();
  cmd->add_flag("--polar", o->polar, "Polar warp about the stone's centre");
  cmd->add_option("--width", o->width,
                  "Fraction of Darknet19's filters (1: Darknet19)")
      ->capture_default_str();
  cmd->add_option("--embedding-size", o->embedding_size,
                  "Projection head size; 0 keeps the pooled feature")
      ->capture_default_str();
  cmd->add_option("--epochs", o->epochs, "Epochs")->capture_default_str();
  cmd->add_option("--loss", o->loss, "softmax, arcface, cosface or triplet")
      ->capture_default_str();
  cmd->add_option("--batch-stones", o->stones_per_batch, "Stones per batch (P)")
      ->capture_default_str();
  cmd->add_option("--batch-pictures", o->pictures_per_stone,
                  "Pictures per stone in a batch (K)")
      ->capture_default_str();
  cmd->add_option("--batches-per-epoch", o->batches_per_epoch,
                  "Batches per epoch; 0: one pass over the pictures")
      ->capture_default_str();
  cmd->add_option("--lr", o->learning_rate, "Adam learning rate")
      ->capture_default_str();
  cmd->add_option("--weight-decay", o->weight_decay, "Weight decay")
      ->capture_default_str();
  cmd->add_option("--validation-stones", o->validation_stones,
                  "Stones held out for validation")
      ->capture_default_str();
  cmd->add_flag("--no-augment", *no_augment, "Train without augmentation");
  cmd->add_option("--storage", o->storage, "float16 or float32")
      ->capture_default_str();
  cmd->add_option("--seed", o->seed, "Seed of the split, weights and batches")
      ->capture_default_str();
  cmd->add_option("--stop-after-epochs", o->stop_after_epochs,
                  "Stop this run after N epochs (resume later)")
      ->capture_default_str();
}

}  // namespace diareid::cli
