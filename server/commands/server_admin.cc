// Server commands: INFO, CONFIG, COMMAND, TIME, LASTSAVE, SHUTDOWN.
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "server/commands/blocking.h"
#include "server/commands/command.h"
#include "server/commands/command_docs.h"
#include "server/commands/command_meta.h"
#include "server/commands/key_specs.h"
#include "server/commands/memory_cmd.h"
#include "server/commands/pubsub.h"
#include "server/commands/tracking.h"
#include "server/net/connection.h"
#include "server/net/server.h"
#include "server/net/worker.h"
#include "server/store/memory.h"
#include "server/util/glob.h"
#include "server/util/string_util.h"
#include "spdlog/spdlog.h"

namespace shoal {

namespace {

constexpr std::string_view kCompatVersion = "7.0.15";

struct Totals {
  uint64_t commands = 0, net_in = 0, net_out = 0, hits = 0, misses = 0, expired_active = 0,
           evicted = 0;
};

Totals SumWorkers(Server& server) {
  Totals t;
  for (auto& w : server.workers()) {
    auto& s = w->stats();
    t.commands += s.commands.load(std::memory_order_relaxed);
    t.net_in += s.net_in.load(std::memory_order_relaxed);
    t.net_out += s.net_out.load(std::memory_order_relaxed);
    t.hits += s.keyspace_hits.load(std::memory_order_relaxed);
    t.misses += s.keyspace_misses.load(std::memory_order_relaxed);
    t.expired_active += s.expired_active.load(std::memory_order_relaxed);
    t.evicted += s.evicted_keys.load(std::memory_order_relaxed);
  }
  return t;
}

void Section(std::string* out, std::string_view name) {
  if (!out->empty()) out->append("\r\n");
  CatAppend(out, "# ", name, "\r\n");
}

std::string BuildInfo(CommandContext& ctx, std::span<const std::string_view> wanted) {
  Server& server = ctx.server;
  Config& cfg = server.config();
  auto want = [&](std::string_view name, bool in_default) {
    if (wanted.empty()) return in_default;
    for (auto w : wanted) {
      if (EqualsLower(w, name)) return true;
      if (EqualsLower(w, "all") || EqualsLower(w, "everything")) return true;
      if (EqualsLower(w, "default") && in_default) return true;
    }
    return false;
  };
  std::string out;
  int64_t now = NowMs();
  if (want("server", true)) {
    Section(&out, "Server");
    utsname un{};
    uname(&un);
    int64_t up = (now - server.start_time_ms()) / 1000;
    char exe[512] = {0};
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n < 0) n = 0;
    CatAppend(&out, "redis_version:", kCompatVersion, "\r\nshoal_version:0.1.0\r\n",
              "redis_git_sha1:00000000\r\nredis_git_dirty:0\r\nredis_build_id:0\r\n",
              "redis_mode:standalone\r\nos:", un.sysname, " ", un.release, " ", un.machine,
              "\r\narch_bits:64\r\nmonotonic_clock:POSIX clock_gettime\r\n",
              "multiplexing_api:", server.io_uring_enabled() ? "io_uring" : "epoll",
              "\r\nio_batch_wait_available:", server.io_batch_wait_available() ? 1 : 0,
              "\r\ngcc_version:", __GNUC__, ".", __GNUC_MINOR__, ".", __GNUC_PATCHLEVEL__,
              "\r\nprocess_id:", getpid(), "\r\nprocess_supervised:no\r\n",
              "run_id:", server.run_id(), "\r\ntcp_port:", server.tcp_port(),
              "\r\nserver_time_usec:", now * 1000, "\r\nuptime_in_seconds:", up,
              "\r\nuptime_in_days:", up / 86400, "\r\nhz:", cfg.hz(),
              "\r\nconfigured_hz:", cfg.hz(), "\r\nlru_clock:", LruClock() & 0xFFFFFF,
              "\r\nexecutable:", std::string_view(exe, static_cast<size_t>(n)),
              "\r\nconfig_file:\r\nio_threads_active:0\r\nthreads:", cfg.threads(),
              "\r\nshards:", server.store().num_shards(), "\r\n");
  }
  if (want("clients", true)) {
    Section(&out, "Clients");
    CatAppend(&out, "connected_clients:", server.connected_clients.load(),
              "\r\ncluster_connections:0\r\nmaxclients:", cfg.maxclients(),
              "\r\nclient_recent_max_input_buffer:0\r\nclient_recent_max_output_buffer:0\r\n",
              "blocked_clients:", server.blocked_clients.load(std::memory_order_relaxed),
              "\r\ntracking_clients:", GetTrackingStats().clients,
              "\r\nclients_in_timeout_table:0\r\n");
  }
  if (want("memory", true)) {
    Section(&out, "Memory");
    static std::atomic<uint64_t> peak{0};
    // Overhead as Redis counts it, for what Shoal has: the memory in use at start-up and the
    // keyspace bucket arrays; the rest is the dataset.
    const MemoryBreakdown m = ComputeMemoryBreakdown(ctx);
    const AllocatorStats& al = m.allocator;
    uint64_t used = m.used();
    uint64_t rss = RssBytes();
    uint64_t p = peak.load();
    while (used > p && !peak.compare_exchange_weak(p, used)) {
    }
    p = std::max(p, used);
    uint64_t maxmem = cfg.maxmemory();
    long pages = sysconf(_SC_PHYS_PAGES);
    uint64_t total_mem = pages > 0 ? static_cast<uint64_t>(pages) * sysconf(_SC_PAGESIZE) : 0;
    auto fixed2 = [](double v) {
      char b[32];
      snprintf(b, sizeof(b), "%.2f", v);
      return std::string(b);
    };
    CatAppend(&out, "used_memory:", used, "\r\nused_memory_human:", HumanBytes(used),
              "\r\nused_memory_rss:", rss, "\r\nused_memory_rss_human:", HumanBytes(rss),
              "\r\nused_memory_peak:", p, "\r\nused_memory_peak_human:", HumanBytes(p),
              "\r\nused_memory_peak_perc:", fixed2(100 * Ratio(used, p)), "%",
              "\r\nused_memory_overhead:", m.overhead(), "\r\nused_memory_startup:", m.startup,
              "\r\nused_memory_dataset:", m.dataset(),
              "\r\nused_memory_dataset_perc:", fixed2(100 * Ratio(m.dataset(), m.net())), "%",
              "\r\nallocator_allocated:", al.allocated, "\r\nallocator_active:", al.active,
              "\r\nallocator_resident:", al.resident, "\r\ntotal_system_memory:", total_mem,
              "\r\ntotal_system_memory_human:", HumanBytes(total_mem), "\r\nmaxmemory:", maxmem,
              "\r\nmaxmemory_human:", HumanBytes(maxmem),
              "\r\nmaxmemory_policy:", cfg.maxmemory_policy(),
              "\r\nallocator_frag_ratio:", fixed2(Ratio(al.active, al.allocated)),
              "\r\nallocator_frag_bytes:", Diff(al.active, al.allocated),
              "\r\nallocator_rss_ratio:", fixed2(Ratio(al.resident, al.active)),
              "\r\nallocator_rss_bytes:", Diff(al.resident, al.active),
              "\r\nrss_overhead_ratio:", fixed2(Ratio(rss, al.resident)),
              "\r\nrss_overhead_bytes:", Diff(rss, al.resident),
              "\r\nmem_fragmentation_ratio:", fixed2(Ratio(rss, used)),
              "\r\nmem_fragmentation_bytes:", Diff(rss, used),
              "\r\nmem_not_counted_for_evict:0\r\nmem_allocator:", AllocatorName(),
              "\r\nlazyfree_pending_objects:0\r\n");
  }
  if (want("persistence", true)) {
    Section(&out, "Persistence");
    CatAppend(&out, "loading:0\r\nasync_loading:0\r\nrdb_changes_since_last_save:0\r\n",
              "rdb_bgsave_in_progress:0\r\nrdb_last_save_time:", server.lastsave_sec.load(),
              "\r\nrdb_last_bgsave_status:ok\r\naof_enabled:0\r\naof_rewrite_in_progress:0\r\n");
  }
  Totals t = SumWorkers(server);
  if (want("stats", true)) {
    Section(&out, "Stats");
    uint64_t expired = t.expired_active;
    for (int s = 0; s < server.store().num_shards(); ++s) {
      Shard& sh = server.store().shard(s);
      ShardGuard l(ctx, sh);
      for (auto& db : sh.dbs()) expired += db.expired_keys();
    }
    // expired_active counts keys also counted in expired_keys() (both go through ExpireNow).
    expired -= t.expired_active;
    size_t channels, patterns, shard_channels;
    PubSubCounts(&channels, &patterns, &shard_channels);
    const TrackingStats ts = GetTrackingStats();
    CatAppend(&out, "total_connections_received:", server.total_connections.load(),
              "\r\ntotal_commands_processed:", t.commands,
              "\r\ninstantaneous_ops_per_sec:0\r\ntotal_net_input_bytes:", t.net_in,
              "\r\ntotal_net_output_bytes:", t.net_out,
              "\r\ninstantaneous_input_kbps:0.00\r\ninstantaneous_output_kbps:0.00\r\n",
              "rejected_connections:", server.rejected_connections.load(),
              "\r\nexpired_keys:", expired, "\r\nevicted_keys:", t.evicted,
              "\r\nkeyspace_hits:", t.hits, "\r\nkeyspace_misses:", t.misses,
              "\r\npubsub_channels:", channels, "\r\npubsub_patterns:", patterns,
              "\r\npubsubshard_channels:", shard_channels,
              "\r\ntracking_total_keys:", ts.keys, "\r\ntracking_total_items:", ts.items,
              "\r\ntracking_total_prefixes:", ts.prefixes, "\r\n",
              "total_error_replies:0\r\n");
  }
  if (want("replication", true)) {
    Section(&out, "Replication");
    CatAppend(&out, "role:master\r\nconnected_slaves:0\r\nmaster_replid:", server.run_id(),
              "\r\nmaster_repl_offset:0\r\n");
  }
  if (want("cpu", true)) {
    Section(&out, "CPU");
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    char buf[128];
    snprintf(buf, sizeof(buf), "used_cpu_sys:%ld.%06ld\r\nused_cpu_user:%ld.%06ld\r\n",
             static_cast<long>(ru.ru_stime.tv_sec), static_cast<long>(ru.ru_stime.tv_usec),
             static_cast<long>(ru.ru_utime.tv_sec), static_cast<long>(ru.ru_utime.tv_usec));
    out.append(buf);
  }
  if (want("commandstats", false)) {
    Section(&out, "Commandstats");
    const auto& specs = CommandTable::Get().all();
    for (size_t i = 0; i < specs.size(); ++i) {
      uint64_t calls = 0, usec = 0, failed = 0, rejected = 0;
      for (auto& w : server.workers()) {
        auto& cs = w->stats().per_command[i];
        calls += cs.calls.load(std::memory_order_relaxed);
        usec += cs.usec.load(std::memory_order_relaxed);
        failed += cs.failed.load(std::memory_order_relaxed);
        rejected += cs.rejected.load(std::memory_order_relaxed);
      }
      if (calls == 0 && rejected == 0 && failed == 0) continue;
      char per[32];
      snprintf(per, sizeof(per), "%.2f", calls ? static_cast<double>(usec) / calls : 0.0);
      CatAppend(&out, "cmdstat_", specs[i].name, ":calls=", calls, ",usec=", usec,
                ",usec_per_call=", per, ",rejected_calls=", rejected, ",failed_calls=", failed,
                "\r\n");
    }
  }
  if (want("keyspace", true)) {
    Section(&out, "Keyspace");
    Store& store = server.store();
    std::vector<std::pair<uint64_t, uint64_t>> counts(store.num_dbs());
    for (int s = 0; s < store.num_shards(); ++s) {
      Shard& sh = store.shard(s);
      ShardGuard l(ctx, sh);
      for (int d = 0; d < store.num_dbs(); ++d) {
        counts[d].first += sh.db(d).size();
        counts[d].second += sh.db(d).volatile_keys();
      }
    }
    for (int d = 0; d < store.num_dbs(); ++d) {
      if (counts[d].first == 0) continue;
      CatAppend(&out, "db", d, ":keys=", counts[d].first, ",expires=", counts[d].second,
                ",avg_ttl=0\r\n");
    }
  }
  return out;
}

void InfoCmd(CommandContext& ctx) {
  std::string info = BuildInfo(ctx, ctx.args.subspan(1));
  ctx.rb.Verbatim("txt", info);
}

void ConfigCmd(CommandContext& ctx) {
  auto& a = ctx.args;
  std::string_view sub = a[1];
  Config& cfg = ctx.server.config();
  if (EqualsLower(sub, "get")) {
    if (a.size() < 3) return ctx.Error("ERR wrong number of arguments for 'config|get' command");
    auto pairs = cfg.Get(a.subspan(2));
    ctx.rb.MapHeader(pairs.size());
    for (auto& [k, v] : pairs) {
      ctx.rb.Bulk(k);
      ctx.rb.Bulk(v);
    }
    return;
  }
  if (EqualsLower(sub, "set")) {
    if (a.size() < 4) return ctx.Error("ERR wrong number of arguments for 'config|set' command");
    if ((a.size() - 2) % 2 != 0) return ctx.Error(kErrSyntax);
    std::vector<std::pair<std::string_view, std::string_view>> pairs;
    for (size_t i = 2; i + 1 < a.size(); i += 2) pairs.emplace_back(a[i], a[i + 1]);
    absl::Status st = cfg.Set(pairs);
    if (!st.ok()) return ctx.Error(std::string_view(st.message().data(), st.message().size()));
    for (const auto& [name, value] : pairs) {
      const uint64_t limit = cfg.maxmemory();
      if (EqualsLower(name, "maxmemory") && limit != 0 && UsedMemory() > limit) {
        // As Redis warns; the workers' crons start evicting at once, commands do too.
        spdlog::warn(
            "the new maxmemory value set via CONFIG SET ({}) is smaller than the current "
            "memory usage ({}): keys will be evicted, or writes refused under "
            "noeviction",
            limit, UsedMemory());
      }
    }
    return ctx.rb.Ok();
  }
  if (EqualsLower(sub, "resetstat")) {
    if (a.size() != 2)
      return ctx.Error("ERR wrong number of arguments for 'config|resetstat' command");
    for (auto& w : ctx.server.workers()) {
      auto& s = w->stats();
      s.commands = 0;
      s.keyspace_hits = 0;
      s.keyspace_misses = 0;
      s.evicted_keys = 0;
      for (auto& cs : s.per_command) {
        cs.calls = 0;
        cs.usec = 0;
        cs.failed = 0;
        cs.rejected = 0;
      }
    }
    return ctx.rb.Ok();
  }
  if (EqualsLower(sub, "rewrite")) {
    return ctx.Error("ERR The server is running without a config file");
  }
  if (EqualsLower(sub, "help")) {
    static constexpr std::string_view kHelp[] = {
        "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "GET <pattern>",
        "    Return parameters matching the glob-like <pattern> and their values.",
        "SET <directive> <value>",
        "    Set the configuration <directive> to <value>.",
        "RESETSTAT",
        "    Reset statistics reported by the INFO command.",
        "REWRITE",
        "    Rewrite the configuration file.",
        "HELP",
        "    Prints this help."};
    return ReplyHelp(ctx, kHelp);
  }
  ctx.Error(Cat("ERR unknown subcommand '", sub.substr(0, 128), "'. Try CONFIG HELP."));
}

void FlagNames(uint32_t f, std::vector<std::string_view>* out) {
  if (f & kCmdWrite) out->push_back("write");
  if (f & kCmdReadonly) out->push_back("readonly");
  if (f & kCmdDenyOom) out->push_back("denyoom");
  if (f & kCmdAdmin) out->push_back("admin");
  if (f & kCmdPubsub) out->push_back("pubsub");
  if (f & kCmdNoScript) out->push_back("noscript");
  if (f & kCmdBlocking) out->push_back("blocking");
  if (f & kCmdLoading) out->push_back("loading");
  if (f & kCmdStale) out->push_back("stale");
  if (f & kCmdSkipSlowlog) out->push_back("skip_slowlog");
  if (f & kCmdFast) out->push_back("fast");
  if (f & kCmdNoAuth) out->push_back("no_auth");
  if (f & kCmdNoMulti) out->push_back("no_multi");
  if (f & kCmdAllowBusy) out->push_back("allow_busy");
}

// ACL categories as Redis derives most of them: the data type or area from the group, read/write
// and fast/slow from the flags, admin commands also dangerous; in Redis' category order.
void CategoryNames(const CommandSpec& s, std::vector<std::string_view>* out) {
  // Where Redis' list is not what the rules below give: container commands list only their own
  // categories, and a few server commands are marked dangerous or keyspace.
  static const auto* kExceptions =
      new absl::flat_hash_map<std::string_view, std::vector<std::string_view>>{
          {"client", {"@slow"}},
          {"config", {"@slow"}},
          {"object", {"@slow"}},
          {"pubsub", {"@slow"}},
          {"command", {"@slow", "@connection"}},
          {"wait", {"@slow", "@connection"}},
          {"info", {"@slow", "@dangerous"}},
          {"lastsave", {"@admin", "@fast", "@dangerous"}},
          {"role", {"@admin", "@fast", "@dangerous"}},
          {"keys", {"@keyspace", "@read", "@slow", "@dangerous"}},
          {"dbsize", {"@keyspace", "@read", "@fast"}},
          {"flushall", {"@keyspace", "@write", "@slow", "@dangerous"}},
          {"flushdb", {"@keyspace", "@write", "@slow", "@dangerous"}},
          {"restore", {"@keyspace", "@write", "@slow", "@dangerous"}},
          {"swapdb", {"@keyspace", "@write", "@fast", "@dangerous"}},
          {"sort", {"@write", "@set", "@sortedset", "@list", "@slow", "@dangerous"}},
          {"sort_ro", {"@read", "@set", "@sortedset", "@list", "@slow", "@dangerous"}},
      };
  if (auto it = kExceptions->find(s.name); it != kExceptions->end()) {
    *out = it->second;
    return;
  }
  const uint32_t f = s.flags;
  const std::string_view g = s.group;
  if (g == "generic") out->push_back("@keyspace");
  if (f & kCmdReadonly) out->push_back("@read");
  if (f & kCmdWrite) out->push_back("@write");
  if (g == "set") out->push_back("@set");
  if (g == "sorted-set") out->push_back("@sortedset");
  if (g == "list") out->push_back("@list");
  if (g == "hash") out->push_back("@hash");
  if (g == "string") out->push_back("@string");
  if (g == "bitmap") out->push_back("@bitmap");
  if (g == "hyperloglog") out->push_back("@hyperloglog");
  if (g == "geo") out->push_back("@geo");
  if (g == "pubsub") out->push_back("@pubsub");
  if (f & kCmdAdmin) out->push_back("@admin");
  out->push_back((f & kCmdFast) ? "@fast" : "@slow");
  if (f & kCmdBlocking) out->push_back("@blocking");
  if (f & kCmdAdmin) out->push_back("@dangerous");
  if (g == "connection") out->push_back("@connection");
  if (g == "transactions") out->push_back("@transaction");
}

// A set of names: simple strings (flags, categories), or bulk strings as Redis sends tips.
void ReplyNames(resp::ReplyBuilder& rb, const std::vector<std::string_view>& v, bool bulk = false) {
  rb.SetHeader(v.size());
  for (auto x : v) {
    if (bulk) {
      rb.Bulk(x);
    } else {
      rb.Simple(x);
    }
  }
}

// Key specs as Redis 7.0 writes them: a map per spec (notes, flags, begin_search, find_keys).
void ReplyKeySpecs(resp::ReplyBuilder& rb, const CommandMeta* meta) {
  // A set in RESP3, as Redis 7.0 sends it.
  if (meta == nullptr) return rb.SetHeader(0);
  rb.SetHeader(meta->key_specs.size());
  for (const auto& k : meta->key_specs) {
    rb.MapHeader(k.notes.empty() ? 3 : 4);
    if (!k.notes.empty()) {
      rb.Bulk("notes");
      rb.Bulk(k.notes);
    }
    rb.Bulk("flags");
    ReplyNames(rb, k.flags);
    rb.Bulk("begin_search");
    rb.MapHeader(2);
    rb.Bulk("type");
    if (k.begin == KeySpecMeta::kIndex) {
      rb.Bulk("index");
      rb.Bulk("spec");
      rb.MapHeader(1);
      rb.Bulk("index");
      rb.Integer(k.begin_arg);
    } else if (k.begin == KeySpecMeta::kKeyword) {
      rb.Bulk("keyword");
      rb.Bulk("spec");
      rb.MapHeader(2);
      rb.Bulk("keyword");
      rb.Bulk(k.keyword);
      rb.Bulk("startfrom");
      rb.Integer(k.begin_arg);
    } else {
      rb.Bulk("unknown");
      rb.Bulk("spec");
      rb.MapHeader(0);
    }
    rb.Bulk("find_keys");
    rb.MapHeader(2);
    rb.Bulk("type");
    if (k.find == KeySpecMeta::kUnknownFind) {
      rb.Bulk("unknown");
      rb.Bulk("spec");
      rb.MapHeader(0);
      continue;
    }
    const bool range = k.find == KeySpecMeta::kRange;
    rb.Bulk(range ? "range" : "keynum");
    rb.Bulk("spec");
    rb.MapHeader(3);
    rb.Bulk(range ? "lastkey" : "keynumidx");
    rb.Integer(k.find_a);
    rb.Bulk(range ? "keystep" : "firstkey");
    rb.Integer(k.find_b);
    rb.Bulk(range ? "limit" : "keystep");
    rb.Integer(k.find_c);
  }
}

// A command or one of its subcommands, as COMMAND LIST, INFO and GETKEYS name them.
struct CommandRef {
  const CommandSpec* spec = nullptr;  // the command, or the container of a subcommand
  int sub = -1;                       // index into spec->subcommands, or -1

  std::string FullName() const {
    return sub < 0 ? std::string(spec->name) : Cat(spec->name, "|", spec->subcommands[sub]);
  }
};

int FindSubcommand(const CommandSpec& s, std::string_view name) {
  for (size_t i = 0; i < s.subcommands.size(); ++i) {
    if (EqualsIgnoreCase(s.subcommands[i], name)) return static_cast<int>(i);
  }
  return -1;
}

// "get" or "config|get", in any case; a null spec when there is no such command.
CommandRef FindCommandRef(std::string_view name) {
  const size_t bar = name.find('|');
  const CommandSpec* s = CommandTable::Get().Find(name.substr(0, bar));
  if (s == nullptr || bar == std::string_view::npos) return {s, -1};
  const int sub = FindSubcommand(*s, name.substr(bar + 1));
  return sub < 0 ? CommandRef{} : CommandRef{s, sub};
}

// ACL categories as COMMAND INFO lists them: Redis' for a subcommand, its container's when
// Redis has no entry for it.
void RefCategories(const CommandRef& r, std::vector<std::string_view>* out) {
  if (r.sub >= 0) {
    if (const CommandMeta* m = FindCommandMeta(r.FullName())) {
      *out = m->categories;
      return;
    }
  }
  CategoryNames(*r.spec, out);
}

void ReplySubcommandInfo(resp::ReplyBuilder& rb, const CommandSpec& s, size_t i) {
  const CommandRef ref{&s, static_cast<int>(i)};
  const std::string full = ref.FullName();
  if (const CommandMeta* m = FindCommandMeta(full)) {
    rb.ArrayHeader(10);
    rb.Bulk(full);
    rb.Integer(m->arity);
    ReplyNames(rb, m->flags);
    rb.Integer(m->first_key);
    rb.Integer(m->last_key);
    rb.Integer(m->step);
    ReplyNames(rb, m->categories);
    ReplyNames(rb, m->tips, /*bulk=*/true);
    ReplyKeySpecs(rb, m);
    rb.SetHeader(0);
    return;
  }
  rb.ArrayHeader(10);
  rb.Bulk(full);
  rb.Integer(-2);
  rb.SetHeader(0);
  rb.Integer(0);
  rb.Integer(0);
  rb.Integer(0);
  std::vector<std::string_view> categories;
  CategoryNames(s, &categories);
  ReplyNames(rb, categories);
  rb.SetHeader(0);
  rb.SetHeader(0);
  rb.SetHeader(0);
}

void ReplyCommandInfo(CommandContext& ctx, const CommandSpec& s) {
  auto& rb = ctx.rb;
  rb.ArrayHeader(10);
  rb.Bulk(s.name);
  rb.Integer(s.arity);
  std::vector<std::string_view> flags;
  FlagNames(s.flags, &flags);
  // Keys found by the command's own function (numkeys forms) are not a first/last/step range:
  // clients must ask COMMAND GETKEYS, which Redis says with this flag.
  if (s.keys != nullptr) flags.push_back("movablekeys");
  rb.SetHeader(flags.size());
  for (auto f : flags) rb.Simple(f);
  rb.Integer(s.first_key);
  rb.Integer(s.last_key);
  rb.Integer(s.step);
  std::vector<std::string_view> categories;
  CategoryNames(s, &categories);
  rb.SetHeader(categories.size());
  for (auto c : categories) rb.Simple(c);
  const CommandMeta* meta = FindCommandMeta(s.name);
  ReplyNames(rb, meta ? meta->tips : std::vector<std::string_view>{}, /*bulk=*/true);
  ReplyKeySpecs(rb, meta);
  // Subcommands: an array, or an empty set (RESP3 "~0") when there are none, as Redis sends.
  if (s.subcommands.empty()) {
    rb.SetHeader(0);
  } else {
    rb.ArrayHeader(s.subcommands.size());
  }
  for (size_t i = 0; i < s.subcommands.size(); ++i) ReplySubcommandInfo(rb, s, i);
}

// One command's (or subcommand's) COMMAND DOCS entry: its name and Redis 7.0's docs for it
// (command_docs.h); a command Redis lacks gets its summary, since and group.
void ReplyCommandDocs(CommandContext& ctx, const CommandRef& r) {
  auto& rb = ctx.rb;
  const std::string name = r.FullName();
  rb.Bulk(name);
  if (ReplyDocs(rb, name)) return;
  const CommandSpec& s = *r.spec;
  rb.MapHeader(r.sub < 0 ? 3 : 1);
  if (r.sub < 0) {
    rb.Bulk("summary");
    rb.Bulk(s.summary);
    rb.Bulk("since");
    rb.Bulk(s.since);
  }
  rb.Bulk("group");
  rb.Bulk(s.group);
}

// COMMAND GETKEYS / GETKEYSANDFLAGS <command line>: the keys the command would touch, found by
// its key specs, and with the flags of the spec that found each.
void CommandGetKeys(CommandContext& ctx, bool with_flags) {
  auto& a = ctx.args;
  if (a.size() < 4) {
    return ctx.Error(Cat("ERR wrong number of arguments for 'command|",
                         with_flags ? "getkeysandflags" : "getkeys", "' command"));
  }
  const std::span<const std::string_view> cmd = a.subspan(2);
  CommandRef r{CommandTable::Get().Find(cmd[0]), -1};
  if (r.spec != nullptr && !r.spec->subcommands.empty()) {
    r.sub = FindSubcommand(*r.spec, cmd[1]);
    if (r.sub < 0) r.spec = nullptr;
  }
  if (r.spec == nullptr) return ctx.Error("ERR Invalid command specified");
  const CommandMeta* m = FindCommandMeta(r.FullName());
  // Arguments that are only routed like keys (the shard channels of SPUBLISH and SSUBSCRIBE,
  // whose key specs say not_key) are not keys either.
  const bool only_not_keys = m && std::all_of(m->key_specs.begin(), m->key_specs.end(), [](const auto& k) {
    return std::find(k.flags.begin(), k.flags.end(), "not_key") != k.flags.end();
  });
  if (m == nullptr || m->key_specs.empty() || only_not_keys) {
    return ctx.Error("ERR The command has no key arguments");
  }
  const int argc = static_cast<int>(cmd.size());
  if ((m->arity > 0 && argc != m->arity) || argc < -m->arity) {
    return ctx.Error("ERR Invalid number of arguments specified for command");
  }
  std::vector<SpecKey> keys;
  if (r.sub < 0 && r.spec->name == "sort") {
    // Its STORE key spec is of unknown kind (STORE may come anywhere): found by SortKeys, as
    // Redis finds it with sortGetKeys; the sorted key has spec 0's flags, STORE spec 2's.
    KeyPositions pos;
    SortKeys(cmd, &pos);
    for (size_t i = 0; i < pos.size(); ++i) keys.push_back({pos[i], i == 0 ? 0 : 2});
  } else if ((!KeysFromSpecs(m->key_specs, cmd, &keys) || keys.empty()) &&
             !KeysFromCountFallback(m->key_specs, cmd, &keys)) {
    return ctx.Error("ERR Invalid arguments specified for command");
  }
  ctx.rb.ArrayHeader(keys.size());
  for (const SpecKey& k : keys) {
    if (!with_flags) {
      ctx.rb.Bulk(cmd[k.pos]);
      continue;
    }
    ctx.rb.ArrayHeader(2);
    ctx.rb.Bulk(cmd[k.pos]);
    if (k.spec < 0) {
      ctx.rb.SetHeader(0);
      continue;
    }
    const std::vector<std::string_view>* flags = &m->key_specs[k.spec].flags;
    // SET's key flags depend on its arguments (Redis marks the spec variable_flags): it reads
    // the old value only with GET.
    if (r.sub < 0 && r.spec->name == "set") {
      static const std::vector<std::string_view> kWithGet = {"RW", "access", "update"};
      static const std::vector<std::string_view> kOverwrite = {"OW", "update"};
      flags = &kOverwrite;
      for (size_t i = 3; i < cmd.size(); ++i) {
        if (EqualsLower(cmd[i], "get")) flags = &kWithGet;
      }
    }
    // BITFIELD reads only when every operation is a GET (OVERFLOW aside); anything else,
    // including what does not parse, counts as a write, as Redis decides.
    if (r.sub < 0 && r.spec->name == "bitfield") {
      static const std::vector<std::string_view> kRead = {"RO", "access"};
      static const std::vector<std::string_view> kWrite = {"RW", "access", "update"};
      flags = &kRead;
      for (size_t i = 2; i < cmd.size(); ++i) {
        const size_t rest = cmd.size() - i - 1;
        if (EqualsLower(cmd[i], "get") && rest >= 2) {
          i += 2;
        } else if (EqualsLower(cmd[i], "overflow") && rest >= 1) {
          i += 1;
        } else {
          flags = &kWrite;
          break;
        }
      }
    }
    ctx.rb.SetHeader(flags->size());
    for (auto f : *flags) ctx.rb.Simple(f);
  }
}

void CommandCmd(CommandContext& ctx) {
  auto& a = ctx.args;
  auto& table = CommandTable::Get();
  if (a.size() == 1) {
    ctx.rb.ArrayHeader(table.size());
    for (auto& s : table.all()) ReplyCommandInfo(ctx, s);
    return;
  }
  std::string_view sub = a[1];
  if (EqualsLower(sub, "count")) {
    if (a.size() != 2)
      return ctx.Error("ERR wrong number of arguments for 'command|count' command");
    return ctx.rb.Integer(static_cast<int64_t>(table.size()));
  }
  if (EqualsLower(sub, "info")) {
    if (a.size() == 2) {
      ctx.rb.ArrayHeader(table.size());
      for (auto& s : table.all()) ReplyCommandInfo(ctx, s);
      return;
    }
    ctx.rb.ArrayHeader(a.size() - 2);
    for (size_t i = 2; i < a.size(); ++i) {
      const CommandRef r = FindCommandRef(a[i]);
      if (r.spec == nullptr) {
        ctx.rb.Null();
      } else if (r.sub < 0) {
        ReplyCommandInfo(ctx, *r.spec);
      } else {
        ReplySubcommandInfo(ctx.rb, *r.spec, static_cast<size_t>(r.sub));
      }
    }
    return;
  }
  if (EqualsLower(sub, "docs")) {
    // Names Redis does not know are left out; "config|get" names a subcommand.
    std::vector<CommandRef> list;
    if (a.size() == 2) {
      for (auto& s : table.all()) list.push_back({&s, -1});
    } else {
      for (size_t i = 2; i < a.size(); ++i) {
        const CommandRef r = FindCommandRef(a[i]);
        if (r.spec != nullptr) list.push_back(r);
      }
    }
    ctx.rb.MapHeader(list.size());
    for (const CommandRef& r : list) ReplyCommandDocs(ctx, r);
    return;
  }
  if (EqualsLower(sub, "list")) {
    // Every command and subcommand ("config|get"), as Redis 7 lists them.
    enum { kAll, kPattern, kAclCat, kModule } filter = kAll;
    if (a.size() == 5 && EqualsLower(a[2], "filterby")) {
      if (EqualsLower(a[3], "pattern")) {
        filter = kPattern;
      } else if (EqualsLower(a[3], "aclcat")) {
        filter = kAclCat;
      } else if (EqualsLower(a[3], "module")) {
        filter = kModule;  // no modules: nothing matches
      } else {
        return ctx.Error(kErrSyntax);
      }
    } else if (a.size() != 2) {
      return ctx.Error(kErrSyntax);
    }
    std::vector<std::string> names;
    std::vector<std::string_view> categories;
    for (auto& s : table.all()) {
      for (int i = -1; i < static_cast<int>(s.subcommands.size()); ++i) {
        const CommandRef r{&s, i};
        std::string full = r.FullName();
        bool keep = filter == kAll;
        if (filter == kPattern) keep = GlobMatch(a[4], full, /*nocase=*/true);
        if (filter == kAclCat) {
          categories.clear();
          RefCategories(r, &categories);
          for (auto c : categories) {
            if (EqualsIgnoreCase(c.substr(1), a[4])) keep = true;
          }
        }
        if (keep) names.push_back(std::move(full));
      }
    }
    ctx.rb.ArrayHeader(names.size());
    for (const auto& n : names) ctx.rb.Bulk(n);
    return;
  }
  if (EqualsLower(sub, "getkeys")) return CommandGetKeys(ctx, /*with_flags=*/false);
  if (EqualsLower(sub, "getkeysandflags")) return CommandGetKeys(ctx, /*with_flags=*/true);
  if (EqualsLower(sub, "help")) {
    static constexpr std::string_view kHelp[] = {
        "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "(no subcommand)",
        "    Return details about all Redis commands.",
        "COUNT",
        "    Return the total number of commands in this Redis server.",
        "LIST",
        "    Return a list of all commands in this Redis server.",
        "INFO [<command-name> ...]",
        "    Return details about multiple Redis commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
        "DOCS [<command-name> ...]",
        "    Return documentation details about multiple Redis commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
        "GETKEYS <full-command>",
        "    Return the keys from a full Redis command.",
        "GETKEYSANDFLAGS <full-command>",
        "    Return the keys and the access flags from a full Redis command.",
        "HELP",
        "    Prints this help."};
    return ReplyHelp(ctx, kHelp);
  }
  ctx.Error(Cat("ERR unknown subcommand '", sub.substr(0, 128), "'. Try COMMAND HELP."));
}

void TimeCmd(CommandContext& ctx) {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  ctx.rb.ArrayHeader(2);
  ctx.rb.Bulk(std::to_string(ts.tv_sec));
  ctx.rb.Bulk(std::to_string(ts.tv_nsec / 1000));
}

// WAIT numreplicas timeout: the replicas that acknowledged this client's writes. Shoal has no
// replicas yet, so none ever acknowledge: like a Redis master without replicas it answers 0 at
// once when that is enough (numreplicas <= 0, inside MULTI), and otherwise after the timeout
// (0: never, until CLIENT UNBLOCK or the client leaves).
void WaitCmd(CommandContext& ctx) {
  int64_t timeout_ms, numreplicas;
  if (!ParseInt64(ctx.args[1], &numreplicas)) return ctx.Error(kErrNotInt);
  if (!ParseInt64(ctx.args[2], &timeout_ms)) {
    return ctx.Error("ERR timeout is not an integer or out of range");
  }
  if (timeout_ms < 0) return ctx.Error("ERR timeout is negative");
  if (numreplicas <= 0 || ctx.in_exec) return ctx.rb.Integer(0);
  int64_t deadline = 0;
  if (timeout_ms > 0) deadline = timeout_ms > INT64_MAX - ctx.now_ms ? 0 : ctx.now_ms + timeout_ms;
  BlockClientUntil(ctx, deadline);
}

void LastSaveCmd(CommandContext& ctx) { ctx.rb.Integer(ctx.server.lastsave_sec.load()); }

// ROLE: a standalone server is a master with no replicas (offset 0), which is what
// Sentinel-aware clients check before they use it.
void RoleCmd(CommandContext& ctx) {
  ctx.rb.ArrayHeader(3);
  ctx.rb.Bulk("master");
  ctx.rb.Integer(0);
  ctx.rb.ArrayHeader(0);
}

// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]. Shoal has nothing to save yet; success closes
// the connection without a reply, as Redis does.
void ShutdownCmd(CommandContext& ctx) {
  bool abort = false, save = false, nosave = false;
  for (size_t i = 1; i < ctx.args.size(); ++i) {
    std::string_view o = ctx.args[i];
    if (EqualsLower(o, "abort")) {
      abort = true;
    } else if (EqualsLower(o, "nosave")) {
      nosave = true;
    } else if (EqualsLower(o, "save")) {
      save = true;
    } else if (!EqualsLower(o, "now") && !EqualsLower(o, "force")) {
      return ctx.Error(kErrSyntax);
    }
  }
  if (save && nosave) return ctx.Error(kErrSyntax);
  if (abort) {
    if (ctx.args.size() != 2) return ctx.Error(kErrSyntax);
    return ctx.Error("ERR No shutdown in progress.");
  }
  spdlog::warn("User requested shutdown...");
  ctx.conn.close_after_reply = true;
  ctx.server.RequestShutdown();
}

}  // namespace

void RegisterServerCommands(CommandTable& t) {
  constexpr uint32_t A = kCmdAdmin | kCmdNoScript;
  t.Add({"info", -1, kCmdLoading | kCmdStale, 0, 0, 0, InfoCmd, "server",
         "Get information and statistics about the server", "1.0.0"});
  t.Add({"config",
         -2,
         0,
         0,
         0,
         0,
         ConfigCmd,
         "server",
         "A container for server configuration commands",
         "2.0.0",
         {"get", "set", "resetstat", "rewrite", "help"}});
  t.Add({"command",
         -1,
         kCmdLoading | kCmdStale,
         0,
         0,
         0,
         CommandCmd,
         "server",
         "Get array of Redis command details",
         "2.8.13",
         {"count", "info", "docs", "list", "getkeys", "getkeysandflags", "help"}});
  t.Add({"time", 1, kCmdLoading | kCmdStale | kCmdFast, 0, 0, 0, TimeCmd, "server",
         "Return the current server time", "2.6.0"});
  t.Add({"role", 1, kCmdNoScript | kCmdLoading | kCmdStale | kCmdFast, 0, 0, 0, RoleCmd, "server",
         "Return the role of the instance in the context of replication", "2.8.12"});
  t.Add({"wait", 3, kCmdNoScript, 0, 0, 0, WaitCmd, "generic",
         "Wait for the synchronous replication of all the write commands sent in the context of the "
         "current connection", "3.0.0"});
  t.Add({"lastsave", 1, kCmdLoading | kCmdStale | kCmdFast, 0, 0, 0, LastSaveCmd, "server",
         "Get the UNIX time stamp of the last successful save to disk", "1.0.0"});
  t.Add({"shutdown", -1, A | kCmdLoading | kCmdStale | kCmdNoMulti | kCmdAllowBusy, 0, 0, 0,
         ShutdownCmd, "server",
         "Synchronously save the dataset to disk and then shut down the server", "1.0.0"});
}

}  // namespace shoal
