// List commands: pushes, pops, ranges, edits, searches and moves between lists.
#include <cstdint>
#include <string>
#include <vector>

#include "server/commands/blocking.h"
#include "server/commands/command.h"
#include "server/commands/keyspace_ops.h"
#include "server/commands/list_ops.h"
#include "server/commands/pubsub.h"
#include "server/config.h"
#include "server/store/list_value.h"
#include "server/util/string_util.h"

namespace shoal {

namespace {

constexpr std::string_view kErrOutOfRangePositive = "ERR value is out of range, must be positive";

void ReplyValue(CommandContext& ctx, const Quicklist::Value& v) {
  char buf[Listpack::kIntBufSize];
  ctx.rb.Bulk(v.View(buf));
}

// Redis' getRangeLongFromObjectOrReply with a custom message: msg replaces both the "not an
// integer" and the "out of range" error.
bool ParseLongIn(CommandContext& ctx, std::string_view arg, int64_t min, int64_t max,
                 std::string_view msg, int64_t* out) {
  if (!ParseInt64(arg, out) || *out < min || *out > max) {
    ctx.Error(msg);
    return false;
  }
  return true;
}

bool ParseLong(CommandContext& ctx, std::string_view arg, int64_t* out) {
  if (!ParseInt64(arg, out)) {
    ctx.Error(kErrNotInt);
    return false;
  }
  return true;
}

// The list at key for reading; false after a WRONGTYPE reply.
bool FindList(CommandContext& ctx, std::string_view key, ListValue** out) {
  return FindCollection(ctx, ctx.Db(key), key, ObjType::kList, out);
}

std::string_view PushEvent(ListEnd end) { return end == ListEnd::kLeft ? "lpush" : "rpush"; }
std::string_view PopEvent(ListEnd end) { return end == ListEnd::kLeft ? "lpop" : "rpop"; }

// The tail of every command that removes elements: its own event, then "del" when the list went
// empty and was deleted, as Redis orders them.
void NotifyRemoved(CommandContext& ctx, DbTable& db, std::string_view key, std::string_view event) {
  NotifyKeyspaceEvent(ctx, kNotifyList, event, key);
  if (DeleteIfEmpty(db, key, ctx.now_ms)) NotifyKeyspaceEvent(ctx, kNotifyGeneric, "del", key);
}

void Push(ListValue* l, ListEnd end, std::string_view s) {
  if (end == ListEnd::kLeft) {
    l->mut().PushFront(s);
  } else {
    l->mut().PushBack(s);
  }
}

// LPUSH / RPUSH / LPUSHX / RPUSHX
void PushGeneric(CommandContext& ctx, ListEnd end, bool only_existing) {
  std::string_view key = ctx.args[1];
  DbTable& db = ctx.Db(key);
  ListValue* l;
  if (only_existing) {
    if (!FindCollection(ctx, db, key, ObjType::kList, &l)) return;
    if (!l) return ctx.rb.Integer(0);
  } else if (!FindOrCreateCollection(ctx, db, key, ObjType::kList, ListValue::Make, &l)) {
    return;
  }
  for (size_t i = 2; i < ctx.args.size(); ++i) Push(l, end, ctx.args[i]);
  // One event per command, however many elements it pushed.
  NotifyKeyspaceEvent(ctx, kNotifyList, PushEvent(end), key);
  ctx.rb.Integer(static_cast<int64_t>(l->Length()));
}
void LPushCmd(CommandContext& ctx) { PushGeneric(ctx, ListEnd::kLeft, false); }
void RPushCmd(CommandContext& ctx) { PushGeneric(ctx, ListEnd::kRight, false); }
void LPushXCmd(CommandContext& ctx) { PushGeneric(ctx, ListEnd::kLeft, true); }
void RPushXCmd(CommandContext& ctx) { PushGeneric(ctx, ListEnd::kRight, true); }

// LPOP / RPOP key [count]
void PopGeneric(CommandContext& ctx, ListEnd end) {
  if (ctx.args.size() > 3) return ReplyWrongArity(ctx);
  bool has_count = ctx.args.size() == 3;
  int64_t count = 1;
  if (has_count && !ParseLongIn(ctx, ctx.args[2], 0, INT64_MAX, kErrOutOfRangePositive, &count)) {
    return;
  }
  ListValue* l;
  if (!FindList(ctx, ctx.args[1], &l)) return;
  if (!l) return has_count ? ctx.rb.NullArray() : ctx.rb.Null();
  if (has_count && count == 0) return ctx.rb.EmptyArray();
  ListPop(ctx, ctx.args[1], end, count, has_count ? PopReply::kArray : PopReply::kElement);
}
void LPopCmd(CommandContext& ctx) { PopGeneric(ctx, ListEnd::kLeft); }
void RPopCmd(CommandContext& ctx) { PopGeneric(ctx, ListEnd::kRight); }

void LLenCmd(CommandContext& ctx) {
  ListValue* l;
  if (!FindList(ctx, ctx.args[1], &l)) return;
  ctx.rb.Integer(l ? static_cast<int64_t>(l->Length()) : 0);
}

// Clamps [start, stop] (negative: from the end) to the list; false when the range is empty.
bool NormalizeRange(int64_t len, int64_t* start, int64_t* stop) {
  if (*start < 0) *start += len;
  if (*stop < 0) *stop += len;
  if (*start < 0) *start = 0;
  if (*start > *stop || *start >= len) return false;
  if (*stop >= len) *stop = len - 1;
  return true;
}

void LRangeCmd(CommandContext& ctx) {
  int64_t start, stop;
  if (!ParseLong(ctx, ctx.args[2], &start) || !ParseLong(ctx, ctx.args[3], &stop)) return;
  ListValue* l;
  if (!FindList(ctx, ctx.args[1], &l)) return;
  if (!l) return ctx.rb.EmptyArray();
  const Quicklist& ql = l->list();
  if (!NormalizeRange(static_cast<int64_t>(ql.size()), &start, &stop)) {
    return ctx.rb.EmptyArray();
  }
  int64_t n = stop - start + 1;
  ctx.rb.ArrayHeader(static_cast<size_t>(n));
  ql.ForRange(ql.At(start), static_cast<size_t>(n),
              [&](const Quicklist::Value& v) { ReplyValue(ctx, v); });
  ql.Settle();
}

void LIndexCmd(CommandContext& ctx) {
  ListValue* l;
  if (!FindList(ctx, ctx.args[1], &l)) return;
  if (!l) return ctx.rb.Null();
  int64_t index;
  if (!ParseLong(ctx, ctx.args[2], &index)) return;
  auto it = l->list().At(index);
  if (!it.valid()) return ctx.rb.Null();
  ReplyValue(ctx, l->list().Get(it));
  l->list().Settle();
}

void LSetCmd(CommandContext& ctx) {
  ListValue* l;
  if (!FindList(ctx, ctx.args[1], &l)) return;
  if (!l) return ctx.Error(kErrNoSuchKey);
  int64_t index;
  if (!ParseLong(ctx, ctx.args[2], &index)) return;
  Quicklist& ql = l->mut();
  auto it = ql.At(index);
  if (!it.valid()) return ctx.Error("ERR index out of range");
  ql.Replace(it, ctx.args[3]);
  ql.Settle();
  NotifyKeyspaceEvent(ctx, kNotifyList, "lset", ctx.args[1]);
  ctx.rb.Ok();
}

void LTrimCmd(CommandContext& ctx) {
  int64_t start, stop;
  if (!ParseLong(ctx, ctx.args[2], &start) || !ParseLong(ctx, ctx.args[3], &stop)) return;
  std::string_view key = ctx.args[1];
  ListValue* l;
  if (!FindList(ctx, key, &l)) return;
  if (!l) return ctx.rb.Ok();
  Quicklist& ql = l->mut();
  int64_t len = static_cast<int64_t>(ql.size());
  if (!NormalizeRange(len, &start, &stop)) {
    ql.Clear();
  } else {
    ql.EraseRange(static_cast<size_t>(stop + 1), static_cast<size_t>(len - stop - 1));
    ql.EraseRange(0, static_cast<size_t>(start));
  }
  // Redis sends "ltrim" for any existing list, even when the range kept every element.
  NotifyRemoved(ctx, ctx.Db(key), key, "ltrim");
  ctx.rb.Ok();
}

void LRemCmd(CommandContext& ctx) {
  int64_t count;
  if (!ParseLong(ctx, ctx.args[2], &count)) return;
  std::string_view key = ctx.args[1];
  ListValue* l;
  if (!FindList(ctx, key, &l)) return;
  if (!l) return ctx.rb.Integer(0);
  std::string_view elem = ctx.args[3];
  bool forward = count >= 0;
  // |INT64_MIN| does not fit an int64; as a limit it means "all" anyway.
  uint64_t limit = count >= 0 ? static_cast<uint64_t>(count) : 0 - static_cast<uint64_t>(count);
  Quicklist& ql = l->mut();
  uint64_t removed = 0;
  for (auto it = forward ? ql.Begin() : ql.RBegin(); it.valid();) {
    if (ql.Equals(it, elem)) {
      it = ql.Erase(it, forward);
      if (++removed == limit) break;
    } else {
      it = forward ? ql.Next(it) : ql.Prev(it);
    }
  }
  ql.Settle();  // the walk read nodes even when nothing matched (Compact() settles too)
  if (removed) {
    ql.Compact();
    NotifyRemoved(ctx, ctx.Db(key), key, "lrem");  // may delete the emptied list
  }
  ctx.rb.Integer(static_cast<int64_t>(removed));
}

// LINSERT key BEFORE|AFTER pivot element
void LInsertCmd(CommandContext& ctx) {
  bool after;
  if (EqualsLower(ctx.args[2], "after")) {
    after = true;
  } else if (EqualsLower(ctx.args[2], "before")) {
    after = false;
  } else {
    return ctx.Error(kErrSyntax);
  }
  ListValue* l;
  if (!FindList(ctx, ctx.args[1], &l)) return;
  if (!l) return ctx.rb.Integer(0);
  Quicklist& ql = l->mut();
  for (auto it = ql.Begin(); it.valid(); it = ql.Next(it)) {
    if (ql.Equals(it, ctx.args[3])) {
      ql.Insert(it, ctx.args[4], after);
      ql.Settle();
      NotifyKeyspaceEvent(ctx, kNotifyList, "linsert", ctx.args[1]);
      return ctx.rb.Integer(static_cast<int64_t>(ql.size()));
    }
  }
  ql.Settle();
  ctx.rb.Integer(-1);
}

// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
void LPosCmd(CommandContext& ctx) {
  auto& a = ctx.args;
  int64_t rank = 1, count = -1, maxlen = 0;
  for (size_t i = 3; i < a.size(); ++i) {
    bool more = i + 1 < a.size();
    if (EqualsLower(a[i], "rank") && more) {
      if (!ParseLong(ctx, a[++i], &rank)) return;
      if (rank == 0) {
        return ctx.Error(
            "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
            "or use negative to start from the end of the list");
      }
    } else if (EqualsLower(a[i], "count") && more) {
      if (!ParseLongIn(ctx, a[++i], 0, INT64_MAX, "ERR COUNT can't be negative", &count)) return;
    } else if (EqualsLower(a[i], "maxlen") && more) {
      if (!ParseLongIn(ctx, a[++i], 0, INT64_MAX, "ERR MAXLEN can't be negative", &maxlen)) {
        return;
      }
    } else {
      return ctx.Error(kErrSyntax);
    }
  }
  bool has_count = count >= 0;
  ListValue* l;
  if (!FindList(ctx, a[1], &l)) return;
  if (!l) return has_count ? ctx.rb.EmptyArray() : ctx.rb.Null();
  const Quicklist& ql = l->list();
  struct SettleOnReturn {
    const Quicklist& q;
    ~SettleOnReturn() { q.Settle(); }
  } settle{ql};
  bool forward = rank > 0;
  // Redis 7.0 negates a negative rank in a long: INT64_MIN stays negative, so every match
  // qualifies and COUNT never stops the scan. Reproduced, as clients see it.
  bool rank_wraps = rank == INT64_MIN;
  uint64_t need = rank_wraps ? 1 : (rank > 0 ? rank : 0 - static_cast<uint64_t>(rank));
  int64_t len = static_cast<int64_t>(ql.size());
  uint64_t matches = 0;
  thread_local std::vector<int64_t> positions;  // replied after the scan, once counted
  positions.clear();
  int64_t index = 0;
  for (auto it = forward ? ql.Begin() : ql.RBegin(); it.valid() && (maxlen == 0 || index < maxlen);
       it = forward ? ql.Next(it) : ql.Prev(it), ++index) {
    if (!ql.Equals(it, a[2])) continue;
    if (++matches < need) continue;
    int64_t pos = forward ? index : len - index - 1;
    if (!has_count) return ctx.rb.Integer(pos);
    positions.push_back(pos);
    if (count && !rank_wraps && matches - need + 1 >= static_cast<uint64_t>(count)) break;
  }
  if (!has_count) return ctx.rb.Null();
  ctx.rb.ArrayHeader(positions.size());
  for (int64_t pos : positions) ctx.rb.Integer(pos);
}

void MoveGeneric(CommandContext& ctx, ListEnd from, ListEnd to) {
  if (ListMove(ctx, ctx.args[1], ctx.args[2], from, to) == ListOpResult::kEmpty) ctx.rb.Null();
}

// LMOVE source destination LEFT|RIGHT LEFT|RIGHT
void LMoveCmd(CommandContext& ctx) {
  ListEnd from, to;
  if (!ParseListEnd(ctx.args[3], &from) || !ParseListEnd(ctx.args[4], &to)) {
    return ctx.Error(kErrSyntax);
  }
  MoveGeneric(ctx, from, to);
}

void RPopLPushCmd(CommandContext& ctx) { MoveGeneric(ctx, ListEnd::kRight, ListEnd::kLeft); }

// LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]. Its keys depend on numkeys, which the
// table's first/last/step cannot express: it locks its own shards once the arguments parse.
// "numkeys key... LEFT|RIGHT [COUNT n]" from args[at] on (LMPOP: at 1, BLMPOP: at 2).
bool ParseMPop(CommandContext& ctx, size_t at, std::span<const std::string_view>* keys,
               ListEnd* end, int64_t* count) {
  auto& a = ctx.args;
  int64_t numkeys;
  if (!ParseLongIn(ctx, a[at], 1, INT64_MAX, "ERR numkeys should be greater than 0", &numkeys)) {
    return false;
  }
  if (numkeys >= static_cast<int64_t>(a.size() - at) - 1) {
    ctx.Error(kErrSyntax);
    return false;
  }
  size_t where_idx = at + 1 + static_cast<size_t>(numkeys);
  if (!ParseListEnd(a[where_idx], end)) {
    ctx.Error(kErrSyntax);
    return false;
  }
  *count = -1;
  for (size_t i = where_idx + 1; i < a.size(); ++i) {
    if (*count == -1 && EqualsLower(a[i], "count") && i + 1 < a.size()) {
      if (!ParseLongIn(ctx, a[++i], 1, INT64_MAX, "ERR count should be greater than 0", count)) {
        return false;
      }
    } else {
      ctx.Error(kErrSyntax);
      return false;
    }
  }
  if (*count == -1) *count = 1;
  *keys = a.subspan(at + 1, static_cast<size_t>(numkeys));
  return true;
}

void LMPopCmd(CommandContext& ctx) {
  std::span<const std::string_view> keys;
  ListEnd end;
  int64_t count;
  if (!ParseMPop(ctx, 1, &keys, &end, &count)) return;
  if (ListMultiPop(ctx, keys, end, count) == ListOpResult::kEmpty) ctx.rb.NullArray();
}

// ---------------------------------------------------------------- blocking variants
// Each tries the non-blocking operation first; with nothing to take it parks the client (see
// blocking.h), which re-runs the command when a key is written. Inside MULTI they answer at once.

void BPopGeneric(CommandContext& ctx, ListEnd end) {
  int64_t deadline;
  if (!ParseBlockTimeout(ctx, ctx.args.back(), &deadline)) return;
  auto keys = ctx.args.subspan(1, ctx.args.size() - 2);
  std::string_view woken;
  switch (CheckWoken(ctx, ObjType::kList, &woken)) {
    case Woken::kReady:
      ListPop(ctx, woken, end, 1, PopReply::kKeyAndElement);
      return;
    case Woken::kNotReady:
      return BlockClient(ctx, keys, deadline, /*null_array=*/true);
    case Woken::kNo:
      break;
  }
  for (auto key : keys) {
    if (ListPop(ctx, key, end, 1, PopReply::kKeyAndElement) != ListOpResult::kEmpty) return;
  }
  if (ctx.in_exec) return ctx.rb.NullArray();
  BlockClient(ctx, keys, deadline, /*null_array=*/true);
}
void BLPopCmd(CommandContext& ctx) { BPopGeneric(ctx, ListEnd::kLeft); }
void BRPopCmd(CommandContext& ctx) { BPopGeneric(ctx, ListEnd::kRight); }

void BMoveGeneric(CommandContext& ctx, ListEnd from, ListEnd to, std::string_view timeout) {
  int64_t deadline;
  if (!ParseBlockTimeout(ctx, timeout, &deadline)) return;
  std::string_view woken;
  if (CheckWoken(ctx, ObjType::kList, &woken) == Woken::kNotReady) {
    return BlockClient(ctx, ctx.args.subspan(1, 1), deadline, /*null_array=*/true);
  }
  if (ListMove(ctx, ctx.args[1], ctx.args[2], from, to) != ListOpResult::kEmpty) return;
  if (ctx.in_exec) return ctx.rb.Null();
  // Only the source can make the command succeed; a timeout answers a null array, as in Redis.
  BlockClient(ctx, ctx.args.subspan(1, 1), deadline, /*null_array=*/true);
}
void BLMoveCmd(CommandContext& ctx) {
  ListEnd from, to;
  if (!ParseListEnd(ctx.args[3], &from) || !ParseListEnd(ctx.args[4], &to)) {
    return ctx.Error(kErrSyntax);
  }
  BMoveGeneric(ctx, from, to, ctx.args[5]);
}
void BRPopLPushCmd(CommandContext& ctx) {
  BMoveGeneric(ctx, ListEnd::kRight, ListEnd::kLeft, ctx.args[3]);
}

void BLMPopCmd(CommandContext& ctx) {
  std::span<const std::string_view> keys;
  ListEnd end;
  int64_t count;
  if (!ParseMPop(ctx, 2, &keys, &end, &count)) return;
  // Redis reads the timeout (the first argument) only once the rest has parsed.
  int64_t deadline;
  if (!ParseBlockTimeout(ctx, ctx.args[1], &deadline)) return;
  std::string_view woken;
  switch (CheckWoken(ctx, ObjType::kList, &woken)) {
    case Woken::kReady:
      ListMultiPop(ctx, std::span<const std::string_view>(&woken, 1), end, count);
      return;
    case Woken::kNotReady:
      return BlockClient(ctx, keys, deadline, /*null_array=*/true);
    case Woken::kNo:
      break;
  }
  if (ListMultiPop(ctx, keys, end, count) != ListOpResult::kEmpty) return;
  if (ctx.in_exec) return ctx.rb.NullArray();
  BlockClient(ctx, keys, deadline, /*null_array=*/true);
}

}  // namespace

bool ParseListEnd(std::string_view arg, ListEnd* end) {
  if (EqualsLower(arg, "left")) {
    *end = ListEnd::kLeft;
  } else if (EqualsLower(arg, "right")) {
    *end = ListEnd::kRight;
  } else {
    return false;
  }
  return true;
}

ListOpResult ListPop(CommandContext& ctx, std::string_view key, ListEnd end, int64_t count,
                     PopReply form) {
  DbTable& db = ctx.Db(key);
  ListValue* l;
  if (!FindCollection(ctx, db, key, ObjType::kList, &l)) return ListOpResult::kError;
  if (!l || l->Length() == 0) return ListOpResult::kEmpty;
  Quicklist& ql = l->mut();
  size_t n = count < static_cast<int64_t>(ql.size()) ? static_cast<size_t>(count) : ql.size();
  if (form == PopReply::kKeyAndElement || form == PopReply::kKeyAndArray) {
    ctx.rb.ArrayHeader(2);
    ctx.rb.Bulk(key);
  }
  if (form == PopReply::kArray || form == PopReply::kKeyAndArray) ctx.rb.ArrayHeader(n);
  auto reply = [&](const Quicklist::Value& v) { ReplyValue(ctx, v); };
  for (size_t i = 0; i < n; ++i) {
    if (end == ListEnd::kLeft) {
      ql.PopFront(reply);
    } else {
      ql.PopBack(reply);
    }
  }
  // One event however many elements were popped (also for LMPOP and the blocking pops).
  NotifyRemoved(ctx, db, key, PopEvent(end));
  return ListOpResult::kDone;
}

ListOpResult ListMultiPop(CommandContext& ctx, std::span<const std::string_view> keys, ListEnd end,
                          int64_t count) {
  for (auto key : keys) {
    ListOpResult r = ListPop(ctx, key, end, count, PopReply::kKeyAndArray);
    if (r != ListOpResult::kEmpty) return r;
  }
  return ListOpResult::kEmpty;
}

ListOpResult ListMove(CommandContext& ctx, std::string_view src, std::string_view dst, ListEnd from,
                      ListEnd to) {
  ListValue* s;
  if (!FindCollection(ctx, ctx.Db(src), src, ObjType::kList, &s)) return ListOpResult::kError;
  if (!s || s->Length() == 0) return ListOpResult::kEmpty;
  ListValue* d;
  if (!FindOrCreateCollection(ctx, ctx.Db(dst), dst, ObjType::kList, ListValue::Make, &d)) {
    return ListOpResult::kError;
  }
  // The element must outlive its node for the push; one buffer per thread, reused.
  thread_local std::string moved;
  auto take = [](const Quicklist::Value& v) {
    moved.clear();
    v.AppendTo(&moved);
  };
  if (from == ListEnd::kLeft) {
    s->mut().PopFront(take);
  } else {
    s->mut().PopBack(take);
  }
  Push(d, to, moved);
  ctx.rb.Bulk(moved);
  // Redis 7.0 reports the push on the destination before the pop on the source.
  NotifyKeyspaceEvent(ctx, kNotifyList, PushEvent(to), dst);
  NotifyRemoved(ctx, ctx.Db(src), src, PopEvent(from));
  return ListOpResult::kDone;
}

// One line per command, so the family reads as a table.
// clang-format off
void RegisterListCommands(CommandTable& t) {
  constexpr uint32_t W = kCmdWrite | kCmdDenyOom;
  constexpr uint32_t R = kCmdReadonly;
  constexpr uint32_t F = kCmdFast;
  constexpr uint32_t D = kCmdWrite;  // writes that only remove
  constexpr uint32_t B = kCmdBlocking;
  t.Add({"lpush", -3, W | F, 1, 1, 1, LPushCmd, "list", "Prepend one or multiple elements to a list", "1.0.0"});
  t.Add({"rpush", -3, W | F, 1, 1, 1, RPushCmd, "list", "Append one or multiple elements to a list", "1.0.0"});
  t.Add({"lpushx", -3, W | F, 1, 1, 1, LPushXCmd, "list", "Prepend an element to a list, only if the list exists", "2.2.0"});
  t.Add({"rpushx", -3, W | F, 1, 1, 1, RPushXCmd, "list", "Append an element to a list, only if the list exists", "2.2.0"});
  t.Add({"lpop", -2, D | F, 1, 1, 1, LPopCmd, "list", "Remove and get the first elements in a list", "1.0.0"});
  t.Add({"rpop", -2, D | F, 1, 1, 1, RPopCmd, "list", "Remove and get the last elements in a list", "1.0.0"});
  t.Add({"llen", 2, R | F, 1, 1, 1, LLenCmd, "list", "Get the length of a list", "1.0.0"});
  t.Add({"lrange", 4, R, 1, 1, 1, LRangeCmd, "list", "Get a range of elements from a list", "1.0.0"});
  t.Add({"lindex", 3, R, 1, 1, 1, LIndexCmd, "list", "Get an element from a list by its index", "1.0.0"});
  t.Add({"lset", 4, W, 1, 1, 1, LSetCmd, "list", "Set the value of an element in a list by its index", "1.0.0"});
  t.Add({"lrem", 4, D, 1, 1, 1, LRemCmd, "list", "Remove elements from a list", "1.0.0"});
  t.Add({"ltrim", 4, D, 1, 1, 1, LTrimCmd, "list", "Trim a list to the specified range", "1.0.0"});
  t.Add({"linsert", 5, W, 1, 1, 1, LInsertCmd, "list", "Insert an element before or after another element in a list", "2.2.0"});
  t.Add({"lpos", -3, R, 1, 1, 1, LPosCmd, "list", "Return the index of matching elements on a list", "6.0.6"});
  t.Add({"lmove", 5, W, 1, 2, 1, LMoveCmd, "list", "Pop an element from a list, push it to another list and return it", "6.2.0"});
  t.Add({"rpoplpush", 3, W, 1, 2, 1, RPopLPushCmd, "list", "Remove the last element in a list, prepend it to another list and return it", "1.2.0"});
  t.Add({"lmpop", -4, D, 0, 0, 0, LMPopCmd, "list", "Pop elements from a list", "7.0.0", {}, KeysNumkeysAt1});
  t.Add({"blpop", -3, D | B | kCmdNoScript, 1, -2, 1, BLPopCmd, "list", "Remove and get the first element in a list, or block until one is available", "2.0.0"});
  t.Add({"brpop", -3, D | B | kCmdNoScript, 1, -2, 1, BRPopCmd, "list", "Remove and get the last element in a list, or block until one is available", "2.0.0"});
  t.Add({"blmove", 6, W | D | B | kCmdNoScript, 1, 2, 1, BLMoveCmd, "list", "Pop an element from a list, push it to another list and return it; or block until one is available", "6.2.0"});
  t.Add({"brpoplpush", 4, W | D | B | kCmdNoScript, 1, 2, 1, BRPopLPushCmd, "list", "Pop an element from a list, push it to another list and return it; or block until one is available", "2.2.0"});
  t.Add({"blmpop", -5, D | B, 0, 0, 0, BLMPopCmd, "list", "Pop elements from a list, or block until one is available", "7.0.0", {}, KeysNumkeysAt2});
}
// clang-format on

}  // namespace shoal
