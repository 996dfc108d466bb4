// SetValue: membership operations and encoding conversions.
#include "server/store/set_value.h"

#include <algorithm>

#include "server/util/string_util.h"

namespace shoal {

namespace {

int64_t Limit(const std::atomic<int64_t>& v) { return EncodingLimits::Get(v); }

// Decimal digits (with the sign) of v: its length as a string member.
size_t DecimalLength(int64_t v) {
  char buf[FlatPack::kIntBufSize];
  return FormatInt64(v, buf);
}

}  // namespace

std::string_view SetValue::Render(int64_t v, char* buf) {
  return std::string_view(buf, FormatInt64(v, buf));
}

std::unique_ptr<SetValue> SetValue::ForFirst(std::string_view first, size_t size_hint) {
  int64_t v;
  const EncodingLimits& l = Limits();
  if (ParseInt64(first, &v) && static_cast<int64_t>(size_hint) <= Limit(l.set_max_intset_entries)) {
    return std::make_unique<SetValue>(Encoding::kIntSet);
  }
  if (static_cast<int64_t>(size_hint) <= Limit(l.set_max_listpack_entries)) {
    return std::make_unique<SetValue>(Encoding::kListpack);
  }
  return std::make_unique<SetValue>(Encoding::kHashtable);
}

std::string_view SetValue::EncodingName() const {
  switch (enc_) {
    case Encoding::kIntSet:
      return "intset";
    case Encoding::kListpack:
      return "listpack";
    default:
      return "hashtable";
  }
}

size_t SetValue::Length() const {
  switch (enc_) {
    case Encoding::kIntSet:
      return is_.size();
    case Encoding::kListpack:
      return lp_.size();
    default:
      return ht_->size();
  }
}

std::unique_ptr<CollectionValue> SetValue::Clone() const {
  auto copy = std::make_unique<SetValue>(enc_);
  switch (enc_) {
    case Encoding::kIntSet:
      copy->is_ = is_;
      break;
    case Encoding::kListpack:
      copy->lp_ = lp_.Clone();
      break;
    case Encoding::kHashtable:
      *copy->ht_ = ht_->Clone();
      break;
  }
  return copy;
}

size_t SetValue::MemoryUsage() const {
  return sizeof(*this) + is_.BytesUsed() + lp_.bytes() +
         (ht_ ? sizeof(StringSet) + ht_->MemoryUsage() : 0);
}

bool SetValue::Contains(std::string_view member) const {
  switch (enc_) {
    case Encoding::kIntSet: {
      int64_t v;
      return ParseInt64(member, &v) && is_.Contains(v);
    }
    case Encoding::kListpack:
      return !lp_.empty() && lp_.Find(lp_.First(), member) != FlatPack::kNone;
    default:
      return ht_->Contains(member);
  }
}

bool SetValue::Add(std::string_view member) {
  const EncodingLimits& l = Limits();
  if (enc_ == Encoding::kIntSet) {
    int64_t v;
    if (ParseInt64(member, &v)) {
      if (!is_.Add(v)) return false;
      if (static_cast<int64_t>(is_.size()) > Limit(l.set_max_intset_entries)) {
        ConvertTo(Encoding::kHashtable);
      }
      return true;
    }
    // A non-integer: a listpack if the members so far and this one fit, else a hashtable.
    size_t longest = 0;
    if (!is_.empty()) {
      longest = std::max(DecimalLength(is_.Get(0)), DecimalLength(is_.Get(is_.size() - 1)));
    }
    const int64_t max_value = Limit(l.set_max_listpack_value);
    if (static_cast<int64_t>(is_.size()) < Limit(l.set_max_listpack_entries) &&
        static_cast<int64_t>(member.size()) <= max_value &&
        static_cast<int64_t>(longest) <= max_value) {
      ConvertTo(Encoding::kListpack);
    } else {
      ConvertTo(Encoding::kHashtable);
    }
  }
  if (enc_ == Encoding::kListpack) {
    if (!lp_.empty() && lp_.Find(lp_.First(), member) != FlatPack::kNone) return false;
    if (static_cast<int64_t>(lp_.size()) < Limit(l.set_max_listpack_entries) &&
        static_cast<int64_t>(member.size()) <= Limit(l.set_max_listpack_value)) {
      lp_.PushBack(member);
      return true;
    }
    ConvertTo(Encoding::kHashtable);
  }
  return ht_->Insert(member);
}

bool SetValue::Remove(std::string_view member) {
  switch (enc_) {
    case Encoding::kIntSet: {
      int64_t v;
      return ParseInt64(member, &v) && is_.Remove(v);
    }
    case Encoding::kListpack: {
      if (lp_.empty()) return false;
      const FlatPack::Pos p = lp_.Find(lp_.First(), member);
      if (p == FlatPack::kNone) return false;
      lp_.Erase(p);
      return true;
    }
    default:
      return ht_->Erase(member);
  }
}

void SetValue::ConvertTo(Encoding e) {
  if (e == enc_) return;
  if (e == Encoding::kListpack) {
    // Only from an intset.
    is_.ForEach([&](int64_t v) { lp_.PushBack(v); });
    is_.Clear();
    enc_ = e;
    return;
  }
  auto ht = std::make_unique<StringSet>();
  ForEach([&](std::string_view m) { ht->Insert(m); });
  is_.Clear();
  lp_.Clear();
  ht_ = std::move(ht);
  enc_ = e;
}

}  // namespace shoal
