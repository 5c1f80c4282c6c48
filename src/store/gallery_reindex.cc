// What a re-index needs from the gallery: pictures lacking an embedding,
// short write transactions that add embeddings, and the atomic switch.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "diareid/core/error.h"
#include "event_log.h"
#include "gallery_impl.h"

namespace diareid::store {
namespace {

const char kPendingWhere[] =
    " FROM captures c WHERE NOT EXISTS (SELECT 1 FROM embeddings e WHERE "
    "e.capture_id = c.id AND e.model_id = ?1) AND NOT EXISTS (SELECT 1 FROM "
    "embedding_failures f WHERE f.capture_id = c.id AND f.model_id = ?1)";

// Stones with an enrolment but no reference from the model.
const char kStonesWithoutReferences[] =
    "SELECT count(*) FROM stones s WHERE EXISTS (SELECT 1 FROM enrolments "
    "WHERE stone_id = s.id) AND NOT EXISTS (SELECT 1 FROM \"references\" r "
    "WHERE r.stone_id = s.id AND r.model_id = ?1)";

}  // namespace

// Captures first (captures_by_enrolment), then the embedding by its
// (capture, model) key: CROSS JOIN keeps SQLite from scanning every
// embedding of the model for each stone instead.
ReferenceComparison::ReferenceComparison(Database& db,
                                         const std::string& model_id)
    : model_id_(model_id),
      expected_(db,
                "SELECT e.id FROM captures c CROSS JOIN embeddings e ON "
                "e.capture_id = c.id AND e.model_id = ?2 WHERE "
                "c.enrolment_id = (SELECT max(id) FROM enrolments WHERE "
                "stone_id = ?1) ORDER BY e.id"),
      current_(db,
               "SELECT embedding_id FROM \"references\" INDEXED BY "
               "references_by_stone WHERE stone_id = ?1 AND model_id = ?2 "
               "ORDER BY embedding_id") {}

std::vector<int64_t> ReferenceComparison::Expected(
    const std::string& stone_id) {
  expected_.Bind(1, stone_id).Bind(2, model_id_);
  std::vector<int64_t> ids;
  while (expected_.Step()) ids.push_back(expected_.Int(0));
  expected_.Reset();
  return ids;
}

std::vector<int64_t> ReferenceComparison::Current(const std::string& stone_id) {
  current_.Bind(1, stone_id).Bind(2, model_id_);
  std::vector<int64_t> ids;
  while (current_.Step()) ids.push_back(current_.Int(0));
  current_.Reset();
  return ids;
}

std::vector<PendingCapture> SqliteGallery::CapturesLackingEmbedding(
    const std::string& model_id, int limit, int64_t after) const {
  Statement select(*db_, std::string("SELECT c.id, c.sha256, c.format") +
                             kPendingWhere +
                             " AND c.id > ?3 ORDER BY c.id LIMIT ?2");
  select.Bind(1, model_id).Bind(2, limit).Bind(3, after);
  std::vector<PendingCapture> pending;
  while (select.Step()) {
    PendingCapture capture;
    capture.capture_id = select.Int(0);
    capture.sha256 = select.Text(1);
    capture.picture = pictures_.PathOf(capture.sha256, select.Text(2));
    pending.push_back(capture);
  }
  return pending;
}

void SqliteGallery::AddEmbeddings(const std::string& model_id,
                                  const std::vector<int64_t>& capture_ids,
                                  const EmbeddingMatrix& embeddings) {
  RequireWritable("add embeddings");
  if (capture_ids.empty()) return;
  CheckEmbeddings(model_id, capture_ids.size(), embeddings);
  // A batch of re-computed embeddings may be lost to a power cut (never to
  // a crash: WAL): the next run embeds it again. So no fsync per batch;
  // every other commit, the switch included, stays synchronous = FULL.
  db_->Execute("PRAGMA synchronous = NORMAL");
  try {
    Transaction transaction(*db_);
    nlohmann::json embedded =
        InsertEmbeddings(model_id, capture_ids, embeddings, nullptr);
    if (!embedded["captures"].empty())
      AppendEvent(*db_, key_, "embed", "", {{"embeddings", embedded}});
    transaction.Commit();
  } catch (...) {
    db_->Execute("PRAGMA synchronous = FULL");
    throw;
  }
  db_->Execute("PRAGMA synchronous = FULL");
}

void SqliteGallery::MarkEmbeddingFailed(const std::string& model_id,
                                        int64_t capture_id,
                                        const std::string& reason) {
  RequireWritable("mark a failed embedding");
  Transaction transaction(*db_);
  Statement(*db_,
            "INSERT OR REPLACE INTO embedding_failures(capture_id, model_id, "
            "reason) VALUES (?, ?, ?)")
      .Bind(1, capture_id)
      .Bind(2, model_id)
      .Bind(3, reason)
      .Run();
  transaction.Commit();
}

void SqliteGallery::ClearEmbeddingFailures(const std::string& model_id) {
  RequireWritable("clear embedding failures");
  Transaction transaction(*db_);
  Statement(*db_, "DELETE FROM embedding_failures WHERE model_id = ?")
      .Bind(1, model_id)
      .Run();
  transaction.Commit();
}

ReindexState SqliteGallery::GetReindexState(const std::string& model_id) const {
  ReadSnapshot snapshot(*db_);
  ReindexState state;
  state.model_id = model_id;
  Statement pending(*db_, std::string("SELECT count(*)") + kPendingWhere);
  pending.Bind(1, model_id).Step();
  state.pending = static_cast<long>(pending.Int(0));
  Statement failed(*db_,
                   "SELECT count(*), coalesce(sum(c.enrolment_id = (SELECT "
                   "max(id) FROM enrolments WHERE stone_id = c.stone_id)), 0) "
                   "FROM embedding_failures f JOIN captures c ON c.id = "
                   "f.capture_id WHERE f.model_id = ?");
  failed.Bind(1, model_id).Step();
  state.failed = static_cast<long>(failed.Int(0));
  state.failed_enrolment_captures = static_cast<long>(failed.Int(1));
  Statement embedded(*db_,
                     "SELECT count(*) FROM embeddings WHERE model_id = ?");
  embedded.Bind(1, model_id).Step();
  state.embedded = static_cast<long>(embedded.Int(0));
  return state;
}

long SqliteGallery::RebuildReferences(const std::string& model_id) {
  RequireWritable("rebuild references");
  EmbeddingSize(model_id);
  long changed = 0;
  std::string after;
  constexpr int kStonesPerTransaction = 500;
  while (true) {
    Transaction transaction(*db_);
    std::vector<std::string> stones;
    {
      Statement batch(*db_,
                      "SELECT id FROM stones WHERE id > ? ORDER BY id LIMIT ?");
      batch.Bind(1, after).Bind(2, kStonesPerTransaction);
      while (batch.Step()) stones.push_back(batch.Text(0));
    }
    if (stones.empty()) break;
    Statement remove(*db_,
                     "DELETE FROM \"references\" WHERE stone_id = ? AND "
                     "model_id = ?");
    Statement insert(*db_,
                     "INSERT INTO \"references\"(stone_id, model_id, "
                     "embedding_id) VALUES (?, ?, ?)");
    ReferenceComparison comparison(*db_, model_id);
    for (const std::string& stone : stones) {
      std::vector<int64_t> expected = comparison.Expected(stone);
      if (expected == comparison.Current(stone)) continue;
      remove.Bind(1, stone).Bind(2, model_id).Run();
      for (int64_t id : expected)
        insert.Bind(1, stone).Bind(2, model_id).Bind(3, id).Run();
      ++changed;
    }
    transaction.Commit();
    after = stones.back();
  }
  if (changed > 0)
    spdlog::info("Rebuilt the references of {} stones for model {}", changed,
                 model_id.substr(0, 12));
  return changed;
}

bool SqliteGallery::SwitchActiveModel(const std::string& model_id,
                                      const nlohmann::json& summary) {
  RequireWritable("switch the active model");
  EmbeddingSize(model_id);
  Transaction transaction(*db_);
  ReindexState state = GetReindexState(model_id);
  Statement missing(*db_, kStonesWithoutReferences);
  missing.Bind(1, model_id).Step();
  long stones_without = static_cast<long>(missing.Int(0));
  if (state.pending > 0 || state.failed_enrolment_captures > 0 ||
      stones_without > 0) {
    spdlog::warn(
        "Not switching to model {}: {} pictures pending, {} enrolment "
        "pictures failed, {} stones without references",
        model_id.substr(0, 12), state.pending, state.failed_enrolment_captures,
        stones_without);
    return false;
  }
  std::string previous = ActiveModel();
  WriteSetting("active_model", model_id);
  nlohmann::json payload = summary;
  payload["previous_model"] = previous;
  payload["model"] = model_id;
  AppendEvent(*db_, key_, "reindex", "", payload);
  transaction.Commit();
  if (previous != model_id)
    spdlog::info("Switched the gallery from model {} to {}",
                 previous.substr(0, 12), model_id.substr(0, 12));
  return true;
}

}  // namespace diareid::store
