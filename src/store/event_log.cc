#include "event_log.h"

#include "diareid/core/error.h"
#include "diareid/core/hash.h"
#include "time_text.h"

namespace diareid::store {

const char kGenesisHash[] =
    "0000000000000000000000000000000000000000000000000000000000000000";

namespace {

std::string EventHash(const std::string& prev_hash, int64_t id,
                      const std::string& time, const std::string& kind,
                      const std::string& stone_id, const std::string& payload) {
  std::string message = prev_hash;
  for (const std::string& part :
       {std::to_string(id), time, kind, stone_id, payload}) {
    message += '\n';
    message += part;
  }
  return Sha256Hex(message);
}

void WriteSetting(Database& db, const std::string& key,
                  const std::string& value) {
  Statement(db, "INSERT OR REPLACE INTO settings(key, value) VALUES (?, ?)")
      .Bind(1, key)
      .Bind(2, value)
      .Run();
}

}  // namespace

std::pair<int64_t, std::string> ReadEventHead(Database& db) {
  Statement statement(db,
                      "SELECT key, value FROM settings WHERE key IN "
                      "('event_head_id', 'event_head_hash')");
  std::pair<int64_t, std::string> head{0, kGenesisHash};
  while (statement.Step()) {
    if (statement.Text(0) == "event_head_id")
      head.first = std::stoll(statement.Text(1));
    else
      head.second = statement.Text(1);
  }
  return head;
}

int64_t AppendEvent(Database& db, const std::string& key,
                    const std::string& kind, const std::string& stone_id,
                    const nlohmann::json& payload) {
  auto [head_id, head_hash] = ReadEventHead(db);
  int64_t next_id =
      QueryInt(db,
               "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE "
               "name = 'events'), 0), coalesce((SELECT max(id) FROM events), "
               "0)) + 1")
          .value_or(1);
  std::string time = NowText();
  std::string text = payload.dump();
  std::string hash = EventHash(head_hash, next_id, time, kind, stone_id, text);
  Statement insert(db,
                   "INSERT INTO events(id, time, kind, stone_id, payload, "
                   "prev_hash, hash, signature) VALUES (?, ?, ?, ?, ?, ?, "
                   "?, ?)");
  insert.Bind(1, next_id)
      .Bind(2, time)
      .Bind(3, kind)
      .BindOptional(4, stone_id)
      .Bind(5, text)
      .Bind(6, head_hash)
      .Bind(7, hash);
  if (key.empty())
    insert.BindNull(8);
  else
    insert.Bind(8, HmacSha256Hex(key, hash));
  insert.Run();
  (void)head_id;
  WriteSetting(db, "event_head_id", std::to_string(next_id));
  WriteSetting(db, "event_head_hash", hash);
  return next_id;
}

std::vector<std::string> VerifyEventChain(Database& db,
                                          const std::string& key) {
  std::vector<std::string> problems;
  for (const char* trigger : {"events_no_update", "events_no_delete"}) {
    Statement find(db,
                   "SELECT count(*) FROM sqlite_master WHERE type = "
                   "'trigger' AND name = ?");
    find.Bind(1, trigger);
    if (!find.Step() || find.Int(0) != 1)
      problems.push_back(std::string("the append-only trigger ") + trigger +
                         " of the event log was removed");
  }
  Statement events(db,
                   "SELECT id, time, kind, coalesce(stone_id, ''), payload, "
                   "prev_hash, hash, signature FROM events ORDER BY id");
  std::string expected_prev = kGenesisHash;
  int64_t last_id = 0;
  long unsigned_events = 0;
  while (events.Step()) {
    int64_t id = events.Int(0);
    std::string label = "event " + std::to_string(id) + " (" + events.Text(2) +
                        ", " + events.Text(1) + ")";
    if (id != last_id + 1)
      problems.push_back("events " + std::to_string(last_id + 1) + " to " +
                         std::to_string(id - 1) +
                         " are missing from the log (deleted)");
    if (events.Text(5) != expected_prev)
      problems.push_back(label +
                         " does not follow the event before it: the chain "
                         "is broken (an event was deleted or edited)");
    std::string hash =
        EventHash(events.Text(5), id, events.Text(1), events.Text(2),
                  events.Text(3), events.Text(4));
    if (hash != events.Text(6))
      problems.push_back(label + " was edited: its hash does not match");
    if (!key.empty()) {
      if (events.IsNull(7))
        ++unsigned_events;
      else if (HmacSha256Hex(key, events.Text(6)) != events.Text(7))
        problems.push_back(label + " has a wrong signature for the key file");
    }
    expected_prev = events.Text(6);
    last_id = id;
  }
  if (unsigned_events > 0)
    problems.push_back(std::to_string(unsigned_events) +
                       " events are not signed, though a key file is given");
  auto [head_id, head_hash] = ReadEventHead(db);
  if (head_id != last_id || head_hash != expected_prev)
    problems.push_back("the log ends at event " + std::to_string(last_id) +
                       " but the gallery's head says event " +
                       std::to_string(head_id) +
                       ": events at the end were deleted");
  return problems;
}

std::string CombinedDigest(const std::vector<std::string>& digests) {
  Sha256 sha;
  for (const std::string& digest : digests) {
    sha.Update(digest.data(), digest.size());
    sha.Update("\n", 1);
  }
  return sha.FinishHex();
}

}  // namespace diareid::store
