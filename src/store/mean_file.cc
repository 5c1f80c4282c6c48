// The per-stone mean references of a model, cached in a file beside the
// database (cache/means-*.bin) so that an identify command reads one
// contiguous matrix instead of every reference row from SQLite. The file
// is used only for the references version it was written at (triggers bump
// it in every writer's transaction) and only when its digest, kept in the
// database, matches its bytes.
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstring>
#include <sstream>
#include <system_error>

#include "diareid/core/error.h"
#include "diareid/core/files.h"
#include "diareid/core/hash.h"
#include "gallery_impl.h"

namespace diareid::store {
namespace {

const char kMagic[] = "diareid mean references 1\n";

std::filesystem::path CacheFolder(const std::filesystem::path& gallery) {
  return gallery / "cache";
}

// Files of a model start with this; the version follows.
std::string FilePrefix(const std::string& model_id) {
  return "means-" + model_id.substr(0, 16) + "-";
}

// Magic, then "model version stones dim", the stone IDs one per line, then
// the float32 rows.
std::string EncodeMeans(const std::string& model_id, int64_t version,
                        const MeanReferences& means) {
  std::ostringstream out;
  out << kMagic << model_id << ' ' << version << ' ' << means.means.rows()
      << ' ' << means.means.cols() << '\n';
  for (const std::string& id : means.stone_ids) out << id << '\n';
  std::string bytes = out.str();
  const size_t matrix = static_cast<size_t>(means.means.size()) * sizeof(float);
  const size_t head = bytes.size();
  bytes.resize(head + matrix);
  std::memcpy(&bytes[head], means.means.data(), matrix);
  return bytes;
}

}  // namespace

std::string SqliteGallery::CacheFileDigest(const std::string& bytes) const {
  std::string digest = Sha256Hex(bytes);
  return key_.empty() ? digest : HmacSha256Hex(key_, digest);
}

int64_t SqliteGallery::ReferenceVersion(const std::string& model_id) const {
  Statement select(*db_,
                   "SELECT version FROM reference_versions WHERE model_id = ?");
  select.Bind(1, model_id);
  return select.Step() ? select.Int(0) : 0;
}

std::optional<MeanReferences> SqliteGallery::ReadMeanFile(
    const std::string& model_id, int64_t version, int dim,
    const std::string& file, const std::string& digest) const {
  std::filesystem::path path = CacheFolder(options_.dir) / file;
  // One read into a buffer of the file's size (no stream copies).
  std::string bytes;
  {
    std::error_code error;
    const auto size = std::filesystem::file_size(path, error);
    std::FILE* in = error ? nullptr : std::fopen(path.c_str(), "rb");
    if (in != nullptr) {
      bytes.resize(size);
      if (std::fread(bytes.data(), 1, size, in) != size) bytes.clear();
      std::fclose(in);
    }
    if (in == nullptr || bytes.size() != size || size == 0) {
      spdlog::debug("Cannot read the mean references file {}", path.string());
      return std::nullopt;
    }
  }
  if (CacheFileDigest(bytes) != digest) {
    spdlog::warn(
        "The mean references file {} fails its digest check; reading the "
        "references from the database instead",
        path.string());
    return std::nullopt;
  }
  // The digest holds, so the bytes are the ones this build wrote; the
  // checks below guard against a file of another model or version. Parsed
  // in place: the file is a hundred MiB for 100,000 stones.
  size_t at = 0;
  auto line = [&](std::string& out) {
    size_t end = bytes.find('\n', at);
    if (end == std::string::npos) return false;
    out.assign(bytes, at, end - at);
    at = end + 1;
    return true;
  };
  std::string magic_line, header;
  int64_t file_version = 0, stones = 0, file_dim = 0;
  char id[65] = {0};
  bool parsed = line(magic_line) && line(header) &&
                std::sscanf(header.c_str(), "%64s %ld %ld %ld", id,
                            &file_version, &stones, &file_dim) == 4;
  if (!parsed || magic_line + "\n" != kMagic || id != model_id ||
      file_version != version || file_dim != dim || stones < 1) {
    spdlog::debug("The mean references file {} is not for model {} at {}",
                  path.string(), model_id.substr(0, 12), version);
    return std::nullopt;
  }
  MeanReferences means;
  means.stone_ids.resize(static_cast<size_t>(stones));
  for (std::string& stone : means.stone_ids) parsed = parsed && line(stone);
  const size_t matrix = static_cast<size_t>(stones * dim) * sizeof(float);
  if (!parsed || at + matrix != bytes.size()) {
    spdlog::debug("The mean references file {} has the wrong size",
                  path.string());
    return std::nullopt;
  }
  means.means.resize(stones, dim);
  std::memcpy(means.means.data(), bytes.data() + at, matrix);
  return means;
}

namespace {

// The name WriteMeanFile gives the file of `model_id` at `version`; a row
// naming anything else (another folder, another file) was not written by
// the gallery, and its file is never read or removed.
std::string MeanFileName(const std::string& model_id, int64_t version) {
  std::string name = FilePrefix(model_id) + std::to_string(version) + ".bin";
  // A model ID is hex; anything that could leave the folder matches nothing.
  if (name.find_first_of("/\\") != std::string::npos ||
      name.find("..") != std::string::npos)
    return "<none>";
  return name;
}

}  // namespace

void SqliteGallery::WriteMeanFile(const std::string& model_id, int64_t version,
                                  const MeanReferences& means) {
  RequireWritable("cache the mean references");
  std::string bytes = EncodeMeans(model_id, version, means);
  std::string file = MeanFileName(model_id, version);
  std::filesystem::path folder = CacheFolder(options_.dir);
  std::error_code error;
  std::filesystem::create_directories(folder, error);
  if (error)
    throw InputError("cannot create cache folder " + folder.string() + ": " +
                     error.message());
  WriteFileAtomic(folder / file, bytes);
  Transaction transaction(*db_);
  // Another process changed the references meanwhile: this file is old.
  if (ReferenceVersion(model_id) != version) return;
  Statement(*db_,
            "INSERT OR REPLACE INTO reference_files(model_id, version, file, "
            "digest) VALUES (?, ?, ?, ?)")
      .Bind(1, model_id)
      .Bind(2, version)
      .Bind(3, file)
      .Bind(4, CacheFileDigest(bytes))
      .Run();
  transaction.Commit();
  // Older files of the model go (a reader that opened one keeps it).
  for (const auto& entry : std::filesystem::directory_iterator(folder, error)) {
    std::string name = entry.path().filename().string();
    if (name != file && name.rfind(FilePrefix(model_id), 0) == 0)
      std::filesystem::remove(entry.path(), error);
  }
  spdlog::debug("Cached the means of {} stones in {}", means.stone_ids.size(),
                (folder / file).string());
}

MeanReferences SqliteGallery::LoadMeanReferences(const std::string& model_id) {
  const int dim = EmbeddingSize(model_id);
  int64_t version = 0;
  std::string file, digest;
  {
    ReadSnapshot snapshot(*db_);
    version = ReferenceVersion(model_id);
    Statement row(*db_,
                  "SELECT file, digest FROM reference_files WHERE model_id = "
                  "? AND version = ?");
    row.Bind(1, model_id).Bind(2, version);
    if (row.Step()) {
      file = row.Text(0);
      digest = row.Text(1);
    }
  }
  if (!file.empty() && file != MeanFileName(model_id, version)) {
    spdlog::warn(
        "The gallery's row for the mean references of model {} names {}, "
        "not its file {}: ignored (run `gallery check`)",
        model_id.substr(0, 12), file, MeanFileName(model_id, version));
    file.clear();
  }
  if (!file.empty()) {
    if (auto means = ReadMeanFile(model_id, version, dim, file, digest))
      return std::move(*means);
  } else {
    spdlog::debug("No mean references file for model {} at version {}",
                  model_id.substr(0, 12), version);
  }
  MeanReferences means;
  {
    // The version and the rows from one snapshot.
    ReadSnapshot snapshot(*db_);
    version = ReferenceVersion(model_id);
    ReferenceSet references = ReadReferences(model_id, "");
    if (references.stone_ids.empty()) return means;
    means = ComputeMeanReferences(references);
  }
  if (!options_.read_only) {
    try {
      WriteMeanFile(model_id, version, means);
    } catch (const Error& e) {
      spdlog::debug("Not caching the mean references: {}", e.what());
    }
  }
  return means;
}

void SqliteGallery::CheckMeanFiles(bool repair,
                                   std::vector<CheckFinding>& findings) {
  struct Row {
    std::string model_id, file, digest;
    int64_t version = 0;
  };
  std::vector<Row> rows;
  {
    Statement select(*db_,
                     "SELECT model_id, file, digest, version FROM "
                     "reference_files ORDER BY model_id");
    while (select.Step())
      rows.push_back(
          {select.Text(0), select.Text(1), select.Text(2), select.Int(3)});
  }
  for (const Row& row : rows) {
    if (row.file != MeanFileName(row.model_id, row.version)) {
      // Never follow the row to its file: it may name a picture or a file
      // outside the gallery.
      std::string what = "the mean references row of model " + row.model_id +
                         " names '" + row.file + "', not its file " +
                         MeanFileName(row.model_id, row.version) +
                         " in the cache folder";
      if (repair && !options_.read_only) {
        Statement(*db_, "DELETE FROM reference_files WHERE model_id = ?")
            .Bind(1, row.model_id)
            .Run();
        findings.push_back(
            {what + "; row removed, no file touched (the next identify "
                    "writes the file again)",
             true});
      } else {
        findings.push_back({what + " (`gallery check --repair` removes the "
                                   "row and touches no file)"});
      }
      continue;
    }
    std::filesystem::path path = CacheFolder(options_.dir) / row.file;
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error)) continue;
    std::string what;
    if (CacheFileDigest(ReadFile(path)) != row.digest) {
      what = "mean references file " + path.string() +
             " was changed: its digest does not match (identify reads the "
             "database instead)";
    } else if (row.version == ReferenceVersion(row.model_id)) {
      // The digest holds, but without a key file whoever can write the
      // database can forge it too: the means themselves must be the means
      // of the references, which is what identify trusts them to be.
      std::optional<MeanReferences> cached =
          ReadMeanFile(row.model_id, row.version, EmbeddingSize(row.model_id),
                       row.file, row.digest);
      const MeanReferences actual =
          ComputeMeanReferences(ReadReferences(row.model_id, ""));
      if (cached && cached->stone_ids == actual.stone_ids &&
          cached->means == actual.means)
        continue;
      what = "mean references file " + path.string() +
             " does not hold the means of the stones' references, although "
             "its digest matches (forged or written by a faulty build)";
    } else {
      continue;  // Stale: never read; the next identify replaces it.
    }
    if (repair && !options_.read_only) {
      Statement(*db_, "DELETE FROM reference_files WHERE model_id = ?")
          .Bind(1, row.model_id)
          .Run();
      std::filesystem::remove(path, error);
      findings.push_back(
          {what + "; removed (the next identify writes it again)", true});
    } else {
      findings.push_back({what + " (`gallery check --repair` removes it)"});
    }
  }
}

}  // namespace diareid::store
