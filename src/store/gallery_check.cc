// `gallery check`: SQLite's own checks, the pictures, the event chain, the
// embeddings and the references; --repair fixes what is safe to fix.
#include <spdlog/spdlog.h>

#include <chrono>
#include <map>
#include <system_error>

#include "diareid/core/error.h"
#include "diareid/core/hash.h"
#include "embedding_codec.h"
#include "event_log.h"
#include "gallery_impl.h"

namespace diareid::store {
namespace {

constexpr size_t kMaxFindingsPerKind = 20;

void Add(std::vector<CheckFinding>& findings, const std::string& what,
         bool repaired = false) {
  findings.push_back({what, repaired});
}

// What the events recorded of one embedding, and what the table holds.
struct EmbeddingRecord {
  int64_t id = 0;
  std::string digest;
  bool recorded = false;
};

}  // namespace

void SqliteGallery::CheckEmbeddingRows(std::vector<CheckFinding>& findings) {
  std::map<std::string, int> sizes;
  {
    Statement models(*db_, "SELECT id, embedding_size FROM models");
    while (models.Step())
      sizes[models.Text(0)] = static_cast<int>(models.Int(1));
  }
  std::map<std::pair<int64_t, std::string>, EmbeddingRecord> rows;
  size_t bad = 0;
  Statement select(*db_,
                   "SELECT id, capture_id, model_id, dim, dtype, vector, "
                   "digest FROM embeddings ORDER BY id");
  while (select.Step()) {
    int64_t id = select.Int(0);
    std::string model = select.Text(2);
    std::string blob = select.Blob(5);
    int dim = static_cast<int>(select.Int(3));
    std::string problem;
    auto size = sizes.find(model);
    if (size == sizes.end()) {
      problem = "embedding " + std::to_string(id) + " is from model " + model +
                ", which the gallery does not know";
    } else {
      try {
        EmbeddingMatrix row(1, size->second);
        DecodeEmbedding(blob, dim, select.Text(4), id, row, 0);
      } catch (const IntegrityError& e) {
        problem = e.what();
      }
    }
    if (problem.empty() &&
        EmbeddingDigest(select.Int(1), model, dim, select.Text(4), blob) !=
            select.Text(6))
      problem = "embedding " + std::to_string(id) + " of capture " +
                std::to_string(select.Int(1)) +
                " was changed: its digest does not match its vector";
    if (!problem.empty() && bad++ < kMaxFindingsPerKind) Add(findings, problem);
    rows[{select.Int(1), model}] = {id, select.Text(6), false};
  }
  // Every embedding was added by an event that recorded its digest.
  Statement events(*db_,
                   "SELECT id, kind, payload FROM events WHERE payload LIKE "
                   "'%\"embeddings\"%' ORDER BY id");
  size_t unmatched = 0;
  while (events.Step()) {
    auto payload = nlohmann::json::parse(events.Text(2), nullptr, false);
    if (!payload.is_object() || !payload.contains("embeddings")) continue;
    const auto& embedded = payload["embeddings"];
    std::string model = embedded.value("model", "");
    std::vector<std::string> digests;
    bool complete = true;
    for (const auto& capture :
         embedded.value("captures", nlohmann::json::array())) {
      auto row = rows.find({capture.get<int64_t>(), model});
      if (row == rows.end()) {
        complete = false;
        if (unmatched++ < kMaxFindingsPerKind)
          Add(findings, "the embedding of capture " + capture.dump() +
                            " added by event " + std::to_string(events.Int(0)) +
                            " was deleted");
        continue;
      }
      row->second.recorded = true;
      digests.push_back(row->second.digest);
    }
    if (complete && CombinedDigest(digests) != embedded.value("digest", "") &&
        unmatched++ < kMaxFindingsPerKind)
      Add(findings, "embeddings added by event " +
                        std::to_string(events.Int(0)) + " (" + events.Text(1) +
                        ") were changed since");
  }
  for (const auto& [key, record] : rows)
    if (!record.recorded && unmatched++ < kMaxFindingsPerKind)
      Add(findings, "embedding " + std::to_string(record.id) + " of capture " +
                        std::to_string(key.first) +
                        " is not recorded in the event log (inserted)");
}

void SqliteGallery::CheckPictures(bool repair,
                                  std::vector<CheckFinding>& findings) {
  std::vector<std::filesystem::path> known;
  size_t bad = 0;
  Statement select(*db_,
                   "SELECT DISTINCT sha256, format FROM captures ORDER BY "
                   "sha256");
  while (select.Step()) {
    std::filesystem::path path =
        pictures_.PathOf(select.Text(0), select.Text(1));
    known.push_back(path);
    std::error_code error;
    std::string problem;
    if (std::filesystem::is_directory(path, error))
      problem = "picture " + path.string() +
                " is a folder, expected the picture file of that name";
    else if (!std::filesystem::is_regular_file(path, error))
      problem = "picture " + path.string() + " is missing";
    else if (Sha256FileHex(path) != select.Text(0))
      problem = "picture " + path.string() +
                " was changed: its SHA-256 no longer matches its name";
    if (!problem.empty() && bad++ < kMaxFindingsPerKind) Add(findings, problem);
  }
  if (bad > kMaxFindingsPerKind)
    Add(findings, std::to_string(bad - kMaxFindingsPerKind) +
                      " more pictures are missing or changed");
  // Files no capture names: pictures of an enrolment that never committed,
  // or temporary files of an interrupted write. Harmless, so not a
  // finding; --repair removes those older than an hour (a younger one may
  // belong to an enrolment in progress in another process).
  auto strays = pictures_.Strays(known);
  if (strays.empty()) return;
  spdlog::info("{} picture files are not used by any capture", strays.size());
  if (!repair) return;
  auto now = std::filesystem::file_time_type::clock::now();
  size_t removed = 0;
  for (const auto& path : strays) {
    std::error_code error;
    auto age = now - std::filesystem::last_write_time(path, error);
    if (error || age < std::chrono::hours(1)) continue;
    if (std::filesystem::remove(path, error)) ++removed;
  }
  if (removed > 0)
    Add(findings,
        "removed " + std::to_string(removed) +
            " picture files that no capture uses (older than an hour)",
        /*repaired=*/true);
}

void SqliteGallery::CheckReferences(bool repair,
                                    std::vector<CheckFinding>& findings) {
  std::string model = ActiveModel();
  if (model.empty()) return;
  Statement lacking(*db_,
                    "SELECT count(*) FROM captures c WHERE NOT EXISTS "
                    "(SELECT 1 FROM embeddings e WHERE e.capture_id = c.id "
                    "AND e.model_id = ?)");
  lacking.Bind(1, model).Step();
  if (lacking.Int(0) > 0)
    Add(findings, std::to_string(lacking.Int(0)) +
                      " pictures have no embedding from the active model " +
                      model.substr(0, 12) +
                      ": `diareid gallery check --repair` or `diareid "
                      "reindex` embeds them again");
  long stale = 0;
  StaleReferenceStones(model, 0, &stale);
  if (stale == 0) return;
  if (repair && !options_.read_only) {
    RebuildReferences(model);
    Add(findings,
        std::to_string(stale) +
            " stones had references that did not match their current "
            "enrolment; rebuilt",
        /*repaired=*/true);
  } else {
    Add(findings, std::to_string(stale) +
                      " stones have references that do not match their "
                      "current enrolment (`gallery check --repair` rebuilds "
                      "them)");
  }
}

std::vector<CheckFinding> SqliteGallery::Check(bool repair) {
  if (repair) RequireWritable("repair");
  std::vector<CheckFinding> findings;
  {
    Statement integrity(*db_, "PRAGMA integrity_check(20)");
    while (integrity.Step())
      if (integrity.Text(0) != "ok")
        Add(findings, "SQLite integrity check: " + integrity.Text(0));
  }
  {
    Statement foreign(*db_, "PRAGMA foreign_key_check");
    size_t count = 0;
    while (foreign.Step())
      if (count++ < kMaxFindingsPerKind)
        Add(findings, "row " + std::to_string(foreign.Int(1)) + " of " +
                          foreign.Text(0) + " points to a missing row of " +
                          foreign.Text(2));
  }
  {
    ReadSnapshot snapshot(*db_);
    for (const std::string& problem : VerifyEventChain(*db_, key_))
      Add(findings, problem);
    // Not a problem, but the user must not read "intact" as "signatures
    // verified": a finding marked repaired whose text starts "note: ".
    if (key_.empty() && Setting("signed") == "1")
      Add(findings,
          "note: the gallery signs its events but no --key-file was given: "
          "the signatures were not checked",
          /*repaired=*/true);
    CheckEmbeddingRows(findings);
  }
  CheckPictures(repair, findings);
  CheckReferences(repair, findings);
  CheckMatcherCaches(repair, findings);
  CheckMeanFiles(repair, findings);
  for (const CheckFinding& finding : findings)
    spdlog::debug("Check: {}{}", finding.what,
                  finding.repaired ? " (repaired)" : "");
  return findings;
}

}  // namespace diareid::store
