// Collection values (lists, hashes, sets, sorted sets): what the keyspace needs from them, and
// the encoding thresholds they convert at.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "server/store/value.h"

namespace shoal {

// A list, hash, set or sorted set. The keyspace entry holds one pointer to it (the entry's 8-byte
// value) and owns it: Entry::Free deletes it. Every method runs under the shard lock of its key,
// so implementations need no synchronization of their own.
class CollectionValue {
 public:
  virtual ~CollectionValue() = default;
  virtual ObjType type() const = 0;
  // OBJECT ENCODING's answer, in Redis' names: listpack, quicklist, intset, hashtable, skiplist.
  virtual std::string_view EncodingName() const = 0;
  // Elements (members, fields, list items). A command that leaves 0 deletes the key: Redis never
  // keeps an empty collection.
  virtual size_t Length() const = 0;
  // A deep copy (COPY).
  virtual std::unique_ptr<CollectionValue> Clone() const = 0;
  // Bytes held, approximately (MEMORY USAGE-style introspection, eviction estimates).
  virtual size_t MemoryUsage() const = 0;
};

// Creates an entry for key owning value (the entry takes ownership).
Entry* NewCollectionEntry(std::string_view key, std::unique_ptr<CollectionValue> value,
                          int64_t expire_at_or_minus1);

// The collection an entry of a non-string type holds.
inline CollectionValue* CollectionOf(const Entry* e) {
  CollectionValue* v;
  std::memcpy(&v, e->value(), sizeof(v));
  return v;
}
template <typename T>
T* CollectionAs(const Entry* e) {
  return static_cast<T*>(CollectionOf(e));
}

// Thresholds where a compact encoding converts to the full one, under Redis' config names
// (CONFIG SET changes them at run time; a collection checks them when it grows). Conversions only
// go from compact to full, as in Redis.
struct EncodingLimits {
  std::atomic<int64_t> hash_max_listpack_entries{512};
  std::atomic<int64_t> hash_max_listpack_value{64};
  std::atomic<int64_t> set_max_intset_entries{512};
  std::atomic<int64_t> set_max_listpack_entries{128};
  std::atomic<int64_t> set_max_listpack_value{64};
  std::atomic<int64_t> zset_max_listpack_entries{128};
  std::atomic<int64_t> zset_max_listpack_value{64};
  // Positive: entries per quicklist node; -1..-5: node size of 4, 8, 16, 32, 64 KiB.
  std::atomic<int64_t> list_max_listpack_size{-2};
  std::atomic<int64_t> list_compress_depth{0};

  static int64_t Get(const std::atomic<int64_t>& v) { return v.load(std::memory_order_relaxed); }
};
EncodingLimits& Limits();

}  // namespace shoal
