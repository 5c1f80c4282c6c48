// Cached matchers: the trained SVMs of a model's references, kept in the
// gallery so that identify and verify need not train them on every command.
// A cache row is used only when its digest holds and it was trained on
// exactly the references the command loaded.
#include <spdlog/spdlog.h>

#include <cstring>

#include "diareid/core/error.h"
#include "diareid/core/hash.h"
#include "gallery_impl.h"
#include "time_text.h"

namespace diareid::store {
namespace {

constexpr size_t kMaxCacheFindings = 20;

// The parameters as float32 bytes: per stone, its weights then its bias.
std::string EncodeSvms(const SvmParameters& svms) {
  const Eigen::Index stones = svms.weights.rows();
  const Eigen::Index dim = svms.weights.cols();
  std::string blob(static_cast<size_t>(stones * (dim + 1)) * sizeof(float),
                   '\0');
  char* out = blob.data();
  for (Eigen::Index s = 0; s < stones; ++s) {
    std::memcpy(out, svms.weights.row(s).data(), dim * sizeof(float));
    out += dim * sizeof(float);
    float bias = svms.bias[s];
    std::memcpy(out, &bias, sizeof(float));
    out += sizeof(float);
  }
  return blob;
}

SvmParameters DecodeSvms(const std::string& blob, int64_t stones, int64_t dim) {
  SvmParameters svms;
  svms.weights.resize(stones, dim);
  svms.bias.resize(stones);
  const char* in = blob.data();
  for (Eigen::Index s = 0; s < stones; ++s) {
    std::memcpy(svms.weights.row(s).data(), in, dim * sizeof(float));
    in += dim * sizeof(float);
    std::memcpy(&svms.bias[s], in, sizeof(float));
    in += sizeof(float);
  }
  return svms;
}

}  // namespace

std::string SqliteGallery::MatcherCacheDigest(
    const std::string& model_id, const std::string& method,
    const std::string& references_digest, int64_t stones, int64_t dim,
    const std::string& blob) const {
  std::string head = model_id + "\n" + method + "\n" + references_digest +
                     "\n" + std::to_string(stones) + "\n" +
                     std::to_string(dim) + "\n";
  Sha256 sha;
  sha.Update(head.data(), head.size());
  sha.Update(blob.data(), blob.size());
  std::string digest = sha.FinishHex();
  // With a key file, only its holder can write a cache that passes.
  return key_.empty() ? digest : HmacSha256Hex(key_, digest);
}

void SqliteGallery::StoreSvmCache(const std::string& model_id,
                                  const std::string& references_digest,
                                  const SvmParameters& svms) {
  RequireWritable("cache a matcher");
  int dim = EmbeddingSize(model_id);
  if (svms.weights.rows() < 1 || svms.weights.cols() != dim ||
      svms.bias.size() != svms.weights.rows())
    throw InputError(
        "SVM parameters are " + std::to_string(svms.weights.rows()) + " x " +
        std::to_string(svms.weights.cols()) + " with " +
        std::to_string(svms.bias.size()) + " biases, expected one row of " +
        std::to_string(dim) + " weights and one bias per stone");
  if (!svms.weights.allFinite() || !svms.bias.allFinite())
    throw InputError("SVM parameters hold values that are not finite");
  std::string blob = EncodeSvms(svms);
  const int64_t stones = svms.weights.rows();
  Transaction transaction(*db_);
  Statement(*db_,
            "INSERT OR REPLACE INTO matcher_caches(model_id, method, "
            "references_digest, stones, dim, parameters, digest, created) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
      .Bind(1, model_id)
      .Bind(2, kSvmMethod)
      .Bind(3, references_digest)
      .Bind(4, stones)
      .Bind(5, dim)
      .BindBlob(6, blob)
      .Bind(7, MatcherCacheDigest(model_id, kSvmMethod, references_digest,
                                  stones, dim, blob))
      .Bind(8, NowText())
      .Run();
  transaction.Commit();
  spdlog::debug("Cached the SVMs of {} stones for model {}", stones,
                model_id.substr(0, 12));
}

std::optional<SvmParameters> SqliteGallery::LoadSvmCache(
    const std::string& model_id, const std::string& references_digest) const {
  Statement select(*db_,
                   "SELECT references_digest, stones, dim, parameters, digest "
                   "FROM matcher_caches WHERE model_id = ? AND method = ?");
  select.Bind(1, model_id).Bind(2, kSvmMethod);
  if (!select.Step()) {
    spdlog::debug("No cached SVM matcher for model {}", model_id.substr(0, 12));
    return std::nullopt;
  }
  if (select.Text(0) != references_digest) {
    spdlog::debug(
        "The cached SVM matcher of model {} is stale (trained on other "
        "references)",
        model_id.substr(0, 12));
    return std::nullopt;
  }
  const int64_t stones = select.Int(1);
  const int64_t dim = select.Int(2);
  std::string blob = select.Blob(3);
  if (stones < 1 || dim != EmbeddingSize(model_id) ||
      blob.size() != static_cast<size_t>(stones * (dim + 1)) * sizeof(float) ||
      MatcherCacheDigest(model_id, kSvmMethod, select.Text(0), stones, dim,
                         blob) != select.Text(4)) {
    spdlog::debug(
        "The cached SVM matcher of model {} fails its digest check; not "
        "using it",
        model_id.substr(0, 12));
    return std::nullopt;
  }
  return DecodeSvms(blob, stones, dim);
}

void SqliteGallery::CheckMatcherCaches(bool repair,
                                       std::vector<CheckFinding>& findings) {
  struct Row {
    std::string model_id, method, references_digest;
    bool intact = false;
  };
  std::vector<Row> rows;
  {
    Statement select(*db_,
                     "SELECT c.model_id, c.method, c.references_digest, "
                     "c.stones, c.dim, c.parameters, c.digest, "
                     "coalesce(m.embedding_size, 0) FROM matcher_caches c "
                     "LEFT JOIN models m ON m.id = c.model_id ORDER BY "
                     "c.model_id, c.method");
    while (select.Step()) {
      Row row{select.Text(0), select.Text(1), select.Text(2)};
      const int64_t stones = select.Int(3), dim = select.Int(4);
      std::string blob = select.Blob(5);
      row.intact =
          row.method == kSvmMethod && stones >= 1 && dim == select.Int(7) &&
          blob.size() ==
              static_cast<size_t>(stones * (dim + 1)) * sizeof(float) &&
          MatcherCacheDigest(row.model_id, row.method, row.references_digest,
                             stones, dim, blob) == select.Text(6);
      rows.push_back(row);
    }
  }
  size_t reported = 0;
  for (const Row& row : rows) {
    std::string name = "cached " + row.method + " matcher of model " +
                       row.model_id.substr(0, 12);
    bool fresh = false;
    ReferenceSet references;
    if (row.intact || repair) {
      references = ReadReferences(row.model_id, "");
      fresh = references.vectors.rows() > 0 &&
              ReferenceDigest(references) == row.references_digest;
    }
    if (row.intact && fresh) continue;
    if (row.intact) {
      // Stale is not damage: identify trains on the fly until the next
      // re-index (or --repair) caches the new references.
      spdlog::info("The {} is stale (the references changed since)", name);
      if (!repair) continue;
    }
    std::string what =
        row.intact ? name + " was stale"
                   : name +
                         " was changed: its digest does not match its "
                         "parameters (identify trains on the fly instead)";
    if (repair && !options_.read_only) {
      Statement(*db_,
                "DELETE FROM matcher_caches WHERE model_id = ? AND method = ?")
          .Bind(1, row.model_id)
          .Bind(2, row.method)
          .Run();
      if (row.method == kSvmMethod && references.vectors.rows() > 0)
        StoreSvmCache(row.model_id, ReferenceDigest(references),
                      TrainSvmParameters(references));
      if (!row.intact)
        findings.push_back({what + "; rebuilt", /*repaired=*/true});
      else
        spdlog::info("Rebuilt the {}", name);
    } else if (reported++ < kMaxCacheFindings) {
      findings.push_back({what + " (`gallery check --repair` rebuilds it)"});
    }
  }
}

}  // namespace diareid::store
