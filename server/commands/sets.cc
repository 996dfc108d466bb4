// Set commands: membership, random draws, algebra (SINTER/SUNION/SDIFF and *STORE), SSCAN.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "server/commands/command.h"
#include "server/commands/keyspace_ops.h"
#include "server/commands/pubsub.h"
#include "server/commands/zset_ops.h"
#include "server/config.h"
#include "server/store/set_value.h"
#include "server/util/glob.h"
#include "server/util/string_util.h"

namespace shoal {

namespace {

constexpr std::string_view kErrMustBePositive = "ERR value is out of range, must be positive";

bool FindSet(CommandContext& ctx, std::string_view key, SetValue** s) {
  return FindCollection(ctx, ctx.Db(key), key, ObjType::kSet, s);
}

// Deletes a *STORE destination for an empty result; "del" only when there was a key to delete.
void DeleteDestination(CommandContext& ctx, std::string_view key) {
  if (ctx.Db(key).Delete(key, ctx.now_ms)) NotifyKeyspaceEvent(ctx, kNotifyGeneric, "del", key);
}

// Replaces key (whatever it held, TTL included) with value, or deletes it when value is empty,
// as the *STORE commands do, and sends event (the command's name) for a stored result. Returns
// the stored size.
int64_t StoreSet(CommandContext& ctx, std::string_view key, std::unique_ptr<SetValue> value,
                 std::string_view event) {
  DbTable& db = ctx.Db(key);
  const size_t n = value->Length();
  if (n == 0) {
    DeleteDestination(ctx, key);
    return 0;
  }
  Entry* e = NewCollectionEntry(key, std::move(value), kNoExpire);
  EntrySlot link = db.FindLink(key, ctx.now_ms);
  if (link != nullptr) {
    db.Replace(link, e);
  } else {
    db.Insert(e);  // "new" comes from here, before the command's event, as in Redis
  }
  NotifyKeyspaceEvent(ctx, kNotifySet, event, key);
  return static_cast<int64_t>(n);
}

// A command's own event for removing members, then "del" when that emptied (and deleted) the set.
void NotifyRemoved(CommandContext& ctx, std::string_view key, std::string_view event) {
  NotifyKeyspaceEvent(ctx, kNotifySet, event, key);
  if (DeleteIfEmpty(ctx.Db(key), key, ctx.now_ms)) {
    NotifyKeyspaceEvent(ctx, kNotifyGeneric, "del", key);
  }
}

void ReplyMembers(CommandContext& ctx, const SetValue& s) {
  ctx.rb.SetHeader(s.Length());
  s.ForEach([&](std::string_view m) { ctx.rb.Bulk(m); });
}

void SAddCmd(CommandContext& ctx) {
  auto& a = ctx.args;
  DbTable& db = ctx.Db(a[1]);
  SetValue* s;
  if (!FindCollection(ctx, db, a[1], ObjType::kSet, &s)) return;
  if (s == nullptr) {
    Entry* e = NewCollectionEntry(a[1], SetValue::ForFirst(a[2], a.size() - 2), kNoExpire);
    db.Insert(e);
    s = CollectionAs<SetValue>(e);
  }
  int64_t added = 0;
  for (size_t i = 2; i < a.size(); ++i) added += s->Add(a[i]);
  if (added) NotifyKeyspaceEvent(ctx, kNotifySet, "sadd", a[1]);
  ctx.rb.Integer(added);
}

void SRemCmd(CommandContext& ctx) {
  SetValue* s;
  if (!FindSet(ctx, ctx.args[1], &s)) return;
  if (s == nullptr) return ctx.rb.Integer(0);
  const int64_t removed =
      RemoveMemberArgs(ctx, s, [](SetValue* v, std::string_view m) { return v->Remove(m); });
  if (removed) NotifyRemoved(ctx, ctx.args[1], "srem");
  ctx.rb.Integer(removed);
}

void SMembersCmd(CommandContext& ctx) {
  SetValue* s;
  if (!FindSet(ctx, ctx.args[1], &s)) return;
  if (s == nullptr) return ctx.rb.SetHeader(0);
  ReplyMembers(ctx, *s);
}

void SIsMemberCmd(CommandContext& ctx) {
  SetValue* s;
  if (!FindSet(ctx, ctx.args[1], &s)) return;
  ctx.rb.Integer(s != nullptr && s->Contains(ctx.args[2]) ? 1 : 0);
}

void SMIsMemberCmd(CommandContext& ctx) {
  SetValue* s;
  if (!FindSet(ctx, ctx.args[1], &s)) return;
  ctx.rb.ArrayHeader(ctx.args.size() - 2);
  for (size_t i = 2; i < ctx.args.size(); ++i) {
    ctx.rb.Integer(s != nullptr && s->Contains(ctx.args[i]) ? 1 : 0);
  }
}

void SCardCmd(CommandContext& ctx) {
  SetValue* s;
  if (!FindSet(ctx, ctx.args[1], &s)) return;
  ctx.rb.Integer(s ? static_cast<int64_t>(s->Length()) : 0);
}

// SPOP key [count]
void SPopCmd(CommandContext& ctx) {
  auto& a = ctx.args;
  if (a.size() > 3) return ctx.Error(kErrSyntax);
  std::string_view key = a[1];
  if (a.size() == 2) {
    SetValue* s;
    if (!FindSet(ctx, key, &s)) return;
    if (s == nullptr) return ctx.rb.Null();
    s->Pop(FastRandom(), [&](std::string_view m) { ctx.rb.Bulk(m); });
    NotifyRemoved(ctx, key, "spop");
    return;
  }
  int64_t count;
  if (!ParseInt64(a[2], &count) || count < 0) return ctx.Error(kErrMustBePositive);
  SetValue* s;
  if (!FindSet(ctx, key, &s)) return;
  if (s == nullptr || count == 0) return ctx.rb.SetHeader(0);
  if (static_cast<uint64_t>(count) >= s->Length()) {
    // Redis answers this case with its SUNION code, whose read lookup counts a keyspace hit.
    NoteLookup(ctx, ctx.Db(key).Find(key, ctx.now_ms), key, kLookupRead);
    ReplyMembers(ctx, *s);
    ctx.Db(key).Delete(key, ctx.now_ms);
    NotifyKeyspaceEvent(ctx, kNotifySet, "spop", key);
    NotifyKeyspaceEvent(ctx, kNotifyGeneric, "del", key);
    return;
  }
  NotifyKeyspaceEvent(ctx, kNotifySet, "spop", key);
  ctx.rb.SetHeader(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) {
    s->Pop(FastRandom(), [&](std::string_view m) { ctx.rb.Bulk(m); });
  }
}

// SRANDMEMBER key [count]
void SRandMemberCmd(CommandContext& ctx) {
  auto& a = ctx.args;
  if (a.size() > 3) return ctx.Error(kErrSyntax);
  if (a.size() == 2) {
    SetValue* s;
    if (!FindSet(ctx, a[1], &s)) return;
    if (s == nullptr) return ctx.rb.Null();
    s->Random(FastRandom(), [&](std::string_view m) { ctx.rb.Bulk(m); });
    return;
  }
  int64_t count;
  if (!ParseInt64(a[2], &count)) return ctx.Error(kErrNotInt);
  // Billions of repeated draws would exhaust memory building the reply: refused (a deliberate
  // difference from Redis, which tries).
  if (!CheckRandCount(ctx, count)) return;
  SetValue* s;
  if (!FindSet(ctx, a[1], &s)) return;
  if (s == nullptr || count == 0) return ctx.rb.EmptyArray();
  auto emit = [&](std::string_view m) { ctx.rb.Bulk(m); };
  if (count < 0) {
    ctx.rb.ArrayHeader(static_cast<size_t>(-count));
    for (int64_t i = 0; i < -count; ++i) s->Random(FastRandom(), emit);
    return;
  }
  const size_t size = s->Length();
  const size_t n = static_cast<size_t>(count);
  if (n >= size) {
    ctx.rb.ArrayHeader(size);
    s->ForEach(emit);
    return;
  }
  if (s->encoding() == SetValue::Encoding::kHashtable && n * 3 <= size) {
    // Few members of a big table: draw until n distinct ones. Hashtable member views stay valid
    // while the set is unchanged, so they can be remembered without copies.
    absl::flat_hash_set<std::string_view> seen;
    ctx.rb.ArrayHeader(n);
    while (seen.size() < n) {
      s->Random(FastRandom(), [&](std::string_view m) {
        if (seen.insert(m).second) ctx.rb.Bulk(m);
      });
    }
    return;
  }
  // Otherwise a partial Fisher-Yates shuffle over a copy of the members.
  std::vector<std::string> all;
  all.reserve(size);
  s->ForEach([&](std::string_view m) { all.emplace_back(m); });
  ctx.rb.ArrayHeader(n);
  for (size_t i = 0; i < n; ++i) {
    const size_t j = i + dict_internal::Below(FastRandom(), all.size() - i);
    std::swap(all[i], all[j]);
    ctx.rb.Bulk(all[i]);
  }
}

void SMoveCmd(CommandContext& ctx) {
  auto& a = ctx.args;
  std::string_view src = a[1], dst = a[2], member = a[3];
  DbTable& sdb = ctx.Db(src);
  DbTable& ddb = ctx.Db(dst);
  Entry* se = sdb.Find(src, ctx.now_ms);
  Entry* de = ddb.Find(dst, ctx.now_ms);
  if (se == nullptr) return ctx.rb.Integer(0);
  if (se->obj_type() != ObjType::kSet || (de && de->obj_type() != ObjType::kSet)) {
    return ctx.Error(kErrWrongType);
  }
  SetValue* s = CollectionAs<SetValue>(se);
  if (se == de) return ctx.rb.Integer(s->Contains(member) ? 1 : 0);
  if (!s->Remove(member)) return ctx.rb.Integer(0);
  // Redis' order: the source's events, then the destination's creation ("new") and "sadd".
  NotifyKeyspaceEvent(ctx, kNotifySet, "srem", src);
  if (s->Length() == 0) {
    sdb.Delete(src, ctx.now_ms);
    NotifyKeyspaceEvent(ctx, kNotifyGeneric, "del", src);
  }
  SetValue* d;
  if (de != nullptr) {
    d = CollectionAs<SetValue>(de);
  } else {
    Entry* e = NewCollectionEntry(dst, SetValue::ForFirst(member, 1), kNoExpire);
    ddb.Insert(e);
    d = CollectionAs<SetValue>(e);
  }
  // Already a member of the destination: only the source changed.
  if (d->Add(member)) NotifyKeyspaceEvent(ctx, kNotifySet, "sadd", dst);
  ctx.rb.Integer(1);
}

// Looks up the source sets of SINTER and friends in order (nullptr for a missing key; *missing
// tells whether there was one). Every key is type-checked first, as Redis 7.0 does: replies
// WRONGTYPE and returns false for a key of another type even after a missing one.
bool LookupSets(CommandContext& ctx, std::span<const std::string_view> keys,
                std::vector<SetValue*>* sets, bool* missing) {
  *missing = false;
  sets->clear();
  for (std::string_view k : keys) {
    SetValue* s;
    if (!FindCollection(ctx, ctx.Db(k), k, ObjType::kSet, &s, LookupFor::kRead)) return false;
    if (s == nullptr) *missing = true;
    sets->push_back(s);
  }
  return true;
}

// Members of the intersection, smallest set first; fn(member) for each, until limit (0: all)
// members were found.
template <typename Fn>
void Intersect(std::vector<SetValue*> sets, size_t limit, Fn&& fn) {
  std::stable_sort(sets.begin(), sets.end(),
                   [](SetValue* x, SetValue* y) { return x->Length() < y->Length(); });
  size_t found = 0;
  bool done = false;
  sets[0]->ForEach([&](std::string_view m) {
    if (done) return;
    for (size_t i = 1; i < sets.size(); ++i) {
      if (sets[i] != sets[0] && !sets[i]->Contains(m)) return;
    }
    fn(m);
    if (limit != 0 && ++found >= limit) done = true;
  });
}

void SInterGeneric(CommandContext& ctx, std::span<const std::string_view> keys,
                   std::string_view dst, bool store) {
  std::vector<SetValue*> sets;
  bool missing;
  if (!LookupSets(ctx, keys, &sets, &missing)) return;
  if (missing) {
    if (store) {
      DeleteDestination(ctx, dst);
      return ctx.rb.Integer(0);
    }
    return ctx.rb.SetHeader(0);
  }
  if (store) {
    auto result = std::make_unique<SetValue>();
    Intersect(sets, 0, [&](std::string_view m) { result->Add(m); });
    return ctx.rb.Integer(StoreSet(ctx, dst, std::move(result), "sinterstore"));
  }
  std::vector<std::string> out;
  Intersect(sets, 0, [&](std::string_view m) { out.emplace_back(m); });
  ctx.rb.SetHeader(out.size());
  for (const auto& m : out) ctx.rb.Bulk(m);
}

void SInterCmd(CommandContext& ctx) { SInterGeneric(ctx, ctx.args.subspan(1), {}, false); }
void SInterStoreCmd(CommandContext& ctx) {
  SInterGeneric(ctx, ctx.args.subspan(2), ctx.args[1], true);
}

// SINTERCARD numkeys key [key ...] [LIMIT limit]: its keys are found through numkeys, so it
// takes its own shard locks.
void SInterCardCmd(CommandContext& ctx) {
  auto& a = ctx.args;
  int64_t numkeys;
  if (!ParseInt64(a[1], &numkeys) || numkeys < 1) {
    return ctx.Error("ERR numkeys should be greater than 0");
  }
  if (numkeys > static_cast<int64_t>(a.size()) - 2) {
    return ctx.Error("ERR Number of keys can't be greater than number of args");
  }
  int64_t limit = 0;
  for (size_t j = 2 + static_cast<size_t>(numkeys); j < a.size(); ++j) {
    if (EqualsLower(a[j], "limit") && j + 1 < a.size()) {
      ++j;
      if (!ParseInt64(a[j], &limit) || limit < 0) {
        return ctx.Error("ERR LIMIT can't be negative");
      }
    } else {
      return ctx.Error(kErrSyntax);
    }
  }
  std::span<const std::string_view> keys = a.subspan(2, static_cast<size_t>(numkeys));
  std::vector<SetValue*> sets;
  bool missing;
  if (!LookupSets(ctx, keys, &sets, &missing)) return;
  if (missing) return ctx.rb.Integer(0);
  int64_t n = 0;
  Intersect(sets, static_cast<size_t>(limit), [&](std::string_view) { ++n; });
  ctx.rb.Integer(n);
}

enum class SetOp { kUnion, kDiff };

void SUnionDiffGeneric(CommandContext& ctx, std::span<const std::string_view> keys,
                       std::string_view dst, bool store, SetOp op) {
  std::vector<SetValue*> sets;
  bool missing;
  if (!LookupSets(ctx, keys, &sets, &missing)) return;
  // Built as a set, as Redis does, so an all-integer result comes out sorted like Redis'.
  auto result = std::make_unique<SetValue>();
  if (op == SetOp::kUnion) {
    for (SetValue* s : sets) {
      if (s) s->ForEach([&](std::string_view m) { result->Add(m); });
    }
  } else if (sets[0] != nullptr) {
    sets[0]->ForEach([&](std::string_view m) {
      for (size_t i = 1; i < sets.size(); ++i) {
        if (sets[i] && (sets[i] == sets[0] || sets[i]->Contains(m))) return;
      }
      result->Add(m);
    });
  }
  if (store) {
    return ctx.rb.Integer(
        StoreSet(ctx, dst, std::move(result), op == SetOp::kUnion ? "sunionstore" : "sdiffstore"));
  }
  ReplyMembers(ctx, *result);
}

void SUnionCmd(CommandContext& ctx) {
  SUnionDiffGeneric(ctx, ctx.args.subspan(1), {}, false, SetOp::kUnion);
}
void SUnionStoreCmd(CommandContext& ctx) {
  SUnionDiffGeneric(ctx, ctx.args.subspan(2), ctx.args[1], true, SetOp::kUnion);
}
void SDiffCmd(CommandContext& ctx) {
  SUnionDiffGeneric(ctx, ctx.args.subspan(1), {}, false, SetOp::kDiff);
}
void SDiffStoreCmd(CommandContext& ctx) {
  SUnionDiffGeneric(ctx, ctx.args.subspan(2), ctx.args[1], true, SetOp::kDiff);
}

// SSCAN key cursor [MATCH pattern] [COUNT count]
void SScanCmd(CommandContext& ctx) {
  auto& a = ctx.args;
  uint64_t cursor;
  if (!ParseScanCursor(ctx, a[2], &cursor)) return;
  SetValue* s;
  if (!FindSet(ctx, a[1], &s)) return;
  if (s == nullptr) return ReplyEmptyScan(ctx);
  ScanOptions opt;
  if (!ParseCollectionScanOptions(ctx, &opt)) return;
  const std::string_view pattern = opt.pattern;
  const bool has_pattern = opt.has_pattern;
  const int64_t count = opt.count;
  std::vector<std::string> items;
  auto collect = [&](std::string_view m) {
    if (!has_pattern || GlobMatch(pattern, m)) items.emplace_back(m);
  };
  if (s->encoding() != SetValue::Encoding::kHashtable) {
    cursor = s->Scan(cursor, collect);
  } else {
    // COUNT bounds the work, as in Redis: about `count` members, at most 10 * count buckets.
    int64_t iterations = 0;
    do {
      cursor = s->Scan(cursor, collect);
    } while (cursor != 0 && static_cast<int64_t>(items.size()) < count &&
             ++iterations < count * 10);
  }
  ctx.rb.ArrayHeader(2);
  ReplyScanCursor(ctx, cursor);
  ctx.rb.ArrayHeader(items.size());
  for (const auto& m : items) ctx.rb.Bulk(m);
}

}  // namespace

void RegisterSetCommands(CommandTable& t) {
  // Sets are valid inputs of ZUNION/ZINTER/ZDIFF (every score 1).
  SetInputAccess access;
  access.length = [](const CollectionValue* v) { return v->Length(); };
  access.contains = [](CollectionValue* v, std::string_view m) {
    return static_cast<SetValue*>(v)->Contains(m);
  };
  access.for_each = [](const CollectionValue* v, absl::FunctionRef<void(std::string_view)> fn) {
    static_cast<const SetValue*>(v)->ForEach([&](std::string_view m) { fn(m); });
  };
  SetZSetSetInputAccess(access);

  constexpr uint32_t W = kCmdWrite | kCmdDenyOom;
  constexpr uint32_t R = kCmdReadonly;
  constexpr uint32_t F = kCmdFast;
  // clang-format off
  t.Add({"sadd", -3, W | F, 1, 1, 1, SAddCmd, "set", "Add one or more members to a set", "1.0.0"});
  t.Add({"srem", -3, kCmdWrite | F, 1, 1, 1, SRemCmd, "set", "Remove one or more members from a set", "1.0.0"});
  t.Add({"smembers", 2, R, 1, 1, 1, SMembersCmd, "set", "Get all the members in a set", "1.0.0"});
  t.Add({"sismember", 3, R | F, 1, 1, 1, SIsMemberCmd, "set", "Determine if a given value is a member of a set", "1.0.0"});
  t.Add({"smismember", -3, R | F, 1, 1, 1, SMIsMemberCmd, "set", "Returns the membership associated with the given elements for a set", "6.2.0"});
  t.Add({"scard", 2, R | F, 1, 1, 1, SCardCmd, "set", "Get the number of members in a set", "1.0.0"});
  t.Add({"spop", -2, kCmdWrite | F, 1, 1, 1, SPopCmd, "set", "Remove and return one or multiple random members from a set", "1.0.0"});
  t.Add({"srandmember", -2, R, 1, 1, 1, SRandMemberCmd, "set", "Get one or multiple random members from a set", "1.0.0"});
  t.Add({"smove", 4, kCmdWrite | F, 1, 2, 1, SMoveCmd, "set", "Move a member from one set to another", "1.0.0"});
  t.Add({"sinter", -2, R, 1, -1, 1, SInterCmd, "set", "Intersect multiple sets", "1.0.0"});
  t.Add({"sintercard", -3, R, 0, 0, 0, SInterCardCmd, "set", "Intersect multiple sets and return the cardinality of the result", "7.0.0", {}, KeysNumkeysAt1});
  t.Add({"sinterstore", -3, W, 1, -1, 1, SInterStoreCmd, "set", "Intersect multiple sets and store the resulting set in a key", "1.0.0"});
  t.Add({"sunion", -2, R, 1, -1, 1, SUnionCmd, "set", "Add multiple sets", "1.0.0"});
  t.Add({"sunionstore", -3, W, 1, -1, 1, SUnionStoreCmd, "set", "Add multiple sets and store the resulting set in a key", "1.0.0"});
  t.Add({"sdiff", -2, R, 1, -1, 1, SDiffCmd, "set", "Subtract multiple sets", "1.0.0"});
  t.Add({"sdiffstore", -3, W, 1, -1, 1, SDiffStoreCmd, "set", "Subtract multiple sets and store the resulting set in a key", "1.0.0"});
  t.Add({"sscan", -3, R, 1, 1, 1, SScanCmd, "set", "Incrementally iterate Set elements", "2.8.0"});
  // clang-format on
}

}  // namespace shoal
