#include "job_options.h"

#include <cmath>
#include <cstdlib>

#include "diareid/core/files.h"
#include "output_paths.h"

namespace diareid::cli {

void AddPictureOptions(CLI::App* command, PictureSource& source) {
  command->add_option("--images", source.images, "Picture files of the stone")
      ->check(RegularFile());
  command->add_option("--rig", source.rig_file,
                      "Take the pictures now through this rig file");
  command->add_option("--tray", source.tray_file,
                      "Tray file that says where the wells are (with --rig)");
  command->add_option("--well", source.well, "Well holding the stone (A1...)");
  command->add_option("--shots", source.shots, "Pictures to take with --rig")
      ->capture_default_str();
}

void AddMatchOptions(CLI::App* command, MatchSettings& settings) {
  command->add_option("--match", settings.method, "nearest-average, knn or svm")
      ->capture_default_str();
  command->add_option("--metric", settings.metric,
                      "euclidean or cosine (default: the model's)");
  command->add_option("--k", settings.k, "Neighbours that vote, for knn")
      ->capture_default_str();
  command
      ->add_option("--threshold", settings.threshold,
                   "Verdict threshold on the distance (default: the "
                   "model's calibrated one)")
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            double value = std::strtod(text.c_str(), nullptr);
            if (std::isfinite(value) && value > 0) return "";
            return "threshold " + text + " is not a positive finite number";
          },
          "POSITIVE"));
}

SessionOptions MakeSessionOptions(const GlobalOptions& global,
                                  const MatchSettings& match) {
  SessionOptions options;
  options.gallery.dir = global.gallery.empty()
                            ? DefaultDataDir()
                            : std::filesystem::path(global.gallery);
  options.gallery.key_file = global.key_file;
  options.model = global.model;
  options.embedder.threads = global.threads;
  options.match.method = ParseMatchMethod(match.method);
  options.metric_from_model = match.metric.empty();
  if (!match.metric.empty()) options.match.metric = ParseMetric(match.metric);
  options.match.k = match.k;
  options.threshold = match.threshold;
  options.operator_name = global.operator_name;
  return options;
}

}  // namespace diareid::cli
