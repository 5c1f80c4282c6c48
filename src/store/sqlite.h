// A thin, careful layer over SQLite: every status checked, statements reset
// by RAII, transactions that roll back when an exception unwinds.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace diareid::store {

// One open connection. Not thread-safe; one per thread.
class Database {
 public:
  // Opens `path`; throws InputError when the file cannot be opened and
  // IntegrityError when it is not a database.
  Database(const std::filesystem::path& path, bool read_only,
           int busy_timeout_ms);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one or more statements without results.
  void Execute(const std::string& sql);
  // Throws the error kind that fits SQLite's status `rc`.
  [[noreturn]] void Fail(int rc, const std::string& what) const;
  int64_t LastInsertId() const;
  int Changes() const;
  sqlite3* handle() { return db_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  sqlite3* db_ = nullptr;
  std::filesystem::path path_;
};

// A prepared statement; bindings are cleared and the statement reset when it
// goes out of scope, so a cached statement never holds a read lock.
class Statement {
 public:
  Statement(Database& db, const std::string& sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Binds by 1-based index; each returns *this for chaining.
  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, int value) {
    return Bind(index, static_cast<int64_t>(value));
  }
  Statement& Bind(int index, double value);
  Statement& Bind(int index, const std::string& text);
  Statement& Bind(int index, const char* text) {
    return Bind(index, std::string(text));
  }
  Statement& BindBlob(int index, std::string_view bytes);
  Statement& BindNull(int index);
  // Binds NULL for an empty string.
  Statement& BindOptional(int index, const std::string& text);

  // Advances to the next row; false when done.
  bool Step();
  // Runs a statement that returns no rows.
  void Run();
  void Reset();

  int64_t Int(int column) const;
  double Double(int column) const;
  std::string Text(int column) const;
  std::string Blob(int column) const;
  bool IsNull(int column) const;

 private:
  Database& db_;
  sqlite3_stmt* stmt_ = nullptr;
  std::string sql_;
};

// BEGIN IMMEDIATE on construction (waiting out other writers through the
// busy timeout); Commit() or roll back in the destructor.
class Transaction {
 public:
  explicit Transaction(Database& db, bool immediate = true);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void Commit();

 private:
  Database& db_;
  bool done_ = false;
};

// A consistent read: BEGIN (deferred) when no transaction is open yet,
// ended on scope exit; nothing when already inside one.
class ReadSnapshot {
 public:
  explicit ReadSnapshot(Database& db);
  ~ReadSnapshot();
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;

 private:
  Database& db_;
  bool began_ = false;
};

// The single value of a one-row query, or nullopt for no row.
std::optional<int64_t> QueryInt(Database& db, const std::string& sql);

}  // namespace diareid::store
