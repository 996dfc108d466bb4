// Client-side caching (CLIENT TRACKING): remembering which clients read which keys, and sending
// them invalidations when those keys change, as Redis 7 does (default mode, OPTIN/OPTOUT, NOLOOP,
// REDIRECT, BCAST with prefixes; RESP3 pushes, or RESP2 messages on __redis__:invalidate).
//
// Reads are remembered in the key's shard (TrackingTable) under its lock, by the reading command.
// A write, an expiry or an eviction takes the key's readers under the same lock, so no read
// between the two is missed; the invalidations are queued on the writing thread and sent once the
// command is done (after its reply, and after the whole EXEC), each to the worker that owns the
// tracking client, which hands it to that client or its redirect target.
#pragma once

#include <atomic>
#include <cstdint>
#include <span>
#include <string_view>

#include "server/commands/command.h"

namespace shoal {

class Connection;
class Server;
class Shard;
class Worker;

// Whether any client has tracking on (one relaxed load): everything below is skipped otherwise.
extern std::atomic<int64_t> g_tracking_clients;
inline bool TrackingActive() { return g_tracking_clients.load(std::memory_order_relaxed) != 0; }

// After a read-only command, with its keys' shard locks held: remembers its keys for conn.
void TrackingRememberKeys(Connection& conn, Store& store, std::span<const std::string_view> args,
                          const KeyPositions& keys, std::span<const uint32_t> shards);
// After a write to key (its shard lock held): queues the invalidations owed to its readers and to
// BCAST clients whose prefix matches. writer is the writing client's id (0: the server itself).
void TrackingKeyChanged(Shard& shard, std::string_view key, uint64_t writer);
// Sends what this thread queued (no shard lock held). Cheap when nothing is queued.
void TrackingSendQueued(Worker& worker);
// FLUSHDB/FLUSHALL, every shard locked: forgets every tracked key and queues a flush
// invalidation (null) for every tracking client.
void TrackingFlush(Server& server, Store& store);
// After a command (not one run inside EXEC): CLIENT CACHING's word lasts one command, or one
// transaction.
void TrackingAfterCommand(Connection& conn, const CommandSpec* spec);
// Tracking off (CLIENT TRACKING OFF, RESET, disconnect).
void DisableTracking(Connection& conn);

// CLIENT TRACKING / TRACKINGINFO / CACHING / GETREDIR.
void ClientTrackingCmd(CommandContext& ctx);
void ClientTrackingInfoCmd(CommandContext& ctx);
void ClientCachingCmd(CommandContext& ctx);
void ClientGetRedirCmd(CommandContext& ctx);

// INFO: tracking_clients, tracking_total_keys, tracking_total_items, tracking_total_prefixes.
struct TrackingStats {
  int64_t clients;
  int64_t keys;
  int64_t items;
  int64_t prefixes;
};
TrackingStats GetTrackingStats();

}  // namespace shoal
