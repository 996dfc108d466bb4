// The keyspace entry: allocation and string value helpers.
#include "server/store/value.h"

#include <algorithm>
#include <cstdlib>

#include "server/store/key_clock.h"
#include "server/store/object.h"
#include "server/util/string_util.h"

namespace shoal {

Entry* Entry::New(std::string_view key, ObjType type, uint32_t val_len, bool has_expire,
                  uint32_t capacity) {
  uint32_t klen = static_cast<uint32_t>(key.size());
  size_t size = kHeader + VarintLen(klen) + VarintLen(val_len) + (has_expire ? 8 : 0) + klen +
                std::max(val_len, capacity);
  auto* e = static_cast<Entry*>(entry_arena::Allocate(size));
  // Out of memory: nothing sane to do mid-command. Writes are refused with an OOM error before
  // the entry arena fills (entry_arena::Full, checked by the dispatcher).
  if (e == nullptr) abort();
  e->next = EntryLink{};
  e->atime = NewKeyAtime();
  e->type = static_cast<uint8_t>(type);
  e->flags = has_expire ? kHasExpire : 0;
  char* p = reinterpret_cast<char*>(e) + kHeader;
  p = WriteVarint(p, klen);
  p = WriteVarint(p, val_len);
  if (has_expire) {
    memset(p, 0, 8);
    p += 8;
  }
  memcpy(p, key.data(), klen);
  return e;
}

void Entry::Free(Entry* e) {
  if (e->obj_type() != ObjType::kString) CollectionOf(e)->~CollectionValue();
  entry_arena::Free(e);
}

void Entry::FreeShell(Entry* e) { entry_arena::Free(e); }

size_t Entry::AllocSize(const Entry* e) { return entry_arena::UsableSize(e); }

void AppendStringValue(const Entry* e, std::string* out) {
  if (e->flags & Entry::kIntEncoded) {
    AppendInt64(e->int_value(), out);
  } else {
    out->append(e->value(), e->value_len());
  }
}

std::string_view StringValue(const Entry* e, char* buf) {
  if (e->flags & Entry::kIntEncoded) {
    return {buf, FormatInt64(e->int_value(), buf)};
  }
  return e->value_view();
}

}  // namespace shoal
