// The nightly re-index: embed every stored picture that lacks an embedding
// from the current model, rebuild references, check, switch, then cache the
// trained matchers.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "diareid/model/embedder.h"
#include "diareid/store/gallery.h"

namespace diareid {

struct ReindexOptions {
  GalleryOptions gallery;
  // Model file to index with; empty: the shipped default model.
  std::filesystem::path model;
  EmbedderOptions embedder;
  // Pictures embedded and written per transaction; small, so that enrol
  // and verify in other processes wait milliseconds at most.
  int batch_size = 16;
  // Stop after this many pictures (0: all); the next run resumes.
  long max_pictures = 0;
  // Try again pictures that failed in an earlier run.
  bool retry_failed = true;
  // Train and cache the SVM matcher of galleries up to this many stones
  // (0: never); training grows with stones x references, so larger
  // galleries match with nearest-average or k-NN instead.
  long svm_cache_max_stones = 1000;
  // Throws InputError naming the bad field and its allowed range.
  void Check() const;
};

// What a re-index did; `needs_person` lists what a person must look at.
struct ReindexSummary {
  std::string model_id;
  std::string model_name;
  std::string previous_model;
  long embedded = 0;
  long failed = 0;
  long pending = 0;
  long references_rebuilt = 0;
  bool switched = false;
  std::vector<std::string> needs_person;
  std::vector<std::string> repaired;
  // The cached SVM matcher: "written", "fresh", or why it was skipped.
  std::string svm_cache;
  double seconds = 0;
  double pictures_per_second = 0;
};

nlohmann::json ToJson(const ReindexSummary& summary);

// Embeds pictures given as files: one row per picture in `rows`, and the
// reason for each picture it could not embed in `failures` (same order as
// `pictures`, "" for success).
using PictureBatchEmbedder = std::function<void(
    const std::vector<std::filesystem::path>& pictures, EmbeddingMatrix& rows,
    std::vector<std::string>& failures)>;

// The re-index against an open gallery with any embedder (tests and the
// benchmark pass synthetic ones). Resumable: it only ever adds what is
// missing, in short transactions, and switches the active model in one
// transaction once nothing is missing.
ReindexSummary ReindexGallery(Gallery& gallery, const ModelInfo& model,
                              const std::filesystem::path& model_file,
                              const PictureBatchEmbedder& embed,
                              const ReindexOptions& options);

// The re-index with the model file of `options`: LoadPicture,
// PreparePicture and the Embedder.
ReindexSummary Reindex(const ReindexOptions& options);

}  // namespace diareid
