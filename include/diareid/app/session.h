// What the enrol, verify and identify jobs share: the gallery, the model,
// how to match, and where the pictures come from.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include "diareid/match/matcher.h"
#include "diareid/model/embedder.h"
#include "diareid/store/gallery.h"

namespace diareid {

// Settings of one job, from the command line and the config file.
struct SessionOptions {
  GalleryOptions gallery;
  // Model file; empty: the shipped default model.
  std::filesystem::path model;
  EmbedderOptions embedder;
  MatchOptions match;
  // Take match.metric from the model (the metric it was trained for).
  bool metric_from_model = true;
  // Verdict threshold on the distance; <= 0: the model's calibrated one.
  double threshold = 0;
  std::string operator_name;
  // Create the gallery when it does not exist (enrol); other jobs refuse a
  // missing gallery instead of making an empty one.
  bool create_gallery = false;
};

// Where the pictures of a job come from: files, or the rig.
struct PictureSource {
  std::vector<std::filesystem::path> images;
  // Rig file and well, for pictures taken now through the rig.
  std::filesystem::path rig_file;
  std::filesystem::path tray_file;
  std::string well;
  int shots = 8;
  // Throws InputError unless exactly one of images and rig is given.
  void Check() const;
};

// One picture of a job: what it is called, its encoded bytes (kept in the
// gallery) and its decoded pixels.
struct Picture {
  std::string name;
  std::string encoded;
  cv::Mat bgr;
  std::string rig;
  std::string well;
};

// The pictures that are byte for byte enrolment pictures of the gallery
// ("a.png (enrolment picture of S1)", joined by commas), or "" when none
// is: a replayed photograph says nothing about the stone on the counter.
std::string ReplayedEnrolmentPictures(const Gallery& gallery,
                                      const std::vector<Picture>& pictures);

// Wall time of the stages of a job, in milliseconds.
struct StageTimes {
  double acquire_ms = 0;
  double decode_ms = 0;
  double preprocess_ms = 0;
  double embed_ms = 0;
  double database_ms = 0;
};

// The gallery and model of one job, opened once.
class Session {
 public:
  explicit Session(const SessionOptions& options);
  Gallery& gallery() { return *gallery_; }
  Embedder& embedder() { return *embedder_; }
  const ModelInfo& model() const { return embedder_->info(); }
  const SessionOptions& options() const { return options_; }
  // The verdict threshold: the override, else the model's; throws
  // InputError when neither is set.
  double Threshold() const;
  bool HasThreshold() const;
  StageTimes& times() { return times_; }

  // Reads the pictures of a source (files or rig); throws InputError naming
  // a missing or undecodable file, RigError for a rig fault.
  std::vector<Picture> Acquire(const PictureSource& source);

  // Prepares and embeds pictures. With `strict`, the first unusable picture
  // throws PictureRejected; otherwise unusable ones are skipped and listed
  // in `rejected` as "name: reason".
  EmbeddingMatrix Embed(std::vector<Picture>& pictures, bool strict,
                        std::vector<std::string>* rejected);

  // A matcher over the current references of every enrolled stone, or
  // nothing when no stone is enrolled for this model.
  std::optional<Matcher> BuildMatcher();
  // A matcher over one stone's references (all that verify needs); throws
  // InputError when the stone has none for this model.
  Matcher BuildStoneMatcher(const std::string& stone_id);

 private:
  SessionOptions options_;
  std::unique_ptr<Gallery> gallery_;
  std::unique_ptr<Embedder> embedder_;
  StageTimes times_;
};

// Where the trained part of a matcher came from.
enum class MatcherSource {
  kNotTrained,  // nothing to train (nearest-average, k-NN)
  kCache,       // the gallery's cached SVMs, trained on these references
  kTrained,     // trained now: no cache, or a stale or damaged one
};

// A matcher over `references` of `model_id`. For SVM matching, the
// gallery's cached SVMs when they were trained on exactly these references
// and pass their digest check; otherwise trained now (the reason at debug
// level) and cached for the next command when the gallery is writable.
Matcher BuildGalleryMatcher(Gallery& gallery, const std::string& model_id,
                            ReferenceSet references,
                            const MatchOptions& options,
                            MatcherSource* source = nullptr);

// The stage times as a JSON object, in milliseconds.
nlohmann::json ToJson(const StageTimes& times);

// Converts pictures to the gallery's capture records.
std::vector<CaptureInput> ToCaptures(const std::vector<Picture>& pictures);

}  // namespace diareid
