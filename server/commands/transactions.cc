// MULTI EXEC DISCARD WATCH UNWATCH: queued commands run atomically across shards at EXEC.
#include <string>
#include <vector>

#include "server/commands/blocking.h"
#include "server/commands/client_state.h"
#include "server/commands/command.h"
#include "server/commands/monitor.h"
#include "server/commands/tracking.h"
#include "server/net/connection.h"
#include "server/net/server.h"
#include "server/net/worker.h"
#include "server/util/string_util.h"

namespace shoal {

void UnwatchAll(Server& server, Connection& conn) {
  ClientState* st = conn.state_if_any();
  if (!st || st->watched.empty()) return;
  Store& store = server.store();
  for (const auto& w : st->watched) {
    Shard& shard = store.shard(store.ShardOf(w.key));
    SpinMutexLock l(&shard.mu);
    shard.watch.Remove(w.db, w.key, &st->watch_dirty);
  }
  st->watched.clear();
  st->watch_dirty.store(false, std::memory_order_relaxed);
}

void DiscardTransaction(Connection& conn) {
  ClientState& st = conn.state();
  conn.multi_count.store(-1, std::memory_order_relaxed);
  st.in_multi = false;
  st.multi_aborted = false;
  st.queued.clear();
  st.queued.shrink_to_fit();
  st.queued_bytes = 0;
}

namespace {

void MultiCmd(CommandContext& ctx) {
  ClientState& st = ctx.conn.state();
  if (st.in_multi) return ctx.Error("ERR MULTI calls can not be nested");
  st.in_multi = true;
  ctx.conn.multi_count.store(0, std::memory_order_relaxed);
  ctx.rb.Ok();
}

void DiscardCmd(CommandContext& ctx) {
  ClientState* st = ctx.conn.state_if_any();
  if (!st || !st->in_multi) return ctx.Error("ERR DISCARD without MULTI");
  DiscardTransaction(ctx.conn);
  UnwatchAll(ctx.server, ctx.conn);
  ctx.rb.Ok();
}

void WatchCmd(CommandContext& ctx) {
  ClientState& st = ctx.conn.state();
  if (st.in_multi) return ctx.Error("ERR WATCH inside MULTI is not allowed");
  for (size_t i = 1; i < ctx.args.size(); ++i) {
    std::string_view key = ctx.args[i];
    bool already = false;
    for (const auto& w : st.watched) {
      if (w.db == ctx.db && w.key == key) already = true;
    }
    if (already) continue;
    Shard& shard = ctx.store.shard(ctx.store.ShardOf(key));
    SpinMutexLock l(&shard.mu);
    bool existed = shard.db(ctx.db).Find(key, ctx.now_ms) != nullptr;
    shard.watch.Add(ctx.db, key, &st.watch_dirty);
    st.watched.push_back({ctx.db, std::string(key), existed});
  }
  ctx.rb.Ok();
}

void UnwatchCmd(CommandContext& ctx) {
  UnwatchAll(ctx.server, ctx.conn);
  ctx.rb.Ok();
}

// A watched key that existed when watched and is gone now without a write having touched it has
// expired in between, which Redis counts as a change.
bool WatchedKeyExpired(CommandContext& ctx, const ClientState& st) {
  for (const auto& w : st.watched) {
    if (!w.existed) continue;
    Shard& shard = ctx.store.shard(ctx.store.ShardOf(w.key));
    if (!shard.db(w.db).Find(w.key, ctx.now_ms)) return true;
  }
  return false;
}

void ExecCmd(CommandContext& ctx) {
  ClientState* st = ctx.conn.state_if_any();
  if (!st || !st->in_multi) return ctx.Error("ERR EXEC without MULTI");
  if (st->multi_aborted) {
    DiscardTransaction(ctx.conn);
    UnwatchAll(ctx.server, ctx.conn);
    return ctx.Error("EXECABORT Transaction discarded because of previous errors.");
  }
  std::vector<std::vector<std::string>> queued = std::move(st->queued);
  DiscardTransaction(ctx.conn);

  // Resolve every command first, then hold the shards of all their keys (and of the watched keys)
  // for the whole transaction, so no other client sees it half done. A whole-keyspace command
  // (FLUSHALL, KEYS, ...) inside means holding every shard.
  CommandTable& table = CommandTable::Get();
  std::vector<const CommandSpec*> specs;
  std::vector<std::vector<std::string_view>> argv(queued.size());
  bool all = false;
  ShardLockSet locks;
  for (size_t i = 0; i < queued.size(); ++i) {
    argv[i].assign(queued[i].begin(), queued[i].end());
    const CommandSpec* spec = table.Find(argv[i][0]);
    specs.push_back(spec);
    if (spec->flags & (kCmdSelfLocking | kCmdLockAll)) all = true;
    KeyPositions keys;
    CommandKeyPositions(*spec, argv[i], &keys);
    for (int k : keys) locks.Add(ctx.store.ShardOf(argv[i][k]));
  }
  for (const auto& w : st->watched) locks.Add(ctx.store.ShardOf(w.key));
  if (all) {
    ctx.store.LockAll();
  } else {
    locks.Acquire(ctx.store);
  }
  bool dirty = st->watch_dirty.load(std::memory_order_relaxed) || WatchedKeyExpired(ctx, *st);
  if (dirty) {
    ctx.rb.NullArray();
  } else {
    ctx.rb.ArrayHeader(queued.size());
    for (size_t i = 0; i < queued.size(); ++i) {
      RunCommand(ctx.conn, ctx.worker, specs[i], argv[i], /*locks_held=*/true, all);
    }
  }
  if (all) {
    ctx.store.UnlockAll();
  } else {
    locks.Release();
  }
  UnwatchAll(ctx.server, ctx.conn);
}

}  // namespace

void RegisterTransactionCommands(CommandTable& t) {
  constexpr uint32_t F = kCmdFast, NS = kCmdNoScript, LS = kCmdLoading | kCmdStale,
                     AB = kCmdAllowBusy;
  t.Add({"multi", 1, F | NS | LS | AB, 0, 0, 0, MultiCmd, "transactions",
         "Mark the start of a transaction block", "1.2.0"});
  t.Add({"exec", 1, NS | LS | kCmdSkipSlowlog, 0, 0, 0, ExecCmd, "transactions",
         "Execute all commands issued after MULTI", "1.2.0"});
  t.Add({"discard", 1, F | NS | LS | AB, 0, 0, 0, DiscardCmd, "transactions",
         "Discard all commands issued after MULTI", "2.0.0"});
  t.Add({"watch", -2, F | NS | LS | AB | kCmdSelfLocking, 1, -1, 1, WatchCmd, "transactions",
         "Watch the given keys to determine execution of the MULTI/EXEC block", "2.2.0"});
  t.Add({"unwatch", 1, F | NS | LS | AB, 0, 0, 0, UnwatchCmd, "transactions",
         "Forget about all watched keys", "2.2.0"});
}

void ReleaseClientState(Server& server, Connection& conn) {
  StopMonitoring(conn);
  if (!conn.has_state()) return;
  UnwatchAll(server, conn);
  ReleaseSubscriptions(server, conn);
  UnblockOnClose(server, conn);
  DisableTracking(conn);
}

}  // namespace shoal
