// Keyspace operations shared by command families: storing strings, TTL changes, re-keying.
#pragma once

#include <cstdint>
#include <string_view>

#include "server/commands/command.h"
#include "server/store/object.h"
#include "server/store/store.h"
#include "server/util/fast_random.h"

namespace shoal {

inline constexpr int64_t kNoExpire = -1;

// Deadline for a relative TTL of ttl_ms from now, shortened by up to expire-jitter-pct percent
// (never lengthened): spreading deadlines set together keeps a cache from losing them all at once.
int64_t JitteredDeadline(CommandContext& ctx, int64_t ttl_ms);

// Puts a new entry e for a key at link (FindLink's result): it replaces the entry there, taking
// over its access clock and counting as an access, or is inserted when link is null.
void PutEntry(DbTable& db, EntrySlot link, Entry* e);

// Creates or overwrites key with a string value. expire_at is an absolute ms deadline or kNoExpire;
// keep_ttl keeps the old deadline instead. Overwrites in place when the size allows. A value that
// reads as an int64 is stored as one (OBJECT ENCODING "int"), unless as_text: INCRBYFLOAT's
// result stays a string in Redis whatever it looks like.
void SetStringValue(DbTable& db, std::string_view key, std::string_view value, int64_t expire_at,
                    bool keep_ttl, int64_t now_ms, bool as_text = false);
// Same, when the caller already looked the key up: link is FindLink's result (nullptr if absent)
// and no other table operation happened since.
void SetStringValueAt(DbTable& db, EntrySlot link, std::string_view key, std::string_view value,
                      int64_t expire_at, bool keep_ttl, bool as_text = false);
// Same for an integer value (INCR family): stored as an int64.
void SetIntValue(DbTable& db, EntrySlot link, std::string_view key, int64_t value, int64_t now_ms);

// The string at link (FindLink's result; nullptr creates key) made writable with a value at least
// min_len bytes long, zero-filled past its old end, for APPEND, SETRANGE, SETBIT and BITFIELD: an
// integer-encoded value becomes its decimal text and the entry is marked raw. The caller has
// checked the type and proto-max-bulk-len. A growing string extends in place while its allocation
// has room; otherwise it moves to one with room to spare (twice the new length up to 1 MiB, 1 MiB
// more beyond, as Redis' strings grow), so a string built by many appends costs amortized O(1) per
// byte instead of a copy of the whole value each time. Returns the entry now at the key.
Entry* WritableString(DbTable& db, EntrySlot link, std::string_view key, size_t min_len);

// Sets the string at link (nullptr creates key) to exactly these bytes, marked raw, keeping its
// TTL: in place when the allocation allows, else in a new entry of the exact size (HyperLogLog
// values, which grow and shrink). The caller has checked the type. Returns the entry now at key.
Entry* SetRawString(DbTable& db, EntrySlot link, std::string_view key, std::string_view bytes);

// A copy of e under another key, with the given deadline (kNoExpire for none); collections are
// copied deeply (COPY). The caller owns the result.
Entry* CloneEntry(const Entry* e, std::string_view key, int64_t expire_at);
// A new entry for e's value under key and deadline that takes over e's collection, if any: e must
// then be released with Entry::FreeShell (or DbTable::Replace(..., false)), never Entry::Free.
Entry* RekeyEntry(const Entry* e, std::string_view key, int64_t expire_at);

// Sets or clears (kNoExpire) the deadline of the entry at link, reallocating if the TTL slot must
// appear or go. Returns the entry now at *link.
Entry* SetEntryExpire(DbTable& db, EntrySlot link, int64_t expire_at);

std::string_view TypeName(ObjType t);

// Random-member commands with a negative (repeating) count (HRANDFIELD, SRANDMEMBER, ZRANDMEMBER)
// build the whole reply in one go: counts beyond this many draws are refused with kErrRandCount
// instead of exhausting memory (Redis 7.0 tries, and can crash; a deliberate difference).
inline constexpr int64_t kMaxRepeatedDraws = int64_t{1} << 26;
inline constexpr std::string_view kErrRandCount =
    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";
// False (after replying kErrRandCount) for a count outside what the random-member commands accept.
inline bool CheckRandCount(CommandContext& ctx, int64_t count) {
  if (count == INT64_MIN || count < -kMaxRepeatedDraws) {
    ctx.Error(kErrRandCount);
    return false;
  }
  return true;
}

// SCAN-family arguments. The cursor is read as strtoul reads it ("ERR invalid cursor" otherwise).
bool ParseScanCursor(CommandContext& ctx, std::string_view arg, uint64_t* cursor);
// One `MATCH pattern` or `COUNT n` pair; has_pattern stays false for the match-all "*". Replies
// Redis' error (syntax error for an unknown option or COUNT < 1) and returns false.
bool ParseScanOption(CommandContext& ctx, std::string_view name, std::string_view value,
                     std::string_view* pattern, bool* has_pattern, int64_t* count);
// The cursor element of a SCAN-family reply (a bulk string, as Redis sends it).
void ReplyScanCursor(CommandContext& ctx, uint64_t cursor);

// HSCAN/SSCAN/ZSCAN: the MATCH/COUNT pairs after "key cursor". As in Redis, they are only parsed
// once the key exists with the right type (a missing key answers ReplyEmptyScan whatever follows).
struct ScanOptions {
  std::string_view pattern;
  bool has_pattern = false;
  int64_t count = 10;
};
bool ParseCollectionScanOptions(CommandContext& ctx, ScanOptions* out);
// "0" and no elements.
void ReplyEmptyScan(CommandContext& ctx);

// Key positions of numkeys-style commands (CommandSpec::keys): "numkeys key..." with the count at
// args[1] (LMPOP, ZMPOP, ZUNION, SINTERCARD...) or args[2] (BLMPOP/BZMPOP after the timeout), and
// "dest numkeys key..." (ZUNIONSTORE...). A bad count yields no keys (the handler reports it).
void KeysNumkeysAt1(std::span<const std::string_view> args, KeyPositions* out);
void KeysNumkeysAt2(std::span<const std::string_view> args, KeyPositions* out);
void KeysDestNumkeysAt2(std::span<const std::string_view> args, KeyPositions* out);

// --- Collection lookups for the list, hash, set and sorted-set families ---
// On a key of another type these reply WRONGTYPE themselves and return false; the caller returns.

// What a lookup does besides finding the entry, as Redis' lookupKey: a found key's access time
// is refreshed (OBJECT IDLETIME) unless kLookupNoTouch, and a read lookup counts a keyspace hit or
// miss, a miss also raising a `keymiss` event unless kLookupNoNotify. Redis' choices per command:
// reads touch and count; writes only touch; EXISTS, TYPE and TTL count without touching; OBJECT
// counts without touching or notifying.
enum LookupFlags : unsigned {
  kLookupWrite = 0,
  kLookupRead = 1,
  kLookupNoTouch = 2,
  kLookupNoNotify = 4,
};
void NoteLookup(CommandContext& ctx, Entry* e, std::string_view key, unsigned flags);

// Whether a collection lookup is a read for NoteLookup: kByCommand follows the command's flags
// (a write command's lookups are writes); kRead is for the source keys of the *STORE commands,
// which Redis reads like their non-storing forms.
enum class LookupFor { kByCommand, kRead };
inline bool IsReadLookup(const CommandContext& ctx, LookupFor mode) {
  return mode == LookupFor::kRead || ctx.spec == nullptr || !(ctx.spec->flags & kCmdWrite);
}

// *out is the collection, or nullptr when the key does not exist.
template <typename T>
bool FindCollection(CommandContext& ctx, DbTable& db, std::string_view key, ObjType type,
                    T** out, LookupFor mode = LookupFor::kByCommand) {
  Entry* e = db.Find(key, ctx.now_ms);
  NoteLookup(ctx, e, key, IsReadLookup(ctx, mode) ? kLookupRead : kLookupWrite);
  *out = nullptr;
  if (!e) return true;
  if (e->obj_type() != type) {
    ctx.Error(kErrWrongType);
    return false;
  }
  *out = CollectionAs<T>(e);
  return true;
}

// For writing: the collection at key, created empty with make() (which returns a
// std::unique_ptr<T>) when the key does not exist. A command that can end with an empty
// collection calls DeleteIfEmpty afterwards.
template <typename T, typename Make>
bool FindOrCreateCollection(CommandContext& ctx, DbTable& db, std::string_view key, ObjType type,
                            Make&& make, T** out) {
  if (!FindCollection(ctx, db, key, type, out)) return false;
  if (*out == nullptr) {
    Entry* e = NewCollectionEntry(key, make(), kNoExpire);
    db.Insert(e);
    *out = CollectionAs<T>(e);
  }
  return true;
}

// HDEL/SREM/ZREM: removes the members args[2..] from c (remove(member) says whether it was
// there), stopping once c is empty; returns how many were removed.
template <typename T, typename Remove>
int64_t RemoveMemberArgs(CommandContext& ctx, T* c, Remove&& remove) {
  int64_t removed = 0;
  for (size_t i = 2; i < ctx.args.size(); ++i) {
    if (remove(c, ctx.args[i])) {
      ++removed;
      if (c->Length() == 0) break;
    }
  }
  return removed;
}

// Deletes key when its collection is empty (Redis never keeps an empty list, hash, set or zset).
// Returns true when it did.
bool DeleteIfEmpty(DbTable& db, std::string_view key, int64_t now_ms);

// Parses a DB index argument as SELECT/MOVE/COPY do; replies with the error and returns false.
bool ParseDbIndex(CommandContext& ctx, std::string_view arg, int* db);

}  // namespace shoal
