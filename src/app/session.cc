#include "diareid/app/session.h"

#include <spdlog/spdlog.h>

#include <opencv2/imgcodecs.hpp>

#include "diareid/app/rig_source.h"
#include "diareid/core/files.h"
#include "diareid/core/hash.h"
#include "diareid/core/timer.h"
#include "diareid/image/preprocess.h"
#include "diareid/model/default_model.h"

namespace diareid {
namespace {}  // namespace

void PictureSource::Check() const {
  if (!rig_file.empty() && tray_file.empty())
    throw InputError("--rig " + rig_file.string() +
                     " needs --tray: the tray file that says where well " +
                     well + " is");
  bool files = !images.empty();
  bool rig = !rig_file.empty();
  if (files == rig)
    throw InputError(
        "give the pictures either as files (--images) or through the rig "
        "(--rig with --well), not both and not neither");
  if (rig && well.empty())
    throw InputError("--rig needs --well: which well holds the stone");
  if (rig && (shots < 1 || shots > 64))
    throw InputError("--shots " + std::to_string(shots) +
                     " is out of range, expected 1 to 64");
}

Session::Session(const SessionOptions& options) : options_(options) {
  if (!options_.create_gallery &&
      !std::filesystem::is_directory(options_.gallery.dir))
    throw InputError("there is no gallery at " + options_.gallery.dir.string() +
                     ": enrol a stone first, or give --gallery");
  gallery_ = Gallery::Open(options_.gallery);
  // The model: the one asked for, else the gallery's active model (the one
  // its references come from), else the shipped default.
  std::filesystem::path model = options_.model;
  if (model.empty()) {
    std::string active = gallery_->ActiveModel();
    if (!active.empty()) model = gallery_->ModelFile(active);
    if (!model.empty() && !std::filesystem::is_regular_file(model)) {
      spdlog::warn(
          "The gallery's active model file {} is gone; using the "
          "default model",
          model.string());
      model.clear();
    }
    if (model.empty()) model = DefaultModelPath();
  }
  embedder_ = Embedder::Load(model, options_.embedder);
  if (options_.metric_from_model)
    options_.match.metric = ParseMetric(embedder_->info().metric);
  options_.match.Check();
  if (!options_.gallery.read_only)
    gallery_->RegisterModel(embedder_->info(),
                            std::filesystem::absolute(model));
  std::string active = gallery_->ActiveModel();
  if (!active.empty() && active != embedder_->info().id)
    spdlog::warn(
        "Model {} is not the gallery's active model {}: stones enrolled "
        "with the active model have no references for it until `diareid "
        "reindex --model {}` has run",
        embedder_->info().id.substr(0, 12), active.substr(0, 12),
        model.string());
  spdlog::debug("Session: model {} ({}), gallery {}", model.string(),
                embedder_->info().id.substr(0, 12), gallery_->dir().string());
}

double Session::Threshold() const {
  if (options_.threshold > 0) return options_.threshold;
  // A calibrated threshold is a distance in the model's metric; in another
  // metric it would accept anything or nothing.
  if (MetricName(options_.match.metric) != model().metric)
    throw InputError("the model's threshold is calibrated for the " +
                     model().metric + " metric, not " +
                     MetricName(options_.match.metric) +
                     ": give --threshold for that metric");
  if (model().verify_threshold > 0) return model().verify_threshold;
  throw InputError("model " + model().name +
                   " has no calibrated verdict threshold: run `diareid eval "
                   "--calibrate` or give `threshold` in the config");
}

bool Session::HasThreshold() const {
  return options_.threshold > 0 ||
         (model().verify_threshold > 0 &&
          MetricName(options_.match.metric) == model().metric);
}

std::vector<Picture> Session::Acquire(const PictureSource& source) {
  source.Check();
  if (!source.rig_file.empty()) {
    ScopedTimer timer(&times_.acquire_ms);
    return CapturePictures(source);
  }
  std::vector<Picture> pictures;
  for (const auto& path : source.images) {
    Picture picture;
    picture.name = path.string();
    {
      ScopedTimer timer(&times_.acquire_ms);
      if (!std::filesystem::is_regular_file(path))
        throw InputError("picture " + path.string() +
                         " does not exist or is not a file");
      picture.encoded = ReadFile(path);
    }
    {
      ScopedTimer timer(&times_.decode_ms);
      picture.bgr = DecodePicture(picture.encoded, picture.name);
    }
    pictures.push_back(std::move(picture));
  }
  return pictures;
}

EmbeddingMatrix Session::Embed(std::vector<Picture>& pictures, bool strict,
                               std::vector<std::string>* rejected) {
  std::vector<cv::Mat> inputs;
  std::vector<Picture> kept;
  {
    ScopedTimer timer(&times_.preprocess_ms);
    for (auto& picture : pictures) {
      try {
        inputs.push_back(
            PreparePicture(picture.bgr, model().preprocess, picture.name)
                .input);
        kept.push_back(std::move(picture));
      } catch (const PictureRejected& e) {
        if (strict) throw;
        spdlog::warn("Skipping {}", e.what());
        if (rejected != nullptr) rejected->push_back(e.what());
      }
    }
  }
  pictures = std::move(kept);
  if (inputs.empty()) return EmbeddingMatrix(0, model().embedding_size);
  ScopedTimer timer(&times_.embed_ms);
  return embedder_->Embed(inputs);
}

Matcher Session::BuildStoneMatcher(const std::string& stone_id) {
  ReferenceSet references;
  {
    ScopedTimer timer(&times_.database_ms);
    references = gallery_->LoadStoneReferences(model().id, stone_id);
  }
  if (references.stone_ids.empty())
    throw InputError("stone " + stone_id + " has no references for model " +
                     model().name + " (" + model().id.substr(0, 12) +
                     "): run `diareid reindex` after a model change");
  return Matcher(std::move(references), options_.match);
}

std::optional<Matcher> Session::BuildMatcher() {
  if (options_.match.method == MatchMethod::kNearestAverage) {
    // One contiguous matrix of means, cached beside the gallery: far less
    // to read than every reference row.
    MeanReferences means;
    {
      ScopedTimer timer(&times_.database_ms);
      means = gallery_->LoadMeanReferences(model().id);
    }
    if (means.stone_ids.empty()) return std::nullopt;
    return Matcher(std::move(means), options_.match);
  }
  ReferenceSet references;
  {
    ScopedTimer timer(&times_.database_ms);
    references = gallery_->LoadReferences(model().id);
  }
  if (references.stone_ids.empty()) return std::nullopt;
  return BuildGalleryMatcher(*gallery_, model().id, std::move(references),
                             options_.match);
}

Matcher BuildGalleryMatcher(Gallery& gallery, const std::string& model_id,
                            ReferenceSet references,
                            const MatchOptions& options,
                            MatcherSource* source) {
  MatcherSource ignored;
  if (source == nullptr) source = &ignored;
  if (options.method != MatchMethod::kSvm) {
    *source = MatcherSource::kNotTrained;
    return Matcher(std::move(references), options);
  }
  std::string digest = ReferenceDigest(references);
  if (std::optional<SvmParameters> cached =
          gallery.LoadSvmCache(model_id, digest)) {
    spdlog::debug("Using the gallery's cached SVM matcher");
    *source = MatcherSource::kCache;
    return Matcher(std::move(references), options, std::move(*cached));
  }
  spdlog::debug("Training the SVM matcher on the fly");
  *source = MatcherSource::kTrained;
  SvmParameters svms = TrainSvmParameters(references);
  try {
    gallery.StoreSvmCache(model_id, digest, svms);
  } catch (const Error& e) {
    // A read-only or signed gallery without its key: train next time too.
    spdlog::debug("Not caching the SVM matcher: {}", e.what());
  }
  return Matcher(std::move(references), options, std::move(svms));
}

nlohmann::json ToJson(const StageTimes& times) {
  return {{"acquire", times.acquire_ms},
          {"decode", times.decode_ms},
          {"preprocess", times.preprocess_ms},
          {"embed", times.embed_ms},
          {"database", times.database_ms}};
}

std::vector<CaptureInput> ToCaptures(const std::vector<Picture>& pictures) {
  std::vector<CaptureInput> captures;
  captures.reserve(pictures.size());
  for (const auto& picture : pictures) {
    CaptureInput capture;
    capture.encoded = picture.encoded;
    capture.rig = picture.rig;
    capture.well = picture.well;
    capture.source = picture.name;
    captures.push_back(std::move(capture));
  }
  return captures;
}

std::string ReplayedEnrolmentPictures(const Gallery& gallery,
                                      const std::vector<Picture>& pictures) {
  std::vector<std::string> hashes;
  for (const Picture& picture : pictures)
    hashes.push_back(Sha256Hex(picture.encoded));
  const auto enrolled = gallery.EnrolmentPicturesAmong(hashes);
  std::string names;
  for (size_t i = 0; i < pictures.size(); ++i) {
    auto it = enrolled.find(hashes[i]);
    if (it == enrolled.end()) continue;
    names += (names.empty() ? "" : ", ") + pictures[i].name +
             " (enrolment picture of " + it->second + ")";
  }
  return names;
}

}  // namespace diareid
