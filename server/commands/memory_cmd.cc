// MEMORY USAGE / STATS / DOCTOR / PURGE / MALLOC-STATS / HELP.
#include <cstdio>
#include <string>
#include <vector>

#include "server/commands/command.h"
#include "server/commands/keyspace_ops.h"
#include "server/commands/memory_cmd.h"
#include "server/net/server.h"
#include "server/store/memory.h"
#include "server/store/object.h"
#include "server/util/string_util.h"

namespace shoal {

namespace {

constexpr std::string_view kHelp[] = {
    "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "DOCTOR",
    "    Return memory problems reports.",
    "MALLOC-STATS",
    "    Return internal statistics report from the memory allocator.",
    "PURGE",
    "    Attempt to purge dirty pages for reclamation by the allocator.",
    "STATS",
    "    Return information about the memory usage of the server.",
    "USAGE <key> [SAMPLES <count>]",
    "    Return memory in bytes used by <key> and its value. Nested values are",
    "    sampled up to <count> times (default: 5, 0 means sample all).",
    "HELP",
    "    Prints this help."};

// Bytes a key costs: its entry (which holds the key, the TTL and a string value or the
// collection object) as the allocator rounded it, what a collection holds outside the entry, and
// its share of the bucket array. Exact, so SAMPLES is checked and otherwise not needed.
void Usage(CommandContext& ctx) {
  auto& a = ctx.args;
  for (size_t j = 3; j < a.size(); ++j) {
    if (EqualsLower(a[j], "samples") && j + 1 < a.size()) {
      int64_t samples;
      if (!ParseInt64(a[j + 1], &samples)) return ctx.Error(kErrNotInt);
      if (samples < 0) return ctx.Error(kErrSyntax);
      ++j;
    } else {
      return ctx.Error(kErrSyntax);
    }
  }
  std::string_view key = a[2];
  Shard& shard = ctx.store.shard(ctx.store.ShardOf(key));
  ShardGuard l(ctx, shard);
  Entry* e = shard.db(ctx.db).Find(key, ctx.now_ms);
  if (!e) return ctx.rb.Null();
  size_t bytes = Entry::AllocSize(e) + sizeof(Entry*);
  if (e->obj_type() != ObjType::kString) {
    const CollectionValue* c = CollectionOf(e);
    bytes += c->MemoryUsage() - c->ObjectSize();
  }
  ctx.rb.Integer(static_cast<int64_t>(bytes));
}

void Stats(CommandContext& ctx) {
  const MemoryBreakdown m = ComputeMemoryBreakdown(ctx);
  const AllocatorStats& al = m.allocator;
  const uint64_t rss = RssBytes();
  const uint64_t total = m.used();
  int used_dbs = 0;
  for (uint64_t t : m.db_tables) used_dbs += t > 0;
  auto& rb = ctx.rb;
  rb.MapHeader(17 + used_dbs);
  rb.Bulk("total.allocated");
  rb.Integer(static_cast<int64_t>(total));
  rb.Bulk("startup.allocated");
  rb.Integer(static_cast<int64_t>(m.startup));
  for (size_t d = 0; d < m.db_tables.size(); ++d) {
    if (m.db_tables[d] == 0) continue;
    rb.Bulk(Cat("db.", d));
    rb.MapHeader(2);
    rb.Bulk("overhead.hashtable.main");
    rb.Integer(static_cast<int64_t>(m.db_tables[d]));
    rb.Bulk("overhead.hashtable.expires");  // deadlines live in the entries: no second table
    rb.Integer(0);
  }
  rb.Bulk("overhead.total");
  rb.Integer(static_cast<int64_t>(m.overhead()));
  rb.Bulk("keys.count");
  rb.Integer(static_cast<int64_t>(m.keys));
  rb.Bulk("keys.bytes-per-key");
  rb.Integer(static_cast<int64_t>(m.keys ? m.net() / m.keys : 0));
  rb.Bulk("dataset.bytes");
  rb.Integer(static_cast<int64_t>(m.dataset()));
  rb.Bulk("dataset.percentage");
  rb.Double(100 * Ratio(m.dataset(), m.net()));
  rb.Bulk("allocator.allocated");
  rb.Integer(static_cast<int64_t>(al.allocated));
  rb.Bulk("allocator.active");
  rb.Integer(static_cast<int64_t>(al.active));
  rb.Bulk("allocator.resident");
  rb.Integer(static_cast<int64_t>(al.resident));
  rb.Bulk("allocator.metadata");
  rb.Integer(static_cast<int64_t>(al.metadata));
  rb.Bulk("allocator-fragmentation.ratio");
  rb.Double(Ratio(al.active, al.allocated));
  rb.Bulk("allocator-fragmentation.bytes");
  rb.Integer(Diff(al.active, al.allocated));
  rb.Bulk("allocator.rss-ratio");
  rb.Double(Ratio(al.resident, al.active));
  rb.Bulk("allocator.rss-bytes");
  rb.Integer(Diff(al.resident, al.active));
  rb.Bulk("rss-overhead.ratio");
  rb.Double(Ratio(rss, al.resident));
  rb.Bulk("rss-overhead.bytes");
  rb.Integer(Diff(rss, al.resident));
  rb.Bulk("fragmentation");
  rb.Double(Ratio(rss, total));
}

void Doctor(CommandContext& ctx) {
  const AllocatorStats al = GetAllocatorStats();
  const uint64_t rss = RssBytes();
  std::string report;
  if (al.allocated < 5 * 1024 * 1024) {
    report = "Less than 5 MB allocated: too little data for a meaningful memory report.\n";
  } else {
    const double frag = static_cast<double>(rss) / al.allocated;
    char line[256];
    snprintf(line, sizeof(line),
             "Allocated %.1f MB, resident %.1f MB (ratio %.2f).\n", al.allocated / 1048576.0,
             rss / 1048576.0, frag);
    report = line;
    if (frag > 1.4) {
      report +=
          "The process holds noticeably more memory than it uses: freed pages still resident "
          "after deletions. MEMORY PURGE returns what the allocator can give back at once.\n";
    } else {
      report += "No memory problem found.\n";
    }
  }
  ctx.rb.Verbatim("txt", report);
}

void MemoryCmd(CommandContext& ctx) {
  auto& a = ctx.args;
  std::string_view sub = a[1];
  const size_t n = a.size();
  if (EqualsLower(sub, "help") && n == 2) return ReplyHelp(ctx, kHelp);
  if (EqualsLower(sub, "usage")) {
    if (n < 3) return ctx.Error("ERR wrong number of arguments for 'memory|usage' command");
    return Usage(ctx);
  }
  bool fixed = EqualsLower(sub, "stats") || EqualsLower(sub, "doctor") ||
               EqualsLower(sub, "purge") || EqualsLower(sub, "malloc-stats") ||
               EqualsLower(sub, "help");
  if (fixed && n != 2) {
    std::string lower(sub);
    for (auto& ch : lower) ch = static_cast<char>(tolower(ch));
    return ctx.Error(Cat("ERR wrong number of arguments for 'memory|", lower, "' command"));
  }
  if (EqualsLower(sub, "stats")) return Stats(ctx);
  if (EqualsLower(sub, "doctor")) return Doctor(ctx);
  if (EqualsLower(sub, "malloc-stats")) return ctx.rb.Verbatim("txt", MallocStats());
  if (EqualsLower(sub, "purge")) {
    if (!PurgeAllocator()) return ctx.Error("ERR Error purging dirty pages");
    return ctx.rb.Ok();
  }
  ctx.Error(Cat("ERR unknown subcommand '", sub, "'. Try MEMORY HELP."));
}

}  // namespace

MemoryBreakdown ComputeMemoryBreakdown(CommandContext& ctx) {
  MemoryBreakdown m;
  m.allocator = GetAllocatorStats();
  m.startup = StartupMemory();
  m.db_tables.assign(ctx.store.shard(0).dbs().size(), 0);
  for (int s = 0; s < ctx.store.num_shards(); ++s) {
    Shard& sh = ctx.store.shard(s);
    ShardGuard l(ctx, sh);
    for (size_t d = 0; d < m.db_tables.size(); ++d) {
      DbTable& t = sh.db(static_cast<int>(d));
      m.keys += t.size();
      m.db_tables[d] += t.table().bucket_count() * sizeof(Entry*);
    }
  }
  for (uint64_t t : m.db_tables) m.tables += t;
  return m;
}

void RegisterMemoryCommands(CommandTable& t) {
  t.Add({"memory", -2, 0, 0, 0, 0, MemoryCmd, "server", "A container for memory diagnostics commands", "4.0.0",
         {"doctor", "help", "malloc-stats", "purge", "stats", "usage"}});
}

}  // namespace shoal
