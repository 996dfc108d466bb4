// The keyspace entry: one allocation holding chain link, metadata, key, optional TTL and value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "server/store/entry_arena.h"

namespace shoal {

enum class ObjType : uint8_t { kString = 0, kList = 1, kSet = 2, kZSet = 3, kHash = 4 };

// Layout (bytes): [next 4 (8 without the entry arena)][atime 4][type 1][flags 1]
//                 [varint key_len][varint val_len][expire-at ms 8, only if kHasExpire][key][value]
// For a list, hash, set or sorted set the value is the collection object itself, after a pad
// that aligns it to 8 bytes (object.h).
// 12-byte key + 100-byte value = 124 bytes, in the 128-byte jemalloc size class: no separate
// key, value or dict-entry objects (Redis spends ~4 allocations on the same pair). `next` is the
// keyspace table's chain link, a handle into the entry arena (entry_arena.h).
struct Entry {
  static constexpr uint8_t kHasExpire = 1;
  static constexpr uint8_t kIntEncoded = 2;  // value is an int64 (8 bytes), printed in decimal
  static constexpr uint8_t kRawEncoded = 4;  // modified in place (APPEND/SETRANGE): reports "raw"

  EntryLink next;
  uint32_t atime;  // access clock in seconds (OBJECT IDLETIME; LRU later)
  uint8_t type;
  uint8_t flags;
  // The variable part starts at offset kHeader, inside what would be padding.

  static constexpr size_t kHeader = sizeof(EntryLink) + 6;

  // Allocates an entry with room for a value of val_len bytes (left uninitialized), or for
  // `capacity` bytes when that is more: a string that keeps growing (APPEND, SETRANGE, SETBIT)
  // then extends in place (ResizeValueInPlace) instead of being copied on every step.
  static Entry* New(std::string_view key, ObjType type, uint32_t val_len, bool has_expire,
                    uint32_t capacity = 0);
  // Frees the entry and, for a collection type, destroys the collection it holds (object.h).
  static void Free(Entry* e);
  // Frees only the entry: its collection has been handed to another entry (RENAME, TTL changes).
  static void FreeShell(Entry* e);
  // Bytes malloc really handed out for e (for memory accounting).
  static size_t AllocSize(const Entry* e);

  bool has_expire() const { return flags & kHasExpire; }
  ObjType obj_type() const { return static_cast<ObjType>(type); }

  std::string_view key() const {
    const char* p = bytes() + kHeader;
    uint32_t klen, vlen;
    p = ReadVarint(p, &klen);
    p = ReadVarint(p, &vlen);
    if (has_expire()) p += 8;
    return {p, klen};
  }
  // The value bytes (for kIntEncoded: 8 bytes holding an int64).
  char* value() { return const_cast<char*>(Layout().value); }
  const char* value() const { return Layout().value; }
  uint32_t value_len() const { return Layout().vlen; }
  std::string_view value_view() const {
    auto l = Layout();
    return {l.value, l.vlen};
  }

  // Value bytes this allocation holds without moving (at least value_len()).
  size_t ValueCapacity() const {
    return AllocSize(this) - static_cast<size_t>(Layout().value - bytes());
  }
  // Makes the value n bytes long in place (longer: new bytes uninitialized; shorter: the tail is
  // dropped) when the allocation has room and n's length field is as wide as the old one; false,
  // and nothing changed, otherwise.
  bool ResizeValueInPlace(uint32_t n) {
    char* p = const_cast<char*>(bytes()) + kHeader;
    uint32_t klen, vlen;
    char* vp = const_cast<char*>(ReadVarint(p, &klen));
    ReadVarint(vp, &vlen);
    if (VarintLen(n) != VarintLen(vlen) || n > ValueCapacity()) return false;
    WriteVarint(vp, n);
    return true;
  }

  int64_t expire_at() const {
    if (!has_expire()) return -1;
    int64_t v;
    memcpy(&v, ExpirePtr(), 8);
    return v;
  }
  // Only valid when has_expire().
  void set_expire_at(int64_t ms) { memcpy(const_cast<char*>(ExpirePtr()), &ms, 8); }

  int64_t int_value() const {
    int64_t v;
    memcpy(&v, value(), 8);
    return v;
  }
  void set_int_value(int64_t v) { memcpy(value(), &v, 8); }

 private:
  struct LayoutInfo {
    const char* value;
    uint32_t vlen;
  };
  const char* bytes() const { return reinterpret_cast<const char*>(this); }
  const char* ExpirePtr() const {
    const char* p = bytes() + kHeader;
    uint32_t klen, vlen;
    p = ReadVarint(p, &klen);
    p = ReadVarint(p, &vlen);
    return p;
  }
  LayoutInfo Layout() const {
    const char* p = bytes() + kHeader;
    uint32_t klen, vlen;
    p = ReadVarint(p, &klen);
    p = ReadVarint(p, &vlen);
    if (has_expire()) p += 8;
    return {p + klen, vlen};
  }

 public:
  static const char* ReadVarint(const char* p, uint32_t* out) {
    uint32_t v = static_cast<uint8_t>(*p);
    if (v < 0x80) {
      *out = v;
      return p + 1;
    }
    v &= 0x7f;
    int shift = 7;
    for (;;) {
      uint32_t b = static_cast<uint8_t>(*++p);
      v |= (b & 0x7f) << shift;
      if (b < 0x80) break;
      shift += 7;
    }
    *out = v;
    return p + 1;
  }
  static size_t VarintLen(uint32_t v) {
    size_t n = 1;
    while (v >= 0x80) {
      v >>= 7;
      ++n;
    }
    return n;
  }
  static char* WriteVarint(char* p, uint32_t v) {
    while (v >= 0x80) {
      *p++ = static_cast<char>((v & 0x7f) | 0x80);
      v >>= 7;
    }
    *p++ = static_cast<char>(v);
    return p;
  }
};
static_assert(offsetof(Entry, flags) + 1 == Entry::kHeader);

// Value helpers for strings.
// Appends the string form of a string entry's value to out.
void AppendStringValue(const Entry* e, std::string* out);
// The string form (decimal for integers) in buf (>= 24 bytes) or a view of the entry's bytes.
std::string_view StringValue(const Entry* e, char* buf);

}  // namespace shoal
