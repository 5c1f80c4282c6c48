// The gallery: one SQLite file (stones, captures, embeddings, references,
// models, an append-only hash-chained event log) and a content-addressed
// picture store beside it. docs/gallery.md describes the schema.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
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

// A stored picture that has no embedding yet from some model.
struct PendingCapture {
  int64_t capture_id = 0;
  std::string sha256;
  // The picture's file in the content-addressed store.
  std::filesystem::path picture;
};

// Where a re-index stands for one model.
struct ReindexState {
  std::string model_id;
  // Captures still lacking an embedding (and not marked as failed).
  long pending = 0;
  // Captures whose picture could not be embedded, with the reason.
  long failed = 0;
  // Failed captures that belong to a stone's current enrolment: they block
  // the switch, since the stone would lose references.
  long failed_enrolment_captures = 0;
  long embedded = 0;
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
  // Enrols many stones in one transaction (imports, benchmarks); all or
  // nothing.
  virtual void EnrolMany(const std::vector<EnrolmentInput>& inputs) = 0;

  virtual std::optional<StoneSummary> FindStone(
      const std::string& id) const = 0;
  virtual std::vector<StoneSummary> ListStones() const = 0;
  // One stone's full history (captures, events) as JSON.
  virtual nlohmann::json StoneHistory(const std::string& id) const = 0;
  // Of these pictures (SHA-256 of their files), those already stored as
  // an enrolment picture, with the stone they enrolled: a picture that is
  // byte for byte an enrolment picture proves nothing about the stone now
  // on the counter.
  virtual std::map<std::string, std::string> EnrolmentPicturesAmong(
      const std::vector<std::string>& sha256s) const = 0;
  // The current references of every stone for a model.
  virtual ReferenceSet LoadReferences(const std::string& model_id) const = 0;
  // The current references of one stone (verify needs no more); throws
  // InputError for a stone that is not enrolled.
  virtual ReferenceSet LoadStoneReferences(
      const std::string& model_id, const std::string& stone_id) const = 0;
  // Checks everything (SQLite integrity, pictures and hashes, the event
  // chain and signatures, embeddings' shapes and models).
  virtual std::vector<CheckFinding> Check(bool repair) = 0;
  virtual nlohmann::json Export() const = 0;
  virtual std::filesystem::path dir() const = 0;

  // Records a model with the file it was loaded from, so that later runs
  // can embed with the gallery's active model.
  virtual void RegisterModel(const ModelInfo& info,
                             const std::filesystem::path& file) = 0;
  // The model whose references verify and identify use; "" for a new,
  // empty gallery (the first enrolment makes its model active).
  virtual std::string ActiveModel() const = 0;
  // The file a registered model was loaded from, or "" when unknown.
  virtual std::filesystem::path ModelFile(
      const std::string& model_id) const = 0;
  // Embedding size of a registered model; throws InputError when unknown.
  virtual int EmbeddingSize(const std::string& model_id) const = 0;

  // Up to `limit` stored pictures without an embedding from `model_id`
  // (oldest first, after capture `after`), skipping those marked as failed.
  virtual std::vector<PendingCapture> CapturesLackingEmbedding(
      const std::string& model_id, int limit, int64_t after = 0) const = 0;
  // Adds embeddings from `model_id` for the given captures (one row each)
  // in one short transaction, with references for captures of a stone's
  // current enrolment and an event; rows already present are kept as they
  // are, so a resumed re-index never duplicates.
  virtual void AddEmbeddings(const std::string& model_id,
                             const std::vector<int64_t>& capture_ids,
                             const EmbeddingMatrix& embeddings) = 0;
  // Marks a picture that cannot be embedded by `model_id` (missing file,
  // rejected picture), so a re-index does not retry it forever.
  virtual void MarkEmbeddingFailed(const std::string& model_id,
                                   int64_t capture_id,
                                   const std::string& reason) = 0;
  // Forgets failures for `model_id`, to try those pictures again.
  virtual void ClearEmbeddingFailures(const std::string& model_id) = 0;
  virtual ReindexState GetReindexState(const std::string& model_id) const = 0;
  // Recomputes each stone's references for `model_id` from the embeddings
  // of its current enrolment, in batches of short transactions. Returns the
  // number of stones whose references changed.
  virtual long RebuildReferences(const std::string& model_id) = 0;
  // In one transaction: when every stone that has references now also has
  // them from `model_id` and nothing is pending, makes `model_id` active and
  // records a re-index event with `summary`. Returns false (and changes
  // nothing) otherwise.
  virtual bool SwitchActiveModel(const std::string& model_id,
                                 const nlohmann::json& summary) = 0;
  // Appends an event of the given kind to the log (for example "check").
  virtual void RecordEvent(const std::string& kind, const std::string& stone_id,
                           const nlohmann::json& payload) = 0;
  // The newest event's id and hash, to anchor outside the gallery (the
  // nightly summary keeps it, so a truncated log can be noticed).
  virtual std::pair<int64_t, std::string> EventHead() const = 0;

  // What a re-index checks before switching to `model_id`, in time linear
  // in the gallery: the model's embeddings (shape, digest) and every
  // stone's references against its current enrolment. The full Check()
  // (SQLite pages, event chain, every picture) is `gallery check`'s job.
  virtual std::vector<CheckFinding> CheckModel(const std::string& model_id) = 0;

  // The per-stone mean references of `model_id` (nearest-average matching
  // needs no more): from the cache file beside the database when it was
  // written for the current references and its digest holds; otherwise
  // computed from SQLite, and the file written again when the gallery is
  // writable. Empty when the model has no references.
  virtual MeanReferences LoadMeanReferences(const std::string& model_id) = 0;

  // Keeps the SVMs of `model_id` trained on the references whose
  // ReferenceDigest is `references_digest`, replacing older ones.
  virtual void StoreSvmCache(const std::string& model_id,
                             const std::string& references_digest,
                             const SvmParameters& svms) = 0;
  // The cached SVMs of `model_id` when they were trained on references
  // with digest `references_digest` and pass their own digest check;
  // nullopt otherwise (none, stale or damaged: the reason at debug level).
  virtual std::optional<SvmParameters> LoadSvmCache(
      const std::string& model_id,
      const std::string& references_digest) const = 0;
};

// Writes a consistent copy of the gallery database to `out` with SQLite's
// online backup (never a file copy), while others may write; pictures are
// not copied (they are immutable and content-addressed). Throws InputError
// when `out` exists.
void BackupGallery(const GalleryOptions& options,
                   const std::filesystem::path& out);

// Checks the backup `from` (SQLite integrity, schema, event chain) and then
// replaces the gallery's database with it. Refuses to overwrite an existing
// gallery unless `force`; throws IntegrityError for a bad backup.
void RestoreGallery(const GalleryOptions& options,
                    const std::filesystem::path& from, bool force);

}  // namespace diareid
