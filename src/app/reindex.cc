#include "diareid/app/reindex.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "diareid/core/error.h"
#include "diareid/core/progress.h"

namespace diareid {

void ReindexOptions::Check() const {
  if (batch_size < 1 || batch_size > 1024)
    throw InputError("reindex batch size " + std::to_string(batch_size) +
                     " is out of range, expected 1 to 1024");
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
          {"seconds", summary.seconds},
          {"pictures_per_second", summary.pictures_per_second}};
}

namespace {

// Embeds pending pictures batch by batch until none is left (or the
// limit); returns how many were embedded.
long EmbedPending(Gallery& gallery, const ModelInfo& model,
                  const PictureBatchEmbedder& embed,
                  const ReindexOptions& options, ReindexSummary& summary) {
  ReindexState start = gallery.GetReindexState(model.id);
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
    std::vector<std::filesystem::path> files;
    for (const PendingCapture& capture : batch)
      files.push_back(capture.picture);
    EmbeddingMatrix rows;
    std::vector<std::string> failures(batch.size());
    embed(files, rows, failures);
    DIAREID_CHECK(failures.size() == batch.size());
    std::vector<int64_t> ids;
    EmbeddingMatrix good(0, model.embedding_size);
    std::vector<int> kept;
    for (size_t i = 0; i < batch.size(); ++i) {
      if (!failures[i].empty()) {
        spdlog::warn("Cannot embed picture {} (capture {}): {}",
                     files[i].string(), batch[i].capture_id, failures[i]);
        gallery.MarkEmbeddingFailed(model.id, batch[i].capture_id, failures[i]);
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

  // Integrity before the switch: never move a damaged gallery to a model.
  for (const CheckFinding& finding : gallery.Check(/*repair=*/false)) {
    bool missing_embeddings =
        finding.what.find("no embedding from the active model") !=
        std::string::npos;
    if (!missing_embeddings) summary.needs_person.push_back(finding.what);
  }
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
  spdlog::info(
      "Re-index: {} pictures embedded, {} failed, {} pending, {} "
      "({:.1f} pictures/s)",
      summary.embedded, summary.failed, summary.pending,
      summary.switched ? "model active" : "model not active yet",
      summary.pictures_per_second);
  return summary;
}

}  // namespace diareid
