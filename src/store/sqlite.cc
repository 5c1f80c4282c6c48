#include "sqlite.h"

#include <spdlog/spdlog.h>

#include "diareid/core/error.h"

namespace diareid::store {

Database::Database(const std::filesystem::path& path, bool read_only,
                   int busy_timeout_ms)
    : path_(path) {
  int flags = read_only ? SQLITE_OPEN_READONLY
                        : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  flags |= SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db_ != nullptr ? sqlite3_errmsg(db_) : "no memory";
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw InputError("cannot open gallery database " + path.string() + ": " +
                     message);
  }
  sqlite3_extended_result_codes(db_, 1);
  rc = sqlite3_busy_timeout(db_, busy_timeout_ms);
  if (rc != SQLITE_OK) Fail(rc, "setting the busy timeout");
}

Database::~Database() { sqlite3_close_v2(db_); }

void Database::Fail(int rc, const std::string& what) const {
  std::string message = "gallery database " + path_.string() + ": " + what +
                        ": " + sqlite3_errmsg(db_) + " (" + sqlite3_errstr(rc) +
                        ")";
  switch (rc & 0xff) {
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
      throw IntegrityError(message);
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      throw InputError(message);
    default:
      throw InternalError(message);
  }
}

void Database::Execute(const std::string& sql) {
  spdlog::debug("SQL: {}", sql);
  char* error = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
  if (error != nullptr) sqlite3_free(error);
  if (rc != SQLITE_OK) Fail(rc, "running `" + sql + "`");
}

int64_t Database::LastInsertId() const {
  return sqlite3_last_insert_rowid(db_);
}

int Database::Changes() const { return sqlite3_changes(db_); }

Statement::Statement(Database& db, const std::string& sql)
    : db_(db), sql_(sql) {
  int rc = sqlite3_prepare_v2(db.handle(), sql.c_str(), -1, &stmt_, nullptr);
  if (rc != SQLITE_OK) db_.Fail(rc, "preparing `" + sql + "`");
}

Statement::~Statement() {
  if (stmt_ != nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    sqlite3_finalize(stmt_);
  }
}

Statement& Statement::Bind(int index, int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK) db_.Fail(rc, "binding to `" + sql_ + "`");
  return *this;
}

Statement& Statement::Bind(int index, double value) {
  int rc = sqlite3_bind_double(stmt_, index, value);
  if (rc != SQLITE_OK) db_.Fail(rc, "binding to `" + sql_ + "`");
  return *this;
}

Statement& Statement::Bind(int index, const std::string& text) {
  int rc = sqlite3_bind_text(stmt_, index, text.data(),
                             static_cast<int>(text.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) db_.Fail(rc, "binding to `" + sql_ + "`");
  return *this;
}

Statement& Statement::BindBlob(int index, std::string_view bytes) {
  int rc = sqlite3_bind_blob(stmt_, index, bytes.data(),
                             static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) db_.Fail(rc, "binding to `" + sql_ + "`");
  return *this;
}

Statement& Statement::BindNull(int index) {
  int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK) db_.Fail(rc, "binding to `" + sql_ + "`");
  return *this;
}

Statement& Statement::BindOptional(int index, const std::string& text) {
  return text.empty() ? BindNull(index) : Bind(index, text);
}

bool Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  db_.Fail(rc, "running `" + sql_ + "`");
}

void Statement::Run() {
  while (Step()) {
  }
  Reset();
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int64_t Statement::Int(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

double Statement::Double(int column) const {
  return sqlite3_column_double(stmt_, column);
}

std::string Statement::Text(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return "";
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::string Statement::Blob(int column) const {
  const void* data = sqlite3_column_blob(stmt_, column);
  if (data == nullptr) return "";
  return std::string(static_cast<const char*>(data),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

Transaction::Transaction(Database& db, bool immediate) : db_(db) {
  db_.Execute(immediate ? "BEGIN IMMEDIATE" : "BEGIN");
}

Transaction::~Transaction() {
  if (done_) return;
  // Never throw from a destructor: a failed rollback leaves SQLite to undo
  // the journal when the connection closes.
  char* error = nullptr;
  sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, &error);
  if (error != nullptr) {
    spdlog::warn("Rollback of gallery transaction failed: {}", error);
    sqlite3_free(error);
  }
}

void Transaction::Commit() {
  db_.Execute("COMMIT");
  done_ = true;
}

ReadSnapshot::ReadSnapshot(Database& db) : db_(db) {
  if (sqlite3_get_autocommit(db_.handle()) != 0) {
    db_.Execute("BEGIN");
    began_ = true;
  }
}

ReadSnapshot::~ReadSnapshot() {
  if (began_) sqlite3_exec(db_.handle(), "COMMIT", nullptr, nullptr, nullptr);
}

std::optional<int64_t> QueryInt(Database& db, const std::string& sql) {
  Statement statement(db, sql);
  if (!statement.Step() || statement.IsNull(0)) return std::nullopt;
  return statement.Int(0);
}

}  // namespace diareid::store
