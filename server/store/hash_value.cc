// HashValue: encoding conversion and the listpack-side operations.
#include "server/store/hash_value.h"

namespace shoal {

std::unique_ptr<CollectionValue> HashValue::Clone() const {
  auto copy = std::make_unique<HashValue>();
  if (const StringMap* m = map()) {
    copy->SetMap(std::make_unique<StringMap>(m->Clone()));
  } else {
    copy->lp_ = lp_.Clone();
  }
  return copy;
}

size_t HashValue::MemoryUsage() const {
  const StringMap* m = map();
  return sizeof(*this) + lp_.bytes() + (m ? sizeof(StringMap) + m->MemoryUsage() : 0);
}

bool HashValue::Get(std::string_view field, char* buf, std::string_view* value) const {
  if (const StringMap* m = map()) return m->Find(field, value);
  const FlatPack::Pos p = FindField(field);
  if (p == FlatPack::kNone) return false;
  *value = lp_.Get(lp_.Next(p)).View(buf);
  return true;
}

bool HashValue::Exists(std::string_view field) const {
  if (const StringMap* m = map()) return m->Contains(field);
  return FindField(field) != FlatPack::kNone;
}

void HashValue::ConvertIfTooLong(size_t len) {
  if (static_cast<int64_t>(len) > EncodingLimits::Get(Limits().hash_max_listpack_value) &&
      is_listpack()) {
    ConvertToMap();
  }
}

bool HashValue::Set(std::string_view field, std::string_view value) {
  ConvertIfTooLong(field.size());
  ConvertIfTooLong(value.size());
  if (StringMap* m = map()) return m->Set(field, value);
  const FlatPack::Pos p = FindField(field);
  if (p != FlatPack::kNone) {
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
  if (StringMap* m = map()) return m->Erase(field);
  const FlatPack::Pos p = FindField(field);
  if (p == FlatPack::kNone) return false;
  lp_.Erase(p, 2);
  return true;
}

void HashValue::ConvertToMap() {
  auto map = std::make_unique<StringMap>();
  ForEach([&](std::string_view k, std::string_view v) { map->Set(k, v); });
  lp_.Clear();
  SetMap(std::move(map));
}

void HashValue::SetMap(std::unique_ptr<StringMap> m) {
  lp_.Clear();
  lp_.PushBack(static_cast<int64_t>(reinterpret_cast<uintptr_t>(m.release())));
}

}  // namespace shoal
