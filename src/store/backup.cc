// `gallery backup` and `gallery restore`, with SQLite's online backup API:
// a consistent copy page by page while others keep writing.
#include <spdlog/spdlog.h>

#include <fstream>
#include <system_error>
#include <thread>

#include "diareid/core/error.h"
#include "diareid/core/files.h"
#include "event_log.h"
#include "gallery_impl.h"
#include "schema.h"
#include "sqlite.h"

namespace diareid {
namespace {

// The first bytes of every SQLite 3 database file, its terminating NUL
// included.
const std::string kSqliteHeader("SQLite format 3", 16);

// Copies every page of `from` into `to`, retrying while another process
// holds a lock.
void CopyDatabase(store::Database& from, store::Database& to) {
  sqlite3_backup* backup =
      sqlite3_backup_init(to.handle(), "main", from.handle(), "main");
  if (backup == nullptr)
    to.Fail(sqlite3_errcode(to.handle()), "starting the backup");
  int rc = SQLITE_OK;
  while (true) {
    rc = sqlite3_backup_step(backup, 1024);
    if (rc == SQLITE_DONE) break;
    if (rc == SQLITE_OK) continue;
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    break;
  }
  int finish = sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) to.Fail(rc, "copying pages");
  if (finish != SQLITE_OK) to.Fail(finish, "finishing the backup");
}

// Throws IntegrityError unless `db` is an intact diareid gallery.
void CheckBackup(store::Database& db, const std::string& key) {
  store::CheckSchema(db);
  if (store::QueryInt(db, "PRAGMA user_version").value_or(0) == 0)
    throw IntegrityError(db.path().string() + " is not a diareid gallery");
  store::Statement integrity(db, "PRAGMA integrity_check(5)");
  while (integrity.Step())
    if (integrity.Text(0) != "ok")
      throw IntegrityError("backup " + db.path().string() +
                           " is damaged: " + integrity.Text(0));
  auto problems = store::VerifyEventChain(db, key);
  if (!problems.empty())
    throw IntegrityError("backup " + db.path().string() +
                         " has a broken event log: " + problems.front());
}

}  // namespace

void BackupGallery(const GalleryOptions& options,
                   const std::filesystem::path& out) {
  std::error_code error;
  if (std::filesystem::exists(out, error))
    throw InputError("backup file " + out.string() +
                     " already exists; choose a new name");
  std::filesystem::path file = options.dir / store::kDatabaseName;
  if (!std::filesystem::exists(file, error))
    throw InputError("no gallery at " + options.dir.string());
  std::filesystem::path tmp = out;
  tmp += ".partial";
  std::filesystem::remove(tmp, error);
  {
    store::Database source(file, /*read_only=*/true, options.busy_timeout_ms);
    store::CheckSchema(source);
    store::Database target(tmp, /*read_only=*/false, options.busy_timeout_ms);
    CopyDatabase(source, target);
    // A backup is one self-contained file.
    target.Execute("PRAGMA journal_mode = DELETE");
    CheckBackup(target, store::ReadKeyFile(options.key_file, options.dir));
  }
  std::string bytes = ReadFile(tmp);
  std::filesystem::remove(tmp, error);
  WriteFileAtomic(out, bytes);
  spdlog::info("Backed up gallery {} to {} ({:.1f} MiB)", options.dir.string(),
               out.string(), bytes.size() / 1048576.0);
}

void RestoreGallery(const GalleryOptions& options,
                    const std::filesystem::path& from, bool force) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(from, error))
    throw InputError("backup file " + from.string() + " does not exist");
  std::string key = store::ReadKeyFile(options.key_file, options.dir);
  // A file that is no gallery at all is the wrong file given (exit 2); a
  // gallery backup that is damaged stays an integrity fault (exit 4).
  const std::string not_backup =
      "backup file " + from.string() + " is not a diareid gallery backup (";
  std::string header(kSqliteHeader.size(), '\0');
  std::ifstream(from, std::ios::binary).read(header.data(), header.size());
  if (header != kSqliteHeader)
    throw InputError(not_backup + "not a SQLite database)");
  store::Database backup(from, /*read_only=*/true, options.busy_timeout_ms);
  if (store::QueryInt(backup, "PRAGMA user_version").value_or(0) == 0)
    throw InputError(not_backup + "a SQLite database without a gallery)");
  CheckBackup(backup, key);
  std::filesystem::path file = options.dir / store::kDatabaseName;
  if (std::filesystem::exists(file, error) && !force)
    throw InputError("gallery " + options.dir.string() +
                     " already exists; give --force to replace its "
                     "database with the backup " +
                     from.string());
  std::filesystem::create_directories(options.dir, error);
  if (error)
    throw InputError("cannot create gallery folder " + options.dir.string() +
                     ": " + error.message());
  store::Database target(file, /*read_only=*/false, options.busy_timeout_ms);
  CopyDatabase(backup, target);
  target.Execute("PRAGMA journal_mode = WAL");
  spdlog::info("Restored gallery {} from {}", options.dir.string(),
               from.string());
}

}  // namespace diareid
