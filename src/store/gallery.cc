// Opening the gallery and writing to it: models, enrolments, queries.
#include <spdlog/spdlog.h>

#include <regex>
#include <system_error>

#include "diareid/core/error.h"
#include "diareid/core/files.h"
#include "diareid/core/hash.h"
#include "embedding_codec.h"
#include "event_log.h"
#include "gallery_impl.h"
#include "schema.h"
#include "time_text.h"

namespace diareid {

void CheckStoneId(const std::string& id) {
  static const std::regex pattern("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  if (!std::regex_match(id, pattern))
    throw InputError("stone ID '" + id +
                     "' is not valid: expected 1 to 64 characters from A-Z "
                     "a-z 0-9 . _ -, starting with a letter or digit");
}

std::unique_ptr<Gallery> Gallery::Open(const GalleryOptions& options) {
  return std::make_unique<store::SqliteGallery>(options);
}

namespace store {

const char kDatabaseName[] = "gallery.sqlite";

std::string ReadKeyFile(const std::filesystem::path& key_file,
                        const std::filesystem::path& gallery_dir) {
  if (key_file.empty()) return "";
  std::error_code error;
  auto key_dir = std::filesystem::weakly_canonical(key_file, error);
  auto home = std::filesystem::weakly_canonical(gallery_dir, error);
  std::string relative = key_dir.lexically_relative(home).string();
  if (!relative.empty() && relative.rfind("..", 0) != 0)
    throw InputError("key file " + key_file.string() +
                     " lies inside the gallery " + gallery_dir.string() +
                     ": keep it outside, or it protects nothing");
  std::string key = ReadFile(key_file);
  if (key.size() < 16)
    throw InputError("key file " + key_file.string() + " holds " +
                     std::to_string(key.size()) +
                     " bytes, expected at least 16 random bytes");
  return key;
}

SqliteGallery::SqliteGallery(const GalleryOptions& options)
    : options_(options), pictures_(std::filesystem::path()) {
  if (options_.dir.empty()) options_.dir = DefaultDataDir();
  std::filesystem::path file = options_.dir / kDatabaseName;
  std::error_code error;
  if (options_.read_only) {
    if (!std::filesystem::exists(file, error))
      throw InputError("no gallery at " + options_.dir.string() + " (" +
                       file.filename().string() + " is missing)");
  } else {
    std::filesystem::create_directories(options_.dir, error);
    if (error)
      throw InputError("cannot create gallery folder " + options_.dir.string() +
                       ": " + error.message());
  }
  pictures_ = PictureStore(options_.dir / "pictures");
  key_ = ReadKeyFile(options_.key_file, options_.dir);
  db_ = std::make_unique<Database>(file, options_.read_only,
                                   options_.busy_timeout_ms);
  db_->Execute("PRAGMA foreign_keys = ON");
  if (options_.read_only) {
    CheckSchema(*db_);
    auto version = QueryInt(*db_, "PRAGMA user_version").value_or(0);
    if (version != CurrentSchemaVersion())
      throw IntegrityError("gallery " + options_.dir.string() +
                           " has schema version " + std::to_string(version) +
                           "; open it once for writing to migrate it to " +
                           std::to_string(CurrentSchemaVersion()));
    return;
  }
  {
    Statement wal(*db_, "PRAGMA journal_mode = WAL");
    if (!wal.Step() || wal.Text(0) != "wal")
      throw InternalError("gallery " + file.string() +
                          " cannot use write-ahead logging");
  }
  db_->Execute("PRAGMA synchronous = FULL");
  Migrate(*db_);
  // Once a gallery signs its events, every writer must sign: an unsigned
  // event would break the chain a key holder checks.
  if (!key_.empty() && Setting("signed") != "1") WriteSetting("signed", "1");
  spdlog::debug("Opened gallery {}", options_.dir.string());
}

void SqliteGallery::RequireWritable(const std::string& what) const {
  if (options_.read_only)
    throw InputError("gallery " + options_.dir.string() +
                     " is opened read-only: cannot " + what);
  if (key_.empty() && Setting("signed") == "1")
    throw InputError("gallery " + options_.dir.string() +
                     " signs its events, and this command writes to it (to " +
                     what + "): give the gallery's --key-file");
  // A wrong key would sign new events that no check can tie to the old.
  if (!key_.empty()) {
    Statement last(*db_,
                   "SELECT id, hash, signature FROM events WHERE signature "
                   "IS NOT NULL ORDER BY id DESC LIMIT 1");
    if (last.Step() && HmacSha256Hex(key_, last.Text(1)) != last.Text(2))
      throw InputError("--key-file " + options_.key_file.string() +
                       " does not verify the signature of event " +
                       std::to_string(last.Int(0)) + " of gallery " +
                       options_.dir.string() + ": wrong key file; cannot " +
                       what);
  }
}

std::string SqliteGallery::Setting(const std::string& key) const {
  Statement statement(*db_, "SELECT value FROM settings WHERE key = ?");
  statement.Bind(1, key);
  return statement.Step() ? statement.Text(0) : "";
}

void SqliteGallery::WriteSetting(const std::string& key,
                                 const std::string& value) {
  Statement(*db_, "INSERT OR REPLACE INTO settings(key, value) VALUES (?, ?)")
      .Bind(1, key)
      .Bind(2, value)
      .Run();
}

void SqliteGallery::RegisterModel(const ModelInfo& info) {
  RegisterModel(info, std::filesystem::path());
}

void SqliteGallery::RegisterModel(const ModelInfo& info,
                                  const std::filesystem::path& file) {
  RequireWritable(
      "record the model it embeds with, as enrol, verify and identify do");
  if (info.id.size() != 64)
    throw InputError("model '" + info.name + "' has ID '" + info.id +
                     "', expected the 64 hex characters of a SHA-256");
  if (info.embedding_size <= 0 || info.preprocess.input_size <= 0)
    throw InputError("model '" + info.name + "' has embedding size " +
                     std::to_string(info.embedding_size) + " and input size " +
                     std::to_string(info.preprocess.input_size) +
                     ", expected both positive");
  Transaction transaction(*db_);
  Statement find(*db_, "SELECT embedding_size, file FROM models WHERE id = ?");
  find.Bind(1, info.id);
  std::string file_text =
      file.empty() ? "" : std::filesystem::absolute(file).string();
  if (find.Step()) {
    if (find.Int(0) != info.embedding_size)
      throw IntegrityError("model " + info.id + " is registered with " +
                           "embedding size " + std::to_string(find.Int(0)) +
                           " but now has " +
                           std::to_string(info.embedding_size));
    // A one-off --model run must not redirect later runs: the recorded file
    // changes only when it has gone.
    std::string recorded = find.Text(1);
    if (!file_text.empty() && recorded != file_text &&
        (recorded.empty() || !std::filesystem::exists(recorded))) {
      Statement(*db_, "UPDATE models SET file = ? WHERE id = ?")
          .Bind(1, file_text)
          .Bind(2, info.id)
          .Run();
      transaction.Commit();
    }
    return;
  }
  Statement(*db_,
            "INSERT INTO models(id, name, input_size, embedding_size, "
            "metric, file, registered) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .Bind(1, info.id)
      .Bind(2, info.name)
      .Bind(3, info.preprocess.input_size)
      .Bind(4, info.embedding_size)
      .Bind(5, info.metric)
      .BindOptional(6, file_text)
      .Bind(7, NowText())
      .Run();
  AppendEvent(*db_, key_, "model", "",
              {{"model", info.id},
               {"name", info.name},
               {"input_size", info.preprocess.input_size},
               {"embedding_size", info.embedding_size}});
  transaction.Commit();
  spdlog::info("Registered model {} ({}) in the gallery", info.name,
               info.id.substr(0, 12));
}

int SqliteGallery::EmbeddingSize(const std::string& model_id) const {
  Statement find(*db_, "SELECT embedding_size FROM models WHERE id = ?");
  find.Bind(1, model_id);
  if (!find.Step())
    throw InputError("model " + model_id +
                     " is not registered in the gallery " +
                     options_.dir.string());
  return static_cast<int>(find.Int(0));
}

std::filesystem::path SqliteGallery::ModelFile(
    const std::string& model_id) const {
  Statement find(*db_, "SELECT coalesce(file, '') FROM models WHERE id = ?");
  find.Bind(1, model_id);
  return find.Step() ? std::filesystem::path(find.Text(0))
                     : std::filesystem::path();
}

std::string SqliteGallery::ActiveModel() const {
  return Setting("active_model");
}

void SqliteGallery::CheckEmbeddings(const std::string& model_id,
                                    size_t captures,
                                    const EmbeddingMatrix& embeddings) const {
  int dim = EmbeddingSize(model_id);
  if (captures == 0) throw InputError("no pictures were given");
  if (static_cast<size_t>(embeddings.rows()) != captures ||
      embeddings.cols() != dim)
    throw InputError("embeddings are " + std::to_string(embeddings.rows()) +
                     " x " + std::to_string(embeddings.cols()) + ", expected " +
                     std::to_string(captures) + " x " + std::to_string(dim) +
                     " (one row per picture)");
  if (!embeddings.allFinite())
    throw InputError("embeddings hold values that are not finite");
}

std::vector<std::pair<std::string, std::string>> SqliteGallery::StorePictures(
    const std::vector<CaptureInput>& captures) const {
  // Every picture is checked before the first is written.
  std::vector<std::string> formats;
  for (const CaptureInput& capture : captures)
    formats.push_back(PictureFormat(capture.encoded, capture.source));
  std::vector<std::pair<std::string, std::string>> stored;
  for (size_t i = 0; i < captures.size(); ++i)
    stored.emplace_back(pictures_.Put(captures[i].encoded, formats[i]),
                        formats[i]);
  return stored;
}

SqliteGallery::WrittenCaptures SqliteGallery::InsertCaptures(
    const std::vector<CaptureInput>& captures,
    const std::vector<std::pair<std::string, std::string>>& pictures,
    const std::string& stone_id, const std::string& purpose,
    int64_t enrolment_id, const std::string& operator_name) {
  WrittenCaptures written;
  Statement insert(*db_,
                   "INSERT INTO captures(sha256, format, time, stone_id, "
                   "purpose, enrolment_id, rig, well, operator, source) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  std::string time = NowText();
  for (size_t i = 0; i < captures.size(); ++i) {
    insert.Bind(1, pictures[i].first)
        .Bind(2, pictures[i].second)
        .Bind(3, time)
        .BindOptional(4, stone_id)
        .Bind(5, purpose);
    if (enrolment_id > 0)
      insert.Bind(6, enrolment_id);
    else
      insert.BindNull(6);
    insert.BindOptional(7, captures[i].rig)
        .BindOptional(8, captures[i].well)
        .BindOptional(9, operator_name)
        .BindOptional(10, captures[i].source)
        .Run();
    written.ids.push_back(db_->LastInsertId());
    written.json.push_back({{"capture", written.ids.back()},
                            {"sha256", pictures[i].first},
                            {"rig", captures[i].rig},
                            {"well", captures[i].well},
                            {"source", captures[i].source}});
  }
  return written;
}

nlohmann::json SqliteGallery::InsertEmbeddings(
    const std::string& model_id, const std::vector<int64_t>& capture_ids,
    const EmbeddingMatrix& embeddings, std::vector<int64_t>* inserted) {
  Statement insert(*db_,
                   "INSERT OR IGNORE INTO embeddings(capture_id, model_id, "
                   "dim, dtype, vector, digest) VALUES (?, ?, ?, ?, ?, ?)");
  Statement reference(
      *db_,
      "INSERT OR IGNORE INTO \"references\"(stone_id, model_id, "
      "embedding_id) SELECT c.stone_id, e.model_id, e.id FROM embeddings e "
      "JOIN captures c ON c.id = e.capture_id WHERE e.id = ? AND "
      "c.enrolment_id IS NOT NULL AND c.enrolment_id = (SELECT max(id) FROM "
      "enrolments WHERE stone_id = c.stone_id)");
  int dim = static_cast<int>(embeddings.cols());
  std::vector<int64_t> ids;
  std::vector<std::string> digests;
  for (size_t i = 0; i < capture_ids.size(); ++i) {
    std::string blob = EncodeEmbedding(embeddings, static_cast<int>(i));
    std::string digest =
        EmbeddingDigest(capture_ids[i], model_id, dim, kFloat32, blob);
    insert.Bind(1, capture_ids[i])
        .Bind(2, model_id)
        .Bind(3, dim)
        .Bind(4, kFloat32)
        .BindBlob(5, blob)
        .Bind(6, digest)
        .Run();
    if (db_->Changes() == 0) continue;
    int64_t embedding_id = db_->LastInsertId();
    reference.Bind(1, embedding_id).Run();
    ids.push_back(capture_ids[i]);
    digests.push_back(digest);
    if (inserted != nullptr) inserted->push_back(embedding_id);
  }
  return {{"model", model_id},
          {"captures", ids},
          {"digest", CombinedDigest(digests)}};
}

void SqliteGallery::CheckEnrolment(const EnrolmentInput& input) const {
  CheckStoneId(input.stone_id);
  CheckEmbeddings(input.model_id, input.captures.size(), input.embeddings);
  if (!input.metadata.is_object())
    throw InputError("metadata of stone " + input.stone_id +
                     " must be a JSON object, got " + input.metadata.dump());
}

void SqliteGallery::Enrol(const EnrolmentInput& input) {
  RequireWritable("enrol a stone");
  CheckEnrolment(input);
  // Pictures first: a crash after this leaves only unreferenced files,
  // which `gallery check --repair` removes; never a row without its file.
  auto pictures = StorePictures(input.captures);
  Transaction transaction(*db_);
  WriteEnrolment(input, pictures);
  transaction.Commit();
  spdlog::info("Stored the enrolment of stone {} ({} pictures)", input.stone_id,
               input.captures.size());
}

void SqliteGallery::EnrolMany(const std::vector<EnrolmentInput>& inputs) {
  RequireWritable("enrol stones");
  for (const EnrolmentInput& input : inputs) CheckEnrolment(input);
  std::vector<std::vector<std::pair<std::string, std::string>>> pictures;
  for (const EnrolmentInput& input : inputs)
    pictures.push_back(StorePictures(input.captures));
  Transaction transaction(*db_);
  for (size_t i = 0; i < inputs.size(); ++i)
    WriteEnrolment(inputs[i], pictures[i]);
  transaction.Commit();
}

void SqliteGallery::WriteEnrolment(
    const EnrolmentInput& input,
    const std::vector<std::pair<std::string, std::string>>& pictures) {
  std::optional<StoneSummary> existing = FindStone(input.stone_id);
  if (existing && !input.re_enrol)
    throw InputError("stone " + input.stone_id + " is already enrolled (on " +
                     existing->created +
                     "); give --re-enrol to replace its references (the old "
                     "enrolment stays in the history)");
  if (!existing) {
    Statement(*db_,
              "INSERT INTO stones(id, created, metadata) VALUES (?, ?, ?)")
        .Bind(1, input.stone_id)
        .Bind(2, NowText())
        .Bind(3, input.metadata.dump())
        .Run();
  } else if (!input.metadata.empty()) {
    nlohmann::json merged = existing->metadata;
    merged.update(input.metadata);
    Statement(*db_, "UPDATE stones SET metadata = ? WHERE id = ?")
        .Bind(1, merged.dump())
        .Bind(2, input.stone_id)
        .Run();
  }
  Statement(*db_,
            "INSERT INTO enrolments(stone_id, time, operator, re_enrol) "
            "VALUES (?, ?, ?, ?)")
      .Bind(1, input.stone_id)
      .Bind(2, NowText())
      .BindOptional(3, input.operator_name)
      .Bind(4, existing ? 1 : 0)
      .Run();
  int64_t enrolment_id = db_->LastInsertId();
  // The old enrolment's references go; its captures and embeddings stay.
  Statement(*db_, "DELETE FROM \"references\" WHERE stone_id = ?")
      .Bind(1, input.stone_id)
      .Run();
  WrittenCaptures written =
      InsertCaptures(input.captures, pictures, input.stone_id, "enrol",
                     enrolment_id, input.operator_name);
  nlohmann::json embedded =
      InsertEmbeddings(input.model_id, written.ids, input.embeddings, nullptr);
  if (Setting("active_model").empty())
    WriteSetting("active_model", input.model_id);
  AppendEvent(*db_, key_, existing ? "re-enrol" : "enrol", input.stone_id,
              {{"enrolment", enrolment_id},
               {"operator", input.operator_name},
               {"metadata", input.metadata},
               {"captures", written.json},
               {"embeddings", embedded}});
  spdlog::debug("{} stone {} with {} pictures",
                existing ? "Re-enrolled" : "Enrolled", input.stone_id,
                input.captures.size());
}

void SqliteGallery::RecordQuery(const QueryRecord& record) {
  RequireWritable("record a " + record.purpose);
  if (record.purpose != "verify" && record.purpose != "identify")
    throw InputError("query purpose '" + record.purpose +
                     "', expected 'verify' or 'identify'");
  if (!record.stone_id.empty()) CheckStoneId(record.stone_id);
  CheckEmbeddings(record.model_id, record.captures.size(), record.embeddings);
  auto pictures = StorePictures(record.captures);

  Transaction transaction(*db_);
  if (!record.stone_id.empty() && !FindStone(record.stone_id))
    throw InputError("stone " + record.stone_id + " is not enrolled in " +
                     options_.dir.string());
  WrittenCaptures written =
      InsertCaptures(record.captures, pictures, record.stone_id, record.purpose,
                     0, record.operator_name);
  nlohmann::json embedded = InsertEmbeddings(record.model_id, written.ids,
                                             record.embeddings, nullptr);
  AppendEvent(*db_, key_, record.purpose, record.stone_id,
              {{"operator", record.operator_name},
               {"captures", written.json},
               {"embeddings", embedded},
               {"result", record.result}});
  transaction.Commit();
}

void SqliteGallery::RecordEvent(const std::string& kind,
                                const std::string& stone_id,
                                const nlohmann::json& payload) {
  RequireWritable("record an event");
  Transaction transaction(*db_);
  AppendEvent(*db_, key_, kind, stone_id, payload);
  transaction.Commit();
}

std::pair<int64_t, std::string> SqliteGallery::EventHead() const {
  return ReadEventHead(*db_);
}

}  // namespace store
}  // namespace diareid
