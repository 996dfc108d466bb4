// Blocking commands: parking, waking and timing out clients (see blocking.h).
#include "server/commands/blocking.h"

#include <cmath>
#include <string>
#include <vector>

#include "server/commands/client_state.h"
#include "server/commands/command.h"
#include "server/commands/keyspace_ops.h"
#include "server/net/connection.h"
#include "server/net/server.h"
#include "server/net/worker.h"
#include "server/util/string_util.h"

namespace shoal {

namespace {

// Leaves every queue the client waits in (one shard lock at a time).
void Unregister(Server& server, Connection& conn) {
  ClientState::Block& b = conn.state().block;
  Store& store = server.store();
  for (const auto& key : b.keys) {
    Shard& shard = store.shard(store.ShardOf(key));
    SpinMutexLock l(&shard.mu);
    shard.blocked.Remove(b.db, key, conn.id);
  }
}

// A wake-up that found its client gone or no longer waiting goes to the next waiter of the key.
void PassOn(Server& server, int db, const std::string& key) {
  Store& store = server.store();
  Shard& shard = store.shard(store.ShardOf(key));
  PendingWake w;
  bool found;
  {
    SpinMutexLock l(&shard.mu);
    found = TakeWaiter(shard, db, key, &w);
  }
  if (found) SendWake(server, w);
}

void Retry(Worker& worker, uint64_t conn_id, uint64_t seq, int db, const std::string& key) {
  Server& server = worker.server();
  Connection* c = worker.FindConnection(conn_id);
  ClientState* st = c ? c->state_if_any() : nullptr;
  if (!st || !c->blocked || !st->block.active || st->block.seq != seq) {
    PassOn(server, db, key);
    return;
  }
  ClientState::Block& b = st->block;
  Unregister(server, *c);
  worker.RemoveBlockDeadline(b.deadline_ms, conn_id, seq);
  b.active = false;
  c->blocked = false;
  server.blocked_clients.fetch_sub(1, std::memory_order_relaxed);
  std::vector<std::string> args = std::move(b.args);
  std::vector<std::string_view> argv(args.begin(), args.end());
  const CommandSpec* spec = CommandTable::Get().Find(argv[0]);
  b.retrying = true;
  b.woken_key = key;
  const size_t mark = c->out.size();
  RunCommand(*c, worker, spec, argv, /*locks_held=*/false, /*all_locked=*/false);
  if ((c->reply_flags & Connection::kReplyOff) && c->out.size() > mark) c->out.resize(mark);
  b.retrying = false;
  b.woken_key.clear();
  if (!c->blocked) worker.ResumeInput(c);
}

}  // namespace

bool ParseBlockTimeout(CommandContext& ctx, std::string_view arg, int64_t* deadline_ms) {
  long double secs;
  if (!ParseLongDouble(arg, &secs) || std::isnan(secs)) {
    ctx.Error("ERR timeout is not a float or out of range");
    return false;
  }
  // Redis rounds seconds * 1000 up to a whole millisecond (so 0.0001 waits 1 ms, not forever)
  // and converts it to a 64-bit integer; infinities and values past the range come out negative
  // there, so they get the same error. A tiny negative rounds up to 0: wait forever.
  long double ms = std::ceil(secs * 1000.0L);
  if (ms < 0 || !(ms < 9223372036854775807.0L)) {
    ctx.Error("ERR timeout is negative");
    return false;
  }
  int64_t t = static_cast<int64_t>(ms);
  // 0 waits forever, and so does a deadline beyond what the clock can reach.
  *deadline_ms = (t == 0 || t > INT64_MAX - ctx.now_ms) ? 0 : ctx.now_ms + t;
  return true;
}

void BlockClient(CommandContext& ctx, std::span<const std::string_view> keys,
                 int64_t deadline_ms, bool null_array) {
  ClientState& st = ctx.conn.state();
  ClientState::Block& b = st.block;
  bool front = b.retrying;
  // A client that keeps waiting after a wake-up keeps its original deadline.
  if (front) deadline_ms = b.deadline_ms;
  b.active = true;
  b.null_array = null_array;
  b.zero = false;
  ++b.seq;
  b.db = ctx.db;
  b.deadline_ms = deadline_ms;
  b.args.assign(ctx.args.begin(), ctx.args.end());
  b.keys.assign(keys.begin(), keys.end());
  BlockTable::Waiter w{ctx.worker.index(), ctx.conn.id, b.seq};
  for (auto key : keys) {
    ctx.store.shard(ctx.store.ShardOf(key)).blocked.Add(ctx.db, key, w, front);
  }
  if (deadline_ms) ctx.worker.AddBlockDeadline(deadline_ms, ctx.conn.id, b.seq);
  ctx.conn.blocked = true;
  ctx.blocked = true;
  ctx.server.blocked_clients.fetch_add(1, std::memory_order_relaxed);
}

void BlockClientUntil(CommandContext& ctx, int64_t deadline_ms) {
  BlockClient(ctx, {}, deadline_ms, /*null_array=*/false);
  ctx.conn.state().block.zero = true;
}

Woken CheckWoken(CommandContext& ctx, ObjType type, std::string_view* key) {
  ClientState* st = ctx.conn.state_if_any();
  if (!st || !st->block.retrying || st->block.woken_key.empty()) return Woken::kNo;
  *key = st->block.woken_key;
  Entry* e = ctx.Db(*key).Find(*key, ctx.now_ms);
  return e && e->obj_type() == type ? Woken::kReady : Woken::kNotReady;
}

bool TakeWaiter(Shard& shard, int db, std::string_view key, PendingWake* out) {
  BlockTable::Waiter w;
  if (!shard.blocked.PopFirst(db, key, &w)) return false;
  *out = {w.worker, w.conn_id, w.seq, db, key};
  return true;
}

void SendWake(Server& server, const PendingWake& w) {
  server.workers()[w.worker]->Post(
      [id = w.conn_id, seq = w.seq, db = w.db, key = std::string(w.key)](Worker& wk) {
        Retry(wk, id, seq, db, key);
      });
}

namespace {

// Ends c's wait without serving it: a timeout's null reply, or with error the -UNBLOCKED error
// of CLIENT UNBLOCK ... ERROR; its input runs again.
void EndWait(Worker& worker, Connection* c, ClientState* st, bool error) {
  Unregister(worker.server(), *c);
  st->block.active = false;
  st->block.args.clear();
  c->blocked = false;
  worker.server().blocked_clients.fetch_sub(1, std::memory_order_relaxed);
  if (!(c->reply_flags & Connection::kReplyOff)) {
    resp::ReplyBuilder rb(&c->out, c->proto.load(std::memory_order_relaxed));
    if (error) {
      rb.Error("UNBLOCKED client unblocked via CLIENT UNBLOCK");
    } else if (st->block.zero) {
      rb.Integer(0);
    } else if (st->block.null_array) {
      rb.NullArray();
    } else {
      rb.Null();
    }
  }
  worker.ResumeInput(c);
}

}  // namespace

void UnblockClient(Worker& worker, uint64_t conn_id, bool error) {
  Connection* c = worker.FindConnection(conn_id);
  ClientState* st = c ? c->state_if_any() : nullptr;
  if (!st || !c->blocked || !st->block.active) return;
  worker.RemoveBlockDeadline(st->block.deadline_ms, conn_id, st->block.seq);
  EndWait(worker, c, st, error);
}

int64_t ExpireBlockedClients(Worker& worker, int64_t now_ms) {
  auto& deadlines = worker.block_deadlines();
  while (!deadlines.empty()) {
    auto [deadline, id, seq] = *deadlines.begin();
    if (deadline > now_ms) return deadline;
    deadlines.erase(deadlines.begin());
    Connection* c = worker.FindConnection(id);
    ClientState* st = c ? c->state_if_any() : nullptr;
    if (!st || !c->blocked || st->block.seq != seq) continue;
    EndWait(worker, c, st, /*error=*/false);
  }
  return 0;
}

void UnblockOnClose(Server& server, Connection& conn) {
  ClientState* st = conn.state_if_any();
  if (!st || !st->block.active) return;
  Unregister(server, conn);
  st->block.active = false;
  if (conn.blocked) server.blocked_clients.fetch_sub(1, std::memory_order_relaxed);
  conn.blocked = false;
}

}  // namespace shoal
