#include "schema.h"

#include <spdlog/spdlog.h>

#include <string>
#include <vector>

#include "diareid/core/error.h"

namespace diareid::store {
namespace {

// Migration i brings user_version from i to i + 1. Never edit a shipped
// migration: add a new one.
const std::vector<std::string>& Migrations() {
  static const std::vector<std::string> migrations = {
      R"sql(
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE models (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  input_size INTEGER NOT NULL CHECK (input_size > 0),
  embedding_size INTEGER NOT NULL CHECK (embedding_size > 0),
  metric TEXT NOT NULL,
  file TEXT,
  registered TEXT NOT NULL
);
CREATE TABLE stones (
  id TEXT PRIMARY KEY,
  created TEXT NOT NULL,
  metadata TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE enrolments (
  id INTEGER PRIMARY KEY,
  stone_id TEXT NOT NULL REFERENCES stones(id),
  time TEXT NOT NULL,
  operator TEXT,
  re_enrol INTEGER NOT NULL
);
CREATE INDEX enrolments_by_stone ON enrolments(stone_id, id);
CREATE TABLE captures (
  id INTEGER PRIMARY KEY,
  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
  format TEXT NOT NULL,
  time TEXT NOT NULL,
  stone_id TEXT REFERENCES stones(id),
  purpose TEXT NOT NULL CHECK (purpose IN ('enrol', 'verify', 'identify')),
  enrolment_id INTEGER REFERENCES enrolments(id),
  rig TEXT,
  well TEXT,
  operator TEXT,
  source TEXT
);
CREATE INDEX captures_by_enrolment ON captures(enrolment_id);
CREATE INDEX captures_by_stone ON captures(stone_id);
CREATE TABLE embeddings (
  id INTEGER PRIMARY KEY,
  capture_id INTEGER NOT NULL REFERENCES captures(id),
  model_id TEXT NOT NULL REFERENCES models(id),
  dim INTEGER NOT NULL CHECK (dim > 0),
  dtype TEXT NOT NULL,
  vector BLOB NOT NULL,
  digest TEXT NOT NULL,
  UNIQUE (capture_id, model_id)
);
CREATE INDEX embeddings_by_model ON embeddings(model_id, capture_id);
CREATE TABLE "references" (
  stone_id TEXT NOT NULL REFERENCES stones(id),
  model_id TEXT NOT NULL REFERENCES models(id),
  embedding_id INTEGER NOT NULL REFERENCES embeddings(id),
  PRIMARY KEY (model_id, embedding_id)
);
CREATE INDEX references_by_stone ON "references"(stone_id, model_id);
CREATE TABLE embedding_failures (
  capture_id INTEGER NOT NULL REFERENCES captures(id),
  model_id TEXT NOT NULL REFERENCES models(id),
  reason TEXT NOT NULL,
  PRIMARY KEY (capture_id, model_id)
);
CREATE TABLE events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  time TEXT NOT NULL,
  kind TEXT NOT NULL,
  stone_id TEXT,
  payload TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  signature TEXT
);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
)sql",
      // 2: trained matchers (SVMs), keyed by the digest of the references
      // they were trained on; files of per-stone means, keyed by a version
      // of the references that triggers keep.
      R"sql(
CREATE TABLE matcher_caches (
  model_id TEXT NOT NULL REFERENCES models(id),
  method TEXT NOT NULL,
  references_digest TEXT NOT NULL,
  stones INTEGER NOT NULL CHECK (stones > 0),
  dim INTEGER NOT NULL CHECK (dim > 0),
  parameters BLOB NOT NULL,
  digest TEXT NOT NULL,
  created TEXT NOT NULL,
  PRIMARY KEY (model_id, method)
);
-- Bumped by every change to a model's references or to the embeddings
-- behind them, in the writer's own transaction: a cache file of the
-- per-stone means is used only for the version it was written at.
CREATE TABLE reference_versions (
  model_id TEXT PRIMARY KEY,
  version INTEGER NOT NULL
);
CREATE TABLE reference_files (
  model_id TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  file TEXT NOT NULL,
  digest TEXT NOT NULL
);
CREATE TRIGGER references_inserted AFTER INSERT ON "references" BEGIN
  INSERT OR IGNORE INTO reference_versions VALUES (NEW.model_id, 0);
  UPDATE reference_versions SET version = version + 1
    WHERE model_id = NEW.model_id;
END;
CREATE TRIGGER references_deleted AFTER DELETE ON "references" BEGIN
  INSERT OR IGNORE INTO reference_versions VALUES (OLD.model_id, 0);
  UPDATE reference_versions SET version = version + 1
    WHERE model_id = OLD.model_id;
END;
CREATE TRIGGER references_updated AFTER UPDATE ON "references" BEGIN
  INSERT OR IGNORE INTO reference_versions VALUES (NEW.model_id, 0);
  INSERT OR IGNORE INTO reference_versions VALUES (OLD.model_id, 0);
  UPDATE reference_versions SET version = version + 1
    WHERE model_id IN (OLD.model_id, NEW.model_id);
END;
CREATE TRIGGER embeddings_updated AFTER UPDATE ON embeddings BEGIN
  INSERT OR IGNORE INTO reference_versions VALUES (NEW.model_id, 0);
  INSERT OR IGNORE INTO reference_versions VALUES (OLD.model_id, 0);
  UPDATE reference_versions SET version = version + 1
    WHERE model_id IN (OLD.model_id, NEW.model_id);
END;
CREATE TRIGGER embeddings_deleted AFTER DELETE ON embeddings BEGIN
  INSERT OR IGNORE INTO reference_versions VALUES (OLD.model_id, 0);
  UPDATE reference_versions SET version = version + 1
    WHERE model_id = OLD.model_id;
END;
)sql",
  };
  return migrations;
}

int ReadUserVersion(Database& db) {
  return static_cast<int>(QueryInt(db, "PRAGMA user_version").value_or(0));
}

int ReadApplicationId(Database& db) {
  return static_cast<int>(QueryInt(db, "PRAGMA application_id").value_or(0));
}

bool IsEmpty(Database& db) {
  return QueryInt(db, "SELECT count(*) FROM sqlite_master").value_or(0) == 0;
}

}  // namespace

int CurrentSchemaVersion() { return static_cast<int>(Migrations().size()); }

void CheckSchema(Database& db) {
  int application_id = ReadApplicationId(db);
  if (application_id != kApplicationId && !IsEmpty(db))
    throw IntegrityError(db.path().string() +
                         " is an SQLite file but not a diareid gallery "
                         "(application_id " +
                         std::to_string(application_id) + ")");
  int version = ReadUserVersion(db);
  if (version > CurrentSchemaVersion())
    throw IntegrityError(
        "gallery " + db.path().string() + " has schema version " +
        std::to_string(version) + ", newer than this diareid (" +
        std::to_string(CurrentSchemaVersion()) + "): upgrade diareid");
}

void Migrate(Database& db) {
  CheckSchema(db);
  Transaction transaction(db);
  int version = ReadUserVersion(db);
  const auto& migrations = Migrations();
  for (int v = version; v < static_cast<int>(migrations.size()); ++v) {
    spdlog::info("Migrating gallery schema from version {} to {}", v, v + 1);
    db.Execute(migrations[v]);
    db.Execute("PRAGMA user_version = " + std::to_string(v + 1));
  }
  if (version == 0)
    db.Execute("PRAGMA application_id = " + std::to_string(kApplicationId));
  transaction.Commit();
}

}  // namespace diareid::store
