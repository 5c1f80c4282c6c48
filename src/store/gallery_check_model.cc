// The checks a re-index runs before switching models: one model's
// embeddings and every stone's references, in time linear in the gallery.
#include <spdlog/spdlog.h>

#include "diareid/core/error.h"
#include "embedding_codec.h"
#include "gallery_impl.h"

namespace diareid::store {
namespace {

constexpr size_t kMaxModelFindings = 20;

}  // namespace

std::vector<std::string> SqliteGallery::StaleReferenceStones(
    const std::string& model_id, size_t limit, long* count) {
  ReadSnapshot snapshot(*db_);
  ReferenceComparison comparison(*db_, model_id);
  Statement stones(*db_, "SELECT id FROM stones ORDER BY id");
  std::vector<std::string> stale;
  long found = 0;
  while (stones.Step()) {
    std::string stone = stones.Text(0);
    if (comparison.Expected(stone) == comparison.Current(stone)) continue;
    ++found;
    if (stale.size() < limit) stale.push_back(stone);
  }
  if (count != nullptr) *count = found;
  return stale;
}

void SqliteGallery::CheckModelEmbeddings(const std::string& model_id,
                                         std::vector<CheckFinding>& findings) {
  const int size = EmbeddingSize(model_id);
  EmbeddingMatrix row(1, size);
  Statement select(*db_,
                   "SELECT id, capture_id, dim, dtype, vector, digest FROM "
                   "embeddings WHERE model_id = ? ORDER BY id");
  select.Bind(1, model_id);
  size_t bad = 0;
  while (select.Step()) {
    const int64_t id = select.Int(0);
    std::string blob = select.Blob(4);
    const int dim = static_cast<int>(select.Int(2));
    std::string problem;
    try {
      DecodeEmbedding(blob, dim, select.Text(3), id, row, 0);
    } catch (const IntegrityError& e) {
      problem = e.what();
    }
    if (problem.empty() &&
        EmbeddingDigest(select.Int(1), model_id, dim, select.Text(3), blob) !=
            select.Text(5))
      problem = "embedding " + std::to_string(id) + " of capture " +
                std::to_string(select.Int(1)) +
                " was changed: its digest does not match its vector";
    if (!problem.empty() && bad++ < kMaxModelFindings)
      findings.push_back({problem});
  }
  if (bad > kMaxModelFindings)
    findings.push_back({std::to_string(bad - kMaxModelFindings) +
                        " more embeddings of model " + model_id.substr(0, 12) +
                        " are damaged"});
}

std::vector<CheckFinding> SqliteGallery::CheckModel(
    const std::string& model_id) {
  std::vector<CheckFinding> findings;
  ReadSnapshot snapshot(*db_);
  CheckModelEmbeddings(model_id, findings);
  long stale = 0;
  std::vector<std::string> stones = StaleReferenceStones(model_id, 5, &stale);
  if (stale > 0) {
    std::string list;
    for (const std::string& stone : stones)
      list += (list.empty() ? "" : ", ") + stone;
    findings.push_back(
        {std::to_string(stale) + " stones have references from model " +
         model_id.substr(0, 12) +
         " that do not match their current enrolment (" + list +
         (stale > static_cast<long>(stones.size()) ? ", ..." : "") + ")"});
  }
  for (const CheckFinding& finding : findings)
    spdlog::debug("Check of model {}: {}", model_id.substr(0, 12),
                  finding.what);
  return findings;
}

}  // namespace diareid::store
