// StringSet and StringMap: hash tables of byte strings on Dict, one allocation per element.
#ifndef SHOAL_DATASTRUCTS_STRING_TABLE_H_
#define SHOAL_DATASTRUCTS_STRING_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <utility>

#include "datastructs/dict.h"

namespace shoal {

namespace string_table_internal {

// An element is one malloc'ed block: [next 8][varint key length][varint value length, maps
// only][key][value]. Lengths under 128 take one byte, so a 5-byte field with an 8-byte value is
// 23 bytes (a 24-byte jemalloc class) where a std::string pair alone would be 64.
struct Node {
  Node* next;
};

inline const char* Payload(const Node* n) {
  return reinterpret_cast<const char*>(n) + sizeof(Node);
}

inline const char* ReadVarint(const char* p, uint32_t* v) {
  uint32_t out = 0;
  int shift = 0;
  while (static_cast<uint8_t>(*p) & 0x80) {
    out |= static_cast<uint32_t>(static_cast<uint8_t>(*p) & 0x7f) << shift;
    shift += 7;
    ++p;
  }
  *v = out | (static_cast<uint32_t>(static_cast<uint8_t>(*p)) << shift);
  return p + 1;
}

template <bool kMap>
inline std::string_view KeyOf(const Node* n) {
  uint32_t klen;
  const char* p = ReadVarint(Payload(n), &klen);
  if constexpr (kMap) {
    // Skip the value length: its last byte is the first one without the continuation bit.
    while (static_cast<uint8_t>(*p) & 0x80) ++p;
    ++p;
  }
  return {p, klen};
}

// Key and value of a map node.
void MapEntry(const Node* n, std::string_view* key, std::string_view* value);

// A new node (aborts via std::bad_alloc on allocation failure); `kMap` nodes carry a value.
Node* NewNode(std::string_view key, std::string_view value, bool map);
// Bytes the node was allocated with (as requested from malloc).
size_t NodeBytes(const Node* n, bool map);

template <bool kMap>
struct Traits {
  static std::string_view Key(const Node* n) { return KeyOf<kMap>(n); }
  static Node*& Next(Node* n) { return n->next; }
  static uint64_t Hash(std::string_view key) { return HashBytes(key); }
};

// What StringSet and StringMap share: ownership of the nodes, memory accounting, clearing.
template <bool kMap>
class Table {
 public:
  Table() = default;
  ~Table() { Clear(); }
  Table(const Table&) = delete;
  Table& operator=(const Table&) = delete;
  Table(Table&& other) noexcept : dict_(std::move(other.dict_)), node_bytes_(other.node_bytes_) {
    other.node_bytes_ = 0;
  }
  Table& operator=(Table&& other) noexcept {
    if (this != &other) {
      Clear();
      dict_ = std::move(other.dict_);
      node_bytes_ = other.node_bytes_;
      other.node_bytes_ = 0;
    }
    return *this;
  }

  size_t size() const { return dict_.size(); }
  bool empty() const { return dict_.empty(); }
  // Bytes of the nodes (as requested) and the bucket arrays.
  size_t MemoryUsage() const { return node_bytes_ + dict_.MemoryUsage(); }

  bool Contains(std::string_view key) const { return dict_.Find(key) != nullptr; }

  bool Erase(std::string_view key) {
    Node* n = dict_.Remove(key);
    if (n == nullptr) return false;
    Free(n);
    return true;
  }

  void Clear() {
    dict_.Clear([this](Node* n) { Free(n); });
  }

  // Background rehash work (see Dict::RehashSteps).
  void RehashSteps(int buckets) { dict_.RehashSteps(buckets); }

 protected:
  using NodeDict = Dict<Node, Traits<kMap>>;

  void Free(Node* n) {
    node_bytes_ -= NodeBytes(n, kMap);
    std::free(n);
  }
  Node* Make(std::string_view key, std::string_view value) {
    Node* n = NewNode(key, value, kMap);
    node_bytes_ += NodeBytes(n, kMap);
    return n;
  }
  // Inserts a copy of every node of other (deep copy).
  void CopyFrom(const Table& other) {
    other.dict_.ForEach([this](Node* n) {
      if constexpr (kMap) {
        std::string_view k, v;
        MapEntry(n, &k, &v);
        dict_.Insert(Make(k, v));
      } else {
        dict_.Insert(Make(KeyOf<false>(n), {}));
      }
    });
  }

  // Lookups advance the incremental rehash, which changes no observable state; keeping the
  // table mutable lets read-only operations be const.
  mutable NodeDict dict_;
  size_t node_bytes_ = 0;
};

}  // namespace string_table_internal

// A set of byte strings (the "hashtable" encoding of a Redis set).
class StringSet : public string_table_internal::Table<false> {
 public:
  StringSet() = default;
  StringSet(StringSet&&) noexcept = default;
  StringSet& operator=(StringSet&&) noexcept = default;

  // Returns false if member was already present.
  bool Insert(std::string_view member);
  // A deep copy.
  StringSet Clone() const;

  // A random member (the set must not be empty); valid until the set changes.
  std::string_view Random(uint64_t random_bits) const {
    return string_table_internal::KeyOf<false>(dict_.Random(random_bits));
  }

  // Calls fn(member) for each member of the cursor's bucket(s); returns the next cursor (0 when
  // done). Same guarantee as Dict::Scan.
  template <typename Fn>
  uint64_t Scan(uint64_t cursor, Fn&& fn) const {
    return dict_.Scan(cursor, [&](string_table_internal::Node* n) {
      fn(string_table_internal::KeyOf<false>(n));
    });
  }

  // Calls fn(member) for every member; the set must not change meanwhile.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    dict_.ForEach(
        [&](string_table_internal::Node* n) { fn(string_table_internal::KeyOf<false>(n)); });
  }
};

// A map from byte strings to byte strings (the "hashtable" encoding of a Redis hash).
class StringMap : public string_table_internal::Table<true> {
 public:
  StringMap() = default;
  StringMap(StringMap&&) noexcept = default;
  StringMap& operator=(StringMap&&) noexcept = default;

  // Inserts or overwrites; returns true if the field is new.
  bool Set(std::string_view field, std::string_view value);
  // Inserts only if absent; returns true if it did.
  bool SetIfAbsent(std::string_view field, std::string_view value);
  // The value of field (valid until the map changes), or false if absent.
  bool Find(std::string_view field, std::string_view* value) const;
  StringMap Clone() const;

  // A random field and its value (the map must not be empty); valid until the map changes.
  void Random(uint64_t random_bits, std::string_view* field, std::string_view* value) const {
    string_table_internal::MapEntry(dict_.Random(random_bits), field, value);
  }

  // Calls fn(field, value) for each entry of the cursor's bucket(s); as StringSet::Scan.
  template <typename Fn>
  uint64_t Scan(uint64_t cursor, Fn&& fn) const {
    return dict_.Scan(cursor, [&](string_table_internal::Node* n) {
      std::string_view k, v;
      string_table_internal::MapEntry(n, &k, &v);
      fn(k, v);
    });
  }

  template <typename Fn>
  void ForEach(Fn&& fn) const {
    dict_.ForEach([&](string_table_internal::Node* n) {
      std::string_view k, v;
      string_table_internal::MapEntry(n, &k, &v);
      fn(k, v);
    });
  }
};

}  // namespace shoal

#endif  // SHOAL_DATASTRUCTS_STRING_TABLE_H_
