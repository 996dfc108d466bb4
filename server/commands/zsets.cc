// Sorted-set commands: ZADD and friends, ranges by rank/score/lex, pops, set algebra, ZSCAN.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "server/commands/blocking.h"
#include "server/commands/command.h"
#include "server/commands/keyspace_ops.h"
#include "server/commands/pubsub.h"
#include "server/commands/zset_ops.h"
#include "server/config.h"
#include "server/store/zset_value.h"
#include "server/util/glob.h"
#include "server/util/string_util.h"

namespace shoal {

// Replaces dst with value (or deletes it when value is empty) and replies with the new length,
// as the *STORE commands do. The destination loses any TTL. A stored result sends event (the
// command's name), after "new" when dst did not exist (an overwrite is not "new", as in Redis); an
// empty one sends "del" when there was a key to delete.
void StoreResult(CommandContext& ctx, std::string_view dst, std::unique_ptr<ZSetValue> value,
                 std::string_view event) {
  DbTable& db = ctx.Db(dst);
  const size_t n = value ? value->Length() : 0;
  if (n == 0) {
    if (db.Delete(dst, ctx.now_ms)) NotifyKeyspaceEvent(ctx, kNotifyGeneric, "del", dst);
  } else {
    Entry* e = NewCollectionEntry(dst, std::move(value), kNoExpire);
    EntrySlot link = db.FindLink(dst, ctx.now_ms);
    if (link != nullptr) {
      db.Replace(link, e);
    } else {
      db.Insert(e);
    }
    NotifyKeyspaceEvent(ctx, kNotifyZset, event, dst);
  }
  ctx.rb.Integer(static_cast<int64_t>(n));
}

namespace {

SetInputAccess& SetAccess() {
  static SetInputAccess access;
  return access;
}

std::unique_ptr<ZSetValue> NewZSet(size_t size_hint, size_t max_len) {
  return ZSetValue::Create(size_hint, max_len);
}

// ---------------------------------------------------------------- argument parsing

// A range bound as ZRANGEBYSCORE reads it: strtod over the C string (so it stops at a NUL byte,
// accepts leading spaces, "" as 0 and overflow as inf), optionally after '(' for an open bound.
bool ParseScoreBound(std::string_view s, double* out, bool* exclusive) {
  s = CStr(s);
  *exclusive = !s.empty() && s[0] == '(';
  if (*exclusive) s.remove_prefix(1);
  char small[128];
  std::string large;
  const char* p;
  if (s.size() < sizeof(small)) {
    std::memcpy(small, s.data(), s.size());
    small[s.size()] = '\0';
    p = small;
  } else {
    large.assign(s);
    p = large.c_str();
  }
  char* end = nullptr;
  const double v = std::strtod(p, &end);
  if (*end != '\0' || std::isnan(v)) return false;
  *out = v;
  return true;
}

bool ParseScoreRange(std::string_view min, std::string_view max, ZScoreRange* r) {
  return ParseScoreBound(min, &r->min, &r->minex) && ParseScoreBound(max, &r->max, &r->maxex);
}

bool ParseLexBound(std::string_view s, std::string_view* v, ZLexRange::Kind* kind, bool* ex) {
  if (s.empty()) return false;
  // Redis looks at the C string: "+" or "-" must be followed by its terminator (or a NUL byte).
  switch (s[0]) {
    case '+':
      if (s.size() > 1 && s[1] != '\0') return false;
      *kind = ZLexRange::kPlusInf;
      *ex = true;
      return true;
    case '-':
      if (s.size() > 1 && s[1] != '\0') return false;
      *kind = ZLexRange::kMinusInf;
      *ex = true;
      return true;
    case '(':
    case '[':
      *kind = ZLexRange::kValue;
      *ex = s[0] == '(';
      *v = s.substr(1);
      return true;
    default:
      return false;
  }
}

bool ParseLexRange(std::string_view min, std::string_view max, ZLexRange* r) {
  return ParseLexBound(min, &r->min, &r->min_kind, &r->minex) &&
         ParseLexBound(max, &r->max, &r->max_kind, &r->maxex);
}

constexpr std::string_view kErrMinMaxFloat = "ERR min or max is not a float";
constexpr std::string_view kErrMinMaxLex = "ERR min or max not valid string range item";

// Redis' getPositiveLongFromObjectOrReply / getRangeLongFromObjectOrReply: when a message is
// given it answers both a non-integer and an out-of-range value.
bool ParseLongInRange(CommandContext& ctx, std::string_view arg, int64_t min, int64_t max,
                      std::string_view msg, int64_t* out) {
  if (!ParseInt64(arg, out)) {
    ctx.Error(msg.empty() ? kErrNotInt : msg);
    return false;
  }
  if (*out < min || *out > max) {
    if (!msg.empty()) {
      ctx.Error(msg);
    } else {
      ctx.Error(Cat("ERR value is out of range, value must between ", min, " and ", max));
    }
    return false;
  }
  return true;
}

bool ParsePositive(CommandContext& ctx, std::string_view arg, std::string_view msg, int64_t* out) {
  return ParseLongInRange(ctx, arg, 0, INT64_MAX,
                          msg.empty() ? "ERR value is out of range, must be positive" : msg, out);
}

// ---------------------------------------------------------------- replies

// One element of a range reply; in RESP3 a scored element is a [member, score] pair.
void ReplyElement(CommandContext& ctx, std::string_view member, double score, bool withscores) {
  if (withscores && ctx.rb.proto() >= 3) ctx.rb.ArrayHeader(2);
  ctx.rb.Bulk(member);
  if (withscores) ctx.rb.Double(score);
}

void ReplyRangeHeader(CommandContext& ctx, size_t n, bool withscores) {
  ctx.rb.ArrayHeader(withscores && ctx.rb.proto() < 3 ? n * 2 : n);
}


// A command's own event for removing members, then "del" when that emptied (and deleted) the key.
bool NotifyRemoved(CommandContext& ctx, DbTable& db, std::string_view key, std::string_view event) {
  NotifyKeyspaceEvent(ctx, kNotifyZset, event, key);
  if (!DeleteIfEmpty(db, key, ctx.now_ms)) return false;
  NotifyKeyspaceEvent(ctx, kNotifyGeneric, "del", key);
  return true;
}

// The zset at key, or nullptr. False (after replying WRONGTYPE) on another type.
bool FindZSet(CommandContext& ctx, std::string_view key, ZSetValue** z,
              LookupFor mode = LookupFor::kByCommand) {
  return FindCollection(ctx, ctx.Db(key), key, ObjType::kZSet, z, mode);
}

// ---------------------------------------------------------------- ZADD / ZINCRBY

void ZAddGeneric(CommandContext& ctx, int flags) {
  const auto& a = ctx.args;
  size_t idx = 2;
  bool ch = false;
  for (; idx < a.size(); ++idx) {
    if (EqualsLower(a[idx], "nx")) {
      flags |= ZSetValue::kNx;
    } else if (EqualsLower(a[idx], "xx")) {
      flags |= ZSetValue::kXx;
    } else if (EqualsLower(a[idx], "ch")) {
      ch = true;
    } else if (EqualsLower(a[idx], "incr")) {
      flags |= ZSetValue::kIncr;
    } else if (EqualsLower(a[idx], "gt")) {
      flags |= ZSetValue::kGt;
    } else if (EqualsLower(a[idx], "lt")) {
      flags |= ZSetValue::kLt;
    } else {
      break;
    }
  }
  const size_t elements = a.size() - idx;
  const bool nx = flags & ZSetValue::kNx, xx = flags & ZSetValue::kXx;
  const bool gt = flags & ZSetValue::kGt, lt = flags & ZSetValue::kLt;
  const bool incr = flags & ZSetValue::kIncr;
  if (elements == 0 || elements % 2 != 0) return ctx.Error(kErrSyntax);
  if (nx && xx) return ctx.Error("ERR XX and NX options at the same time are not compatible");
  if ((gt && nx) || (lt && nx) || (gt && lt)) {
    return ctx.Error("ERR GT, LT, and/or NX options at the same time are not compatible");
  }
  if (incr && elements > 2) {
    return ctx.Error("ERR INCR option supports a single increment-element pair");
  }
  const size_t pairs = elements / 2;
  // Every score is checked before anything changes. Small commands keep them on the stack.
  double stack_scores[16];
  std::vector<double> heap_scores;
  double* scores = stack_scores;
  if (pairs > 16) {
    heap_scores.resize(pairs);
    scores = heap_scores.data();
  }
  size_t max_len = 0;
  for (size_t i = 0; i < pairs; ++i) {
    if (!ParseDouble(a[idx + 2 * i], &scores[i])) return ctx.Error(kErrNotFloat);
    max_len = std::max(max_len, a[idx + 2 * i + 1].size());
  }
  std::string_view key = a[1];
  DbTable& db = ctx.Db(key);
  ZSetValue* z;
  if (!FindCollection(ctx, db, key, ObjType::kZSet, &z)) return;
  int64_t added = 0, updated = 0, processed = 0;
  double last_score = 0;
  // Only a real change is reported: equal scores, NX/XX/GT/LT refusals and ZINCRBY by 0 are not.
  auto notify = [&] {
    if (added || updated) NotifyKeyspaceEvent(ctx, kNotifyZset, incr ? "zincr" : "zadd", key);
  };
  if (z == nullptr) {
    if (xx) {
      if (incr) return ctx.rb.Null();
      return ctx.rb.Integer(0);
    }
    Entry* e = NewCollectionEntry(key, NewZSet(pairs, max_len), kNoExpire);
    db.Insert(e);
    z = CollectionAs<ZSetValue>(e);
  }
  for (size_t i = 0; i < pairs; ++i) {
    double new_score = 0;
    switch (z->Add(a[idx + 2 * i + 1], scores[i], flags, &new_score)) {
      case ZSetValue::AddResult::kAdded:
        ++added;
        ++processed;
        break;
      case ZSetValue::AddResult::kUpdated:
        ++updated;
        ++processed;
        break;
      case ZSetValue::AddResult::kSame:
        ++processed;
        break;
      case ZSetValue::AddResult::kNop:
        break;
      case ZSetValue::AddResult::kNaN:
        DeleteIfEmpty(db, key, ctx.now_ms);
        notify();
        return ctx.Error("ERR resulting score is not a number (NaN)");
    }
    last_score = new_score;
  }
  notify();
  if (incr) {
    if (processed > 0) return ctx.rb.Double(last_score);
    return ctx.rb.Null();
  }
  ctx.rb.Integer(ch ? added + updated : added);
}

void ZAddCmd(CommandContext& ctx) { ZAddGeneric(ctx, 0); }
void ZIncrByCmd(CommandContext& ctx) { ZAddGeneric(ctx, ZSetValue::kIncr); }

// ---------------------------------------------------------------- single-key reads and writes

void ZRemCmd(CommandContext& ctx) {
  std::string_view key = ctx.args[1];
  ZSetValue* z;
  if (!FindZSet(ctx, key, &z)) return;
  if (z == nullptr) return ctx.rb.Integer(0);
  const int64_t removed =
      RemoveMemberArgs(ctx, z, [](ZSetValue* v, std::string_view m) { return v->Remove(m); });
  if (removed) NotifyRemoved(ctx, ctx.Db(key), key, "zrem");
  ctx.rb.Integer(removed);
}

void ZScoreCmd(CommandContext& ctx) {
  ZSetValue* z;
  if (!FindZSet(ctx, ctx.args[1], &z)) return;
  double score;
  if (z == nullptr || !z->Score(ctx.args[2], &score)) return ctx.rb.Null();
  ctx.rb.Double(score);
}

void ZMScoreCmd(CommandContext& ctx) {
  ZSetValue* z;
  if (!FindZSet(ctx, ctx.args[1], &z)) return;
  ctx.rb.ArrayHeader(ctx.args.size() - 2);
  for (size_t i = 2; i < ctx.args.size(); ++i) {
    double score;
    if (z != nullptr && z->Score(ctx.args[i], &score)) {
      ctx.rb.Double(score);
    } else {
      ctx.rb.Null();
    }
  }
}

void ZCardCmd(CommandContext& ctx) {
  ZSetValue* z;
  if (!FindZSet(ctx, ctx.args[1], &z)) return;
  ctx.rb.Integer(z ? static_cast<int64_t>(z->Length()) : 0);
}

void ZCountCmd(CommandContext& ctx) {
  ZScoreRange r;
  if (!ParseScoreRange(ctx.args[2], ctx.args[3], &r)) return ctx.Error(kErrMinMaxFloat);
  ZSetValue* z;
  if (!FindZSet(ctx, ctx.args[1], &z)) return;
  if (z == nullptr) return ctx.rb.Integer(0);
  auto [lo, hi] = z->RanksInScoreRange(r);
  ctx.rb.Integer(static_cast<int64_t>(hi - lo));
}

void ZLexCountCmd(CommandContext& ctx) {
  ZLexRange r;
  if (!ParseLexRange(ctx.args[2], ctx.args[3], &r)) return ctx.Error(kErrMinMaxLex);
  ZSetValue* z;
  if (!FindZSet(ctx, ctx.args[1], &z)) return;
  if (z == nullptr) return ctx.rb.Integer(0);
  auto [lo, hi] = z->RanksInLexRange(r);
  ctx.rb.Integer(static_cast<int64_t>(hi - lo));
}

void ZRankGeneric(CommandContext& ctx, bool reverse) {
  ZSetValue* z;
  if (!FindZSet(ctx, ctx.args[1], &z)) return;
  size_t rank;
  if (z == nullptr || !z->Rank(ctx.args[2], &rank)) return ctx.rb.Null();
  if (reverse) rank = z->Length() - 1 - rank;
  ctx.rb.Integer(static_cast<int64_t>(rank));
}
void ZRankCmd(CommandContext& ctx) { ZRankGeneric(ctx, false); }
void ZRevRankCmd(CommandContext& ctx) { ZRankGeneric(ctx, true); }

// ---------------------------------------------------------------- ZRANGE and its variants

enum class RangeType { kAuto, kRank, kScore, kLex };
enum class Direction { kAuto, kForward, kReverse };

// Resolves a rank pair as Redis does (negative from the end, clamped); false when empty.
bool ClampRanks(int64_t start, int64_t end, size_t len, size_t* lo, size_t* hi) {
  const int64_t n = static_cast<int64_t>(len);
  if (start < 0) start += n;
  if (end < 0) end += n;
  if (start < 0) start = 0;
  if (start > end || start >= n) return false;
  if (end >= n) end = n - 1;
  *lo = static_cast<size_t>(start);
  *hi = static_cast<size_t>(end) + 1;
  return true;
}

// Applies LIMIT offset/count to ranks [lo, hi), walked forward or in reverse; returns the ranks
// to visit (empty when first >= second).
std::pair<size_t, size_t> ApplyLimit(size_t lo, size_t hi, bool reverse, int64_t offset,
                                     int64_t limit) {
  // A negative offset skips everything in Redis' walk; a negative limit means no limit.
  if (offset < 0 || lo >= hi || static_cast<uint64_t>(offset) >= hi - lo) return {0, 0};
  const size_t off = static_cast<size_t>(offset);
  const size_t avail = hi - lo - off;
  const size_t take = limit < 0 ? avail : std::min(avail, static_cast<size_t>(limit));
  if (reverse) return {hi - off - take, hi - off};
  return {lo + off, lo + off + take};
}

// Z[REV]RANGE[BYSCORE|BYLEX] and ZRANGESTORE: argument `src_idx` is the source key; with
// `store`, argument 1 is the destination.
void ZRangeGeneric(CommandContext& ctx, size_t src_idx, bool store, RangeType type, Direction dir) {
  const auto& a = ctx.args;
  size_t min_idx = src_idx + 1, max_idx = src_idx + 2;
  bool withscores = false;
  int64_t offset = 0, limit = -1;
  for (size_t j = src_idx + 3; j < a.size(); ++j) {
    const size_t left = a.size() - j - 1;
    if (!store && EqualsLower(a[j], "withscores")) {
      withscores = true;
    } else if (EqualsLower(a[j], "limit") && left >= 2) {
      if (!ParseInt64(a[j + 1], &offset) || !ParseInt64(a[j + 2], &limit)) {
        return ctx.Error(kErrNotInt);
      }
      j += 2;
    } else if (dir == Direction::kAuto && EqualsLower(a[j], "rev")) {
      dir = Direction::kReverse;
    } else if (type == RangeType::kAuto && EqualsLower(a[j], "bylex")) {
      type = RangeType::kLex;
    } else if (type == RangeType::kAuto && EqualsLower(a[j], "byscore")) {
      type = RangeType::kScore;
    } else {
      return ctx.Error(kErrSyntax);
    }
  }
  if (dir == Direction::kAuto) dir = Direction::kForward;
  if (type == RangeType::kAuto) type = RangeType::kRank;
  const bool reverse = dir == Direction::kReverse;
  if (limit != -1 && type == RangeType::kRank) {
    return ctx.Error(
        "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
  }
  if (withscores && type == RangeType::kLex) {
    return ctx.Error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
  }
  if (reverse && type != RangeType::kRank) std::swap(min_idx, max_idx);
  int64_t start = 0, end = 0;
  ZScoreRange score_range;
  ZLexRange lex_range;
  switch (type) {
    case RangeType::kAuto:
    case RangeType::kRank:
      if (!ParseInt64(a[min_idx], &start) || !ParseInt64(a[max_idx], &end)) {
        return ctx.Error(kErrNotInt);
      }
      break;
    case RangeType::kScore:
      if (!ParseScoreRange(a[min_idx], a[max_idx], &score_range)) {
        return ctx.Error(kErrMinMaxFloat);
      }
      break;
    case RangeType::kLex:
      if (!ParseLexRange(a[min_idx], a[max_idx], &lex_range)) return ctx.Error(kErrMinMaxLex);
      break;
  }
  ZSetValue* z;
  if (!FindZSet(ctx, a[src_idx], &z, LookupFor::kRead)) return;  // ZRANGESTORE's source too
  size_t lo = 0, hi = 0;
  if (z != nullptr) {
    switch (type) {
      case RangeType::kAuto:
      case RangeType::kRank:
        if (!ClampRanks(start, end, z->Length(), &lo, &hi)) {
          lo = hi = 0;
        } else if (reverse) {
          // REV counts ranks from the top.
          const size_t len = z->Length();
          std::tie(lo, hi) = std::make_pair(len - hi, len - lo);
        }
        break;
      case RangeType::kScore: {
        auto r = z->RanksInScoreRange(score_range);
        std::tie(lo, hi) = ApplyLimit(r.first, r.second, reverse, offset, limit);
        break;
      }
      case RangeType::kLex: {
        // The offset is applied inside the walk, as Redis' does (it skips unchecked).
        if (offset < 0) break;
        auto r = z->RanksInLexRange(lex_range, reverse, static_cast<size_t>(offset));
        std::tie(lo, hi) = ApplyLimit(r.first, r.second, reverse, 0, limit);
        break;
      }
    }
  }
  if (store) {
    std::unique_ptr<ZSetValue> out;
    if (hi > lo) {
      size_t max_len = 0;
      z->Visit(lo, hi, false,
               [&](std::string_view m, double) { max_len = std::max(max_len, m.size()); });
      out = NewZSet(hi - lo, max_len);
      double unused;
      z->Visit(lo, hi, false, [&](std::string_view m, double s) { out->Add(m, s, 0, &unused); });
    }
    return StoreResult(ctx, a[1], std::move(out), "zrangestore");
  }
  const bool scores = withscores && type != RangeType::kLex;
  ReplyRangeHeader(ctx, hi - lo, scores);
  if (hi > lo) {
    z->Visit(lo, hi, reverse,
             [&](std::string_view m, double s) { ReplyElement(ctx, m, s, scores); });
  }
}

void ZRangeCmd(CommandContext& ctx) {
  ZRangeGeneric(ctx, 1, false, RangeType::kAuto, Direction::kAuto);
}
void ZRangeStoreCmd(CommandContext& ctx) {
  ZRangeGeneric(ctx, 2, true, RangeType::kAuto, Direction::kAuto);
}
void ZRevRangeCmd(CommandContext& ctx) {
  ZRangeGeneric(ctx, 1, false, RangeType::kRank, Direction::kReverse);
}
void ZRangeByScoreCmd(CommandContext& ctx) {
  ZRangeGeneric(ctx, 1, false, RangeType::kScore, Direction::kForward);
}
void ZRevRangeByScoreCmd(CommandContext& ctx) {
  ZRangeGeneric(ctx, 1, false, RangeType::kScore, Direction::kReverse);
}
void ZRangeByLexCmd(CommandContext& ctx) {
  ZRangeGeneric(ctx, 1, false, RangeType::kLex, Direction::kForward);
}
void ZRevRangeByLexCmd(CommandContext& ctx) {
  ZRangeGeneric(ctx, 1, false, RangeType::kLex, Direction::kReverse);
}

// ---------------------------------------------------------------- ZREMRANGEBY*

void ZRemRangeGeneric(CommandContext& ctx, RangeType type) {
  const auto& a = ctx.args;
  int64_t start = 0, end = 0;
  ZScoreRange score_range;
  ZLexRange lex_range;
  if (type == RangeType::kRank) {
    if (!ParseInt64(a[2], &start) || !ParseInt64(a[3], &end)) return ctx.Error(kErrNotInt);
  } else if (type == RangeType::kScore) {
    if (!ParseScoreRange(a[2], a[3], &score_range)) return ctx.Error(kErrMinMaxFloat);
  } else if (!ParseLexRange(a[2], a[3], &lex_range)) {
    return ctx.Error(kErrMinMaxLex);
  }
  ZSetValue* z;
  if (!FindZSet(ctx, a[1], &z)) return;
  if (z == nullptr) return ctx.rb.Integer(0);
  size_t lo = 0, hi = 0;
  if (type == RangeType::kRank) {
    if (!ClampRanks(start, end, z->Length(), &lo, &hi)) return ctx.rb.Integer(0);
  } else if (type == RangeType::kScore) {
    std::tie(lo, hi) = z->RanksInScoreRange(score_range);
  } else {
    std::tie(lo, hi) = z->RanksInLexRange(lex_range);
  }
  const size_t removed = hi > lo ? z->RemoveRanks(lo, hi) : 0;
  if (removed) {
    NotifyRemoved(ctx, ctx.Db(a[1]), a[1],
                  type == RangeType::kRank    ? "zremrangebyrank"
                  : type == RangeType::kScore ? "zremrangebyscore"
                                              : "zremrangebylex");
  }
  ctx.rb.Integer(static_cast<int64_t>(removed));
}

void ZRemRangeByRankCmd(CommandContext& ctx) { ZRemRangeGeneric(ctx, RangeType::kRank); }
void ZRemRangeByScoreCmd(CommandContext& ctx) { ZRemRangeGeneric(ctx, RangeType::kScore); }
void ZRemRangeByLexCmd(CommandContext& ctx) { ZRemRangeGeneric(ctx, RangeType::kLex); }

// ---------------------------------------------------------------- pops

void ZPopMinMax(CommandContext& ctx, bool max) {
  if (ctx.args.size() > 3) return ctx.Error(kErrSyntax);
  int64_t count = 1;
  if (ctx.args.size() == 3) {
    if (!ParsePositive(ctx, ctx.args[2], {}, &count)) return;
  }
  std::string_view key = ctx.args[1];
  ZSetValue* z;
  if (!FindZSet(ctx, key, &z)) return;
  if (z == nullptr || count == 0) return ctx.rb.EmptyArray();
  const bool nested = ctx.rb.proto() >= 3 && ctx.args.size() == 3;
  ZPopAndReply(ctx, ctx.Db(key), key, z, max, static_cast<size_t>(count),
               nested ? ZPopShape::kNested : ZPopShape::kFlat);
}
// BZPOPMIN/BZPOPMAX key [key ...] timeout: the first non-empty sorted set, or park the client
// (see blocking.h); inside MULTI a null array at once.
void BZPopMinMax(CommandContext& ctx, bool max) {
  int64_t deadline;
  if (!ParseBlockTimeout(ctx, ctx.args.back(), &deadline)) return;
  auto keys = ctx.args.subspan(1, ctx.args.size() - 2);
  std::string_view woken;
  switch (CheckWoken(ctx, ObjType::kZSet, &woken)) {
    case Woken::kReady:
      keys = std::span<const std::string_view>(&woken, 1);
      break;
    case Woken::kNotReady:
      return BlockClient(ctx, keys, deadline, /*null_array=*/true);
    case Woken::kNo:
      break;
  }
  for (std::string_view key : keys) {
    ZSetValue* z;
    if (!FindZSet(ctx, key, &z)) return;
    if (z == nullptr) continue;
    ZPopAndReply(ctx, ctx.Db(key), key, z, max, 1, ZPopShape::kKeyFlat);
    return;
  }
  if (ctx.in_exec) return ctx.rb.NullArray();
  BlockClient(ctx, keys, deadline, /*null_array=*/true);
}
void BZPopMinCmd(CommandContext& ctx) { BZPopMinMax(ctx, false); }
void BZPopMaxCmd(CommandContext& ctx) { BZPopMinMax(ctx, true); }

void ZPopMinCmd(CommandContext& ctx) { ZPopMinMax(ctx, false); }
void ZPopMaxCmd(CommandContext& ctx) { ZPopMinMax(ctx, true); }

// ZMPOP's and BZMPOP's "numkeys key... MIN|MAX [COUNT n]" from args[at] on, then the pop.
// Returns false when nothing was written (every key empty), so the caller answers or blocks.
// BZMPOP passes deadline: its timeout (args[1]) is parsed after the rest, as Redis does.
bool ZMPopGeneric(CommandContext& ctx, size_t at, std::span<const std::string_view>* keys_out,
                  int64_t* deadline = nullptr) {
  const bool blocking = deadline != nullptr;
  const auto& a = ctx.args;
  int64_t numkeys;
  if (!ParseLongInRange(ctx, a[at], 1, INT64_MAX, "ERR numkeys should be greater than 0",
                        &numkeys)) {
    return true;
  }
  if (static_cast<uint64_t>(numkeys) >= a.size() - at - 1) {
    ctx.Error(kErrSyntax);
    return true;
  }
  const size_t where_idx = at + 1 + static_cast<size_t>(numkeys);
  bool max;
  if (EqualsLower(a[where_idx], "min")) {
    max = false;
  } else if (EqualsLower(a[where_idx], "max")) {
    max = true;
  } else {
    ctx.Error(kErrSyntax);
    return true;
  }
  int64_t count = -1;
  for (size_t j = where_idx + 1; j < a.size(); ++j) {
    const bool more = j + 1 < a.size();
    if (count == -1 && EqualsLower(a[j], "count") && more) {
      ++j;
      if (!ParseLongInRange(ctx, a[j], 1, INT64_MAX, "ERR count should be greater than 0",
                            &count)) {
        return true;
      }
    } else {
      ctx.Error(kErrSyntax);
      return true;
    }
  }
  if (count == -1) count = 1;
  if (blocking && !ParseBlockTimeout(ctx, a[1], deadline)) return true;
  std::span<const std::string_view> keys = a.subspan(at + 1, static_cast<size_t>(numkeys));
  *keys_out = keys;
  std::string_view woken;  // outlives the loop below, which may iterate over it alone
  if (blocking) {
    switch (CheckWoken(ctx, ObjType::kZSet, &woken)) {
      case Woken::kReady:
        keys = std::span<const std::string_view>(&woken, 1);
        break;
      case Woken::kNotReady:
        return false;
      case Woken::kNo:
        break;
    }
  }
  for (std::string_view key : keys) {
    ZSetValue* z;
    if (!FindZSet(ctx, key, &z)) return true;
    if (z == nullptr) continue;
    ZPopAndReply(ctx, ctx.Db(key), key, z, max, static_cast<size_t>(count), ZPopShape::kKeyNested);
    return true;
  }
  return false;
}

void ZMPopCmd(CommandContext& ctx) {
  std::span<const std::string_view> keys;
  if (!ZMPopGeneric(ctx, 1, &keys)) ctx.rb.NullArray();
}

void BZMPopCmd(CommandContext& ctx) {
  int64_t deadline;
  std::span<const std::string_view> keys;
  if (ZMPopGeneric(ctx, 2, &keys, &deadline)) return;
  if (ctx.in_exec) return ctx.rb.NullArray();
  BlockClient(ctx, keys, deadline, /*null_array=*/true);
}

// ---------------------------------------------------------------- ZUNION / ZINTER / ZDIFF

enum class SetOp { kUnion, kInter, kDiff };
enum class Aggregate { kSum, kMin, kMax };

struct Source {
  ZSetValue* zset = nullptr;
  CollectionValue* set = nullptr;
  double weight = 1;
  size_t Length() const {
    if (zset) return zset->Length();
    if (set) return SetAccess().length(set);
    return 0;
  }
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    if (zset) {
      zset->Visit(0, zset->Length(), false, fn);
    } else if (set) {
      SetAccess().for_each(set, [&fn](std::string_view m) { fn(m, 1.0); });
    }
  }
  bool Find(std::string_view member, double* score) const {
    if (zset) return zset->Score(member, score);
    if (set && SetAccess().contains(set, member)) {
      *score = 1.0;
      return true;
    }
    return false;
  }
  bool same(const Source& o) const {
    return (zset != nullptr && zset == o.zset) || (set != nullptr && set == o.set);
  }
};

void AggregateInto(double* target, double value, Aggregate agg) {
  switch (agg) {
    case Aggregate::kSum:
      *target += value;
      // inf + -inf: Redis' convention is 0.
      if (std::isnan(*target)) *target = 0.0;
      break;
    case Aggregate::kMin:
      *target = value < *target ? value : *target;
      break;
    case Aggregate::kMax:
      *target = value > *target ? value : *target;
      break;
  }
}

// ZUNION/ZINTER/ZDIFF[STORE] and ZINTERCARD. dst is absent for the non-storing forms (not empty:
// "" is a valid destination key); numkeys is at argument numkeys_idx and the keys follow it.
void ZSetOpGeneric(CommandContext& ctx, std::optional<std::string_view> dst, size_t numkeys_idx,
                   SetOp op, bool card_only) {
  const auto& a = ctx.args;
  int64_t setnum;
  if (!ParseInt64(a[numkeys_idx], &setnum)) return ctx.Error(kErrNotInt);
  if (setnum < 1) {
    return ctx.Error(Cat("ERR at least 1 input key is needed for '", ctx.spec->name, "' command"));
  }
  if (static_cast<uint64_t>(setnum) > a.size() - (numkeys_idx + 1)) return ctx.Error(kErrSyntax);
  const size_t n = static_cast<size_t>(setnum);
  std::span<const std::string_view> keys = a.subspan(numkeys_idx + 1, n);

  std::vector<Source> src(n);
  for (size_t i = 0; i < n; ++i) {
    Entry* e = ctx.Db(keys[i]).Find(keys[i], ctx.now_ms);
    NoteLookup(ctx, e, keys[i], kLookupRead);
    if (e == nullptr) continue;
    if (e->obj_type() == ObjType::kZSet) {
      src[i].zset = CollectionAs<ZSetValue>(e);
    } else if (e->obj_type() == ObjType::kSet && SetAccess().for_each != nullptr) {
      src[i].set = CollectionOf(e);
    } else {
      return ctx.Error(kErrWrongType);
    }
  }
  Aggregate agg = Aggregate::kSum;
  bool withscores = false;
  int64_t limit = 0;
  for (size_t j = numkeys_idx + 1 + n; j < a.size();) {
    const size_t remaining = a.size() - j;
    if (op != SetOp::kDiff && !card_only && remaining >= n + 1 && EqualsLower(a[j], "weights")) {
      ++j;
      for (size_t i = 0; i < n; ++i, ++j) {
        if (!ParseDouble(a[j], &src[i].weight)) {
          return ctx.Error("ERR weight value is not a float");
        }
      }
    } else if (op != SetOp::kDiff && !card_only && remaining >= 2 &&
               EqualsLower(a[j], "aggregate")) {
      if (EqualsLower(a[j + 1], "sum")) {
        agg = Aggregate::kSum;
      } else if (EqualsLower(a[j + 1], "min")) {
        agg = Aggregate::kMin;
      } else if (EqualsLower(a[j + 1], "max")) {
        agg = Aggregate::kMax;
      } else {
        return ctx.Error(kErrSyntax);
      }
      j += 2;
    } else if (!dst && !card_only && EqualsLower(a[j], "withscores")) {
      withscores = true;
      ++j;
    } else if (card_only && remaining >= 2 && EqualsLower(a[j], "limit")) {
      if (!ParsePositive(ctx, a[j + 1], "ERR LIMIT can't be negative", &limit)) return;
      j += 2;
    } else {
      return ctx.Error(kErrSyntax);
    }
  }
  // Smallest inputs first: intersections probe fewer elements, and sums add in Redis' order.
  if (op != SetOp::kDiff) {
    std::stable_sort(src.begin(), src.end(),
                     [](const Source& x, const Source& y) { return x.Length() < y.Length(); });
  }

  // The result, as owned (member, score) pairs: a packed input renders integer-like members into
  // a scratch buffer, so its views do not outlive the visit.
  std::vector<std::pair<std::string, double>> result;
  int64_t cardinality = 0;
  if (op == SetOp::kUnion) {
    absl::flat_hash_map<std::string, size_t> pos;
    for (const Source& s : src) {
      s.ForEach([&](std::string_view m, double score) {
        double v = s.weight * score;
        if (std::isnan(v)) v = 0;
        auto it = pos.find(absl::string_view(m.data(), m.size()));
        if (it == pos.end()) {
          pos.emplace(std::string(m), result.size());
          result.emplace_back(std::string(m), v);
        } else {
          AggregateInto(&result[it->second].second, v, agg);
        }
      });
    }
  } else if (op == SetOp::kInter) {
    if (src[0].Length() > 0) {
      bool stop = false;
      src[0].ForEach([&](std::string_view m, double score) {
        if (stop) return;
        double acc = src[0].weight * score;
        if (std::isnan(acc)) acc = 0;
        size_t j = 1;
        for (; j < n; ++j) {
          double v;
          if (src[j].same(src[0])) {
            v = score * src[j].weight;
          } else if (src[j].Find(m, &v)) {
            v *= src[j].weight;
          } else {
            break;
          }
          AggregateInto(&acc, v, agg);
        }
        if (j < n) return;
        if (card_only) {
          ++cardinality;
          if (limit > 0 && cardinality >= limit) stop = true;
        } else {
          result.emplace_back(std::string(m), acc);
        }
      });
    }
  } else {
    src[0].ForEach([&](std::string_view m, double score) {
      for (size_t j = 1; j < n; ++j) {
        double unused;
        if (src[j].same(src[0]) || src[j].Find(m, &unused)) return;
      }
      result.emplace_back(std::string(m), score);
    });
  }

  if (card_only) return ctx.rb.Integer(cardinality);
  if (!dst) {
    // Replied in score order, then member order, straight from the computed scores: a sorted set
    // built from them would be a listpack when small, which keeps a -0 score (a weight of 0 on a
    // negative score) as 0, where Redis answers from its skiplist and shows -0.
    std::sort(result.begin(), result.end(), [](const auto& x, const auto& y) {
      return x.second < y.second || (x.second == y.second && x.first < y.first);
    });
    ReplyRangeHeader(ctx, result.size(), withscores);
    for (const auto& [m, sc] : result) ReplyElement(ctx, m, sc, withscores);
    return;
  }
  size_t max_len = 0;
  for (const auto& [m, s] : result) max_len = std::max(max_len, m.size());
  std::unique_ptr<ZSetValue> out;
  if (!result.empty()) {
    out = NewZSet(result.size(), max_len);
    double unused;
    for (const auto& [m, s] : result) out->Add(m, s, 0, &unused);
  }
  StoreResult(ctx, *dst, std::move(out),
              op == SetOp::kUnion   ? "zunionstore"
              : op == SetOp::kInter ? "zinterstore"
                                    : "zdiffstore");
}

void ZUnionStoreCmd(CommandContext& ctx) {
  ZSetOpGeneric(ctx, ctx.args[1], 2, SetOp::kUnion, false);
}
void ZInterStoreCmd(CommandContext& ctx) {
  ZSetOpGeneric(ctx, ctx.args[1], 2, SetOp::kInter, false);
}
void ZDiffStoreCmd(CommandContext& ctx) { ZSetOpGeneric(ctx, ctx.args[1], 2, SetOp::kDiff, false); }
void ZUnionCmd(CommandContext& ctx) { ZSetOpGeneric(ctx, std::nullopt, 1, SetOp::kUnion, false); }
void ZInterCmd(CommandContext& ctx) { ZSetOpGeneric(ctx, std::nullopt, 1, SetOp::kInter, false); }
void ZDiffCmd(CommandContext& ctx) { ZSetOpGeneric(ctx, std::nullopt, 1, SetOp::kDiff, false); }
void ZInterCardCmd(CommandContext& ctx) { ZSetOpGeneric(ctx, std::nullopt, 1, SetOp::kInter, true); }

// ---------------------------------------------------------------- ZRANDMEMBER / ZSCAN

void ZRandMemberCmd(CommandContext& ctx) {
  const auto& a = ctx.args;
  std::string_view key = a[1];
  if (a.size() == 2) {
    ZSetValue* z;
    if (!FindZSet(ctx, key, &z)) return;
    if (z == nullptr) return ctx.rb.Null();
    ctx.rb.Bulk(z->RandomElement(FastRandom()).first);
    return;
  }
  int64_t l;
  if (!ParseLongInRange(ctx, a[2], -INT64_MAX, INT64_MAX, {}, &l)) return;
  bool withscores = false;
  if (a.size() > 4 || (a.size() == 4 && !EqualsLower(a[3], "withscores"))) {
    return ctx.Error(kErrSyntax);
  }
  if (a.size() == 4) {
    withscores = true;
    if (l < -INT64_MAX / 2 || l > INT64_MAX / 2) return ctx.Error("ERR value is out of range");
  }
  if (!CheckRandCount(ctx, l)) return;  // after Redis' own checks, which come first there
  ZSetValue* z;
  if (!FindZSet(ctx, key, &z)) return;
  if (z == nullptr || l == 0) return ctx.rb.EmptyArray();
  const size_t size = z->Length();
  const bool uniq = l > 0;
  const size_t count = static_cast<size_t>(l > 0 ? l : -l);
  if (!uniq || count == 1) {
    ReplyRangeHeader(ctx, count, withscores);
    for (size_t i = 0; i < count; ++i) {
      auto [m, s] = z->RandomElement(FastRandom());
      ReplyElement(ctx, m, s, withscores);
    }
    return;
  }
  if (count >= size) {
    // The whole set, walked from the top as Redis' set-operation iterator walks it.
    ReplyRangeHeader(ctx, size, withscores);
    z->Visit(0, size, true,
             [&](std::string_view m, double s) { ReplyElement(ctx, m, s, withscores); });
    return;
  }
  // Distinct random ranks (Floyd's sampling), visited in rank order.
  absl::flat_hash_set<size_t> picked;
  picked.reserve(count);
  for (size_t j = size - count; j < size; ++j) {
    const size_t r = FastRandom() % (j + 1);
    if (!picked.insert(r).second) picked.insert(j);
  }
  std::vector<size_t> ranks(picked.begin(), picked.end());
  std::sort(ranks.begin(), ranks.end());
  ReplyRangeHeader(ctx, count, withscores);
  for (size_t r : ranks) {
    z->Visit(r, r + 1, false,
             [&](std::string_view m, double s) { ReplyElement(ctx, m, s, withscores); });
  }
}

// A score as ZSCAN shows it: Redis returns the packed form's stored text (integral values up to
// 2^62 as integers, else "%.17g") and the full form's "%.17Lg".
void FormatScanScore(double s, bool packed, std::string* out) {
  constexpr double kIntLimit = static_cast<double>(INT64_MAX / 2);
  if (packed && s >= -kIntLimit && s <= kIntLimit) {
    const int64_t v = static_cast<int64_t>(s);
    if (static_cast<double>(v) == s) return AppendInt64(v, out);
  }
  resp::FormatDouble(s, out);
}

void ZScanCmd(CommandContext& ctx) {
  const auto& a = ctx.args;
  uint64_t cursor;
  if (!ParseScanCursor(ctx, a[2], &cursor)) return;
  ZSetValue* z;
  if (!FindZSet(ctx, a[1], &z)) return;
  if (z == nullptr) return ReplyEmptyScan(ctx);
  ScanOptions opt;
  if (!ParseCollectionScanOptions(ctx, &opt)) return;
  const std::string_view pattern = opt.pattern;
  const bool has_pattern = opt.has_pattern;
  const int64_t count = opt.count;
  std::vector<std::pair<std::string, double>> found;
  const uint64_t next =
      z->Scan(cursor, static_cast<size_t>(count), [&](std::string_view m, double s) {
        if (!has_pattern || GlobMatch(pattern, m)) found.emplace_back(std::string(m), s);
      });
  ctx.rb.ArrayHeader(2);
  ReplyScanCursor(ctx, next);
  ctx.rb.ArrayHeader(found.size() * 2);
  std::string text;
  for (const auto& [m, s] : found) {
    ctx.rb.Bulk(m);
    text.clear();
    FormatScanScore(s, z->is_packed(), &text);
    ctx.rb.Bulk(text);
  }
}

}  // namespace

// ---------------------------------------------------------------- shared operations

void SetZSetSetInputAccess(const SetInputAccess& access) { SetAccess() = access; }

bool ZPopAndReply(CommandContext& ctx, DbTable& db, std::string_view key, ZSetValue* z, bool max,
                  size_t count, ZPopShape shape) {
  const size_t len = z->Length();
  const size_t n = std::min(count, len);
  auto& rb = ctx.rb;
  switch (shape) {
    case ZPopShape::kFlat:
      rb.ArrayHeader(n * 2);
      break;
    case ZPopShape::kNested:
      rb.ArrayHeader(n);
      break;
    case ZPopShape::kKeyFlat:
      rb.ArrayHeader(n * 2 + 1);
      rb.Bulk(key);
      break;
    case ZPopShape::kKeyNested:
      rb.ArrayHeader(2);
      rb.Bulk(key);
      rb.ArrayHeader(n);
      break;
  }
  const bool nested = shape == ZPopShape::kNested || shape == ZPopShape::kKeyNested;
  const size_t lo = max ? len - n : 0;
  z->Visit(lo, lo + n, max, [&](std::string_view m, double s) {
    if (nested) rb.ArrayHeader(2);
    rb.Bulk(m);
    rb.Double(s);
  });
  z->RemoveRanks(lo, lo + n);
  // One event however many members were popped.
  return NotifyRemoved(ctx, db, key, max ? "zpopmax" : "zpopmin");
}

void RegisterZSetCommands(CommandTable& t) {
  constexpr uint32_t W = kCmdWrite | kCmdDenyOom;
  constexpr uint32_t D = kCmdWrite;  // writes that only shrink: allowed when out of memory
  constexpr uint32_t R = kCmdReadonly;
  constexpr uint32_t F = kCmdFast;
  // Commands taking numkeys lock their keys themselves; the table shows Redis' key positions.
  const std::string_view g = "sorted-set";  // COMMAND DOCS group, as Redis names it
  t.Add({"zadd", -4, W | F, 1, 1, 1, ZAddCmd, g,
         "Add one or more members to a sorted set, or update its score if it already exists",
         "1.2.0"});
  t.Add({"zincrby", 4, W | F, 1, 1, 1, ZIncrByCmd, g,
         "Increment the score of a member in a sorted set", "1.2.0"});
  t.Add({"zrem", -3, D | F, 1, 1, 1, ZRemCmd, g, "Remove one or more members from a sorted set",
         "1.2.0"});
  t.Add({"zscore", 3, R | F, 1, 1, 1, ZScoreCmd, g,
         "Get the score associated with the given member in a sorted set", "1.2.0"});
  t.Add({"zmscore", -3, R | F, 1, 1, 1, ZMScoreCmd, g,
         "Get the score associated with the given members in a sorted set", "6.2.0"});
  t.Add({"zcard", 2, R | F, 1, 1, 1, ZCardCmd, g, "Get the number of members in a sorted set",
         "1.2.0"});
  t.Add({"zcount", 4, R | F, 1, 1, 1, ZCountCmd, g,
         "Count the members in a sorted set with scores within the given values", "2.0.0"});
  t.Add({"zlexcount", 4, R | F, 1, 1, 1, ZLexCountCmd, g,
         "Count the number of members in a sorted set between a given lexicographical range",
         "2.8.9"});
  t.Add({"zrange", -4, R, 1, 1, 1, ZRangeCmd, g, "Return a range of members in a sorted set",
         "1.2.0"});
  t.Add({"zrangestore", -5, W, 1, 2, 1, ZRangeStoreCmd, g,
         "Store a range of members from sorted set into another key", "6.2.0"});
  t.Add({"zrangebyscore", -4, R, 1, 1, 1, ZRangeByScoreCmd, g,
         "Return a range of members in a sorted set, by score", "1.0.5"});
  t.Add(
      {"zrevrangebyscore", -4, R, 1, 1, 1, ZRevRangeByScoreCmd, g,
       "Return a range of members in a sorted set, by score, with scores ordered from high to low",
       "2.2.0"});
  t.Add({"zrangebylex", -4, R, 1, 1, 1, ZRangeByLexCmd, g,
         "Return a range of members in a sorted set, by lexicographical range", "2.8.9"});
  t.Add({"zrevrangebylex", -4, R, 1, 1, 1, ZRevRangeByLexCmd, g,
         "Return a range of members in a sorted set, by lexicographical range, ordered from higher "
         "to lower strings.",
         "2.8.9"});
  t.Add(
      {"zrevrange", -4, R, 1, 1, 1, ZRevRangeCmd, g,
       "Return a range of members in a sorted set, by index, with scores ordered from high to low",
       "1.2.0"});
  t.Add({"zrank", 3, R | F, 1, 1, 1, ZRankCmd, g, "Determine the index of a member in a sorted set",
         "2.0.0"});
  t.Add({"zrevrank", 3, R | F, 1, 1, 1, ZRevRankCmd, g,
         "Determine the index of a member in a sorted set, with scores ordered from high to low",
         "2.0.0"});
  t.Add({"zpopmin", -2, D | F, 1, 1, 1, ZPopMinCmd, g,
         "Remove and return members with the lowest scores in a sorted set", "5.0.0"});
  t.Add({"zpopmax", -2, D | F, 1, 1, 1, ZPopMaxCmd, g,
         "Remove and return members with the highest scores in a sorted set", "5.0.0"});
  t.Add({"bzpopmin", -3, D | F | kCmdBlocking | kCmdNoScript, 1, -2, 1, BZPopMinCmd, g,
         "Remove and return the member with the lowest score from one or more sorted sets, or "
         "block until one is available",
         "5.0.0"});
  t.Add({"bzpopmax", -3, D | F | kCmdBlocking | kCmdNoScript, 1, -2, 1, BZPopMaxCmd, g,
         "Remove and return the member with the highest score from one or more sorted sets, or "
         "block until one is available",
         "5.0.0"});
  t.Add({"bzmpop", -5, D | kCmdBlocking, 0, 0, 0, BZMPopCmd, g,
         "Remove and return members with scores in a sorted set or block until one is available",
         "7.0.0", {}, KeysNumkeysAt2});
  t.Add({"zmpop",
         -4,
         D,
         0,
         0,
         0,
         ZMPopCmd,
         g,
         "Remove and return members with scores in a sorted set",
         "7.0.0",
         {},
         KeysNumkeysAt1});
  t.Add({"zremrangebyscore", 4, D, 1, 1, 1, ZRemRangeByScoreCmd, g,
         "Remove all members in a sorted set within the given scores", "1.2.0"});
  t.Add({"zremrangebyrank", 4, D, 1, 1, 1, ZRemRangeByRankCmd, g,
         "Remove all members in a sorted set within the given indexes", "2.0.0"});
  t.Add({"zremrangebylex", 4, D, 1, 1, 1, ZRemRangeByLexCmd, g,
         "Remove all members in a sorted set between the given lexicographical range", "2.8.9"});
  t.Add({"zunionstore",
         -4,
         W,
         1,
         1,
         1,
         ZUnionStoreCmd,
         g,
         "Add multiple sorted sets and store the resulting sorted set in a new key",
         "2.0.0",
         {},
         KeysDestNumkeysAt2});
  t.Add({"zinterstore",
         -4,
         W,
         1,
         1,
         1,
         ZInterStoreCmd,
         g,
         "Intersect multiple sorted sets and store the resulting sorted set in a new key",
         "2.0.0",
         {},
         KeysDestNumkeysAt2});
  t.Add({"zdiffstore",
         -4,
         W,
         1,
         1,
         1,
         ZDiffStoreCmd,
         g,
         "Subtract multiple sorted sets and store the resulting sorted set in a new key",
         "6.2.0",
         {},
         KeysDestNumkeysAt2});
  t.Add({"zunion",
         -3,
         R,
         0,
         0,
         0,
         ZUnionCmd,
         g,
         "Add multiple sorted sets",
         "6.2.0",
         {},
         KeysNumkeysAt1});
  t.Add({"zinter",
         -3,
         R,
         0,
         0,
         0,
         ZInterCmd,
         g,
         "Intersect multiple sorted sets",
         "6.2.0",
         {},
         KeysNumkeysAt1});
  t.Add({"zdiff",
         -3,
         R,
         0,
         0,
         0,
         ZDiffCmd,
         g,
         "Subtract multiple sorted sets",
         "6.2.0",
         {},
         KeysNumkeysAt1});
  t.Add({"zintercard",
         -3,
         R,
         0,
         0,
         0,
         ZInterCardCmd,
         g,
         "Intersect multiple sorted sets and return the cardinality of the result",
         "7.0.0",
         {},
         KeysNumkeysAt1});
  t.Add({"zrandmember", -2, R, 1, 1, 1, ZRandMemberCmd, g,
         "Get one or multiple random elements from a sorted set", "6.2.0"});
  t.Add({"zscan", -3, R, 1, 1, 1, ZScanCmd, g,
         "Incrementally iterate sorted sets elements and associated scores", "2.8.0"});
}

}  // namespace shoal
