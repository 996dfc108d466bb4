// HyperLogLog commands: PFADD PFCOUNT PFMERGE, on string values in Redis' HLL format
// (datastructs/hyperloglog.h). A dense HLL (12 KB) is updated in place; a sparse one (at most
// hll-sparse-max-bytes) is edited in a scratch copy and written back.
#include <cstring>
#include <string>
#include <vector>

#include "datastructs/hyperloglog.h"
#include "server/commands/command.h"
#include "server/commands/keyspace_ops.h"
#include "server/commands/pubsub.h"
#include "server/config.h"
#include "server/net/server.h"
#include "server/util/string_util.h"

namespace shoal {

namespace {

constexpr std::string_view kErrNotHll = "WRONGTYPE Key is not a valid HyperLogLog string value.";
constexpr std::string_view kErrCorrupt = "INVALIDOBJ Corrupted HLL object detected";

// The HLL bytes of an existing entry: false (after replying) for another type or a string that
// is not an HLL.
bool HllOf(CommandContext& ctx, const Entry* e, std::string_view* out) {
  if (e->obj_type() != ObjType::kString) {
    ctx.Error(kErrWrongType);
    return false;
  }
  if ((e->flags & Entry::kIntEncoded) || !hll::LooksValid(e->value_view())) {
    ctx.Error(kErrNotHll);
    return false;
  }
  *out = e->value_view();
  return true;
}

// The string a sparse HLL is edited in, reused by the worker's commands.
std::string& Scratch() {
  thread_local std::string s;
  return s;
}

// A write to key that a command's key positions do not cover for WATCH (PFCOUNT's cache update).
void TouchWatchers(CommandContext& ctx, std::string_view key) {
  Shard& shard = ctx.store.shard(ctx.store.ShardOf(key));
  if (!shard.watch.empty()) shard.watch.Touch(ctx.db, key);
}

// PFADD key [element ...]: 1 when a register changed or the key was created.
void PfAddCmd(CommandContext& ctx) {
  auto& a = ctx.args;
  std::string_view key = a[1];
  DbTable& db = ctx.Db(key);
  EntrySlot link = db.FindLink(key, ctx.now_ms);
  NoteLookup(ctx, link ? *link : nullptr, key, kLookupWrite);
  const size_t sparse_max = ctx.server.config().hll_sparse_max_bytes();
  bool updated = false;
  if (link) {
    Entry* e = *link;
    std::string_view cur;
    if (!HllOf(ctx, e, &cur)) return;
    if (hll::EncodingOf(cur) == hll::kDense) {
      // In place: the dense size never changes.
      auto* regs = reinterpret_cast<uint8_t*>(e->value()) + hll::kHeaderSize;
      for (size_t j = 2; j < a.size(); ++j) {
        uint32_t index;
        const int count = hll::PatternLen(a[j], &index);
        updated |= hll::DenseSet(regs, index, static_cast<uint8_t>(count));
      }
      if (updated) hll::InvalidateCache(e->value());
    } else {
      std::string& v = Scratch();
      v.assign(cur);
      for (size_t j = 2; j < a.size(); ++j) {
        const int r = hll::Add(&v, a[j], sparse_max);
        if (r < 0) return ctx.Error(kErrCorrupt);
        updated |= r == 1;
      }
      if (updated) {
        hll::InvalidateCache(v.data());
        SetRawString(db, link, key, v);
      }
    }
  } else {
    std::string& v = Scratch();
    v = hll::NewSparse();
    for (size_t j = 2; j < a.size(); ++j) hll::Add(&v, a[j], sparse_max);
    hll::InvalidateCache(v.data());
    SetRawString(db, nullptr, key, v);
    updated = true;
  }
  if (updated) NotifyKeyspaceEvent(ctx, kNotifyString, "pfadd", key);
  ctx.rb.Integer(updated ? 1 : 0);
}

// max[i] = the largest register i among the HLLs at keys (missing keys count as empty); *dense
// says whether one of them is dense. False after replying an error.
bool MergeKeys(CommandContext& ctx, std::span<const std::string_view> keys, uint8_t* max,
               bool* dense) {
  for (std::string_view k : keys) {
    Entry* e = ctx.Db(k).Find(k, ctx.now_ms);
    NoteLookup(ctx, e, k, kLookupRead);
    if (!e) continue;
    std::string_view v;
    if (!HllOf(ctx, e, &v)) return false;
    *dense |= hll::EncodingOf(v) == hll::kDense;
    if (!hll::MergeInto(v, max)) {
      ctx.Error(kErrCorrupt);
      return false;
    }
  }
  return true;
}

// PFCOUNT key [key ...]: one key answers from (and refreshes) the cached cardinality in its
// header; several keys count the union of their registers.
void PfCountCmd(CommandContext& ctx) {
  auto& a = ctx.args;
  if (a.size() > 2) {
    std::vector<uint8_t> max(hll::kRegisters, 0);
    bool dense = false;
    if (!MergeKeys(ctx, a.subspan(1), max.data(), &dense)) return;
    return ctx.rb.Integer(static_cast<int64_t>(hll::CountRegisters(max.data())));
  }
  std::string_view key = a[1];
  Entry* e = ctx.Db(key).Find(key, ctx.now_ms);
  NoteLookup(ctx, e, key, kLookupRead);
  if (!e) return ctx.rb.Integer(0);
  std::string_view v;
  if (!HllOf(ctx, e, &v)) return;
  uint64_t card;
  if (!hll::CachedCount(v, &card)) {
    bool invalid = false;
    card = hll::Count(v, &invalid);
    if (invalid) return ctx.Error(kErrCorrupt);
    // The cache lives in the value: refreshing it is a write, which Redis signals to WATCH.
    hll::SetCachedCount(e->value(), card);
    TouchWatchers(ctx, key);
  }
  ctx.rb.Integer(static_cast<int64_t>(card));
}

// PFMERGE destkey [sourcekey ...]: destkey (an HLL, or created) takes the maximum of every
// register over itself and the sources; dense when any of them is.
void PfMergeCmd(CommandContext& ctx) {
  auto& a = ctx.args;
  std::vector<uint8_t> max(hll::kRegisters, 0);
  bool dense = false;
  if (!MergeKeys(ctx, a.subspan(1), max.data(), &dense)) return;
  std::string_view key = a[1];
  DbTable& db = ctx.Db(key);
  EntrySlot link = db.FindLink(key, ctx.now_ms);
  std::string& v = Scratch();
  if (link) {
    v.assign((*link)->value_view());
  } else {
    v = hll::NewSparse();
  }
  if (dense || hll::EncodingOf(v) == hll::kDense) {
    // The destination was among the sources, so the maxima are its final registers: packed in
    // one pass (what Redis' per-register writes also end with).
    if (hll::EncodingOf(v) == hll::kSparse && !hll::SparseToDense(&v)) {
      return ctx.Error(kErrCorrupt);
    }
    hll::EncodeDense(max.data(), reinterpret_cast<uint8_t*>(v.data()) + hll::kHeaderSize);
  } else {
    const size_t sparse_max = ctx.server.config().hll_sparse_max_bytes();
    for (uint32_t i = 0; i < hll::kRegisters; ++i) {
      if (max[i] != 0 && hll::Set(&v, i, max[i], sparse_max) < 0) return ctx.Error(kErrCorrupt);
    }
  }
  hll::InvalidateCache(v.data());
  SetRawString(db, link, key, v);
  NotifyKeyspaceEvent(ctx, kNotifyString, "pfadd", key);
  ctx.rb.Ok();
}

}  // namespace

void RegisterHyperLogLogCommands(CommandTable& t) {
  t.Add({"pfadd", -2, kCmdWrite | kCmdDenyOom | kCmdFast, 1, 1, 1, PfAddCmd, "hyperloglog",
         "Adds the specified elements to the specified HyperLogLog.", "2.8.9"});
  t.Add({"pfcount", -2, kCmdReadonly | kCmdMayReplicate, 1, -1, 1, PfCountCmd, "hyperloglog",
         "Return the approximated cardinality of the set(s) observed by the HyperLogLog at key(s).",
         "2.8.9"});
  t.Add({"pfmerge", -2, kCmdWrite | kCmdDenyOom, 1, -1, 1, PfMergeCmd, "hyperloglog",
         "Merge N different HyperLogLogs into a single one.", "2.8.9"});
}

}  // namespace shoal
