// Blocking commands (BLPOP, BLMOVE, BZPOPMIN, ...): parking a client on keys, waking it when one of
// them is written, and timing it out.
//
// A parked client is queued on each of its keys in its shard's BlockTable. A write to such a key
// hands the first waiter a wake-up through its worker's mailbox; that worker re-runs the
// client's command as if it had just arrived. If the command finds nothing (another client was
// quicker), it parks again at the front of the queues, so waiters are served in arrival order.
// Elements are only ever taken by the woken client's own command, under the key's lock: one that
// disconnects meanwhile takes nothing, and its wake-up passes to the next waiter.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "server/store/value.h"

namespace shoal {

class Connection;
class Server;
class Shard;
class Worker;
struct CommandContext;

// Parses a blocking timeout in seconds (fractions allowed, 0 = forever) into an absolute
// deadline in ms (0 = none). Replies Redis' error and returns false on a bad value.
bool ParseBlockTimeout(CommandContext& ctx, std::string_view arg, int64_t* deadline_ms);

// Parks the client on keys (in ctx.db; the dispatcher holds their shard locks). null_array says
// what a timeout answers. Inside EXEC the caller must answer at once instead (ctx.in_exec).
void BlockClient(CommandContext& ctx, std::span<const std::string_view> keys,
                 int64_t deadline_ms, bool null_array);
// Parks the client on no key until the deadline (WAIT with no replica to wait for), which it
// then answers with :0; CLIENT UNBLOCK ends it the same way (or with its error).
void BlockClientUntil(CommandContext& ctx, int64_t deadline_ms);

// On the retry after a wake-up Redis serves the client from the key that was written, and only
// if it now holds the command's type; otherwise the client keeps waiting. kReady gives that key.
enum class Woken { kNo, kReady, kNotReady };
Woken CheckWoken(CommandContext& ctx, ObjType type, std::string_view* key);

// After a write to key (its shard lock held): takes the first waiter, if any, to wake once the
// locks are released. Returns false when nobody waits.
struct PendingWake {
  int worker;
  uint64_t conn_id;
  uint64_t seq;
  int db;
  std::string_view key;  // valid until the command's arguments go away
};
bool TakeWaiter(Shard& shard, int db, std::string_view key, PendingWake* out);
// Sends the wake-up to the waiter's worker (no lock held).
void SendWake(Server& server, const PendingWake& w);

// CLIENT UNBLOCK, on the worker that owns conn_id: ends its wait now as a timeout would, or with
// error the -UNBLOCKED error. Nothing happens when it is no longer blocked.
void UnblockClient(Worker& worker, uint64_t conn_id, bool error);
// Times out the clients of this worker whose deadline passed; returns the next deadline (ms) or 0.
int64_t ExpireBlockedClients(Worker& worker, int64_t now_ms);
// A closing connection leaves the queues it waits in.
void UnblockOnClose(Server& server, Connection& conn);

}  // namespace shoal
