// The sharded keyspace: Shard[S] × Db[N], each shard with its own lock, table and expiry state.
#pragma once

#include <atomic>
#include <bit>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "server/util/mutex.h"
#include "datastructs/crc16.h"
#include "datastructs/dict.h"
#include "server/store/value.h"

namespace shoal {

struct EntryTraits {
  using Link = EntryLink;
  static Entry* Decode(Link l) { return entry_arena::FromLink(l); }
  static Link Encode(const Entry* e) { return entry_arena::ToLink(e); }
  static std::string_view Key(const Entry* e) { return e->key(); }
  static Link& Next(Entry* e) { return e->next; }
  static uint64_t Hash(std::string_view key) { return HashBytes(key); }
};
using KeyTable = Dict<Entry, EntryTraits>;

// Wall-clock milliseconds since the epoch (TTL deadlines are absolute, as PEXPIREAT takes them).
int64_t NowMs();
// Coarse access clock in seconds for OBJECT IDLETIME (updated by the workers' cron).
uint32_t LruClock();
void UpdateLruClock();

// Keyspace-notification hooks, installed once at start-up: a key deleted by expiry, and a key
// added that did not exist ("new"). Called with the shard lock held.
using KeyEventHook = void (*)(int db, std::string_view key);
void SetKeyEventHooks(KeyEventHook expired, KeyEventHook added);

// Where a key's entry hangs in its table (a bucket or the previous entry's `next`): FindLink's
// result, which lets a command replace the entry in place (DbTable::Replace). Valid until the
// table changes; false when the key is absent.
class EntrySlot {
 public:
  EntrySlot() = default;
  EntrySlot(std::nullptr_t) {}  // NOLINT: absent, as FindLink returns it
  explicit EntrySlot(EntryLink* link) : link_(link) {}
  explicit operator bool() const { return link_ != nullptr; }
  bool operator==(std::nullptr_t) const { return link_ == nullptr; }
  Entry* operator*() const { return entry_arena::FromLink(*link_); }

 private:
  friend class DbTable;
  EntryLink* link_ = nullptr;
};

// One database's keys inside one shard. Every method needs the shard's lock held.
class DbTable {
 public:
  DbTable() = default;
  DbTable(DbTable&& o) noexcept { *this = std::move(o); }
  DbTable& operator=(DbTable&& o) noexcept;
  ~DbTable();

  // Prefetching for a batch of lookups, without the shard lock: the worker calls PrefetchBucket
  // for every command of a batch (a pipeline, or the receives of one round) before running any,
  // so their cache misses overlap, and then PrefetchChain for each, by which time the bucket has
  // had time to arrive: it reads the bucket and starts the miss on the first entry of its chain
  // (where the key is, unless the bucket is shared), which is otherwise the lookup's one stall.
  // Both work from a hint (the bucket array and its size in one relaxed atomic word) that may be
  // stale; a prefetch of a stale address is harmless, and PrefetchChain only reads where that is
  // safe too (entry_arena::StaleReadsSafe). Both take the key's hash (KeyHash).
  static uint64_t KeyHash(std::string_view key) { return HashBytes(key); }
  void PrefetchBucket(uint64_t hash) const {
    const uint64_t hint = hint_.load(std::memory_order_relaxed);
    if (hint != 0) __builtin_prefetch(HintBase(hint) + (hash & HintMask(hint)));
  }
  void PrefetchChain(uint64_t hash) const;

  // Looks a key up, deleting it first if its deadline has passed (lazy expiry): an expired key is
  // never visible.
  Entry* Find(std::string_view key, int64_t now_ms);
  // Link to the entry (for in-place replacement), after the same lazy expiry; nullptr if absent.
  EntrySlot FindLink(std::string_view key, int64_t now_ms);
  // Adds a new entry; the key must be absent.
  void Insert(Entry* e);
  // Puts repl where *link's entry is (same key) and frees the old one; with free_value false only
  // the old entry is freed because repl took over its collection (see RekeyEntry).
  void Replace(EntrySlot link, Entry* repl, bool free_value = true);
  // Removes and frees; false if absent (or expired).
  bool Delete(std::string_view key, int64_t now_ms);
  // Unlinks and returns the live entry without freeing it, or nullptr.
  Entry* Detach(std::string_view key, int64_t now_ms);
  void Clear();

  size_t size() const { return table_.size(); }
  // The db number this table holds (it moves with SWAPDB).
  int index() const { return index_; }
  void set_index(int i) { index_ = i; }
  size_t volatile_keys() const { return volatile_keys_; }
  KeyTable& table() { return table_; }
  uint64_t expired_keys() const { return expired_keys_; }

  // One bounded pass of the active expiry cycle; returns (sampled, expired).
  std::pair<size_t, size_t> ExpireSome(int64_t now_ms, size_t max_samples, size_t max_buckets);

  // Walks up to max_buckets buckets on from where its last call stopped, calling fn(Entry*) for
  // up to `want` keys that have a TTL; returns how many. Eviction's fallback for the volatile
  // policies when random sampling met no key with a TTL (a few among many keys). fn must not
  // change the table.
  template <typename Fn>
  size_t ScanVolatile(size_t want, size_t max_buckets, Fn&& fn) {
    if (volatile_keys_ == 0) return 0;
    size_t got = 0;
    size_t buckets = 0;
    do {
      evict_cursor_ = table_.Scan(evict_cursor_, [&](Entry* e) {
        if (got < want && e->has_expire()) {
          fn(e);
          ++got;
        }
      });
      ++buckets;
    } while (evict_cursor_ != 0 && got < want && buckets < max_buckets);
    return got;
  }

  // Moves the whole content out (FLUSH ASYNC frees it elsewhere).
  KeyTable TakeTable();

 private:
  void Account(const Entry* e, int sign) {
    if (e->has_expire()) volatile_keys_ += sign;
  }
  void ExpireNow(std::string_view key);
  // Publishes the table's current bucket array for PrefetchBucket (after operations that may
  // have resized it).
  void RefreshHint() {
    const auto base = reinterpret_cast<uintptr_t>(table_.bucket_array());
    const uint64_t hint = base == 0 || (base >> 48) != 0
                              ? 0  // (user addresses fit in 47 bits; otherwise no hint)
                              : base | (uint64_t(std::popcount(table_.bucket_mask())) << 48);
    if (hint != hint_.load(std::memory_order_relaxed)) hint_.store(hint, std::memory_order_relaxed);
  }

  KeyTable table_;
  size_t volatile_keys_ = 0;
  uint64_t expired_keys_ = 0;
  uint64_t expire_cursor_ = 0;
  uint64_t evict_cursor_ = 0;
  int index_ = 0;
  // The bucket array's address in the low 48 bits, log2 of its bucket count above (one word, so
  // a reader never pairs one array with another's size); 0 when there is none.
  std::atomic<uint64_t> hint_{0};
  static const EntryLink* HintBase(uint64_t hint) {
    return reinterpret_cast<const EntryLink*>(hint & ((uint64_t{1} << 48) - 1));
  }
  static uint64_t HintMask(uint64_t hint) { return (uint64_t{1} << (hint >> 48)) - 1; }
};

// The clients WATCHing keys of one shard: for each (db, key), the dirty flags of the watching
// clients. Any write to the key sets them, which makes those clients' EXEC fail. Guarded by the
// shard's lock; a db index stays with its watchers when SWAPDB swaps the tables.
class WatchTable {
 public:
  explicit WatchTable(int num_dbs) : by_db_(num_dbs) {}
  bool empty() const { return entries_ == 0; }
  void Add(int db, std::string_view key, std::atomic<bool>* flag);
  void Remove(int db, std::string_view key, std::atomic<bool>* flag);
  // Marks every client watching key in db.
  void Touch(int db, std::string_view key);
  // Marks the watchers of every watched key of db for which has_key(key) is true (FLUSHDB,
  // SWAPDB: Redis only counts keys that existed as modified).
  template <typename Pred>
  void TouchIf(int db, Pred&& has_key) {
    if (entries_ == 0) return;
    for (auto& [key, flags] : by_db_[db]) {
      if (has_key(std::string_view(key))) {
        for (auto* f : flags) f->store(true, std::memory_order_relaxed);
      }
    }
  }

 private:
  std::vector<absl::flat_hash_map<std::string, std::vector<std::atomic<bool>*>>> by_db_;
  size_t entries_ = 0;
};

// Clients blocked on keys of one shard (BLPOP, BZPOPMIN, ...), in arrival order per key. A write
// to a key hands its first waiter a wake-up; the waiter's own worker then retries the command.
// Guarded by the shard's lock.
class BlockTable {
 public:
  struct Waiter {
    int worker;        // index of the worker owning the connection
    uint64_t conn_id;  // client id
    uint64_t seq;      // which blocking episode of that client (stale wake-ups are passed on)
  };
  explicit BlockTable(int num_dbs) : by_db_(num_dbs) {}
  bool empty() const { return entries_ == 0; }
  // Queues w on key; at the front when a retried waiter found nothing and keeps its turn.
  void Add(int db, std::string_view key, const Waiter& w, bool front);
  void Remove(int db, std::string_view key, uint64_t conn_id);
  // Takes the first waiter of key, if any.
  bool PopFirst(int db, std::string_view key, Waiter* out);

 private:
  std::vector<absl::flat_hash_map<std::string, std::deque<Waiter>>> by_db_;
  size_t entries_ = 0;
};

// Client-side caching (CLIENT TRACKING): for each key of one shard, the clients that read it while
// tracking and may keep it in a local cache. Keys are names, whatever their db, as in Redis. A
// write takes the key's readers (they get an invalidation) and forgets the key. Guarded by the
// shard's lock.
class TrackingTable {
 public:
  struct Reader {
    int worker;
    uint64_t conn_id;
  };
  using Readers = absl::InlinedVector<Reader, 2>;
  bool empty() const { return keys_.empty(); }
  size_t size() const { return keys_.size(); }
  size_t items() const { return items_; }
  // Returns how many keys the table gained (0 or 1).
  size_t Remember(std::string_view key, Reader r) {
    auto [it, added] = keys_.try_emplace(absl::string_view(key.data(), key.size()));
    for (const Reader& x : it->second) {
      if (x.conn_id == r.conn_id) return 0;
    }
    it->second.push_back(r);
    ++items_;
    return added ? 1 : 0;
  }
  // Hands key's readers to fn(key, readers) and forgets the key; false when nobody tracks it.
  template <typename Fn>
  bool Take(std::string_view key, Fn&& fn) {
    auto it = keys_.find(absl::string_view(key.data(), key.size()));
    if (it == keys_.end()) return false;
    fn(std::string_view(it->first), it->second);
    items_ -= it->second.size();
    keys_.erase(it);
    return true;
  }
  // Forgets some key (the table's size limit), handing its readers to fn first.
  template <typename Fn>
  bool TakeAny(Fn&& fn) {
    if (keys_.empty()) return false;
    auto it = keys_.begin();
    fn(std::string_view(it->first), it->second);
    items_ -= it->second.size();
    keys_.erase(it);
    return true;
  }
  // Returns how many keys were forgotten.
  size_t Clear() {
    size_t n = keys_.size();
    keys_.clear();
    items_ = 0;
    return n;
  }

 private:
  absl::flat_hash_map<std::string, Readers> keys_;
  size_t items_ = 0;
};

class Shard {
 public:
  explicit Shard(int num_dbs) : watch(num_dbs), blocked(num_dbs), dbs_(num_dbs) {
    for (int i = 0; i < num_dbs; ++i) dbs_[i].set_index(i);
  }
  SpinMutex mu;
  WatchTable watch;
  BlockTable blocked;
  TrackingTable tracking;
  DbTable& db(int i) { return dbs_[i]; }
  std::vector<DbTable>& dbs() { return dbs_; }

 private:
  std::vector<DbTable> dbs_;
};

class Store {
 public:
  Store(int num_shards, int num_dbs);
  ~Store();

  int num_shards() const { return static_cast<int>(shards_.size()); }
  int num_dbs() const { return num_dbs_; }
  uint32_t ShardOf(std::string_view key) const { return KeySlot(key) & mask_; }
  Shard& shard(uint32_t i) { return *shards_[i]; }

  void LockAll() ABSL_NO_THREAD_SAFETY_ANALYSIS;
  void UnlockAll() ABSL_NO_THREAD_SAFETY_ANALYSIS;

 private:
  int num_dbs_;
  uint32_t mask_;
  std::vector<std::unique_ptr<Shard>> shards_;
};

// Holds the locks of a set of shards, taken in ascending order so multi-key commands are atomic
// across shards and cannot deadlock.
class ShardLockSet {
 public:
  ShardLockSet() = default;
  ~ShardLockSet() { Release(); }
  ShardLockSet(const ShardLockSet&) = delete;
  ShardLockSet& operator=(const ShardLockSet&) = delete;

  void Add(uint32_t shard) { idx_.push_back(shard); }
  void Acquire(Store& store) ABSL_NO_THREAD_SAFETY_ANALYSIS;
  void Release() ABSL_NO_THREAD_SAFETY_ANALYSIS;
  bool empty() const { return idx_.empty(); }

 private:
  Store* store_ = nullptr;
  absl::InlinedVector<uint32_t, 8> idx_;
};

}  // namespace shoal
