// The gallery's schema and its migrations, versioned by PRAGMA user_version.
#pragma once

#include "sqlite.h"

namespace diareid::store {

// Marks a diareid gallery in PRAGMA application_id ("DIAR").
constexpr int kApplicationId = 0x44494152;

// The schema version this build writes.
int CurrentSchemaVersion();

// Brings the schema of `db` up to the current version, one migration per
// transaction. Throws IntegrityError for a file of another application or
// of a newer diareid.
void Migrate(Database& db);

// Checks, without writing, that `db` is a diareid gallery this build can
// read; throws IntegrityError otherwise.
void CheckSchema(Database& db);

}  // namespace diareid::store
