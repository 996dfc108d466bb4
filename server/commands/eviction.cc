#include "server/commands/eviction.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "server/commands/client_state.h"
#include "server/commands/command.h"
#include "server/commands/pubsub.h"
#include "server/commands/tracking.h"
#include "server/config.h"
#include "server/net/connection.h"
#include "server/net/server.h"
#include "server/net/worker.h"
#include "server/store/key_clock.h"
#include "server/store/memory.h"
#include "server/store/store.h"
#include "server/util/fast_random.h"

namespace shoal {

namespace {

constexpr size_t kPoolSize = 16;
constexpr int kMaxSamples = 1024;
constexpr size_t kVolatileScanBuckets = 4096;
// Work per call: a command waits for at most this much eviction (Redis bounds it similarly and
// lets the next commands go on evicting).
constexpr auto kMaxEvictionTime = std::chrono::microseconds(1000);

bool IsVolatile(EvictionPolicy p) {
  return p == kVolatileLru || p == kVolatileLfu || p == kVolatileRandom || p == kVolatileTtl ||
         p == kVolatileFifo;
}
bool IsRandom(EvictionPolicy p) { return p == kAllkeysRandom || p == kVolatileRandom; }

// Higher is evicted first.
uint64_t Score(const Entry* e, EvictionPolicy p) {
  switch (p) {
    case kVolatileLfu:
    case kAllkeysLfu:
      return 255 - LfuCounter(e);
    case kVolatileTtl:
      return UINT64_MAX - static_cast<uint64_t>(e->expire_at());
    default:  // lru: time since the last access; fifo: time since creation
      return IdleTicks(e);
  }
}

struct Candidate {
  uint64_t score = 0;
  int db = 0;
  uint32_t shard = 0;
  std::string key;
};

// The best candidates seen so far, kept across calls (and policy changes: a stale candidate is
// only ever a key that gets checked again). Sorted by ascending score; slots keep their string
// capacity.
class EvictionPool {
 public:
  void Offer(uint64_t score, int db, uint32_t shard, std::string_view key) {
    if (used_ == kPoolSize && score <= slots_[0].score) return;
    for (size_t i = 0; i < used_; ++i) {
      if (slots_[i].db == db && slots_[i].key == key) return;  // already in
    }
    size_t pos;
    if (used_ < kPoolSize) {
      pos = used_++;
    } else {
      // Drop the worst (index 0) and make room at the top.
      for (size_t i = 0; i + 1 < used_; ++i) std::swap(slots_[i], slots_[i + 1]);
      pos = used_ - 1;
    }
    // Sink into place.
    while (pos > 0 && slots_[pos - 1].score > score) {
      std::swap(slots_[pos], slots_[pos - 1]);
      --pos;
    }
    slots_[pos].score = score;
    slots_[pos].db = db;
    slots_[pos].shard = shard;
    slots_[pos].key.assign(key);
  }
  // Moves the best candidate into out.
  bool PopBest(Candidate* out) {
    if (used_ == 0) return false;
    std::swap(*out, slots_[--used_]);
    return true;
  }
  void Clear() { used_ = 0; }

 private:
  Candidate slots_[kPoolSize];
  size_t used_ = 0;
};

thread_local EvictionPool tls_pool;

// Samples maxmemory-samples keys of each db of one random shard into the pool, or for the random
// policies returns one sampled key directly. False if that shard had no eligible key.
bool Sample(Server& server, EvictionPolicy policy, uint32_t s, Candidate* direct) {
  Store& store = server.store();
  Shard& shard = store.shard(s);
  // Redis accepts up to INT_MAX; beyond a thousand a sample is no better, only slower.
  const int samples = std::min(server.config().maxmemory_samples(), kMaxSamples);
  const bool vol = IsVolatile(policy);
  bool found = false;
  SpinMutexLock l(&shard.mu);
  for (auto& db : shard.dbs()) {
    if (db.size() == 0 || (vol && db.volatile_keys() == 0)) continue;
    if (IsRandom(policy)) {
      // One random key; for volatile-random a few draws look for one with a TTL, then the same
      // bounded walk as below.
      Entry* pick = nullptr;
      for (int i = 0; i < 16 && pick == nullptr; ++i) {
        Entry* e = db.table().Random(FastRandom());
        if (e != nullptr && (!vol || e->has_expire())) pick = e;
      }
      if (pick == nullptr && vol) {
        db.ScanVolatile(1, kVolatileScanBuckets, [&](Entry* e) { pick = e; });
      }
      if (pick == nullptr) continue;
      direct->db = db.index();
      direct->shard = s;
      direct->key.assign(pick->key());
      return true;
    }
    // Keys with a TTL are found among all keys (there is no separate table of them). When few
    // keys have one and the sample met none, a bounded walk of the db from where the last one
    // stopped looks for them, so a volatile policy does not refuse writes while such keys exist.
    auto offer = [&](Entry* e) { tls_pool.Offer(Score(e, policy), db.index(), s, e->key()); };
    size_t n = db.table().SampleNearby(FastRandom(), samples, [&](Entry* e) {
      if (vol && !e->has_expire()) return false;
      offer(e);
      return true;
    });
    if (n == 0 && vol) n = db.ScanVolatile(samples, kVolatileScanBuckets, offer);
    found = found || n > 0;
  }
  return found;
}

// Deletes c's key if it is still there (and still volatile for a volatile policy). Deleting a key
// that had expired counts as an expiry, not an eviction, but frees the memory all the same.
bool EvictCandidate(Worker& worker, EvictionPolicy policy, const Candidate& c) {
  Server& server = worker.server();
  Shard& shard = server.store().shard(c.shard);
  SpinMutexLock l(&shard.mu);
  DbTable& db = shard.db(c.db);
  Entry* e = db.Find(c.key, worker.now_ms());
  if (e == nullptr || (IsVolatile(policy) && !e->has_expire())) return false;
  db.Delete(c.key, INT64_MIN);
  if (!shard.watch.empty()) shard.watch.Touch(c.db, c.key);
  if (TrackingActive()) TrackingKeyChanged(shard, c.key, 0);
  Bump(worker.stats().evicted_keys);
  NotifyKeyspaceEventDb(server, kNotifyEvicted, "evicted", c.key, c.db);
  return true;
}

// Evicts one key; false when no eligible key was found anywhere.
bool EvictOne(Worker& worker, EvictionPolicy policy) {
  Server& server = worker.server();
  const uint32_t shards = static_cast<uint32_t>(server.store().num_shards());
  Candidate c;
  // Every shard once at most, starting at a random one, until a candidate turns up; a
  // candidate that has gone meanwhile sends the search round again (bounded).
  for (int attempt = 0; attempt < 4; ++attempt) {
    const uint32_t start = static_cast<uint32_t>(FastRandom() % shards);
    bool found = false;
    for (uint32_t k = 0; k < shards && !found; ++k) {
      found = Sample(server, policy, (start + k) % shards, &c);
    }
    if (IsRandom(policy)) {
      if (!found) return false;
      if (EvictCandidate(worker, policy, c)) return true;
      continue;
    }
    while (tls_pool.PopBest(&c)) {
      if (EvictCandidate(worker, policy, c)) return true;
    }
    if (!found) return false;
  }
  return false;
}

bool MayAddData(Connection& conn, const CommandSpec* spec) {
  if (spec->flags & kCmdDenyOom) return true;
  ClientState* st = conn.state_if_any();
  if (st == nullptr || !st->in_multi) return false;
  // Queuing takes memory too: inside MULTI everything but the commands that end it is refused.
  std::string_view n = spec->name;
  if (n != "exec" && n != "discard" && n != "quit" && n != "reset") return true;
  if (n != "exec") return false;
  for (const auto& q : st->queued) {
    const CommandSpec* s = CommandTable::Get().Find(q[0]);
    if (s && (s->flags & kCmdDenyOom)) return true;
  }
  return false;
}

}  // namespace

EvictResult EvictToLimit(Worker& worker) {
  const Config& cfg = worker.server().config();
  const uint64_t limit = cfg.maxmemory();
  if (limit == 0 || UsedMemoryFast() <= limit) return EvictResult::kUnderLimit;
  // No eviction under CLIENT PAUSE (the dataset holds still), and no -OOM for it either: Redis
  // lets the command through.
  if (worker.server().PauseModeAt(worker.now_ms()) != Server::kPauseNone) {
    return EvictResult::kUnderLimit;
  }
  const EvictionPolicy policy = cfg.eviction_policy();
  if (policy == kNoEviction) return EvictResult::kStuck;
  const auto deadline = std::chrono::steady_clock::now() + kMaxEvictionTime;
  for (int n = 1; EvictOne(worker, policy); ++n) {
    if (UsedMemoryFast() <= limit) return EvictResult::kUnderLimit;
    if (n % 16 == 0 && std::chrono::steady_clock::now() > deadline) return EvictResult::kTimeUp;
  }
  return EvictResult::kStuck;  // nothing evictable is left
}

bool MakeRoomFor(Connection& conn, Worker& worker, const CommandSpec* spec) {
  return EvictToLimit(worker) != EvictResult::kStuck || !MayAddData(conn, spec);
}

}  // namespace shoal
