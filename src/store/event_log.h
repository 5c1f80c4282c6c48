// The append-only event log: each event holds the hash of the one before,
// and, with a key file, an HMAC of its own hash.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "sqlite.h"

namespace diareid::store {

// The hash every chain starts from.
extern const char kGenesisHash[];

// Appends an event inside the caller's write transaction and moves the
// chain head kept in settings. `key` empty: unsigned. Returns the event id.
int64_t AppendEvent(Database& db, const std::string& key,
                    const std::string& kind, const std::string& stone_id,
                    const nlohmann::json& payload);

// The newest event's id and hash (0 and the genesis hash when empty).
std::pair<int64_t, std::string> ReadEventHead(Database& db);

// Walks the whole chain and returns what is wrong: an edited, inserted or
// deleted event, a moved head, a bad or missing signature (when `key` is
// given), removed append-only triggers.
std::vector<std::string> VerifyEventChain(Database& db, const std::string& key);

// SHA-256 over the digests of embeddings, in the order given: what an event
// records of the embeddings it added.
std::string CombinedDigest(const std::vector<std::string>& digests);

}  // namespace diareid::store
