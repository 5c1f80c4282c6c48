// The gallery: one SQLite file (stones, captures, embeddings, references,
// models, an append-only hash-chained event log) and a content-addressed
// picture store beside it. docs/gallery.md describes the schema.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "diareid/match/matcher.h"
#include "diareid/model/model_info.h"

namespace diareid {

// Stone IDs: 1 to 64 characters from A-Z a-z 0-9 and . _ - , starting with a
// letter or digit. Throws InputError naming the ID otherwise.
void CheckStoneId(const std::string& id);

struct GalleryOptions {
  // Folder holding gallery.sqlite and pictures/.
  std::filesystem::path dir;
  // Optional HMAC key file, kept outside the gallery; events are signed.
  std::filesystem::path key_file;
  bool read_only = false;
  // How long a writer waits for another process's lock.
  int busy_timeout_ms = 30000;
};

// One picture going into the gallery: encoded file bytes (PNG or JPEG) and
// where it was taken.
struct CaptureInput {
  std::string encoded;  // the file's bytes; the store names it by SHA-256
  std::string rig;      // rig name, or "" for pictures given as files
  std::string well;     // well name, or ""
  std::string source;   // original file name or camera description
};

// An enrolment to write in one transaction.
struct EnrolmentInput {
  std::string stone_id;
  nlohmann::json metadata = nlohmann::json::object();  // sale reference...
  std::string operator_name;
  bool re_enrol = false;
  std::vector<CaptureInput> captures;
  std::string model_id;
  EmbeddingMatrix embeddings;  // one row per capture
};

// A verification or identification to record (pictures and event).
struct QueryRecord {
  std::string purpose;   // "verify" or "identify"
  std::string stone_id;  // claimed stone for verify, "" for identify
  std::string operator_name;
  std::vector<CaptureInput> captures;
  std::string model_id;
  EmbeddingMatrix embeddings;
  nlohmann::json result;  // verdict, score, threshold, ranking...
};

struct StoneSummary {
  std::string id;
  std::string created;  // ISO 8601 UTC
  nlohmann::json metadata;
  int enrolments = 0;
  int references = 0;
};

// A finding of Check(); `repaired` when --repair fixed it.
struct CheckFinding {
  std::string what;
  bool repaired = false;
};

class Gallery {
 public:
  // Opens (and creates, unless read-only) the gallery, migrating the schema.
  // Throws InputError for a folder that cannot be used and IntegrityError
  // for a file that is not a diareid gallery or is corrupt.
  static std::unique_ptr<Gallery> Open(const GalleryOptions& options);
  virtual ~Gallery() = default;

  // Records a model (idempotent).
  virtual void RegisterModel(const ModelInfo& info) = 0;
  // Writes pictures (store first, fsynced), then in one transaction the
  // stone, captures, embeddings, references and the event. Throws InputError
  // when the stone exists and re_enrol is false.
  virtual void Enrol(const EnrolmentInput& input) = 0;
  virtual void RecordQuery(const QueryRecord& record) = 0;

  virtual std::optional<StoneSummary> FindStone(
      const std::string& id) const = 0;
  virtual std::vector<StoneSummary> ListStones() const = 0;
  // One stone's full history (captures, events) as JSON.
  virtual nlohmann::json StoneHistory(const std::string& id) const = 0;
  // The current references of every stone for a model.
  virtual ReferenceSet LoadReferences(const std::string& model_id) const = 0;
  // Checks everything (SQLite integrity, pictures and hashes, the event
  // chain and signatures, embeddings' shapes and models).
  virtual std::vector<CheckFinding> Check(bool repair) = 0;
  virtual nlohmann::json Export() const = 0;
  virtual std::filesystem::path dir() const = 0;
};

}  // namespace diareid
