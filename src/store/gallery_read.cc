// Reading the gallery: stones, their history, references, export.
#include "diareid/core/error.h"
#include "embedding_codec.h"
#include "gallery_impl.h"

namespace diareid::store {
namespace {

const char kStoneSummarySql[] =
    "SELECT s.id, s.created, s.metadata, (SELECT count(*) FROM enrolments "
    "WHERE stone_id = s.id), (SELECT count(*) FROM \"references\" r WHERE "
    "r.stone_id = s.id AND r.model_id = coalesce((SELECT value FROM settings "
    "WHERE key = 'active_model'), '')) FROM stones s";

StoneSummary ReadSummary(const Statement& row) {
  StoneSummary summary;
  summary.id = row.Text(0);
  summary.created = row.Text(1);
  summary.metadata = nlohmann::json::parse(row.Text(2), nullptr, false);
  if (summary.metadata.is_discarded())
    throw IntegrityError("metadata of stone " + summary.id +
                         " is not valid JSON");
  summary.enrolments = static_cast<int>(row.Int(3));
  summary.references = static_cast<int>(row.Int(4));
  return summary;
}

nlohmann::json SummaryJson(const StoneSummary& summary) {
  return {{"id", summary.id},
          {"created", summary.created},
          {"metadata", summary.metadata},
          {"enrolments", summary.enrolments},
          {"references", summary.references}};
}

}  // namespace

std::optional<StoneSummary> SqliteGallery::FindStone(
    const std::string& id) const {
  Statement find(*db_, std::string(kStoneSummarySql) + " WHERE s.id = ?");
  find.Bind(1, id);
  if (!find.Step()) return std::nullopt;
  return ReadSummary(find);
}

std::vector<StoneSummary> SqliteGallery::ListStones() const {
  Statement list(*db_, std::string(kStoneSummarySql) + " ORDER BY s.id");
  std::vector<StoneSummary> stones;
  while (list.Step()) stones.push_back(ReadSummary(list));
  return stones;
}

std::map<std::string, std::string> SqliteGallery::EnrolmentPicturesAmong(
    const std::vector<std::string>& sha256s) const {
  std::map<std::string, std::string> found;
  Statement find(*db_,
                 "SELECT stone_id FROM captures WHERE sha256 = ? AND "
                 "purpose = 'enrol' LIMIT 1");
  for (const std::string& sha256 : sha256s) {
    find.Bind(1, sha256);
    if (find.Step()) found[sha256] = find.Text(0);
    find.Reset();
  }
  return found;
}

nlohmann::json SqliteGallery::StoneHistory(const std::string& id) const {
  ReadSnapshot snapshot(*db_);
  std::optional<StoneSummary> stone = FindStone(id);
  if (!stone)
    throw InputError("stone " + id + " is not enrolled in " +
                     options_.dir.string());
  nlohmann::json history = SummaryJson(*stone);
  history["captures"] = nlohmann::json::array();
  Statement captures(*db_,
                     "SELECT id, sha256, format, time, purpose, "
                     "coalesce(enrolment_id, 0), coalesce(rig, ''), "
                     "coalesce(well, ''), coalesce(operator, ''), "
                     "coalesce(source, '') FROM captures WHERE stone_id = ? "
                     "ORDER BY id");
  captures.Bind(1, id);
  while (captures.Step()) {
    history["captures"].push_back(
        {{"capture", captures.Int(0)},
         {"sha256", captures.Text(1)},
         {"picture",
          pictures_.PathOf(captures.Text(1), captures.Text(2)).string()},
         {"time", captures.Text(3)},
         {"purpose", captures.Text(4)},
         {"enrolment", captures.Int(5)},
         {"rig", captures.Text(6)},
         {"well", captures.Text(7)},
         {"operator", captures.Text(8)},
         {"source", captures.Text(9)}});
  }
  history["events"] = nlohmann::json::array();
  Statement events(*db_,
                   "SELECT id, time, kind, payload FROM events WHERE "
                   "stone_id = ? ORDER BY id");
  events.Bind(1, id);
  while (events.Step()) {
    nlohmann::json payload =
        nlohmann::json::parse(events.Text(3), nullptr, false);
    nlohmann::json event = {{"event", events.Int(0)},
                            {"time", events.Text(1)},
                            {"kind", events.Text(2)}};
    if (payload.is_object()) {
      for (const char* field : {"operator", "result", "enrolment"})
        if (payload.contains(field)) event[field] = payload[field];
    }
    history["events"].push_back(event);
  }
  return history;
}

ReferenceSet SqliteGallery::LoadReferences(const std::string& model_id) const {
  return ReadReferences(model_id, "");
}

ReferenceSet SqliteGallery::LoadStoneReferences(
    const std::string& model_id, const std::string& stone_id) const {
  CheckStoneId(stone_id);
  ReadSnapshot snapshot(*db_);
  if (!FindStone(stone_id))
    throw InputError("stone " + stone_id + " is not enrolled in " +
                     options_.dir.string());
  return ReadReferences(model_id, stone_id);
}

ReferenceSet SqliteGallery::ReadReferences(const std::string& model_id,
                                           const std::string& stone_id) const {
  int dim = EmbeddingSize(model_id);
  ReadSnapshot snapshot(*db_);
  // Two plans: a scan of the model's references, or one stone's rows
  // through references_by_stone.
  const std::string stone_filter =
      stone_id.empty() ? "" : " AND r.stone_id = ?2";
  Statement count(*db_,
                  "SELECT count(*) FROM \"references\" r WHERE r.model_id = "
                  "?1" +
                      stone_filter);
  count.Bind(1, model_id);
  if (!stone_id.empty()) count.Bind(2, stone_id);
  count.Step();
  int64_t rows = count.Int(0);
  ReferenceSet set;
  set.vectors.resize(rows, dim);
  set.stone_ids.reserve(static_cast<size_t>(rows));
  Statement load(*db_,
                 "SELECT r.stone_id, e.id, e.dim, e.dtype, e.vector, "
                 "e.model_id FROM \"references\" r JOIN embeddings e ON e.id "
                 "= r.embedding_id WHERE r.model_id = ?1" +
                     stone_filter + " ORDER BY r.stone_id, e.id");
  load.Bind(1, model_id);
  if (!stone_id.empty()) load.Bind(2, stone_id);
  int row = 0;
  while (load.Step()) {
    if (row >= rows) throw InternalError("references changed while being read");
    if (load.Text(5) != model_id)
      throw IntegrityError("reference embedding " +
                           std::to_string(load.Int(1)) + " of stone " +
                           load.Text(0) + " belongs to model " + load.Text(5) +
                           ", not " + model_id);
    DecodeEmbedding(load.Blob(4), static_cast<int>(load.Int(2)), load.Text(3),
                    load.Int(1), set.vectors, row);
    set.stone_ids.push_back(load.Text(0));
    ++row;
  }
  if (row != rows)
    throw IntegrityError("references of model " + model_id + ": " +
                         std::to_string(rows) + " rows, but only " +
                         std::to_string(row) + " embeddings found");
  return set;
}

nlohmann::json SqliteGallery::Export() const {
  ReadSnapshot snapshot(*db_);
  nlohmann::json out = {{"active_model", ActiveModel()},
                        {"models", nlohmann::json::array()},
                        {"stones", nlohmann::json::array()}};
  Statement models(*db_,
                   "SELECT id, name, input_size, embedding_size, metric, "
                   "coalesce(file, ''), registered FROM models ORDER BY "
                   "registered");
  while (models.Step())
    out["models"].push_back({{"id", models.Text(0)},
                             {"name", models.Text(1)},
                             {"input_size", models.Int(2)},
                             {"embedding_size", models.Int(3)},
                             {"metric", models.Text(4)},
                             {"file", models.Text(5)},
                             {"registered", models.Text(6)}});
  for (const StoneSummary& stone : ListStones()) {
    nlohmann::json history = StoneHistory(stone.id);
    out["stones"].push_back(history);
  }
  auto [head_id, head_hash] = EventHead();
  out["event_head"] = {{"event", head_id}, {"hash", head_hash}};
  return out;
}

}  // namespace diareid::store
