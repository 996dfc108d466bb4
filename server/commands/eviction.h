// Eviction under maxmemory: before a command runs while used memory is over the limit, keys are
// deleted by maxmemory-policy until it is under again.
//
// Candidates are found by sampling, as Redis does: maxmemory-samples random keys of a random
// shard (only keys with a TTL for the volatile-* policies) are offered to a per-worker pool that
// keeps the 16 best seen so far, and the best one still present is evicted. Best means: idlest
// (lru), least frequently used (lfu, the decayed counter of key_clock.h), oldest (fifo), nearest
// deadline (volatile-ttl); the random policies take any sampled key.
#pragma once

namespace shoal {

class Connection;
class Worker;
struct CommandSpec;

inline constexpr char kOomError[] = "OOM command not allowed when used memory > 'maxmemory'.";

enum class EvictResult { kUnderLimit, kTimeUp, kStuck };

// While used memory is over maxmemory, evicts by the policy for at most ~1 ms. kTimeUp: still
// over, more to evict; kStuck: still over with nothing evictable (or noeviction). No shard lock
// may be held. Each worker's cron calls it too, so memory comes down after CONFIG SET maxmemory
// (or a burst of client buffers) without waiting for commands, as Redis' eviction timer does.
EvictResult EvictToLimit(Worker& worker);

// Called by Dispatch with no shard lock held when maxmemory is set. Evicts while over the limit
// (at most ~1 ms of work per call: a command is not held up indefinitely, the next ones go on).
// Returns false when the command must be refused with kOomError: still over the limit with nothing
// left to evict (or noeviction), and the command may add data: denyoom, anything to be queued
// inside MULTI (queuing takes memory), or EXEC of a transaction that queued a denyoom command.
bool MakeRoomFor(Connection& conn, Worker& worker, const CommandSpec* spec);

}  // namespace shoal
