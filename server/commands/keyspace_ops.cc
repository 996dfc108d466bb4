// Keyspace operations shared by command families.
#include "server/commands/keyspace_ops.h"

#include <cstring>

#include "server/commands/pubsub.h"
#include "server/config.h"
#include "server/net/server.h"
#include "server/net/worker.h"
#include "server/store/key_clock.h"
#include "server/store/object.h"
#include "server/util/string_util.h"

namespace shoal {

int64_t JitteredDeadline(CommandContext& ctx, int64_t ttl_ms) {
  int pct = ctx.server.config().expire_jitter_pct();
  if (pct > 0 && ttl_ms > 1) {
    int64_t span = static_cast<int64_t>(static_cast<__int128>(ttl_ms) * pct / 100);
    if (span > 0) ttl_ms -= static_cast<int64_t>(FastRandom() % static_cast<uint64_t>(span + 1));
    if (ttl_ms < 1) ttl_ms = 1;
  }
  return ctx.now_ms + ttl_ms;
}

namespace {
Entry* NewString(std::string_view key, std::string_view value, bool is_int, int64_t iv,
                 int64_t expire_at) {
  bool has_exp = expire_at != kNoExpire;
  Entry* e = Entry::New(key, ObjType::kString, is_int ? 8 : static_cast<uint32_t>(value.size()),
                        has_exp);
  if (has_exp) e->set_expire_at(expire_at);
  if (is_int) {
    e->flags |= Entry::kIntEncoded;
    e->set_int_value(iv);
  } else if (!value.empty()) {
    memcpy(e->value(), value.data(), value.size());
  }
  return e;
}
}  // namespace

void SetStringValue(DbTable& db, std::string_view key, std::string_view value, int64_t expire_at,
                    bool keep_ttl, int64_t now_ms, bool as_text) {
  SetStringValueAt(db, db.FindLink(key, now_ms), key, value, expire_at, keep_ttl, as_text);
}

void PutEntry(DbTable& db, EntrySlot link, Entry* e) {
  if (link) {
    // A new value for the same key keeps the key's clock (its creation time under fifo, its
    // counter under lfu) and counts as an access.
    e->atime = (*link)->atime;
    TouchKey(e);
    db.Replace(link, e);
  } else {
    db.Insert(e);
  }
}

void SetStringValueAt(DbTable& db, EntrySlot link, std::string_view key, std::string_view value,
                      int64_t expire_at, bool keep_ttl, bool as_text) {
  Entry* old = link ? *link : nullptr;
  if (old && keep_ttl) expire_at = old->expire_at();
  int64_t iv = 0;
  bool is_int = !as_text && value.size() <= 20 && ParseInt64(value, &iv);
  uint32_t vlen = is_int ? 8 : static_cast<uint32_t>(value.size());
  bool has_exp = expire_at != kNoExpire;
  if (old && old->obj_type() == ObjType::kString && old->has_expire() == has_exp &&
      old->value_len() == vlen && ((old->flags & Entry::kIntEncoded) != 0) == is_int) {
    // Same shape: overwrite in place, no allocation.
    old->flags &= static_cast<uint8_t>(~Entry::kRawEncoded);
    if (has_exp) old->set_expire_at(expire_at);
    if (is_int) {
      old->set_int_value(iv);
    } else if (vlen) {
      memcpy(old->value(), value.data(), vlen);
    }
    TouchKey(old);
    return;
  }
  PutEntry(db, link, NewString(key, value, is_int, iv, expire_at));
}

Entry* WritableString(DbTable& db, EntrySlot link, std::string_view key, size_t min_len) {
  const auto want = static_cast<uint32_t>(min_len);
  if (!link) {
    Entry* e = Entry::New(key, ObjType::kString, want, false);
    if (want) memset(e->value(), 0, want);
    e->flags |= Entry::kRawEncoded;
    db.Insert(e);
    return e;
  }
  Entry* e = *link;
  if (!(e->flags & Entry::kIntEncoded)) {
    const uint32_t cur = e->value_len();
    if (want <= cur) {
      e->flags |= Entry::kRawEncoded;
      return e;
    }
    if (e->ResizeValueInPlace(want)) {
      memset(e->value() + cur, 0, want - cur);
      e->flags |= Entry::kRawEncoded;
      return e;
    }
  }
  char buf[24];
  const std::string_view old = StringValue(e, buf);
  const size_t len = std::max(old.size(), min_len);
  constexpr size_t kGreedyLimit = size_t{1} << 20;
  const size_t room = len < kGreedyLimit ? len * 2 : len + kGreedyLimit;
  // Only a value that grows gets room to spare: a first write to a string is sized exactly.
  const bool growing = len > old.size() && !(e->flags & Entry::kIntEncoded);
  Entry* n = Entry::New(key, ObjType::kString, static_cast<uint32_t>(len), e->has_expire(),
                        growing ? static_cast<uint32_t>(std::min<size_t>(room, UINT32_MAX)) : 0);
  if (e->has_expire()) n->set_expire_at(e->expire_at());
  if (!old.empty()) memcpy(n->value(), old.data(), old.size());
  if (len > old.size()) memset(n->value() + old.size(), 0, len - old.size());
  n->flags |= Entry::kRawEncoded;
  PutEntry(db, link, n);
  return n;
}

Entry* SetRawString(DbTable& db, EntrySlot link, std::string_view key, std::string_view bytes) {
  const auto n = static_cast<uint32_t>(bytes.size());
  Entry* old = link ? *link : nullptr;
  if (old && !(old->flags & Entry::kIntEncoded) && old->ResizeValueInPlace(n)) {
    if (n) memmove(old->value(), bytes.data(), n);
    old->flags |= Entry::kRawEncoded;
    return old;
  }
  Entry* e = Entry::New(key, ObjType::kString, n, old && old->has_expire());
  if (old && old->has_expire()) e->set_expire_at(old->expire_at());
  if (n) memcpy(e->value(), bytes.data(), n);
  e->flags |= Entry::kRawEncoded;
  PutEntry(db, link, e);
  return e;
}

void SetIntValue(DbTable& db, EntrySlot link, std::string_view key, int64_t value, int64_t now_ms) {
  Entry* old = link ? *link : nullptr;
  if (old && (old->flags & Entry::kIntEncoded)) {
    old->set_int_value(value);
    TouchKey(old);
    return;
  }
  (void)now_ms;
  PutEntry(db, link, NewString(key, {}, true, value, old ? old->expire_at() : kNoExpire));
}

Entry* CloneEntry(const Entry* e, std::string_view key, int64_t expire_at) {
  if (e->obj_type() != ObjType::kString) {
    Entry* n = NewCollectionEntry(key, CollectionOf(e)->Clone(), expire_at);
    n->atime = e->atime;
    return n;
  }
  return RekeyEntry(e, key, expire_at);
}

Entry* RekeyEntry(const Entry* e, std::string_view key, int64_t expire_at) {
  if (e->obj_type() != ObjType::kString) return MoveCollectionEntry(e, key, expire_at);
  bool has_exp = expire_at != kNoExpire;
  Entry* n = Entry::New(key, e->obj_type(), e->value_len(), has_exp);
  n->flags = static_cast<uint8_t>((e->flags & ~Entry::kHasExpire) | (has_exp ? Entry::kHasExpire : 0));
  if (has_exp) n->set_expire_at(expire_at);
  if (e->value_len()) memcpy(n->value(), e->value(), e->value_len());
  n->atime = e->atime;
  return n;
}

Entry* SetEntryExpire(DbTable& db, EntrySlot link, int64_t expire_at) {
  Entry* e = *link;
  bool want = expire_at != kNoExpire;
  if (e->has_expire() == want) {
    if (want) e->set_expire_at(expire_at);
    return e;
  }
  Entry* n = RekeyEntry(e, e->key(), expire_at);
  db.Replace(link, n, /*free_value=*/false);
  return n;
}

std::string_view TypeName(ObjType t) {
  switch (t) {
    case ObjType::kString:
      return "string";
    case ObjType::kList:
      return "list";
    case ObjType::kSet:
      return "set";
    case ObjType::kZSet:
      return "zset";
    case ObjType::kHash:
      return "hash";
  }
  return "none";
}

bool ParseScanCursor(CommandContext& ctx, std::string_view arg, uint64_t* cursor) {
  // Redis reads the cursor with strtoul: an optional sign ('-' negates modulo 2^64), then digits
  // of any length up to overflow. An empty argument converts nothing and so is cursor 0, a lone
  // sign is not a cursor, and a leading space is refused.
  size_t i = 0;
  bool negative = false;
  if (!arg.empty() && (arg[0] == '+' || arg[0] == '-')) {
    negative = arg[0] == '-';
    i = 1;
  }
  bool ok = arg.empty() || i < arg.size();
  uint64_t v = 0;
  for (; ok && i < arg.size(); ++i) {
    char ch = arg[i];
    if (ch < '0' || ch > '9') {
      ok = false;
      break;
    }
    uint64_t d = static_cast<uint64_t>(ch - '0');
    if (v > (UINT64_MAX - d) / 10) {
      ok = false;
      break;
    }
    v = v * 10 + d;
  }
  if (!ok) {
    ctx.Error("ERR invalid cursor");
    return false;
  }
  *cursor = negative ? 0 - v : v;
  return true;
}

bool ParseScanOption(CommandContext& ctx, std::string_view name, std::string_view value,
                     std::string_view* pattern, bool* has_pattern, int64_t* count) {
  if (EqualsLower(name, "match")) {
    *pattern = value;
    *has_pattern = !(value.size() == 1 && value[0] == '*');
    return true;
  }
  if (EqualsLower(name, "count")) {
    if (!ParseInt64(value, count)) {
      ctx.Error(kErrNotInt);
      return false;
    }
    if (*count < 1) {
      ctx.Error(kErrSyntax);
      return false;
    }
    return true;
  }
  ctx.Error(kErrSyntax);
  return false;
}

void ReplyScanCursor(CommandContext& ctx, uint64_t cursor) {
  char buf[24];
  if (cursor > static_cast<uint64_t>(INT64_MAX)) {
    ctx.rb.Bulk(std::to_string(cursor));
  } else {
    ctx.rb.Bulk(std::string_view(buf, FormatInt64(static_cast<int64_t>(cursor), buf)));
  }
}

namespace {
void NumkeysKeys(std::span<const std::string_view> args, size_t at, KeyPositions* out) {
  int64_t n;
  if (at >= args.size() || !ParseInt64(args[at], &n) || n <= 0) return;
  if (static_cast<uint64_t>(n) > args.size() - at - 1) return;
  for (size_t i = at + 1; i <= at + static_cast<size_t>(n); ++i) out->push_back(static_cast<int>(i));
}
}  // namespace

void KeysNumkeysAt1(std::span<const std::string_view> args, KeyPositions* out) {
  NumkeysKeys(args, 1, out);
}
void KeysNumkeysAt2(std::span<const std::string_view> args, KeyPositions* out) {
  NumkeysKeys(args, 2, out);
}
void KeysDestNumkeysAt2(std::span<const std::string_view> args, KeyPositions* out) {
  if (args.size() > 1) out->push_back(1);
  NumkeysKeys(args, 2, out);
}

bool ParseCollectionScanOptions(CommandContext& ctx, ScanOptions* out) {
  auto& a = ctx.args;
  for (size_t i = 3; i < a.size(); i += 2) {
    if (i + 1 >= a.size()) {
      ctx.Error(kErrSyntax);
      return false;
    }
    if (!ParseScanOption(ctx, a[i], a[i + 1], &out->pattern, &out->has_pattern, &out->count)) {
      return false;
    }
  }
  return true;
}

void ReplyEmptyScan(CommandContext& ctx) {
  ctx.rb.ArrayHeader(2);
  ReplyScanCursor(ctx, 0);
  ctx.rb.EmptyArray();
}

void NoteLookup(CommandContext& ctx, Entry* e, std::string_view key, unsigned flags) {
  if (e && !(flags & kLookupNoTouch)) TouchKey(e);
  if (!(flags & kLookupRead)) return;
  if (e) {
    Bump(ctx.worker.stats().keyspace_hits);
  } else {
    Bump(ctx.worker.stats().keyspace_misses);
    if (!(flags & kLookupNoNotify)) NotifyKeyspaceEvent(ctx, kNotifyKeyMiss, "keymiss", key);
  }
}

bool DeleteIfEmpty(DbTable& db, std::string_view key, int64_t now_ms) {
  Entry* e = db.Find(key, now_ms);
  if (!e || e->obj_type() == ObjType::kString || CollectionOf(e)->Length() != 0) return false;
  return db.Delete(key, now_ms);
}

bool ParseDbIndex(CommandContext& ctx, std::string_view arg, int* db) {
  int64_t v;
  if (!ParseInt64(arg, &v)) {
    ctx.Error(kErrNotInt);
    return false;
  }
  // Redis reads the index as a C int first, with its own error past that range.
  if (v < INT32_MIN || v > INT32_MAX) {
    ctx.Error("ERR value is out of range, value must between -2147483648 and 2147483647");
    return false;
  }
  if (v < 0 || v >= ctx.store.num_dbs()) {
    ctx.Error(kErrDbIndex);
    return false;
  }
  *db = static_cast<int>(v);
  return true;
}

}  // namespace shoal
