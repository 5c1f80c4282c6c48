#include "diareid/app/reindex.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "diareid/core/error.h"
#include "diareid/core/hash.h"
#include "diareid/core/progress.h"

namespace diareid {

void ReindexOptions::Check() const {
  if (batch_size < 1 || batch_size > 1024)
    throw InputError("reindex batch size " + std::to_string(batch_size) +
                     " is out of range, expected 1 to 1024");
  if (svm_cache_max_stones < 0)
    throw InputError("reindex svm_cache_max_stones " +
                     std::to_string(svm_cache_max_stones) +
                     " is negative, expected 0 (never) or more");
  if (max_pictures < 0)
    throw InputError("reindex --max-pictures " + std::to_string(max_pictures) +
                     " is negative, expected 0 (all) or more");
}

nlohmann::json ToJson(const ReindexSummary& summary) {
  return {{"model", summary.model_id},
          {"model_name", summary.model_name},
          {"previous_model", summary.previous_model},
          {"embedded", summary.embedded},
          {"failed", summary.failed},
          {"pending", summary.pending},
          {"references_rebuilt", summary.references_rebuilt},
          {"switched", summary.switched},
          {"needs_person", summary.needs_person},
          {"repaired", summary.repaired},
          {"svm_cache", summary.svm_cache},
          {"seconds", summary.seconds},
          {"pictures_per_second", summary.pictures_per_second}};
}

namespace {

constexpr size_t kMaxPictureLines = 20;

// Why a stored picture cannot be embedded before even decoding it: a
// folder or nothing where the file should be, or other bytes than those
// enrolled. "" when it is intact.
std::string DamagedPicture(const PendingCapture& capture) {
  std::error_code error;
  const std::string name = "picture " + capture.picture.string() +
                           " (capture " + std::to_string(capture.capture_id) +
                           ")";
  if (std::filesystem::is_directory(capture.picture, error))
    return name + " is a folder, expected the picture file of that name";
  if (!std::filesystem::is_regular_file(capture.picture, error))
    return name + " is missing, expected a picture file";
  if (Sha256FileHex(capture.picture) != capture.sha256)
    return name + " was changed: its SHA-256 no longer matches its name";
  return "";
}

// Embeds pending pictures batch by batch until none is left (or the
// limit); returns how many were embedded.
long EmbedPending(Gallery& gallery, const ModelInfo& model,
                  const PictureBatchEmbedder& embed,
                  const ReindexOptions& options, ReindexSummary& summary) {
  ReindexState start = gallery.GetReindexState(model.id);
  // Nothing pending: skip the walk over every capture. One enrolled in
  // the meantime keeps the switch from happening and waits for the next
  // run.
  if (start.pending == 0) return 0;
  Progress progress("Embedding stored pictures", start.pending);
  long done = 0;
  int64_t after = 0;
  while (options.max_pictures == 0 || done < options.max_pictures) {
    int limit = options.batch_size;
    if (options.max_pictures > 0)
      limit =
          static_cast<int>(std::min<long>(limit, options.max_pictures - done));
    std::vector<PendingCapture> batch =
        gallery.CapturesLackingEmbedding(model.id, limit, after);
    if (batch.empty()) break;
    after = batch.back().capture_id;
    // Damaged pictures are never handed to the embedder.
    std::vector<std::string> failures(batch.size());
    std::vector<std::filesystem::path> files;
    std::vector<size_t> intact;
    for (size_t i = 0; i < batch.size(); ++i) {
      failures[i] = DamagedPicture(batch[i]);
      if (!failures[i].empty()) continue;
      files.push_back(batch[i].picture);
      intact.push_back(i);
    }
    EmbeddingMatrix embedded(0, model.embedding_size);
    std::vector<std::string> embed_failures(files.size());
    if (!files.empty()) embed(files, embedded, embed_failures);
    DIAREID_CHECK(embed_failures.size() == files.size() &&
                  embedded.rows() == static_cast<Eigen::Index>(files.size()));
    EmbeddingMatrix rows = EmbeddingMatrix::Zero(
        static_cast<Eigen::Index>(batch.size()), model.embedding_size);
    for (size_t k = 0; k < intact.size(); ++k) {
      failures[intact[k]] = embed_failures[k];
      rows.row(static_cast<Eigen::Index>(intact[k])) =
          embedded.row(static_cast<Eigen::Index>(k));
    }
    std::vector<std::filesystem::path> all_files;
    for (const PendingCapture& capture : batch)
      all_files.push_back(capture.picture);
    std::vector<int64_t> ids;
    EmbeddingMatrix good(0, model.embedding_size);
    std::vector<int> kept;
    for (size_t i = 0; i < batch.size(); ++i) {
      if (!failures[i].empty()) {
        spdlog::warn("Cannot embed picture {} (capture {}): {}",
                     all_files[i].string(), batch[i].capture_id, failures[i]);
        gallery.MarkEmbeddingFailed(model.id, batch[i].capture_id, failures[i]);
        if (summary.needs_person.size() < kMaxPictureLines)
          summary.needs_person.push_back(failures[i]);
        ++summary.failed;
        continue;
      }
      ids.push_back(batch[i].capture_id);
      kept.push_back(static_cast<int>(i));
    }
    good.resize(static_cast<Eigen::Index>(kept.size()), rows.cols());
    for (size_t k = 0; k < kept.size(); ++k) good.row(k) = rows.row(kept[k]);
    gallery.AddEmbeddings(model.id, ids, good);
    done += static_cast<long>(batch.size());
    summary.embedded += static_cast<long>(ids.size());
    progress.Update(done);
  }
  progress.Finish();
  return done;
}

// Trains and stores the SVM matcher of the model's references unless a
// fresh one is cached; returns what it did.
std::string CacheSvmMatcher(Gallery& gallery, const ModelInfo& model,
                            const ReindexOptions& options) {
  if (options.svm_cache_max_stones == 0) return "skipped: disabled";
  // Count first: loading every reference of a large gallery for nothing
  // would cost more than the rest of a re-index with nothing to embed.
  const long stones = static_cast<long>(gallery.ListStones().size());
  if (stones > options.svm_cache_max_stones)
    return "skipped: " + std::to_string(stones) +
           " stones, more than svm_cache_max_stones " +
           std::to_string(options.svm_cache_max_stones);
  ReferenceSet references = gallery.LoadReferences(model.id);
  if (references.stone_ids.empty()) return "skipped: no references";
  std::string digest = ReferenceDigest(references);
  if (gallery.LoadSvmCache(model.id, digest)) return "fresh";
  auto start = std::chrono::steady_clock::now();
  gallery.StoreSvmCache(model.id, digest, TrainSvmParameters(references));
  spdlog::info(
      "Cached the SVM matcher of {} stones ({:.1f} s)", stones,
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count());
  return "written";
}

}  // namespace

ReindexSummary ReindexGallery(Gallery& gallery, const ModelInfo& model,
                              const std::filesystem::path& model_file,
                              const PictureBatchEmbedder& embed,
                              const ReindexOptions& options) {
  options.Check();
  auto start = std::chrono::steady_clock::now();
  ReindexSummary summary;
  summary.model_id = model.id;
  summary.model_name = model.name;
  summary.previous_model = gallery.ActiveModel();
  spdlog::info("Re-indexing gallery {} with model {} ({})",
               gallery.dir().string(), model.name, model.id.substr(0, 12));
  gallery.RegisterModel(model, model_file);
  if (options.retry_failed) gallery.ClearEmbeddingFailures(model.id);

  EmbedPending(gallery, model, embed, options, summary);
  summary.references_rebuilt = gallery.RebuildReferences(model.id);
  ReindexState state = gallery.GetReindexState(model.id);
  summary.pending = state.pending;
  summary.failed = state.failed;

  // Integrity before the switch: the new model's embeddings and every
  // stone's references (each picture's SHA-256 was checked as it was read).
  // The full check of SQLite pages, the event log and every picture is
  // `gallery check`, which the nightly script runs after this.
  for (const CheckFinding& finding : gallery.CheckModel(model.id))
    summary.needs_person.push_back(finding.what);
  auto elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  summary.seconds = elapsed;
  summary.pictures_per_second =
      elapsed > 0 ? static_cast<double>(summary.embedded) / elapsed : 0;
  if (state.failed_enrolment_captures > 0)
    summary.needs_person.push_back(
        std::to_string(state.failed_enrolment_captures) +
        " enrolment pictures cannot be embedded by the new model (see the "
        "warnings above); the gallery stays on the old model");
  if (summary.needs_person.empty() && state.pending == 0) {
    summary.switched = gallery.SwitchActiveModel(model.id, ToJson(summary));
    if (!summary.switched)
      summary.pending = gallery.GetReindexState(model.id).pending;
  } else if (state.pending > 0) {
    spdlog::info("{} pictures are left for the next run", state.pending);
  }
  summary.svm_cache = summary.switched
                          ? CacheSvmMatcher(gallery, model, options)
                          : "skipped: the model is not active yet";
  spdlog::info(
      "Re-index: {} pictures embedded, {} failed, {} pending, {} "
      "({:.1f} pictures/s)",
      summary.embedded, summary.failed, summary.pending,
      summary.switched ? "model active" : "model not active yet",
      summary.pictures_per_second);
  return summary;
}

}  // namespace diareid
