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

// A list, hash, set or sorted set. The object lives inside its keyspace entry, in the value bytes
// (8-byte aligned after a pad of up to 7 bytes), so a key costs one allocation plus the
// collection's own buffers, and reaching the collection costs no pointer chase. Entry::Free
// destroys it. Every method runs under the shard lock of its key, so implementations need no
// synchronization of their own.
//
// Entries are reallocated when a key is renamed, moved or gains/loses a TTL, and the object is
// moved by copying its bytes: implementations must be trivially relocatable (hold pointers to
// their own heap buffers, never pointers to themselves), and a CollectionValue* is valid only
// until its entry is replaced.
class CollectionValue {
 public:
  virtual ~CollectionValue() = default;
  // sizeof the implementation: the bytes the entry reserves for it.
  virtual size_t ObjectSize() const = 0;
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

// Creates an entry for key holding value: the object moves into the entry (its heap copy is
// released). Pointers to *value are not valid afterwards: use CollectionOf(entry).
Entry* NewCollectionEntry(std::string_view key, std::unique_ptr<CollectionValue> value,
                          int64_t expire_at_or_minus1);
// A new entry for key that takes over e's collection (RENAME, MOVE, TTL changes): e must then be
// released with Entry::FreeShell, never Entry::Free.
Entry* MoveCollectionEntry(const Entry* e, std::string_view key, int64_t expire_at_or_minus1);

// The collection an entry of a non-string type holds.
inline CollectionValue* CollectionOf(const Entry* e) {
  const uintptr_t p = reinterpret_cast<uintptr_t>(e->value());
  return reinterpret_cast<CollectionValue*>((p + 7) & ~uintptr_t{7});
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
  // Quicklist nodes kept uncompressed at each end of a list (0: no compression). Shoal's default
  // is 1 (Redis' is 0): pushes and pops stay on plain nodes, the middle of a long list takes
  // about 40% of the bytes.
  std::atomic<int64_t> list_compress_depth{1};

  static int64_t Get(const std::atomic<int64_t>& v) { return v.load(std::memory_order_relaxed); }
};
EncodingLimits& Limits();

}  // namespace shoal
