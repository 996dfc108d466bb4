// Hash commands: HSET and friends, counters, HRANDFIELD, HSCAN.
#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "server/commands/command.h"
#include "server/commands/keyspace_ops.h"
#include "server/commands/pubsub.h"
#include "server/config.h"
#include "server/store/hash_value.h"
#include "server/util/glob.h"
#include "server/util/string_util.h"

namespace shoal {

namespace {

std::unique_ptr<HashValue> MakeHash() { return std::make_unique<HashValue>(); }

bool FindHash(CommandContext& ctx, std::string_view key, HashValue** h) {
  return FindCollection(ctx, ctx.Db(key), key, ObjType::kHash, h);
}

bool FindOrCreateHash(CommandContext& ctx, std::string_view key, HashValue** h) {
  return FindOrCreateCollection(ctx, ctx.Db(key), key, ObjType::kHash, MakeHash, h);
}

// HSET key field value [field value ...] / HMSET
void HSetGeneric(CommandContext& ctx, bool hmset) {
  auto& a = ctx.args;
  if (a.size() % 2 == 1) return ReplyWrongArity(ctx);
  HashValue* h;
  if (!FindOrCreateHash(ctx, a[1], &h)) return;
  // As Redis: any over-long argument converts the hash before the fields are written.
  for (size_t i = 2; i < a.size(); ++i) h->ConvertIfTooLong(a[i].size());
  int64_t created = 0;
  for (size_t i = 2; i < a.size(); i += 2) created += h->Set(a[i], a[i + 1]);
  // Sent even when every field already held its value, as Redis does.
  NotifyKeyspaceEvent(ctx, kNotifyHash, "hset", a[1]);
  if (hmset) return ctx.rb.Ok();
  ctx.rb.Integer(created);
}
void HSetCmd(CommandContext& ctx) { HSetGeneric(ctx, false); }
void HMSetCmd(CommandContext& ctx) { HSetGeneric(ctx, true); }

void HSetNxCmd(CommandContext& ctx) {
  HashValue* h;
  if (!FindOrCreateHash(ctx, ctx.args[1], &h)) return;
  if (h->Exists(ctx.args[2])) return ctx.rb.Integer(0);
  h->Set(ctx.args[2], ctx.args[3]);
  NotifyKeyspaceEvent(ctx, kNotifyHash, "hset", ctx.args[1]);
  ctx.rb.Integer(1);
}

void HGetCmd(CommandContext& ctx) {
  HashValue* h;
  if (!FindHash(ctx, ctx.args[1], &h)) return;
  char buf[Listpack::kIntBufSize];
  std::string_view v;
  if (h == nullptr || !h->Get(ctx.args[2], buf, &v)) return ctx.rb.Null();
  ctx.rb.Bulk(v);
}

void HMGetCmd(CommandContext& ctx) {
  HashValue* h;
  if (!FindHash(ctx, ctx.args[1], &h)) return;
  ctx.rb.ArrayHeader(ctx.args.size() - 2);
  char buf[Listpack::kIntBufSize];
  for (size_t i = 2; i < ctx.args.size(); ++i) {
    std::string_view v;
    if (h != nullptr && h->Get(ctx.args[i], buf, &v)) {
      ctx.rb.Bulk(v);
    } else {
      ctx.rb.Null();
    }
  }
}

void HDelCmd(CommandContext& ctx) {
  HashValue* h;
  std::string_view key = ctx.args[1];
  if (!FindHash(ctx, key, &h)) return;
  if (h == nullptr) return ctx.rb.Integer(0);
  const int64_t deleted =
      RemoveMemberArgs(ctx, h, [](HashValue* v, std::string_view f) { return v->Delete(f); });
  if (deleted) {
    NotifyKeyspaceEvent(ctx, kNotifyHash, "hdel", key);
    if (DeleteIfEmpty(ctx.Db(key), key, ctx.now_ms)) {
      NotifyKeyspaceEvent(ctx, kNotifyGeneric, "del", key);
    }
  }
  ctx.rb.Integer(deleted);
}

void HLenCmd(CommandContext& ctx) {
  HashValue* h;
  if (!FindHash(ctx, ctx.args[1], &h)) return;
  ctx.rb.Integer(h ? static_cast<int64_t>(h->Length()) : 0);
}

void HStrLenCmd(CommandContext& ctx) {
  HashValue* h;
  if (!FindHash(ctx, ctx.args[1], &h)) return;
  char buf[Listpack::kIntBufSize];
  std::string_view v;
  if (h == nullptr || !h->Get(ctx.args[2], buf, &v)) return ctx.rb.Integer(0);
  ctx.rb.Integer(static_cast<int64_t>(v.size()));
}

void HExistsCmd(CommandContext& ctx) {
  HashValue* h;
  if (!FindHash(ctx, ctx.args[1], &h)) return;
  ctx.rb.Integer(h != nullptr && h->Exists(ctx.args[2]) ? 1 : 0);
}

enum GetAllWhat { kKeys = 1, kVals = 2, kBoth = 3 };

void HGetAllGeneric(CommandContext& ctx, int what) {
  HashValue* h;
  if (!FindHash(ctx, ctx.args[1], &h)) return;
  const size_t n = h ? h->Length() : 0;
  if (what == kBoth) {
    ctx.rb.MapHeader(n);
  } else {
    ctx.rb.ArrayHeader(n);
  }
  if (h == nullptr) return;
  h->ForEach([&](std::string_view k, std::string_view v) {
    if (what & kKeys) ctx.rb.Bulk(k);
    if (what & kVals) ctx.rb.Bulk(v);
  });
}
void HKeysCmd(CommandContext& ctx) { HGetAllGeneric(ctx, kKeys); }
void HValsCmd(CommandContext& ctx) { HGetAllGeneric(ctx, kVals); }
void HGetAllCmd(CommandContext& ctx) { HGetAllGeneric(ctx, kBoth); }

void HIncrByCmd(CommandContext& ctx) {
  int64_t incr;
  if (!ParseInt64(ctx.args[3], &incr)) return ctx.Error(kErrNotInt);
  HashValue* h;
  if (!FindOrCreateHash(ctx, ctx.args[1], &h)) return;
  char buf[Listpack::kIntBufSize];
  std::string_view cur;
  int64_t value = 0;
  if (h->Get(ctx.args[2], buf, &cur) && !ParseInt64(cur, &value)) {
    return ctx.Error("ERR hash value is not an integer");
  }
  if ((incr < 0 && value < 0 && incr < INT64_MIN - value) ||
      (incr > 0 && value > 0 && incr > INT64_MAX - value)) {
    return ctx.Error(kErrOverflow);
  }
  value += incr;
  char out[Listpack::kIntBufSize];
  h->Set(ctx.args[2], std::string_view(out, FormatInt64(value, out)));
  NotifyKeyspaceEvent(ctx, kNotifyHash, "hincrby", ctx.args[1]);
  ctx.rb.Integer(value);
}

void HIncrByFloatCmd(CommandContext& ctx) {
  long double incr;
  if (!ParseLongDouble(ctx.args[3], &incr)) return ctx.Error(kErrNotFloat);
  if (std::isnan(incr) || std::isinf(incr)) return ctx.Error("ERR value is NaN or Infinity");
  HashValue* h;
  if (!FindOrCreateHash(ctx, ctx.args[1], &h)) return;
  char buf[Listpack::kIntBufSize];
  std::string_view cur;
  long double value = 0;
  if (h->Get(ctx.args[2], buf, &cur) && !ParseLongDouble(cur, &value)) {
    return ctx.Error("ERR hash value is not a float");
  }
  value += incr;
  if (std::isnan(value) || std::isinf(value)) {
    return ctx.Error("ERR increment would produce NaN or Infinity");
  }
  std::string out;
  resp::FormatLongDouble(value, &out);
  h->Set(ctx.args[2], out);
  NotifyKeyspaceEvent(ctx, kNotifyHash, "hincrbyfloat", ctx.args[1]);
  ctx.rb.Bulk(out);
}

// HRANDFIELD key [count [WITHVALUES]]
void HRandFieldCmd(CommandContext& ctx) {
  auto& a = ctx.args;
  if (a.size() == 2) {
    HashValue* h;
    if (!FindHash(ctx, a[1], &h)) return;
    if (h == nullptr) return ctx.rb.Null();
    h->Random(FastRandom(), [&](std::string_view k, std::string_view) { ctx.rb.Bulk(k); });
    return;
  }
  // Redis' order: the count, then the syntax, then the range WITHVALUES allows.
  int64_t count;
  if (!ParseInt64(a[2], &count)) return ctx.Error(kErrNotInt);
  if (count == INT64_MIN) return ctx.Error(kErrRandCount);
  bool withvalues = false;
  if (a.size() == 4 && EqualsLower(a[3], "withvalues")) {
    withvalues = true;
    if (count < -INT64_MAX / 2 || count > INT64_MAX / 2) {
      return ctx.Error("ERR value is out of range");
    }
  } else if (a.size() >= 4) {
    return ctx.Error(kErrSyntax);
  }
  if (!CheckRandCount(ctx, count)) return;
  HashValue* h;
  if (!FindHash(ctx, a[1], &h)) return;
  if (h == nullptr || count == 0) return ctx.rb.EmptyArray();
  const bool resp3_pairs = withvalues && ctx.rb.proto() >= 3;
  auto header = [&](size_t n) { ctx.rb.ArrayHeader(withvalues && !resp3_pairs ? 2 * n : n); };
  auto emit = [&](std::string_view k, std::string_view v) {
    if (resp3_pairs) ctx.rb.ArrayHeader(2);
    ctx.rb.Bulk(k);
    if (withvalues) ctx.rb.Bulk(v);
  };
  const size_t size = h->Length();
  if (count < 0) {
    // Repetitions allowed: independent draws.
    const uint64_t n = static_cast<uint64_t>(-count);
    header(n);
    for (uint64_t i = 0; i < n; ++i) h->Random(FastRandom(), emit);
    return;
  }
  if (static_cast<uint64_t>(count) >= size) {
    header(size);
    h->ForEach(emit);
    return;
  }
  // Distinct fields: a partial Fisher-Yates shuffle over a copy of the entries.
  std::vector<std::pair<std::string, std::string>> all;
  all.reserve(size);
  h->ForEach([&](std::string_view k, std::string_view v) { all.emplace_back(k, v); });
  const size_t n = static_cast<size_t>(count);
  for (size_t i = 0; i < n; ++i) {
    const size_t j = i + dict_internal::Below(FastRandom(), all.size() - i);
    std::swap(all[i], all[j]);
  }
  header(n);
  for (size_t i = 0; i < n; ++i) emit(all[i].first, all[i].second);
}

// HSCAN key cursor [MATCH pattern] [COUNT count]
void HScanCmd(CommandContext& ctx) {
  auto& a = ctx.args;
  uint64_t cursor;
  if (!ParseScanCursor(ctx, a[2], &cursor)) return;
  HashValue* h;
  if (!FindHash(ctx, a[1], &h)) return;
  if (h == nullptr) return ReplyEmptyScan(ctx);
  ScanOptions opt;
  if (!ParseCollectionScanOptions(ctx, &opt)) return;
  const std::string_view pattern = opt.pattern;
  const bool has_pattern = opt.has_pattern;
  const int64_t count = opt.count;
  // Views into the hash stay valid: nothing changes it until the reply is written. Listpack
  // integers are rendered into reused buffers, so those are copied.
  std::vector<std::string> items;
  auto collect = [&](std::string_view k, std::string_view v) {
    if (has_pattern && !GlobMatch(pattern, k)) return;
    items.emplace_back(k);
    items.emplace_back(v);
  };
  if (h->is_listpack()) {
    cursor = h->Scan(cursor, collect);
  } else {
    // COUNT bounds the work, as in Redis: until `count` reply elements (fields and values both
    // count, as Redis counts them) or 10 * count buckets.
    int64_t iterations = 0;
    do {
      cursor = h->Scan(cursor, collect);
    } while (cursor != 0 && static_cast<int64_t>(items.size()) < count &&
             ++iterations < count * 10);
  }
  ctx.rb.ArrayHeader(2);
  ReplyScanCursor(ctx, cursor);
  ctx.rb.ArrayHeader(items.size());
  for (const auto& s : items) ctx.rb.Bulk(s);
}

}  // namespace

void RegisterHashCommands(CommandTable& t) {
  constexpr uint32_t W = kCmdWrite | kCmdDenyOom;
  constexpr uint32_t R = kCmdReadonly;
  constexpr uint32_t F = kCmdFast;
  // clang-format off
  t.Add({"hset", -4, W | F, 1, 1, 1, HSetCmd, "hash", "Set the string value of a hash field", "2.0.0"});
  t.Add({"hsetnx", 4, W | F, 1, 1, 1, HSetNxCmd, "hash", "Set the value of a hash field, only if the field does not exist", "2.0.0"});
  t.Add({"hget", 3, R | F, 1, 1, 1, HGetCmd, "hash", "Get the value of a hash field", "2.0.0"});
  t.Add({"hmget", -3, R | F, 1, 1, 1, HMGetCmd, "hash", "Get the values of all the given hash fields", "2.0.0"});
  t.Add({"hmset", -4, W | F, 1, 1, 1, HMSetCmd, "hash", "Set multiple hash fields to multiple values", "2.0.0"});
  t.Add({"hdel", -3, kCmdWrite | F, 1, 1, 1, HDelCmd, "hash", "Delete one or more hash fields", "2.0.0"});
  t.Add({"hlen", 2, R | F, 1, 1, 1, HLenCmd, "hash", "Get the number of fields in a hash", "2.0.0"});
  t.Add({"hstrlen", 3, R | F, 1, 1, 1, HStrLenCmd, "hash", "Get the length of the value of a hash field", "3.2.0"});
  t.Add({"hexists", 3, R | F, 1, 1, 1, HExistsCmd, "hash", "Determine if a hash field exists", "2.0.0"});
  t.Add({"hkeys", 2, R, 1, 1, 1, HKeysCmd, "hash", "Get all the fields in a hash", "2.0.0"});
  t.Add({"hvals", 2, R, 1, 1, 1, HValsCmd, "hash", "Get all the values in a hash", "2.0.0"});
  t.Add({"hgetall", 2, R, 1, 1, 1, HGetAllCmd, "hash", "Get all the fields and values in a hash", "2.0.0"});
  t.Add({"hincrby", 4, W | F, 1, 1, 1, HIncrByCmd, "hash", "Increment the integer value of a hash field by the given number", "2.0.0"});
  t.Add({"hincrbyfloat", 4, W | F, 1, 1, 1, HIncrByFloatCmd, "hash", "Increment the float value of a hash field by the given amount", "2.6.0"});
  t.Add({"hrandfield", -2, R, 1, 1, 1, HRandFieldCmd, "hash", "Get one or multiple random fields from a hash", "6.2.0"});
  t.Add({"hscan", -3, R, 1, 1, 1, HScanCmd, "hash", "Incrementally iterate hash fields and associated values", "2.8.0"});
  // clang-format on
}

}  // namespace shoal
