// Runs one parsed command: lookup, arity and auth checks, MULTI queueing, shard locking, WATCH
// invalidation, stats.
#include <cstring>
#include <ctime>

#include "absl/strings/str_cat.h"
#include "server/commands/blocking.h"
#include "server/commands/client_state.h"
#include "server/commands/command.h"
#include "server/commands/command_meta.h"
#include "server/commands/eviction.h"
#include "server/commands/monitor.h"
#include "server/commands/slowlog.h"
#include "server/commands/tracking.h"
#include "server/net/connection.h"
#include "server/net/server.h"
#include "server/net/worker.h"
#include "server/util/cycle_clock.h"
#include "server/util/string_util.h"

namespace shoal {

namespace {


void ReplyUnknownCommand(resp::ReplyBuilder& rb, std::span<const std::string_view> args) {
  // Redis 7 wording: the name and up to 128 bytes of quoted arguments, each followed by a space.
  std::string list;
  for (size_t i = 1; i < args.size() && list.size() < 128; ++i) {
    size_t room = 128 - list.size();
    CatAppend(&list, "'", CStr(args[i]).substr(0, room), "' ");
  }
  rb.Error(Cat("ERR unknown command '", CStr(args[0]).substr(0, 128),
               "', with args beginning with: ", list));
}

// A container's subcommand must exist and have its arity before MULTI queues it, as in Redis
// (outside MULTI the container's handler answers the same errors). Replies and returns false.
bool CheckSubcommand(resp::ReplyBuilder& rb, const CommandSpec* spec,
                     std::span<const std::string_view> args) {
  if (spec->subcommands.empty() || args.size() < 2) return true;
  char buf[64];
  const CommandMeta* meta = nullptr;
  std::string_view sub;
  if (spec->name.size() + 1 < sizeof(buf)) {
    memcpy(buf, spec->name.data(), spec->name.size());
    buf[spec->name.size()] = '|';
    char* rest = buf + spec->name.size() + 1;
    if (ToLowerInto(args[1], rest, sizeof(buf) - (rest - buf), &sub)) {
      meta = FindCommandMeta(std::string_view(buf, rest - buf + sub.size()));
    }
  }
  if (meta == nullptr) {
    std::string upper(spec->name);
    for (auto& ch : upper) ch = static_cast<char>(toupper(static_cast<unsigned char>(ch)));
    rb.Error(
        Cat("ERR unknown subcommand '", CStr(args[1]).substr(0, 128), "'. Try ", upper, " HELP."));
    return false;
  }
  const int argc = static_cast<int>(args.size());
  if ((meta->arity > 0 && argc != meta->arity) || argc < -meta->arity) {
    rb.Error(WrongArityMessage(meta->name));
    return false;
  }
  return true;
}

// Commands that run at once inside MULTI instead of being queued.
bool RunsInsideMulti(const CommandSpec* spec) {
  std::string_view n = spec->name;
  return n == "exec" || n == "discard" || n == "multi" || n == "watch" || n == "quit" ||
         n == "reset";
}

// What a RESP2 client may send while subscribed.
bool AllowedWhileSubscribed(const CommandSpec* spec) {
  std::string_view n = spec->name;
  return n == "subscribe" || n == "psubscribe" || n == "unsubscribe" || n == "punsubscribe" ||
         n == "ping" || n == "quit" || n == "reset" || n == "ssubscribe" || n == "sunsubscribe";
}

// A refused command inside MULTI makes the whole transaction fail at EXEC.
void FlagTransaction(Connection& conn) {
  if (conn.has_state() && conn.state().in_multi) conn.state().multi_aborted = true;
}

// CLIENT PAUSE: whether spec must wait, and if so holds the client (its worker re-runs the
// command when the pause ends). Under WRITE only what writes waits, an EXEC whose queue writes too.
bool PostponedByPause(Connection& conn, Worker& worker, const CommandSpec* spec) {
  Server& server = worker.server();
  Server::PauseMode mode = server.PauseModeAt(worker.now_ms());
  if (mode == Server::kPauseNone) [[likely]] return false;
  if (mode == Server::kPauseWrite && !(spec->flags & (kCmdWrite | kCmdMayReplicate))) {
    ClientState* st = conn.state_if_any();
    if (spec->name != "exec" || st == nullptr || !st->in_multi) return false;
    bool writes = false;
    for (const auto& q : st->queued) {
      const CommandSpec* qs = CommandTable::Get().Find(q[0]);
      if (qs && (qs->flags & (kCmdWrite | kCmdMayReplicate))) writes = true;
    }
    if (!writes) return false;
  }
  // CLIENT LIST names the command it waits with.
  conn.last_sub.store(-1, std::memory_order_relaxed);
  conn.last_cmd.store(spec->id, std::memory_order_relaxed);
  worker.Postpone(&conn);
  return true;
}

}  // namespace

void CommandKeyPositions(const CommandSpec& spec, std::span<const std::string_view> args,
                         KeyPositions* out) {
  if (spec.keys) {
    spec.keys(args, out);
    return;
  }
  if (spec.first_key <= 0) return;
  int argc = static_cast<int>(args.size());
  int last = spec.last_key < 0 ? argc + spec.last_key : spec.last_key;
  for (int i = spec.first_key; i <= last && i < argc; i += spec.step) out->push_back(i);
}

void LockAllShards(CommandContext& ctx) {
  if (!ctx.all_shards_locked) ctx.store.LockAll();
}

void UnlockAllShards(CommandContext& ctx) {
  if (!ctx.all_shards_locked) ctx.store.UnlockAll();
}

namespace {
void DispatchCommand(Connection& conn, Worker& worker, std::span<const std::string_view> args,
                     uint32_t arg1_shard);
}  // namespace

void Dispatch(Connection& conn, Worker& worker, std::span<const std::string_view> args,
              uint32_t arg1_shard) {
  if (conn.reply_flags == 0) [[likely]] {
    DispatchCommand(conn, worker, args, arg1_shard);
    if (conn.reply_flags == 0) [[likely]] return;
    // The command was CLIENT REPLY OFF or SKIP: the bookkeeping below applies from here on.
    if (conn.reply_flags & Connection::kReplySkipNext) {
      conn.reply_flags = static_cast<uint8_t>(
          (conn.reply_flags & ~Connection::kReplySkipNext) | Connection::kReplySkip);
    }
    return;
  }
  // Under CLIENT REPLY OFF/SKIP whatever the command answers is dropped (CLIENT REPLY ON clears
  // the flags before its +OK, which therefore stays); a SKIP lasts one command.
  const size_t mark = conn.out.size();
  DispatchCommand(conn, worker, args, arg1_shard);
  // Held by CLIENT PAUSE: it has not run yet, so a SKIP still applies to it when it does.
  if (conn.postponed.load(std::memory_order_relaxed)) return;
  if (conn.replies_dropped() && conn.out.size() > mark) conn.out.resize(mark);
  uint8_t f = conn.reply_flags & static_cast<uint8_t>(~Connection::kReplySkip);
  if (f & Connection::kReplySkipNext) {
    f = static_cast<uint8_t>((f & ~Connection::kReplySkipNext) | Connection::kReplySkip);
  }
  conn.reply_flags = f;
}

namespace {
void DispatchCommand(Connection& conn, Worker& worker, std::span<const std::string_view> args,
                     uint32_t arg1_shard) {
  resp::ReplyBuilder rb(&conn.out, conn.proto.load(std::memory_order_relaxed));
  const CommandSpec* spec = CommandTable::Get().Find(args[0]);
  if (spec == nullptr) {
    ReplyUnknownCommand(rb, args);
    FlagTransaction(conn);
    return;
  }
  CommandStats& cs = worker.stats().per_command[spec->id];
  int argc = static_cast<int>(args.size());
  if ((spec->arity > 0 && argc != spec->arity) || argc < -spec->arity) {
    Bump(cs.rejected);
    if (spec->name == "exec") {
      // Redis aborts the transaction on a refused EXEC (in MULTI or not), as EXEC itself would.
      if (ClientState* st = conn.state_if_any()) {
        if (st->in_multi) DiscardTransaction(conn);
        UnwatchAll(worker.server(), conn);
      }
      rb.Error(absl::StrCat("EXECABORT Transaction discarded because of: ",
                            WrongArityMessage(spec->name).substr(4)));
      return;
    }
    rb.Error(WrongArityMessage(spec->name));
    FlagTransaction(conn);
    return;
  }
  if (!conn.authenticated && !(spec->flags & kCmdNoAuth)) {
    rb.Error("NOAUTH Authentication required.");
    Bump(cs.rejected);
    FlagTransaction(conn);
    return;
  }
  if (worker.server().config().maxmemory() != 0 && !MakeRoomFor(conn, worker, spec)) {
    rb.Error(kOomError);
    Bump(cs.rejected);
    FlagTransaction(conn);
    return;
  }
  if ((spec->flags & kCmdDenyOom) && entry_arena::Full()) {
    rb.Error("OOM command not allowed: the keyspace's address range is nearly full");
    Bump(cs.rejected);
    FlagTransaction(conn);
    return;
  }
  if (ClientState* st = conn.state_if_any()) {
    if (st->in_multi && (spec->flags & kCmdNoMulti)) {
      rb.Error("ERR Command not allowed inside a transaction");
      Bump(cs.rejected);
      FlagTransaction(conn);
      return;
    }
    if (st->in_multi && !RunsInsideMulti(spec)) {
      if (!CheckSubcommand(rb, spec, args)) {
        Bump(cs.rejected);
        st->multi_aborted = true;
        return;
      }
      // As in Redis the pause applies before queueing: a queued write waits under WRITE too.
      if (PostponedByPause(conn, worker, spec)) return;
      // Redis limits nothing here either, but an unbounded queue is unbounded memory: the
      // query-buffer limit bounds what one transaction may hold.
      size_t bytes = 0;
      for (auto a : args) bytes += a.size() + sizeof(std::string);
      if (st->queued_bytes + bytes > worker.server().config().client_query_buffer_limit()) {
        rb.Error("ERR transaction too large: its queued commands exceed client-query-buffer-limit");
        st->multi_aborted = true;
        return;
      }
      st->queued.emplace_back(args.begin(), args.end());
      st->queued_bytes += bytes;
      conn.multi_count.store(static_cast<int>(st->queued.size()), std::memory_order_relaxed);
      rb.Simple("QUEUED");
      return;
    }
    if (st->subscriptions() > 0 && conn.proto.load(std::memory_order_relaxed) < 3 &&
        !AllowedWhileSubscribed(spec)) {
      // Named as Redis names it: with the subcommand ('client|reply').
      std::string name(spec->name);
      for (std::string_view sc : spec->subcommands) {
        if (args.size() > 1 && EqualsLower(args[1], sc)) name = Cat(name, "|", sc);
      }
      rb.Error(Cat("ERR Can't execute '", name,
                   "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed "
                   "in this context"));
      Bump(cs.rejected);
      return;
    }
  }
  if (PostponedByPause(conn, worker, spec)) [[unlikely]] return;
  RunCommand(conn, worker, spec, args, /*locks_held=*/false, /*all_locked=*/false, arg1_shard);
}
}  // namespace

void RunCommand(Connection& conn, Worker& worker, const CommandSpec* spec,
                std::span<const std::string_view> args, bool locks_held, bool all_locked,
                uint32_t arg1_shard) {
  resp::ReplyBuilder rb(&conn.out, conn.proto.load(std::memory_order_relaxed));
  CommandStats& cs = worker.stats().per_command[spec->id];
  Server& server = worker.server();
  Store& store = server.store();
  // The worker refreshes its clock for every batch it reads: one clock read per batch, not per
  // command (clock_gettime is ~60 ns on a paravirtualized clock).
  CommandContext ctx{args, rb, conn, worker, server, store, spec,
                     conn.db.load(std::memory_order_relaxed), worker.now_ms()};
  ctx.all_shards_locked = all_locked;
  ctx.in_exec = locks_held;
  conn.last_cmd.store(spec->id, std::memory_order_relaxed);
  int sub = -1;
  if (!spec->subcommands.empty() && args.size() > 1) {
    for (size_t i = 0; i < spec->subcommands.size(); ++i) {
      if (EqualsLower(args[1], spec->subcommands[i])) sub = static_cast<int>(i);
    }
  }
  conn.last_sub.store(sub, std::memory_order_relaxed);
  const uint64_t start = worker.CommandStart();
  absl::InlinedVector<PendingWake, 2> wakes;
  {
    ShardLockSet locks;
    KeyPositions keys;
    absl::InlinedVector<uint32_t, 8> shards;
    if (!(spec->flags & kCmdSelfLocking)) CommandKeyPositions(*spec, args, &keys);
    for (int i : keys) {
      shards.push_back(i == 1 && arg1_shard != kNoShard ? arg1_shard : store.ShardOf(args[i]));
    }
    if (!keys.empty()) {
      ctx.known_key = args[keys[0]];
      ctx.known_shard = shards[0];
    }
    // Unlocks every shard at the end of the scope when this command took them all.
    struct AllShards {
      Store* store = nullptr;
      ~AllShards() {
        if (store) store->UnlockAll();
      }
    } all_shards;
    if (!locks_held && (spec->flags & kCmdLockAll)) {
      store.LockAll();
      all_shards.store = &store;
      ctx.all_shards_locked = true;
    } else if (!locks_held && !keys.empty()) {
      for (uint32_t s : shards) locks.Add(s);
      locks.Acquire(store);
    }
    int db = ctx.db;
    spec->handler(ctx);
    if ((spec->flags & kCmdReadonly) && conn.tracking.load(std::memory_order_relaxed) &&
        !keys.empty()) [[unlikely]] {
      TrackingRememberKeys(conn, store, args, keys, shards);
    }
    // Any write invalidates the WATCHes on its keys (whether or not it changed them, which errs
    // on the side of failing an EXEC the client will retry) and wakes the first client blocked on
    // each of them.
    if ((spec->flags & kCmdWrite) && !ctx.failed && !ctx.blocked) {
      const bool tracking = TrackingActive();
      for (size_t k = (spec->flags & kCmdLockAll) ? 1 : 0; k < keys.size(); ++k) {
        Shard& shard = store.shard(shards[k]);
        if (!shard.watch.empty()) shard.watch.Touch(db, args[keys[k]]);
        if (tracking) [[unlikely]] TrackingKeyChanged(shard, args[keys[k]], conn.id);
        if (!shard.blocked.empty()) {
          PendingWake w;
          if (TakeWaiter(shard, db, args[keys[k]], &w)) wakes.push_back(w);
        }
      }
    }
  }
  // Wake-ups leave after the shard locks are released; so do invalidations, after the reply (and,
  // for the commands of an EXEC, after the whole transaction's).
  for (const auto& w : wakes) SendWake(server, w);
  if (!locks_held && TrackingActive()) [[unlikely]] {
    TrackingSendQueued(worker);
    if (conn.tracking.load(std::memory_order_relaxed)) TrackingAfterCommand(conn, spec);
  }
  if (MonitorsActive()) [[unlikely]] FeedMonitors(server, conn, *spec, sub, args);
  const uint64_t end = CycleNow();
  worker.CommandEnded(end);
  const uint64_t took =
      static_cast<uint64_t>(static_cast<double>(end - start) / CyclesPerMicrosecond());
  Bump(cs.calls);
  Bump(cs.usec, took);
  MaybeLogSlow(server, conn, spec, args, took);
  if (ctx.failed) Bump(cs.failed);
  Bump(worker.stats().commands);
}

}  // namespace shoal
