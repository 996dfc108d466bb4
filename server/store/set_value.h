// SetValue: a Redis set, as an IntSet, a listpack or a StringSet depending on size and contents.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "datastructs/intset.h"
#include "datastructs/listpack.h"
#include "datastructs/string_table.h"
#include "server/store/object.h"

namespace shoal {

// Encodings follow Redis 7.2: an IntSet while every member is a canonical int64 and there are at
// most set-max-intset-entries; a listpack while there are at most set-max-listpack-entries
// members of at most set-max-listpack-value bytes; otherwise a StringSet. Conversions only go
// towards the StringSet.
//
// Member views handed to callbacks are valid only during the call (integers are rendered into a
// temporary buffer).
class SetValue : public CollectionValue {
 public:
  enum class Encoding : uint8_t { kIntSet, kListpack, kHashtable };

  explicit SetValue(Encoding e = Encoding::kIntSet) : enc_(e) {
    if (e == Encoding::kHashtable) ht_ = std::make_unique<StringSet>();
  }
  // The empty set SADD/SMOVE/*STORE start from, given the first member and how many members are
  // expected (Redis 7.2's choice).
  static std::unique_ptr<SetValue> ForFirst(std::string_view first, size_t size_hint);

  size_t ObjectSize() const override { return sizeof(*this); }
  ObjType type() const override { return ObjType::kSet; }
  std::string_view EncodingName() const override;
  size_t Length() const override;
  std::unique_ptr<CollectionValue> Clone() const override;
  size_t MemoryUsage() const override;

  Encoding encoding() const { return enc_; }

  // True if added (false: already a member).
  bool Add(std::string_view member);
  // True if it was a member.
  bool Remove(std::string_view member);
  bool Contains(std::string_view member) const;

  // Calls fn(member) for every member.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    char buf[FlatPack::kIntBufSize];
    switch (enc_) {
      case Encoding::kIntSet:
        is_.ForEach([&](int64_t v) { fn(Render(v, buf)); });
        break;
      case Encoding::kListpack:
        for (FlatPack::Pos p = lp_.First(); p != FlatPack::kNone; p = lp_.Next(p)) {
          fn(lp_.Get(p).View(buf));
        }
        break;
      case Encoding::kHashtable:
        ht_->ForEach(fn);
        break;
    }
  }

  // Calls fn(member) for a random member; the set must not be empty.
  template <typename Fn>
  void Random(uint64_t random_bits, Fn&& fn) const {
    char buf[FlatPack::kIntBufSize];
    switch (enc_) {
      case Encoding::kIntSet:
        fn(Render(is_.Random(random_bits), buf));
        break;
      case Encoding::kListpack: {
        const size_t i = dict_internal::Below(random_bits, lp_.size());
        fn(lp_.Get(lp_.Seek(static_cast<int64_t>(i))).View(buf));
        break;
      }
      case Encoding::kHashtable:
        fn(ht_->Random(random_bits));
        break;
    }
  }

  // Removes a random member, calling fn(member) before it goes; the set must not be empty.
  template <typename Fn>
  void Pop(uint64_t random_bits, Fn&& fn) {
    char buf[FlatPack::kIntBufSize];
    switch (enc_) {
      case Encoding::kIntSet: {
        const size_t i = dict_internal::Below(random_bits, is_.size());
        fn(Render(is_.Get(i), buf));
        is_.RemoveAt(i);
        break;
      }
      case Encoding::kListpack: {
        const size_t i = dict_internal::Below(random_bits, lp_.size());
        const FlatPack::Pos p = lp_.Seek(static_cast<int64_t>(i));
        fn(lp_.Get(p).View(buf));
        lp_.Erase(p);
        break;
      }
      case Encoding::kHashtable: {
        const std::string_view m = ht_->Random(random_bits);
        fn(m);
        ht_->Erase(m);
        break;
      }
    }
  }

  // SSCAN: calls fn(member) for the cursor's step and returns the next cursor. Compact
  // encodings are returned whole with cursor 0, as Redis does.
  template <typename Fn>
  uint64_t Scan(uint64_t cursor, Fn&& fn) const {
    if (enc_ != Encoding::kHashtable) {
      ForEach(fn);
      return 0;
    }
    return ht_->Scan(cursor, fn);
  }

 private:
  static std::string_view Render(int64_t v, char* buf);
  void ConvertTo(Encoding e);

  Encoding enc_;
  IntSet is_;
  FlatPack lp_;
  std::unique_ptr<StringSet> ht_;
};

}  // namespace shoal
