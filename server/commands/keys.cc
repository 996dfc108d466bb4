// Generic key commands: DEL, EXISTS, RENAME, COPY, KEYS, SCAN, expiry, OBJECT, FLUSH*, SWAPDB.
#include <algorithm>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/commands/command.h"
#include "server/commands/keyspace_ops.h"
#include "server/commands/pubsub.h"
#include "server/commands/tracking.h"
#include "server/config.h"
#include "server/net/connection.h"
#include "server/net/server.h"
#include "server/net/worker.h"
#include "server/store/key_clock.h"
#include "server/store/object.h"
#include "server/util/glob.h"
#include "server/util/string_util.h"

namespace shoal {

namespace {

constexpr int kShardShift = 48;

// Redis' matcher never matches the empty key against a non-empty pattern (only the "*"
// shortcut returns it); KEYS and SCAN follow that.
bool KeyMatches(std::string_view pattern, std::string_view key) {
  if (key.empty()) return pattern.empty();
  return GlobMatch(pattern, key);
}

void DelCmd(CommandContext& ctx) {
  int64_t n = 0;
  for (size_t i = 1; i < ctx.args.size(); ++i) {
    if (ctx.Db(ctx.args[i]).Delete(ctx.args[i], ctx.now_ms)) {
      NotifyKeyspaceEvent(ctx, kNotifyGeneric, "del", ctx.args[i]);
      ++n;
    }
  }
  ctx.rb.Integer(n);
}

void ExistsCmd(CommandContext& ctx) {
  int64_t n = 0;
  for (size_t i = 1; i < ctx.args.size(); ++i) {
    Entry* e = ctx.Db(ctx.args[i]).Find(ctx.args[i], ctx.now_ms);
    NoteLookup(ctx, e, ctx.args[i], kLookupRead | kLookupNoTouch);
    if (e) ++n;
  }
  ctx.rb.Integer(n);
}

void TouchCmd(CommandContext& ctx) {
  int64_t n = 0;
  for (size_t i = 1; i < ctx.args.size(); ++i) {
    Entry* e = ctx.Db(ctx.args[i]).Find(ctx.args[i], ctx.now_ms);
    NoteLookup(ctx, e, ctx.args[i], kLookupRead);
    if (e) ++n;
  }
  ctx.rb.Integer(n);
}

void TypeCmd(CommandContext& ctx) {
  Entry* e = ctx.Db(ctx.args[1]).Find(ctx.args[1], ctx.now_ms);
  NoteLookup(ctx, e, ctx.args[1], kLookupRead | kLookupNoTouch);
  ctx.rb.Simple(e ? TypeName(e->obj_type()) : "none");
}

void RenameGeneric(CommandContext& ctx, bool nx) {
  std::string_view src = ctx.args[1], dst = ctx.args[2];
  DbTable& sdb = ctx.Db(src);
  DbTable& ddb = ctx.Db(dst);
  Entry* e = sdb.Find(src, ctx.now_ms);
  if (!e) return ctx.Error(kErrNoSuchKey);
  if (src == dst) return nx ? ctx.rb.Integer(0) : ctx.rb.Ok();
  if (nx && ddb.Find(dst, ctx.now_ms)) return ctx.rb.Integer(0);
  Entry* moved = RekeyEntry(e, dst, e->expire_at());
  Entry::FreeShell(sdb.Detach(src, ctx.now_ms));
  ddb.Delete(dst, ctx.now_ms);
  ddb.Insert(moved);
  NotifyKeyspaceEvent(ctx, kNotifyGeneric, "rename_from", src);
  NotifyKeyspaceEvent(ctx, kNotifyGeneric, "rename_to", dst);
  if (nx) {
    ctx.rb.Integer(1);
  } else {
    ctx.rb.Ok();
  }
}
void RenameCmd(CommandContext& ctx) { RenameGeneric(ctx, false); }
void RenameNxCmd(CommandContext& ctx) { RenameGeneric(ctx, true); }

// COPY source destination [DB destination-db] [REPLACE]
void CopyCmd(CommandContext& ctx) {
  auto& a = ctx.args;
  int dbi = ctx.db;
  bool replace = false;
  for (size_t i = 3; i < a.size(); ++i) {
    if (EqualsLower(a[i], "replace")) {
      replace = true;
    } else if (EqualsLower(a[i], "db") && i + 1 < a.size()) {
      if (!ParseDbIndex(ctx, a[++i], &dbi)) return;
    } else {
      return ctx.Error(kErrSyntax);
    }
  }
  if (a[1] == a[2] && dbi == ctx.db) {
    return ctx.Error("ERR source and destination objects are the same");
  }
  Entry* e = ctx.Db(a[1]).Find(a[1], ctx.now_ms);
  NoteLookup(ctx, e, a[1], kLookupRead);
  if (!e) return ctx.rb.Integer(0);
  DbTable& ddb = ctx.DbAt(a[2], dbi);
  if (ddb.Find(a[2], ctx.now_ms)) {
    if (!replace) return ctx.rb.Integer(0);
    ddb.Delete(a[2], ctx.now_ms);
  }
  ddb.Insert(CloneEntry(e, a[2], e->expire_at()));
  NotifyKeyspaceEventDb(ctx.server, kNotifyGeneric, "copy_to", a[2], dbi);
  ctx.rb.Integer(1);
}

void MoveCmd(CommandContext& ctx) {
  int dbi;
  if (!ParseDbIndex(ctx, ctx.args[2], &dbi)) return;
  if (dbi == ctx.db) return ctx.Error("ERR source and destination objects are the same");
  std::string_view key = ctx.args[1];
  DbTable& sdb = ctx.Db(key);
  DbTable& ddb = ctx.DbAt(key, dbi);
  if (!sdb.Find(key, ctx.now_ms)) return ctx.rb.Integer(0);
  if (ddb.Find(key, ctx.now_ms)) return ctx.rb.Integer(0);
  Entry* e = sdb.Detach(key, ctx.now_ms);
  ddb.Insert(e);
  NotifyKeyspaceEvent(ctx, kNotifyGeneric, "move_from", key);
  NotifyKeyspaceEventDb(ctx.server, kNotifyGeneric, "move_to", key, dbi);
  ctx.rb.Integer(1);
}

// Visits every live key of the selected db, one shard lock at a time.
template <typename Fn>
void ForEachKey(CommandContext& ctx, Fn&& fn) {
  for (int s = 0; s < ctx.store.num_shards(); ++s) {
    Shard& shard = ctx.store.shard(s);
    ShardGuard l(ctx, shard);
    shard.db(ctx.db).table().ForEach([&](Entry* e) {
      if (e->has_expire() && e->expire_at() <= ctx.now_ms) return;
      fn(e);
    });
  }
}

void KeysCmd(CommandContext& ctx) {
  std::string_view pat = ctx.args[1];
  std::vector<std::string> keys;
  if (IsPlainPattern(pat)) {
    Shard& shard = ctx.store.shard(ctx.store.ShardOf(pat));
    ShardGuard l(ctx, shard);
    if (shard.db(ctx.db).Find(pat, ctx.now_ms)) keys.emplace_back(pat);
  } else {
    bool all = pat == "*";
    ForEachKey(ctx, [&](Entry* e) {
      std::string_view k = e->key();
      if (all || KeyMatches(pat, k)) keys.emplace_back(k);
    });
  }
  ctx.rb.ArrayHeader(keys.size());
  for (const auto& k : keys) ctx.rb.Bulk(k);
}

std::optional<ObjType> ParseTypeName(std::string_view t) {
  if (EqualsLower(t, "string")) return ObjType::kString;
  if (EqualsLower(t, "list")) return ObjType::kList;
  if (EqualsLower(t, "set")) return ObjType::kSet;
  if (EqualsLower(t, "zset")) return ObjType::kZSet;
  if (EqualsLower(t, "hash")) return ObjType::kHash;
  return std::nullopt;
}

// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]. The cursor holds the shard above bit 48
// and that shard's table cursor below, so each shard keeps the dict's guarantee across growth.
void ScanCmd(CommandContext& ctx) {
  auto& a = ctx.args;
  uint64_t cursor;
  if (!ParseScanCursor(ctx, a[1], &cursor)) return;
  std::string_view pattern;
  bool has_pattern = false;
  int64_t count = 10;
  std::optional<ObjType> type;
  bool type_given = false;
  for (size_t i = 2; i < a.size(); i += 2) {
    if (i + 1 >= a.size()) return ctx.Error(kErrSyntax);
    if (EqualsLower(a[i], "type")) {
      type = ParseTypeName(a[i + 1]);
      type_given = true;
    } else if (!ParseScanOption(ctx, a[i], a[i + 1], &pattern, &has_pattern, &count)) {
      return;
    }
  }
  uint64_t shard_idx = cursor >> kShardShift;
  uint64_t inner = cursor & ((1ull << kShardShift) - 1);
  std::vector<std::string> keys;
  size_t visited = 0;
  uint64_t nshards = static_cast<uint64_t>(ctx.store.num_shards());
  // Like Redis, COUNT bounds the work (entries visited), not the number of results.
  while (shard_idx < nshards && visited < static_cast<uint64_t>(count)) {
    Shard& shard = ctx.store.shard(static_cast<uint32_t>(shard_idx));
    ShardGuard l(ctx, shard);
    KeyTable& t = shard.db(ctx.db).table();
    size_t iterations = 0;
    do {
      inner = t.Scan(inner, [&](Entry* e) {
        ++visited;
        if (e->has_expire() && e->expire_at() <= ctx.now_ms) return;
        if (type_given && (!type || e->obj_type() != *type)) return;
        std::string_view k = e->key();
        if (has_pattern && !KeyMatches(pattern, k)) return;
        keys.emplace_back(k);
      });
    } while (inner != 0 && visited < static_cast<uint64_t>(count) && ++iterations < static_cast<size_t>(count) * 10);
    if (inner == 0) ++shard_idx;
  }
  uint64_t next = shard_idx >= nshards ? 0 : (shard_idx << kShardShift) | inner;
  ctx.rb.ArrayHeader(2);
  ReplyScanCursor(ctx, next);
  ctx.rb.ArrayHeader(keys.size());
  for (const auto& k : keys) ctx.rb.Bulk(k);
}

void RandomKeyCmd(CommandContext& ctx) {
  int n = ctx.store.num_shards();
  for (int attempt = 0; attempt < 100; ++attempt) {
    uint32_t start = static_cast<uint32_t>(FastRandom() % n);
    for (int i = 0; i < n; ++i) {
      Shard& shard = ctx.store.shard((start + i) % n);
      ShardGuard l(ctx, shard);
      DbTable& db = shard.db(ctx.db);
      if (db.size() == 0) continue;
      Entry* e = db.table().Random(FastRandom());
      if (!e) continue;
      if (e->has_expire() && e->expire_at() <= ctx.now_ms) {
        std::string k(e->key());
        db.Delete(k, ctx.now_ms);  // lazily expires it
        break;                     // try another random shard
      }
      return ctx.rb.Bulk(e->key());
    }
  }
  ctx.rb.Null();
}

void DbSizeCmd(CommandContext& ctx) {
  int64_t n = 0;
  for (int s = 0; s < ctx.store.num_shards(); ++s) {
    Shard& shard = ctx.store.shard(s);
    ShardGuard l(ctx, shard);
    n += static_cast<int64_t>(shard.db(ctx.db).size());
  }
  ctx.rb.Integer(n);
}

bool ParseFlushMode(CommandContext& ctx, bool* async) {
  *async = false;
  if (ctx.args.size() > 2) {
    ctx.Error(kErrSyntax);
    return false;
  }
  if (ctx.args.size() == 2) {
    if (EqualsLower(ctx.args[1], "async")) {
      *async = true;
    } else if (!EqualsLower(ctx.args[1], "sync")) {
      ctx.Error(kErrSyntax);
      return false;
    }
  }
  return true;
}

// Empties the given dbs (all when db < 0) with every shard locked, so no reader sees half a flush.
// ASYNC hands the old tables to a thread that frees them.
void Flush(CommandContext& ctx, int db, bool async) {
  std::vector<KeyTable> doomed;
  LockAllShards(ctx);
  for (int s = 0; s < ctx.store.num_shards(); ++s) {
    Shard& shard = ctx.store.shard(s);
    for (int d = 0; d < ctx.store.num_dbs(); ++d) {
      if (db >= 0 && d != db) continue;
      DbTable& t = shard.db(d);
      if (t.size() == 0) continue;
      shard.watch.TouchIf(d, [&](std::string_view k) { return t.Find(k, ctx.now_ms) != nullptr; });
      if (async) {
        doomed.push_back(t.TakeTable());
      } else {
        t.Clear();
      }
    }
  }
  // Tracking clients hear of a flush (FLUSHDB too) as "everything", and the tracked keys are
  // forgotten, as in Redis.
  if (TrackingActive()) TrackingFlush(ctx.server, ctx.store);
  UnlockAllShards(ctx);
  if (!doomed.empty()) {
    std::thread([tables = std::move(doomed)]() mutable {
      for (auto& t : tables) t.Clear([](Entry* e) { Entry::Free(e); });
    }).detach();
  }
}

void FlushDbCmd(CommandContext& ctx) {
  bool async;
  if (!ParseFlushMode(ctx, &async)) return;
  Flush(ctx, ctx.db, async);
  ctx.rb.Ok();
}

void FlushAllCmd(CommandContext& ctx) {
  bool async;
  if (!ParseFlushMode(ctx, &async)) return;
  Flush(ctx, -1, async);
  ctx.rb.Ok();
}

void SwapDbCmd(CommandContext& ctx) {
  int64_t a, b;
  // Redis reads both as C ints: past that range is an invalid index too, not an out-of-range one.
  auto is_int = [](std::string_view arg, int64_t* v) {
    return ParseInt64(arg, v) && *v >= INT32_MIN && *v <= INT32_MAX;
  };
  if (!is_int(ctx.args[1], &a)) return ctx.Error("ERR invalid first DB index");
  if (!is_int(ctx.args[2], &b)) return ctx.Error("ERR invalid second DB index");
  if (a < 0 || a >= ctx.store.num_dbs() || b < 0 || b >= ctx.store.num_dbs()) {
    return ctx.Error(kErrDbIndex);
  }
  if (a != b) {
    LockAllShards(ctx);
    for (int s = 0; s < ctx.store.num_shards(); ++s) {
      Shard& shard = ctx.store.shard(s);
      auto& dbs = shard.dbs();
      // A key watched in either db changes if it exists in either (it appears, vanishes or is
      // replaced).
      auto in_either = [&](std::string_view k) {
        return dbs[a].Find(k, ctx.now_ms) != nullptr || dbs[b].Find(k, ctx.now_ms) != nullptr;
      };
      shard.watch.TouchIf(static_cast<int>(a), in_either);
      shard.watch.TouchIf(static_cast<int>(b), in_either);
      std::swap(dbs[a], dbs[b]);
      dbs[a].set_index(static_cast<int>(a));
      dbs[b].set_index(static_cast<int>(b));
    }
    UnlockAllShards(ctx);
  }
  ctx.rb.Ok();
}

// --- expiry ---

enum ExpireFlags { kExpNX = 1, kExpXX = 2, kExpGT = 4, kExpLT = 8 };

void ExpireGeneric(CommandContext& ctx, bool ms_unit, bool absolute) {
  auto& a = ctx.args;
  int flags = 0;
  for (size_t i = 3; i < a.size(); ++i) {
    if (EqualsLower(a[i], "nx")) {
      flags |= kExpNX;
    } else if (EqualsLower(a[i], "xx")) {
      flags |= kExpXX;
    } else if (EqualsLower(a[i], "gt")) {
      flags |= kExpGT;
    } else if (EqualsLower(a[i], "lt")) {
      flags |= kExpLT;
    } else {
      return ctx.Error(Cat("ERR Unsupported option ", a[i]));
    }
  }
  if ((flags & kExpNX) && (flags & (kExpXX | kExpGT | kExpLT))) {
    return ctx.Error("ERR NX and XX, GT or LT options at the same time are not compatible");
  }
  if ((flags & kExpGT) && (flags & kExpLT)) {
    return ctx.Error("ERR GT and LT options at the same time are not compatible");
  }
  // The options are checked before the time, as in Redis.
  int64_t v;
  if (!ParseInt64(a[2], &v)) return ctx.Error(kErrNotInt);
  auto invalid = [&] {
    ctx.Error(Cat("ERR invalid expire time in '", ctx.spec->name, "' command"));
  };
  if (!ms_unit) {
    if (v > INT64_MAX / 1000 || v < INT64_MIN / 1000) return invalid();
    v *= 1000;
  }
  int64_t deadline;
  if (absolute) {
    deadline = v;
  } else {
    if (v > 0 && v > INT64_MAX - ctx.now_ms) return invalid();
    deadline = v > 0 ? JitteredDeadline(ctx, v) : ctx.now_ms + v;
  }
  std::string_view key = a[1];
  DbTable& db = ctx.Db(key);
  EntrySlot link = db.FindLink(key, ctx.now_ms);
  if (!link) return ctx.rb.Integer(0);
  Entry* e = *link;
  int64_t cur = e->expire_at();  // -1: persistent, which GT/LT treat as infinite
  if (flags & kExpNX && cur != -1) return ctx.rb.Integer(0);
  if (flags & kExpXX && cur == -1) return ctx.rb.Integer(0);
  if (flags & kExpGT && (cur == -1 || deadline <= cur)) return ctx.rb.Integer(0);
  if (flags & kExpLT && cur != -1 && deadline >= cur) return ctx.rb.Integer(0);
  if (deadline <= ctx.now_ms) {
    db.Delete(key, ctx.now_ms);
    NotifyKeyspaceEvent(ctx, kNotifyGeneric, "del", key);
  } else {
    SetEntryExpire(db, link, deadline);
    NotifyKeyspaceEvent(ctx, kNotifyGeneric, "expire", key);
  }
  ctx.rb.Integer(1);
}
void ExpireCmd(CommandContext& ctx) { ExpireGeneric(ctx, false, false); }
void PExpireCmd(CommandContext& ctx) { ExpireGeneric(ctx, true, false); }
void ExpireAtCmd(CommandContext& ctx) { ExpireGeneric(ctx, false, true); }
void PExpireAtCmd(CommandContext& ctx) { ExpireGeneric(ctx, true, true); }

void TtlGeneric(CommandContext& ctx, bool ms, bool absolute) {
  Entry* e = ctx.Db(ctx.args[1]).Find(ctx.args[1], ctx.now_ms);
  NoteLookup(ctx, e, ctx.args[1], kLookupRead | kLookupNoTouch);
  if (!e) return ctx.rb.Integer(-2);
  if (!e->has_expire()) return ctx.rb.Integer(-1);
  int64_t at = e->expire_at();
  int64_t v = absolute ? at : std::max<int64_t>(0, at - ctx.now_ms);
  // Redis rounds to the nearest second, for the absolute form too.
  ctx.rb.Integer(ms ? v : (v + 500) / 1000);
}
void TtlCmd(CommandContext& ctx) { TtlGeneric(ctx, false, false); }
void PTtlCmd(CommandContext& ctx) { TtlGeneric(ctx, true, false); }
void ExpireTimeCmd(CommandContext& ctx) { TtlGeneric(ctx, false, true); }
void PExpireTimeCmd(CommandContext& ctx) { TtlGeneric(ctx, true, true); }

void PersistCmd(CommandContext& ctx) {
  DbTable& db = ctx.Db(ctx.args[1]);
  EntrySlot link = db.FindLink(ctx.args[1], ctx.now_ms);
  if (!link || !(*link)->has_expire()) return ctx.rb.Integer(0);
  SetEntryExpire(db, link, kNoExpire);
  NotifyKeyspaceEvent(ctx, kNotifyGeneric, "persist", ctx.args[1]);
  ctx.rb.Integer(1);
}

// --- OBJECT ---

std::string_view EncodingName(const Entry* e) {
  switch (e->obj_type()) {
    case ObjType::kString:
      if (e->flags & Entry::kIntEncoded) return "int";
      if (!(e->flags & Entry::kRawEncoded) && e->value_len() <= 44) return "embstr";
      return "raw";
    default:
      return CollectionOf(e)->EncodingName();
  }
}

void ObjectCmd(CommandContext& ctx) {
  auto& a = ctx.args;
  std::string_view sub = a[1];
  if (EqualsLower(sub, "help") && a.size() == 2) {
    static constexpr std::string_view kHelp[] = {
        "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "ENCODING <key>",
        "    Return the kind of internal representation used in order to store the value",
        "    associated with a <key>.",
        "FREQ <key>",
        "    Return the access frequency index of the <key>. The returned integer is",
        "    proportional to the logarithm of the recent access frequency of the key.",
        "IDLETIME <key>",
        "    Return the idle time of the <key>, that is the approximated number of",
        "    seconds elapsed since the last access to the key.",
        "REFCOUNT <key>",
        "    Return the number of references of the value associated with the specified",
        "    <key>.",
        "HELP",
        "    Prints this help."};
    return ReplyHelp(ctx, kHelp);
  }
  bool known = EqualsLower(sub, "encoding") || EqualsLower(sub, "freq") ||
               EqualsLower(sub, "idletime") || EqualsLower(sub, "refcount");
  if (!known || a.size() != 3) {
    if (known || EqualsLower(sub, "help")) {
      std::string lower(sub);
      for (auto& ch : lower) ch = static_cast<char>(tolower(ch));
      return ctx.Error(Cat("ERR wrong number of arguments for 'object|", lower, "' command"));
    }
    return ctx.Error(Cat("ERR unknown subcommand '", sub.substr(0, 128),
                                  "'. Try OBJECT HELP."));
  }
  std::string_view key = a[2];
  Shard& shard = ctx.store.shard(ctx.store.ShardOf(key));
  ShardGuard l(ctx, shard);
  Entry* e = shard.db(ctx.db).Find(key, ctx.now_ms);
  NoteLookup(ctx, e, key, kLookupRead | kLookupNoTouch | kLookupNoNotify);
  if (!e) return ctx.rb.Null();
  std::string policy = ctx.server.config().maxmemory_policy();
  bool lfu = policy.find("lfu") != std::string::npos;
  if (EqualsLower(sub, "encoding")) {
    ctx.rb.Bulk(EncodingName(e));
  } else if (EqualsLower(sub, "refcount")) {
    bool shared = (e->flags & Entry::kIntEncoded) && e->int_value() >= 0 && e->int_value() < 10000;
    ctx.rb.Integer(shared ? INT32_MAX : 1);
  } else if (EqualsLower(sub, "idletime")) {
    if (lfu) {
      return ctx.Error(
          "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when "
          "switching between policies at runtime LRU and LFU data will take some time to adjust.");
    }
    ctx.rb.Integer(IdleSeconds(e));
  } else {
    if (!lfu) {
      return ctx.Error(
          "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note "
          "that when switching between policies at runtime LRU and LFU data will take some time "
          "to adjust.");
    }
    ctx.rb.Integer(LfuCounter(e));
  }
}

}  // namespace

void RegisterKeyCommands(CommandTable& t) {
  constexpr uint32_t W = kCmdWrite;
  constexpr uint32_t R = kCmdReadonly;
  constexpr uint32_t F = kCmdFast;
  constexpr uint32_t S = kCmdSelfLocking;
  t.Add({"del", -2, W, 1, -1, 1, DelCmd, "generic", "Delete a key", "1.0.0"});
  t.Add({"unlink", -2, W | F, 1, -1, 1, DelCmd, "generic", "Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.", "4.0.0"});
  t.Add({"exists", -2, R | F, 1, -1, 1, ExistsCmd, "generic", "Determine if a key exists", "1.0.0"});
  t.Add({"touch", -2, R | F, 1, -1, 1, TouchCmd, "generic", "Alters the last access time of a key(s). Returns the number of existing keys specified.", "3.2.1"});
  t.Add({"type", 2, R | F, 1, 1, 1, TypeCmd, "generic", "Determine the type stored at key", "1.0.0"});
  t.Add({"rename", 3, W, 1, 2, 1, RenameCmd, "generic", "Rename a key", "1.0.0"});
  t.Add({"renamenx", 3, W | F, 1, 2, 1, RenameNxCmd, "generic", "Rename a key, only if the new key does not exist", "1.0.0"});
  t.Add({"copy", -3, W | kCmdDenyOom, 1, 2, 1, CopyCmd, "generic", "Copy a key", "6.2.0"});
  t.Add({"move", 3, W | F, 1, 1, 1, MoveCmd, "generic", "Move a key to another database", "1.0.0"});
  t.Add({"keys", 2, R | S, 0, 0, 0, KeysCmd, "generic", "Find all keys matching the given pattern", "1.0.0"});
  t.Add({"scan", -2, R | S, 0, 0, 0, ScanCmd, "generic", "Incrementally iterate the keys space", "2.8.0"});
  t.Add({"randomkey", 1, R | S, 0, 0, 0, RandomKeyCmd, "generic", "Return a random key from the keyspace", "1.0.0"});
  t.Add({"dbsize", 1, R | F | S, 0, 0, 0, DbSizeCmd, "server", "Return the number of keys in the selected database", "1.0.0"});
  t.Add({"flushdb", -1, W | S, 0, 0, 0, FlushDbCmd, "server", "Remove all keys from the current database", "1.0.0"});
  t.Add({"flushall", -1, W | S, 0, 0, 0, FlushAllCmd, "server", "Remove all keys from all databases", "1.0.0"});
  t.Add({"swapdb", 3, W | F | S, 0, 0, 0, SwapDbCmd, "server", "Swaps two Redis databases", "4.0.0"});
  t.Add({"expire", -3, W | F, 1, 1, 1, ExpireCmd, "generic", "Set a key's time to live in seconds", "1.0.0"});
  t.Add({"pexpire", -3, W | F, 1, 1, 1, PExpireCmd, "generic", "Set a key's time to live in milliseconds", "2.6.0"});
  t.Add({"expireat", -3, W | F, 1, 1, 1, ExpireAtCmd, "generic", "Set the expiration for a key as a UNIX timestamp", "1.2.0"});
  t.Add({"pexpireat", -3, W | F, 1, 1, 1, PExpireAtCmd, "generic", "Set the expiration for a key as a UNIX timestamp specified in milliseconds", "2.6.0"});
  t.Add({"ttl", 2, R | F, 1, 1, 1, TtlCmd, "generic", "Get the time to live for a key in seconds", "1.0.0"});
  t.Add({"pttl", 2, R | F, 1, 1, 1, PTtlCmd, "generic", "Get the time to live for a key in milliseconds", "2.6.0"});
  t.Add({"expiretime", 2, R | F, 1, 1, 1, ExpireTimeCmd, "generic", "Get the expiration Unix timestamp for a key", "7.0.0"});
  t.Add({"pexpiretime", 2, R | F, 1, 1, 1, PExpireTimeCmd, "generic", "Get the expiration Unix timestamp for a key in milliseconds", "7.0.0"});
  t.Add({"persist", 2, W | F, 1, 1, 1, PersistCmd, "generic", "Remove the expiration from a key", "2.2.0"});
  t.Add({"object", -2, S, 0, 0, 0, ObjectCmd, "generic", "A container for object introspection commands", "2.2.3",
         {"encoding", "freq", "idletime", "refcount", "help"}});
}

}  // namespace shoal
