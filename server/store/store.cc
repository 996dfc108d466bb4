// The sharded keyspace: lookups with lazy expiry, the active expiry pass, shard locking.
#include "server/store/store.h"

#include <algorithm>
#include <atomic>
#include <ctime>

#include "server/util/string_util.h"

namespace shoal {

namespace {
std::atomic<uint32_t> g_lru_clock{0};
KeyEventHook g_expired_hook = nullptr;
KeyEventHook g_added_hook = nullptr;
}  // namespace

void SetKeyEventHooks(KeyEventHook expired, KeyEventHook added) {
  g_expired_hook = expired;
  g_added_hook = added;
}

int64_t NowMs() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

uint32_t LruClock() {
  uint32_t c = g_lru_clock.load(std::memory_order_relaxed);
  if (c == 0) {
    UpdateLruClock();
    c = g_lru_clock.load(std::memory_order_relaxed);
  }
  return c;
}

void UpdateLruClock() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  g_lru_clock.store(static_cast<uint32_t>(ts.tv_sec) + 1, std::memory_order_relaxed);
}

DbTable::~DbTable() { Clear(); }

void DbTable::PrefetchChain(uint64_t hash) const {
#ifdef SHOAL_ENTRY_HANDLES
  if (!entry_arena::StaleReadsSafe()) return;
  const uint64_t hint = hint_.load(std::memory_order_relaxed);
  if (hint == 0) return;
  // Read without the lock, racing with writers: any value is fine, as every handle names an
  // address inside the entry range, and a prefetch never faults.
  const EntryLink link = *static_cast<const volatile EntryLink*>(HintBase(hint) + (hash & HintMask(hint)));
  if (link != 0) {
    // Both lines of an entry up to 128 bytes: the key is in the first, a value of more than a few
    // dozen bytes runs into the second.
    const char* e = reinterpret_cast<const char*>(entry_arena::FromLink(link));
    __builtin_prefetch(e);
    __builtin_prefetch(e + 64);
  }
#else
  (void)hash;  // entries named by pointers (sanitizer builds): a stale one may be freed memory
#endif
}

DbTable& DbTable::operator=(DbTable&& o) noexcept {
  table_ = std::move(o.table_);
  volatile_keys_ = o.volatile_keys_;
  expired_keys_ = o.expired_keys_;
  expire_cursor_ = o.expire_cursor_;
  evict_cursor_ = o.evict_cursor_;
  index_ = o.index_;
  o.volatile_keys_ = 0;
  o.RefreshHint();
  RefreshHint();
  return *this;
}

void DbTable::ExpireNow(std::string_view key) {
  Entry* e = table_.Remove(key);
  if (e) {
    Account(e, -1);
    if (g_expired_hook) g_expired_hook(index_, e->key());
    Entry::Free(e);
    ++expired_keys_;
  }
}

Entry* DbTable::Find(std::string_view key, int64_t now_ms) {
  Entry* e = table_.Find(key);
  RefreshHint();
  if (e && e->has_expire() && e->expire_at() <= now_ms) {
    ExpireNow(key);
    return nullptr;
  }
  return e;
}

EntrySlot DbTable::FindLink(std::string_view key, int64_t now_ms) {
  EntrySlot link(table_.FindLink(key));
  RefreshHint();
  if (link && (*link)->has_expire() && (*link)->expire_at() <= now_ms) {
    ExpireNow(key);
    return nullptr;
  }
  return link;
}

void DbTable::Insert(Entry* e) {
  Account(e, +1);
  table_.Insert(e);
  RefreshHint();
  if (g_added_hook) g_added_hook(index_, e->key());
}

void DbTable::Replace(EntrySlot link, Entry* repl, bool free_value) {
  Entry* old = *link;
  if (old == repl) return;
  Account(old, -1);
  Account(repl, +1);
  repl->next = old->next;
  *link.link_ = entry_arena::ToLink(repl);
  if (free_value) {
    Entry::Free(old);
  } else {
    Entry::FreeShell(old);
  }
}

bool DbTable::Delete(std::string_view key, int64_t now_ms) {
  Entry* e = Detach(key, now_ms);
  if (!e) return false;
  Entry::Free(e);
  return true;
}

Entry* DbTable::Detach(std::string_view key, int64_t now_ms) {
  if (!Find(key, now_ms)) return nullptr;
  Entry* e = table_.Remove(key);
  if (e) {
    Account(e, -1);
    e->next = EntryLink{};
  }
  return e;
}

void DbTable::Clear() {
  table_.Clear([](Entry* e) { Entry::Free(e); });
  volatile_keys_ = 0;
  RefreshHint();
}

KeyTable DbTable::TakeTable() {
  KeyTable t = std::move(table_);
  table_ = KeyTable();
  volatile_keys_ = 0;
  RefreshHint();
  return t;
}

std::pair<size_t, size_t> DbTable::ExpireSome(int64_t now_ms, size_t max_samples,
                                              size_t max_buckets) {
  if (volatile_keys_ == 0) return {0, 0};
  // Keys are gathered first and deleted after the scan step: the table must not change under Scan.
  absl::InlinedVector<std::string, 32> doomed;
  size_t sampled = 0;
  size_t buckets = 0;
  do {
    expire_cursor_ = table_.Scan(expire_cursor_, [&](Entry* e) {
      if (!e->has_expire()) return;
      ++sampled;
      if (e->expire_at() <= now_ms) doomed.emplace_back(e->key());
    });
    ++buckets;
  } while (expire_cursor_ != 0 && sampled < max_samples && buckets < max_buckets);
  for (const auto& k : doomed) ExpireNow(k);
  return {sampled, doomed.size()};
}

void WatchTable::Add(int db, std::string_view key, std::atomic<bool>* flag) {
  by_db_[db][internal::ToAbsl(key)].push_back(flag);
  ++entries_;
}

void WatchTable::Remove(int db, std::string_view key, std::atomic<bool>* flag) {
  auto& m = by_db_[db];
  auto it = m.find(internal::ToAbsl(key));
  if (it == m.end()) return;
  auto& v = it->second;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == flag) {
      v[i] = v.back();
      v.pop_back();
      --entries_;
      break;
    }
  }
  if (v.empty()) m.erase(it);
}

void WatchTable::Touch(int db, std::string_view key) {
  if (entries_ == 0) return;
  auto& m = by_db_[db];
  auto it = m.find(internal::ToAbsl(key));
  if (it == m.end()) return;
  for (auto* f : it->second) f->store(true, std::memory_order_relaxed);
}

void BlockTable::Add(int db, std::string_view key, const Waiter& w, bool front) {
  auto& q = by_db_[db][absl::string_view(key.data(), key.size())];
  for (const auto& x : q) {
    if (x.conn_id == w.conn_id) return;
  }
  if (front) {
    q.push_front(w);
  } else {
    q.push_back(w);
  }
  ++entries_;
}

void BlockTable::Remove(int db, std::string_view key, uint64_t conn_id) {
  auto& m = by_db_[db];
  auto it = m.find(absl::string_view(key.data(), key.size()));
  if (it == m.end()) return;
  auto& q = it->second;
  for (auto qi = q.begin(); qi != q.end(); ++qi) {
    if (qi->conn_id == conn_id) {
      q.erase(qi);
      --entries_;
      break;
    }
  }
  if (q.empty()) m.erase(it);
}

bool BlockTable::PopFirst(int db, std::string_view key, Waiter* out) {
  if (entries_ == 0) return false;
  auto& m = by_db_[db];
  auto it = m.find(absl::string_view(key.data(), key.size()));
  if (it == m.end()) return false;
  *out = it->second.front();
  it->second.pop_front();
  --entries_;
  if (it->second.empty()) m.erase(it);
  return true;
}

Store::Store(int num_shards, int num_dbs) : num_dbs_(num_dbs), mask_(num_shards - 1) {
  shards_.reserve(num_shards);
  for (int i = 0; i < num_shards; ++i) shards_.push_back(std::make_unique<Shard>(num_dbs));
}

Store::~Store() = default;

void Store::LockAll() {
  for (auto& s : shards_) s->mu.Lock();
}

void Store::UnlockAll() {
  for (auto it = shards_.rbegin(); it != shards_.rend(); ++it) (*it)->mu.Unlock();
}

void ShardLockSet::Acquire(Store& store) {
  store_ = &store;
  if (idx_.size() > 1) {
    std::sort(idx_.begin(), idx_.end());
    idx_.erase(std::unique(idx_.begin(), idx_.end()), idx_.end());
  }
  for (uint32_t i : idx_) store.shard(i).mu.Lock();
}

void ShardLockSet::Release() {
  if (!store_) return;
  for (auto it = idx_.rbegin(); it != idx_.rend(); ++it) store_->shard(*it).mu.Unlock();
  store_ = nullptr;
  idx_.clear();
}

}  // namespace shoal
