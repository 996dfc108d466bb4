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

// Called by Dispatch with no shard lock held when maxmemory is set. Evicts while over the limit
// (at most ~1 ms of work per call: a command is not held up indefinitely, the next ones go on).
// Returns false when the command must be refused with kOomError: still over the limit with nothing
// left to evict (or noeviction), and the command may add data: denyoom, anything to be queued
// inside MULTI (queuing takes memory), or EXEC of a transaction that queued a denyoom command.
bool MakeRoomFor(Connection& conn, Worker& worker, const CommandSpec* spec);

}  // namespace shoal
