// The SQLite implementation of Gallery, split over gallery_*.cc by concern:
// writing enrolments and queries, reading, checking, re-indexing.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "diareid/store/gallery.h"
#include "picture_store.h"
#include "sqlite.h"

namespace diareid::store {

// The database file's name inside the gallery folder.
extern const char kDatabaseName[];

// The method name of cached SVM matchers in matcher_caches.
inline constexpr char kSvmMethod[] = "svm";

// The embeddings of a stone's current enrolment from a model, and the
// stone's references from it: statements prepared once for a pass over
// every stone (a statement per stone made the pass crawl).
class ReferenceComparison {
 public:
  ReferenceComparison(Database& db, const std::string& model_id);
  std::vector<int64_t> Expected(const std::string& stone_id);
  std::vector<int64_t> Current(const std::string& stone_id);

 private:
  std::string model_id_;
  Statement expected_;
  Statement current_;
};

// Reads a key file and checks it is usable and outside the gallery.
std::string ReadKeyFile(const std::filesystem::path& key_file,
                        const std::filesystem::path& gallery_dir);

class SqliteGallery : public Gallery {
 public:
  explicit SqliteGallery(const GalleryOptions& options);

  void RegisterModel(const ModelInfo& info) override;
  void RegisterModel(const ModelInfo& info,
                     const std::filesystem::path& file) override;
  void Enrol(const EnrolmentInput& input) override;
  void RecordQuery(const QueryRecord& record) override;
  void EnrolMany(const std::vector<EnrolmentInput>& inputs) override;

  std::optional<StoneSummary> FindStone(const std::string& id) const override;
  std::vector<StoneSummary> ListStones() const override;
  nlohmann::json StoneHistory(const std::string& id) const override;
  std::map<std::string, std::string> EnrolmentPicturesAmong(
      const std::vector<std::string>& sha256s) const override;
  ReferenceSet LoadReferences(const std::string& model_id) const override;
  ReferenceSet LoadStoneReferences(const std::string& model_id,
                                   const std::string& stone_id) const override;
  std::vector<CheckFinding> Check(bool repair) override;
  nlohmann::json Export() const override;
  std::filesystem::path dir() const override { return options_.dir; }

  std::string ActiveModel() const override;
  std::filesystem::path ModelFile(const std::string& model_id) const override;
  int EmbeddingSize(const std::string& model_id) const override;
  std::vector<PendingCapture> CapturesLackingEmbedding(
      const std::string& model_id, int limit, int64_t after = 0) const override;
  void AddEmbeddings(const std::string& model_id,
                     const std::vector<int64_t>& capture_ids,
                     const EmbeddingMatrix& embeddings) override;
  void MarkEmbeddingFailed(const std::string& model_id, int64_t capture_id,
                           const std::string& reason) override;
  void ClearEmbeddingFailures(const std::string& model_id) override;
  ReindexState GetReindexState(const std::string& model_id) const override;
  long RebuildReferences(const std::string& model_id) override;
  bool SwitchActiveModel(const std::string& model_id,
                         const nlohmann::json& summary) override;
  void RecordEvent(const std::string& kind, const std::string& stone_id,
                   const nlohmann::json& payload) override;
  std::pair<int64_t, std::string> EventHead() const override;
  std::vector<CheckFinding> CheckModel(const std::string& model_id) override;
  MeanReferences LoadMeanReferences(const std::string& model_id) override;
  void StoreSvmCache(const std::string& model_id,
                     const std::string& references_digest,
                     const SvmParameters& svms) override;
  std::optional<SvmParameters> LoadSvmCache(
      const std::string& model_id,
      const std::string& references_digest) const override;

 private:
  // Captures written by Enrol or RecordQuery: ids and the JSON an event
  // keeps of them.
  struct WrittenCaptures {
    std::vector<int64_t> ids;
    nlohmann::json json = nlohmann::json::array();
  };

  void RequireWritable(const std::string& what) const;
  void CheckEnrolment(const EnrolmentInput& input) const;
  // The rows of one enrolment, inside the caller's transaction.
  void WriteEnrolment(
      const EnrolmentInput& input,
      const std::vector<std::pair<std::string, std::string>>& pictures);
  ReferenceSet ReadReferences(const std::string& model_id,
                              const std::string& stone_id) const;
  void CheckEmbeddings(const std::string& model_id, size_t captures,
                       const EmbeddingMatrix& embeddings) const;
  // Stores the pictures (before any transaction); returns hash and format.
  std::vector<std::pair<std::string, std::string>> StorePictures(
      const std::vector<CaptureInput>& captures) const;
  WrittenCaptures InsertCaptures(
      const std::vector<CaptureInput>& captures,
      const std::vector<std::pair<std::string, std::string>>& pictures,
      const std::string& stone_id, const std::string& purpose,
      int64_t enrolment_id, const std::string& operator_name);
  // Inserts embeddings for captures (skipping those present); returns the
  // event JSON {model, captures, digest} of what was inserted, and the new
  // embedding ids through `inserted`.
  nlohmann::json InsertEmbeddings(const std::string& model_id,
                                  const std::vector<int64_t>& capture_ids,
                                  const EmbeddingMatrix& embeddings,
                                  std::vector<int64_t>* inserted);
  std::string Setting(const std::string& key) const;
  void WriteSetting(const std::string& key, const std::string& value);
  void CheckEmbeddingRows(std::vector<CheckFinding>& findings);
  void CheckPictures(bool repair, std::vector<CheckFinding>& findings);
  void CheckReferences(bool repair, std::vector<CheckFinding>& findings);
  // Stones whose references for `model_id` differ from their current
  // enrolment's embeddings (at most `limit` IDs; the count in `count`).
  std::vector<std::string> StaleReferenceStones(const std::string& model_id,
                                                size_t limit, long* count);
  void CheckModelEmbeddings(const std::string& model_id,
                            std::vector<CheckFinding>& findings);
  void CheckMatcherCaches(bool repair, std::vector<CheckFinding>& findings);
  void CheckMeanFiles(bool repair, std::vector<CheckFinding>& findings);
  // The version triggers keep of a model's references (0: never changed).
  int64_t ReferenceVersion(const std::string& model_id) const;
  std::optional<MeanReferences> ReadMeanFile(const std::string& model_id,
                                             int64_t version, int dim,
                                             const std::string& file,
                                             const std::string& digest) const;
  void WriteMeanFile(const std::string& model_id, int64_t version,
                     const MeanReferences& means);
  // SHA-256 of a cache file's bytes (HMAC with a key file).
  std::string CacheFileDigest(const std::string& bytes) const;
  // SHA-256 (HMAC with a key file) over a cache row's fields.
  std::string MatcherCacheDigest(const std::string& model_id,
                                 const std::string& method,
                                 const std::string& references_digest,
                                 int64_t stones, int64_t dim,
                                 const std::string& blob) const;

  GalleryOptions options_;
  std::string key_;
  // mutable: reads prepare statements on the one connection.
  mutable std::unique_ptr<Database> db_;
  PictureStore pictures_;
};

}  // namespace diareid::store
