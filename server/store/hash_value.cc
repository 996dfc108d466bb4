// HashValue: encoding conversion and the listpack-side operations.
#include "server/store/hash_value.h"

namespace shoal {

std::unique_ptr<CollectionValue> HashValue::Clone() const {
  auto copy = std::make_unique<HashValue>();
  if (map_) {
    copy->map_ = std::make_unique<StringMap>(map_->Clone());
  } else {
    copy->lp_ = lp_.Clone();
  }
  return copy;
}

size_t HashValue::MemoryUsage() const {
  return sizeof(*this) + (map_ ? sizeof(StringMap) + map_->MemoryUsage() : lp_.bytes());
}

bool HashValue::Get(std::string_view field, char* buf, std::string_view* value) const {
  if (map_) return map_->Find(field, value);
  const Listpack::Pos p = FindField(field);
  if (p == Listpack::kNone) return false;
  *value = lp_.Get(lp_.Next(p)).View(buf);
  return true;
}

bool HashValue::Exists(std::string_view field) const {
  if (map_) return map_->Contains(field);
  return FindField(field) != Listpack::kNone;
}

void HashValue::ConvertIfTooLong(size_t len) {
  if (!map_ && static_cast<int64_t>(len) > EncodingLimits::Get(Limits().hash_max_listpack_value)) {
    ConvertToMap();
  }
}

bool HashValue::Set(std::string_view field, std::string_view value) {
  if (!map_) {
    ConvertIfTooLong(field.size());
    ConvertIfTooLong(value.size());
  }
  if (map_) return map_->Set(field, value);
  const Listpack::Pos p = FindField(field);
  if (p != Listpack::kNone) {
    lp_.Replace(lp_.Next(p), value);
    return false;
  }
  lp_.PushBack(field);
  lp_.PushBack(value);
  if (static_cast<int64_t>(lp_.size() / 2) >
      EncodingLimits::Get(Limits().hash_max_listpack_entries)) {
    ConvertToMap();
  }
  return true;
}

bool HashValue::Delete(std::string_view field) {
  if (map_) return map_->Erase(field);
  const Listpack::Pos p = FindField(field);
  if (p == Listpack::kNone) return false;
  lp_.Erase(p, 2);
  return true;
}

void HashValue::ConvertToMap() {
  auto map = std::make_unique<StringMap>();
  ForEach([&](std::string_view k, std::string_view v) { map->Set(k, v); });
  map_ = std::move(map);
  lp_.Clear();
}

}  // namespace shoal
