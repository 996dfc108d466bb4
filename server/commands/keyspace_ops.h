// Keyspace operations shared by command families: storing strings, TTL changes, re-keying.
#pragma once

#include <cstdint>
#include <string_view>

#include "server/commands/command.h"
#include "server/store/store.h"

namespace shoal {

inline constexpr int64_t kNoExpire = -1;

// A thread-local fast random number (expiry jitter, RANDOMKEY).
uint64_t FastRandom();

// Deadline for a relative TTL of ttl_ms from now, shortened by up to expire-jitter-pct percent
// (never lengthened): spreading deadlines set together keeps a cache from losing them all at once.
int64_t JitteredDeadline(CommandContext& ctx, int64_t ttl_ms);

// Creates or overwrites key with a string value. expire_at is an absolute ms deadline or kNoExpire;
// keep_ttl keeps the old deadline instead. Overwrites in place when the size allows.
void SetStringValue(DbTable& db, std::string_view key, std::string_view value, int64_t expire_at,
                    bool keep_ttl, int64_t now_ms);
// Same, when the caller already looked the key up: link is FindLink's result (nullptr if absent)
// and no other table operation happened since.
void SetStringValueAt(DbTable& db, Entry** link, std::string_view key, std::string_view value,
                      int64_t expire_at, bool keep_ttl);
// Same for an integer value (INCR family): stored as an int64.
void SetIntValue(DbTable& db, Entry** link, std::string_view key, int64_t value, int64_t now_ms);

// A copy of e under another key, with the given deadline (kNoExpire for none). Strings only copy
// bytes; the caller owns the result.
Entry* CloneEntry(const Entry* e, std::string_view key, int64_t expire_at);

// Sets or clears (kNoExpire) the deadline of the entry at link, reallocating if the TTL slot must
// appear or go. Returns the entry now at *link.
Entry* SetEntryExpire(DbTable& db, Entry** link, int64_t expire_at);

std::string_view TypeName(ObjType t);

// Parses a DB index argument as SELECT/MOVE/COPY do; replies with the error and returns false.
bool ParseDbIndex(CommandContext& ctx, std::string_view arg, int* db);

}  // namespace shoal
