// HashValue: a Redis hash, as a listpack of field,value pairs while small, then a StringMap.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "datastructs/listpack.h"
#include "datastructs/string_table.h"
#include "server/store/object.h"

namespace shoal {

// Small hashes (at most hash-max-listpack-entries fields, every field and value at most
// hash-max-listpack-value bytes) are one listpack with fields and values alternating, in
// insertion order as Redis keeps them, so small-hash replies come out in Redis' order. Past
// either limit the hash converts, once and for good, to a StringMap.
//
// Views handed to callbacks and returned by Get point into the hash (or into the caller's
// buffer for listpack integers) and are valid until the hash changes.
class HashValue : public CollectionValue {
 public:
  HashValue() = default;
  ~HashValue() override { delete map(); }
  HashValue(const HashValue&) = delete;
  HashValue& operator=(const HashValue&) = delete;

  size_t ObjectSize() const override { return sizeof(*this); }
  ObjType type() const override { return ObjType::kHash; }
  std::string_view EncodingName() const override { return map() ? "hashtable" : "listpack"; }
  size_t Length() const override {
    const StringMap* m = map();
    return m ? m->size() : lp_.size() / 2;
  }
  std::unique_ptr<CollectionValue> Clone() const override;
  size_t MemoryUsage() const override;

  bool is_listpack() const { return map() == nullptr; }

  // The value of field; buf (FlatPack::kIntBufSize bytes) holds it when it is rendered from an
  // integer. False if the field is absent.
  bool Get(std::string_view field, char* buf, std::string_view* value) const;
  bool Exists(std::string_view field) const;
  // Inserts or overwrites; true if the field is new. Converts the encoding when a limit is
  // crossed.
  bool Set(std::string_view field, std::string_view value);
  // True if the field was present.
  bool Delete(std::string_view field);

  // Converts to the hashtable encoding if any of the given lengths is over
  // hash-max-listpack-value (Redis checks a command's arguments before applying it).
  void ConvertIfTooLong(size_t len);

  // Calls fn(field, value) for every entry: insertion order for listpacks.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    if (const StringMap* m = map()) {
      m->ForEach(fn);
      return;
    }
    char kbuf[FlatPack::kIntBufSize];
    char vbuf[FlatPack::kIntBufSize];
    for (FlatPack::Pos p = lp_.First(); p != FlatPack::kNone;) {
      const FlatPack::Pos v = lp_.Next(p);
      fn(lp_.Get(p).View(kbuf), lp_.Get(v).View(vbuf));
      p = lp_.Next(v);
    }
  }

  // Calls fn(field, value) for a random entry (the hash must not be empty).
  template <typename Fn>
  void Random(uint64_t random_bits, Fn&& fn) const {
    if (const StringMap* m = map()) {
      std::string_view k, v;
      m->Random(random_bits, &k, &v);
      fn(k, v);
      return;
    }
    RandomListpackPair(random_bits, fn);
  }

  // HSCAN: calls fn(field, value) for entries of the cursor's step and returns the next cursor.
  // A listpack is returned whole with cursor 0, as Redis does.
  template <typename Fn>
  uint64_t Scan(uint64_t cursor, Fn&& fn) const {
    const StringMap* m = map();
    if (m == nullptr) {
      ForEach(fn);
      return 0;
    }
    return m->Scan(cursor, fn);
  }

 private:
  template <typename Fn>
  void RandomListpackPair(uint64_t random_bits, Fn& fn) const {
    const size_t pairs = lp_.size() / 2;
    const size_t i = dict_internal::Below(random_bits, pairs);
    const FlatPack::Pos p = lp_.Seek(static_cast<int64_t>(2 * i));
    char kbuf[FlatPack::kIntBufSize];
    char vbuf[FlatPack::kIntBufSize];
    fn(lp_.Get(p).View(kbuf), lp_.Get(lp_.Next(p)).View(vbuf));
  }
  void ConvertToMap();
  FlatPack::Pos FindField(std::string_view field) const {
    return lp_.empty() ? FlatPack::kNone : lp_.Find(lp_.First(), field, 1);
  }

  // The StringMap of the hashtable encoding, or nullptr for a listpack hash. Its address is kept
  // as the only entry of lp_: a listpack hash always holds an even number of entries, so an odd
  // count tells the encodings apart. That keeps the object at two words, a 16-byte allocation
  // instead of 32 for every small hash (the common case: a cache holds millions of them).
  StringMap* map() const {
    if ((lp_.size() & 1) == 0) return nullptr;
    return reinterpret_cast<StringMap*>(static_cast<uintptr_t>(lp_.Get(lp_.First()).ival));
  }
  void SetMap(std::unique_ptr<StringMap> m);

  FlatPack lp_;
};

}  // namespace shoal
