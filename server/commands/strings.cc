// String commands: GET, SET and friends, counters, ranges.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/commands/command.h"
#include "server/commands/keyspace_ops.h"
#include "server/commands/pubsub.h"
#include "server/config.h"
#include "server/net/connection.h"
#include "server/net/server.h"
#include "server/net/worker.h"
#include "server/store/key_clock.h"
#include "server/util/string_util.h"

namespace shoal {

namespace {

constexpr int64_t kMaxMs = INT64_MAX;

// Looks a key up for reading and counts the hit or miss.
Entry* LookupRead(CommandContext& ctx, std::string_view key) {
  Entry* e = ctx.Db(key).Find(key, ctx.now_ms);
  NoteLookup(ctx, e, key, kLookupRead);
  return e;
}

void ReplyStringValue(CommandContext& ctx, const Entry* e) {
  char buf[24];
  ctx.rb.Bulk(StringValue(e, buf));
}

// Parses an expire amount (seconds or ms, relative or absolute) into an absolute ms deadline, as
// SET/GETEX/SETEX do. Replies with the error and returns false.
enum class ExpUnit { kSec, kMs, kUnixSec, kUnixMs };
bool ParseExpire(CommandContext& ctx, std::string_view arg, ExpUnit unit, std::string_view cmd,
                 int64_t* deadline) {
  int64_t v;
  if (!ParseInt64(arg, &v)) {
    ctx.Error(kErrNotInt);
    return false;
  }
  auto invalid = [&] {
    ctx.Error(Cat("ERR invalid expire time in '", cmd, "' command"));
    return false;
  };
  if (v <= 0) return invalid();
  bool seconds = unit == ExpUnit::kSec || unit == ExpUnit::kUnixSec;
  if (seconds) {
    if (v > kMaxMs / 1000) return invalid();
    v *= 1000;
  }
  if (unit == ExpUnit::kSec || unit == ExpUnit::kMs) {
    if (v > kMaxMs - ctx.now_ms) return invalid();
    *deadline = JitteredDeadline(ctx, v);
  } else {
    *deadline = v;
  }
  return true;
}

// The EX/PX/EXAT/PXAT option of SET and GETEX. Repeating the same kind is allowed (the last
// wins, as in Redis); mixing kinds, or one that `blocked` (KEEPTTL, PERSIST) excludes, is not.
struct ExpireOption {
  bool given = false;
  ExpUnit unit = ExpUnit::kSec;
  std::string_view arg;

  // Consumes a[i] (and its argument) if it is an expire option; false if it is not one or is
  // not allowed here.
  bool Take(std::span<const std::string_view> a, size_t& i, bool blocked) {
    std::optional<ExpUnit> u;
    if (EqualsLower(a[i], "ex")) u = ExpUnit::kSec;
    else if (EqualsLower(a[i], "px")) u = ExpUnit::kMs;
    else if (EqualsLower(a[i], "exat")) u = ExpUnit::kUnixSec;
    else if (EqualsLower(a[i], "pxat")) u = ExpUnit::kUnixMs;
    if (!u || blocked || i + 1 >= a.size() || (given && unit != *u)) return false;
    given = true;
    unit = *u;
    arg = a[++i];
    return true;
  }
  // The absolute deadline, or kNoExpire; false after replying with an error.
  bool Deadline(CommandContext& ctx, std::string_view cmd, int64_t* deadline) const {
    *deadline = kNoExpire;
    return !given || ParseExpire(ctx, arg, unit, cmd, deadline);
  }
};

// GET
void GetCmd(CommandContext& ctx) {
  Entry* e = LookupRead(ctx, ctx.args[1]);
  if (!e) return ctx.rb.Null();
  if (e->obj_type() != ObjType::kString) return ctx.Error(kErrWrongType);
  ReplyStringValue(ctx, e);
}

// SET key value [NX|XX] [GET] [EX s|PX ms|EXAT ts|PXAT ts|KEEPTTL]
void SetCmd(CommandContext& ctx) {
  auto& a = ctx.args;
  bool nx = false, xx = false, get = false, keepttl = false;
  ExpireOption exp;
  for (size_t i = 3; i < a.size(); ++i) {
    std::string_view o = a[i];
    if (EqualsLower(o, "nx") && !xx) {
      nx = true;
    } else if (EqualsLower(o, "xx") && !nx) {
      xx = true;
    } else if (EqualsLower(o, "get")) {
      get = true;
    } else if (EqualsLower(o, "keepttl") && !exp.given) {
      keepttl = true;
    } else if (!exp.Take(a, i, keepttl)) {
      return ctx.Error(kErrSyntax);
    }
  }
  int64_t deadline;
  if (!exp.Deadline(ctx, "set", &deadline)) return;
  std::string_view key = a[1];
  DbTable& db = ctx.Db(key);
  EntrySlot link = db.FindLink(key, ctx.now_ms);
  Entry* old = link ? *link : nullptr;
  if (get) {
    NoteLookup(ctx, old, key, kLookupRead);  // the GET part reads like GET
    if (old && old->obj_type() != ObjType::kString) return ctx.Error(kErrWrongType);
    if (old) {
      ReplyStringValue(ctx, old);
    } else {
      ctx.rb.Null();
    }
  }
  if ((nx && old) || (xx && !old)) {
    if (!get) ctx.rb.Null();
    return;
  }
  // A deadline already past (EXAT/PXAT) is stored as it is, as Redis 7.0 does: the key is
  // invisible at once and leaves through lazy or active expiry, with an `expired` event.
  SetStringValueAt(db, link, key, a[2], deadline, keepttl);
  NotifyKeyspaceEvent(ctx, kNotifyString, "set", key);
  if (deadline != kNoExpire) NotifyKeyspaceEvent(ctx, kNotifyGeneric, "expire", key);
  if (!get) ctx.rb.Ok();
}

void SetNxCmd(CommandContext& ctx) {
  DbTable& db = ctx.Db(ctx.args[1]);
  if (db.Find(ctx.args[1], ctx.now_ms)) return ctx.rb.Integer(0);
  SetStringValue(db, ctx.args[1], ctx.args[2], kNoExpire, false, ctx.now_ms);
  NotifyKeyspaceEvent(ctx, kNotifyString, "set", ctx.args[1]);
  ctx.rb.Integer(1);
}

void SetExGeneric(CommandContext& ctx, ExpUnit unit, std::string_view name) {
  int64_t deadline;
  if (!ParseExpire(ctx, ctx.args[2], unit, name, &deadline)) return;
  SetStringValue(ctx.Db(ctx.args[1]), ctx.args[1], ctx.args[3], deadline, false, ctx.now_ms);
  NotifyKeyspaceEvent(ctx, kNotifyString, "set", ctx.args[1]);
  NotifyKeyspaceEvent(ctx, kNotifyGeneric, "expire", ctx.args[1]);
  ctx.rb.Ok();
}
void SetExCmd(CommandContext& ctx) { SetExGeneric(ctx, ExpUnit::kSec, "setex"); }
void PSetExCmd(CommandContext& ctx) { SetExGeneric(ctx, ExpUnit::kMs, "psetex"); }

void MGetCmd(CommandContext& ctx) {
  ctx.rb.ArrayHeader(ctx.args.size() - 1);
  for (size_t i = 1; i < ctx.args.size(); ++i) {
    Entry* e = LookupRead(ctx, ctx.args[i]);
    if (!e || e->obj_type() != ObjType::kString) {
      ctx.rb.Null();
    } else {
      ReplyStringValue(ctx, e);
    }
  }
}

bool CheckPairs(CommandContext& ctx) {
  if (ctx.args.size() % 2 == 0) {
    ReplyWrongArity(ctx);
    return false;
  }
  return true;
}

void MSetCmd(CommandContext& ctx) {
  if (!CheckPairs(ctx)) return;
  for (size_t i = 1; i + 1 < ctx.args.size(); i += 2) {
    SetStringValue(ctx.Db(ctx.args[i]), ctx.args[i], ctx.args[i + 1], kNoExpire, false,
                   ctx.now_ms);
    NotifyKeyspaceEvent(ctx, kNotifyString, "set", ctx.args[i]);
  }
  ctx.rb.Ok();
}

void MSetNxCmd(CommandContext& ctx) {
  if (!CheckPairs(ctx)) return;
  for (size_t i = 1; i + 1 < ctx.args.size(); i += 2) {
    if (ctx.Db(ctx.args[i]).Find(ctx.args[i], ctx.now_ms)) return ctx.rb.Integer(0);
  }
  for (size_t i = 1; i + 1 < ctx.args.size(); i += 2) {
    SetStringValue(ctx.Db(ctx.args[i]), ctx.args[i], ctx.args[i + 1], kNoExpire, false,
                   ctx.now_ms);
    NotifyKeyspaceEvent(ctx, kNotifyString, "set", ctx.args[i]);
  }
  ctx.rb.Integer(1);
}

void GetSetCmd(CommandContext& ctx) {
  DbTable& db = ctx.Db(ctx.args[1]);
  Entry* old = db.Find(ctx.args[1], ctx.now_ms);
  NoteLookup(ctx, old, ctx.args[1], kLookupRead);
  if (old && old->obj_type() != ObjType::kString) return ctx.Error(kErrWrongType);
  if (old) {
    ReplyStringValue(ctx, old);
  } else {
    ctx.rb.Null();
  }
  SetStringValue(db, ctx.args[1], ctx.args[2], kNoExpire, false, ctx.now_ms);
  NotifyKeyspaceEvent(ctx, kNotifyString, "set", ctx.args[1]);
}

void GetDelCmd(CommandContext& ctx) {
  DbTable& db = ctx.Db(ctx.args[1]);
  Entry* e = LookupRead(ctx, ctx.args[1]);
  if (!e) return ctx.rb.Null();
  if (e->obj_type() != ObjType::kString) return ctx.Error(kErrWrongType);
  ReplyStringValue(ctx, e);
  db.Delete(ctx.args[1], ctx.now_ms);
  NotifyKeyspaceEvent(ctx, kNotifyGeneric, "del", ctx.args[1]);
}

// GETEX key [EX s|PX ms|EXAT ts|PXAT ts|PERSIST]
void GetExCmd(CommandContext& ctx) {
  auto& a = ctx.args;
  bool persist = false;
  ExpireOption exp;
  for (size_t i = 2; i < a.size(); ++i) {
    if (EqualsLower(a[i], "persist") && !exp.given) {
      persist = true;
    } else if (!exp.Take(a, i, persist)) {
      return ctx.Error(kErrSyntax);
    }
  }
  DbTable& db = ctx.Db(a[1]);
  EntrySlot link = db.FindLink(a[1], ctx.now_ms);
  NoteLookup(ctx, link ? *link : nullptr, a[1], kLookupRead);
  if (!link) return ctx.rb.Null();
  Entry* e = *link;
  if (e->obj_type() != ObjType::kString) return ctx.Error(kErrWrongType);
  // Redis reads the time only for an existing string (a missing key answers null whatever it is).
  int64_t deadline;
  if (!exp.Deadline(ctx, "getex", &deadline)) return;
  ReplyStringValue(ctx, e);
  if (exp.given) {
    if (deadline <= ctx.now_ms) {
      db.Delete(a[1], ctx.now_ms);
      NotifyKeyspaceEvent(ctx, kNotifyGeneric, "del", a[1]);
    } else {
      SetEntryExpire(db, link, deadline);
      NotifyKeyspaceEvent(ctx, kNotifyGeneric, "expire", a[1]);
    }
  } else if (persist && e->has_expire()) {
    SetEntryExpire(db, link, kNoExpire);
    NotifyKeyspaceEvent(ctx, kNotifyGeneric, "persist", a[1]);
  }
}

// Checks a would-be string length against proto-max-bulk-len as Redis' checkStringLength does.
bool CheckStringLength(CommandContext& ctx, uint64_t total) {
  if (total > ctx.server.config().proto_max_bulk_len()) {
    ctx.Error("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
    return false;
  }
  return true;
}

void AppendCmd(CommandContext& ctx) {
  std::string_view key = ctx.args[1], add = ctx.args[2];
  DbTable& db = ctx.Db(key);
  EntrySlot link = db.FindLink(key, ctx.now_ms);
  if (!link) {
    SetStringValue(db, key, add, kNoExpire, false, ctx.now_ms);
    NotifyKeyspaceEvent(ctx, kNotifyString, "append", key);
    return ctx.rb.Integer(static_cast<int64_t>(add.size()));
  }
  Entry* e = *link;
  if (e->obj_type() != ObjType::kString) return ctx.Error(kErrWrongType);
  char buf[24];
  const size_t cur = StringValue(e, buf).size();
  if (!CheckStringLength(ctx, cur + add.size())) return;
  const size_t total = cur + add.size();
  e = WritableString(db, link, key, total);
  if (!add.empty()) memcpy(e->value() + cur, add.data(), add.size());
  NotifyKeyspaceEvent(ctx, kNotifyString, "append", key);
  ctx.rb.Integer(static_cast<int64_t>(total));
}

void StrLenCmd(CommandContext& ctx) {
  Entry* e = LookupRead(ctx, ctx.args[1]);
  if (!e) return ctx.rb.Integer(0);
  if (e->obj_type() != ObjType::kString) return ctx.Error(kErrWrongType);
  char buf[24];
  ctx.rb.Integer(static_cast<int64_t>(StringValue(e, buf).size()));
}

void IncrByGeneric(CommandContext& ctx, int64_t by) {
  std::string_view key = ctx.args[1];
  DbTable& db = ctx.Db(key);
  EntrySlot link = db.FindLink(key, ctx.now_ms);
  int64_t cur = 0;
  if (link) {
    Entry* e = *link;
    if (e->obj_type() != ObjType::kString) return ctx.Error(kErrWrongType);
    if (e->flags & Entry::kIntEncoded) {
      cur = e->int_value();
    } else if (!ParseInt64(e->value_view(), &cur)) {
      return ctx.Error(kErrNotInt);
    }
  }
  if ((by < 0 && cur < 0 && by < INT64_MIN - cur) || (by > 0 && cur > 0 && by > INT64_MAX - cur)) {
    return ctx.Error(kErrOverflow);
  }
  int64_t v = cur + by;
  SetIntValue(db, link, key, v, ctx.now_ms);
  NotifyKeyspaceEvent(ctx, kNotifyString, "incrby", key);
  ctx.rb.Integer(v);
}

void IncrCmd(CommandContext& ctx) { IncrByGeneric(ctx, 1); }
void DecrCmd(CommandContext& ctx) { IncrByGeneric(ctx, -1); }
void IncrByCmd(CommandContext& ctx) {
  int64_t by;
  if (!ParseInt64(ctx.args[2], &by)) return ctx.Error(kErrNotInt);
  IncrByGeneric(ctx, by);
}
void DecrByCmd(CommandContext& ctx) {
  int64_t by;
  if (!ParseInt64(ctx.args[2], &by)) return ctx.Error(kErrNotInt);
  if (by == INT64_MIN) return ctx.Error("ERR decrement would overflow");
  IncrByGeneric(ctx, -by);
}

void IncrByFloatCmd(CommandContext& ctx) {
  std::string_view key = ctx.args[1];
  DbTable& db = ctx.Db(key);
  EntrySlot link = db.FindLink(key, ctx.now_ms);
  long double cur = 0, by;
  if (link) {
    Entry* e = *link;
    if (e->obj_type() != ObjType::kString) return ctx.Error(kErrWrongType);
    char buf[24];
    if (!ParseLongDouble(StringValue(e, buf), &cur)) return ctx.Error(kErrNotFloat);
  }
  if (!ParseLongDouble(ctx.args[2], &by)) return ctx.Error(kErrNotFloat);
  long double v = cur + by;
  if (std::isnan(v) || std::isinf(v)) return ctx.Error("ERR increment would produce NaN or Infinity");
  std::string text;
  resp::FormatLongDouble(v, &text);
  SetStringValueAt(db, link, key, text, kNoExpire, /*keep_ttl=*/true, /*as_text=*/true);
  NotifyKeyspaceEvent(ctx, kNotifyString, "incrbyfloat", key);
  ctx.rb.Bulk(text);
}

void GetRangeCmd(CommandContext& ctx) {
  int64_t start, end;
  if (!ParseInt64(ctx.args[2], &start) || !ParseInt64(ctx.args[3], &end)) {
    return ctx.Error(kErrNotInt);
  }
  Entry* e = LookupRead(ctx, ctx.args[1]);
  if (!e) return ctx.rb.Bulk("");
  if (e->obj_type() != ObjType::kString) return ctx.Error(kErrWrongType);
  char buf[24];
  std::string_view s = StringValue(e, buf);
  int64_t len = static_cast<int64_t>(s.size());
  if (start < 0 && end < 0 && start > end) return ctx.rb.Bulk("");
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len == 0) return ctx.rb.Bulk("");
  ctx.rb.Bulk(s.substr(static_cast<size_t>(start), static_cast<size_t>(end - start + 1)));
}

void SetRangeCmd(CommandContext& ctx) {
  std::string_view key = ctx.args[1], val = ctx.args[3];
  int64_t offset;
  if (!ParseInt64(ctx.args[2], &offset)) return ctx.Error(kErrNotInt);
  if (offset < 0) return ctx.Error("ERR offset is out of range");
  DbTable& db = ctx.Db(key);
  EntrySlot link = db.FindLink(key, ctx.now_ms);
  size_t cur = 0;
  if (link) {
    Entry* e = *link;
    if (e->obj_type() != ObjType::kString) return ctx.Error(kErrWrongType);
    char buf[24];
    cur = StringValue(e, buf).size();
  }
  if (val.empty()) return ctx.rb.Integer(static_cast<int64_t>(cur));
  if (!CheckStringLength(ctx, static_cast<uint64_t>(offset) + val.size())) return;
  const size_t end = static_cast<size_t>(offset) + val.size();
  Entry* e = WritableString(db, link, key, end);
  memcpy(e->value() + offset, val.data(), val.size());
  NotifyKeyspaceEvent(ctx, kNotifyString, "setrange", key);
  ctx.rb.Integer(static_cast<int64_t>(std::max(cur, end)));
}

// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN]: the longest common subsequence of
// two strings (missing keys are empty) by the textbook dynamic programme, whose table (4 bytes a
// cell) may not exceed proto-max-bulk-len. IDX walks the table back from the end and reports the
// matched ranges, last first, as Redis does.
void LcsCmd(CommandContext& ctx) {
  auto& a = ctx.args;
  Entry* ea = LookupRead(ctx, a[1]);
  Entry* eb = LookupRead(ctx, a[2]);
  if ((ea && ea->obj_type() != ObjType::kString) || (eb && eb->obj_type() != ObjType::kString)) {
    return ctx.Error("ERR The specified keys must contain string values");
  }
  char abuf[24], bbuf[24];
  const std::string_view sa = ea ? StringValue(ea, abuf) : std::string_view();
  const std::string_view sb = eb ? StringValue(eb, bbuf) : std::string_view();
  bool getlen = false, getidx = false, withmatchlen = false;
  int64_t minmatchlen = 0;
  for (size_t j = 3; j < a.size(); ++j) {
    const bool more = j + 1 < a.size();
    if (EqualsLower(a[j], "idx")) {
      getidx = true;
    } else if (EqualsLower(a[j], "len")) {
      getlen = true;
    } else if (EqualsLower(a[j], "withmatchlen")) {
      withmatchlen = true;
    } else if (EqualsLower(a[j], "minmatchlen") && more) {
      if (!ParseInt64(a[j + 1], &minmatchlen)) return ctx.Error(kErrNotInt);
      minmatchlen = std::max<int64_t>(minmatchlen, 0);
      ++j;
    } else {
      return ctx.Error(kErrSyntax);
    }
  }
  if (getidx && getlen) {
    return ctx.Error("ERR If you want both the length and indexes, please just use IDX.");
  }
  if (sa.size() >= UINT32_MAX - 1 || sb.size() >= UINT32_MAX - 1) {
    return ctx.Error("ERR String too long for LCS");
  }
  const auto alen = static_cast<uint32_t>(sa.size()), blen = static_cast<uint32_t>(sb.size());
  const uint64_t cells = uint64_t{alen + 1} * (blen + 1);
  if (cells * sizeof(uint32_t) > ctx.server.config().proto_max_bulk_len()) {
    return ctx.Error(
        "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
  }
  std::vector<uint32_t> dp(cells);
  auto at = [&](uint32_t i, uint32_t j) -> uint32_t& { return dp[j + uint64_t{i} * (blen + 1)]; };
  for (uint32_t i = 1; i <= alen; ++i) {
    for (uint32_t j = 1; j <= blen; ++j) {
      at(i, j) = sa[i - 1] == sb[j - 1] ? at(i - 1, j - 1) + 1 : std::max(at(i - 1, j), at(i, j - 1));
    }
  }
  const uint32_t total = at(alen, blen);
  if (getlen) return ctx.rb.Integer(total);
  std::string result(total, '\0');
  struct Range {
    uint32_t a0, a1, b0, b1;
  };
  std::vector<Range> ranges;
  uint32_t idx = total, i = alen, j = blen;
  uint32_t as = alen, ae = 0, bs = 0, be = 0;  // as == alen: no range open
  while (i > 0 && j > 0) {
    bool emit = false;
    if (sa[i - 1] == sb[j - 1]) {
      result[idx - 1] = sa[i - 1];
      if (as == alen) {
        as = ae = i - 1;
        bs = be = j - 1;
      } else if (as == i && bs == j) {
        --as;  // the range extends backwards
        --bs;
      } else {
        emit = true;
      }
      if (as == 0 || bs == 0) emit = true;
      --idx;
      --i;
      --j;
    } else {
      if (at(i - 1, j) > at(i, j - 1)) {
        --i;
      } else {
        --j;
      }
      if (as != alen) emit = true;
    }
    if (emit) {
      if (minmatchlen == 0 || ae - as + 1 >= minmatchlen) ranges.push_back({as, ae, bs, be});
      as = alen;
    }
  }
  if (!getidx) return ctx.rb.Bulk(result);
  ctx.rb.MapHeader(2);
  ctx.rb.Bulk("matches");
  ctx.rb.ArrayHeader(ranges.size());
  for (const Range& r : ranges) {
    ctx.rb.ArrayHeader(withmatchlen ? 3 : 2);
    ctx.rb.ArrayHeader(2);
    ctx.rb.Integer(r.a0);
    ctx.rb.Integer(r.a1);
    ctx.rb.ArrayHeader(2);
    ctx.rb.Integer(r.b0);
    ctx.rb.Integer(r.b1);
    if (withmatchlen) ctx.rb.Integer(r.a1 - r.a0 + 1);
  }
  ctx.rb.Bulk("len");
  ctx.rb.Integer(total);
}

}  // namespace

void RegisterStringCommands(CommandTable& t) {
  constexpr uint32_t W = kCmdWrite | kCmdDenyOom;
  constexpr uint32_t R = kCmdReadonly;
  constexpr uint32_t F = kCmdFast;
  t.Add({"get", 2, R | F, 1, 1, 1, GetCmd, "string", "Get the value of a key", "1.0.0"});
  t.Add({"set", -3, W, 1, 1, 1, SetCmd, "string", "Set the string value of a key", "1.0.0"});
  t.Add({"setnx", 3, W | F, 1, 1, 1, SetNxCmd, "string", "Set the value of a key, only if the key does not exist", "1.0.0"});
  t.Add({"setex", 4, W, 1, 1, 1, SetExCmd, "string", "Set the value and expiration of a key", "2.0.0"});
  t.Add({"psetex", 4, W, 1, 1, 1, PSetExCmd, "string", "Set the value and expiration in milliseconds of a key", "2.6.0"});
  t.Add({"mget", -2, R | F, 1, -1, 1, MGetCmd, "string", "Get the values of all the given keys", "1.0.0"});
  t.Add({"mset", -3, W, 1, -1, 2, MSetCmd, "string", "Set multiple keys to multiple values", "1.0.1"});
  t.Add({"msetnx", -3, W, 1, -1, 2, MSetNxCmd, "string", "Set multiple keys to multiple values, only if none of the keys exist", "1.0.1"});
  t.Add({"getset", 3, W | F, 1, 1, 1, GetSetCmd, "string", "Set the string value of a key and return its old value", "1.0.0"});
  t.Add({"getdel", 2, kCmdWrite | F, 1, 1, 1, GetDelCmd, "string", "Get the value of a key and delete the key", "6.2.0"});
  t.Add({"getex", -2, kCmdWrite | F, 1, 1, 1, GetExCmd, "string", "Get the value of a key and optionally set its expiration", "6.2.0"});
  t.Add({"append", 3, W | F, 1, 1, 1, AppendCmd, "string", "Append a value to a key", "2.0.0"});
  t.Add({"strlen", 2, R | F, 1, 1, 1, StrLenCmd, "string", "Get the length of the value stored in a key", "2.2.0"});
  t.Add({"incr", 2, W | F, 1, 1, 1, IncrCmd, "string", "Increment the integer value of a key by one", "1.0.0"});
  t.Add({"decr", 2, W | F, 1, 1, 1, DecrCmd, "string", "Decrement the integer value of a key by one", "1.0.0"});
  t.Add({"incrby", 3, W | F, 1, 1, 1, IncrByCmd, "string", "Increment the integer value of a key by the given amount", "1.0.0"});
  t.Add({"decrby", 3, W | F, 1, 1, 1, DecrByCmd, "string", "Decrement the integer value of a key by the given number", "1.0.0"});
  t.Add({"incrbyfloat", 3, W | F, 1, 1, 1, IncrByFloatCmd, "string", "Increment the float value of a key by the given amount", "2.6.0"});
  t.Add({"getrange", 4, R, 1, 1, 1, GetRangeCmd, "string", "Get a substring of the string stored at a key", "2.4.0"});
  t.Add({"substr", 4, R, 1, 1, 1, GetRangeCmd, "string", "Get a substring of the string stored at a key", "1.0.0"});
  t.Add({"lcs", -3, R, 1, 2, 1, LcsCmd, "string", "Find longest common substring", "7.0.0"});
  t.Add({"setrange", 4, W, 1, 1, 1, SetRangeCmd, "string", "Overwrite part of a string at key starting at the specified offset", "2.2.0"});
}

}  // namespace shoal
