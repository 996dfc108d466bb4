// Collection values: entry creation and the encoding thresholds.
#include "server/store/object.h"

#include <cstdlib>
#include <cstring>

namespace shoal {

namespace {

// An entry for key with room for an object of `size` bytes at an 8-byte aligned address: the
// value bytes start with the pad that aligns it (malloc'd blocks are 16-byte aligned).
Entry* NewShell(std::string_view key, ObjType type, size_t size, int64_t expire_at) {
  const bool has_expire = expire_at >= 0;
  // pad + size stays below 128, so the value length is a one-byte varint and the offset below is
  // where the value starts. Every implementation is 16-48 bytes; a bigger one is a bug.
  if (size > 120) abort();
  const size_t offset = Entry::kHeader + Entry::VarintLen(static_cast<uint32_t>(key.size())) + 1 +
                        (has_expire ? 8 : 0) + key.size();
  const size_t pad = (8 - offset % 8) % 8;
  Entry* e = Entry::New(key, type, static_cast<uint32_t>(pad + size), has_expire);
  if (has_expire) e->set_expire_at(expire_at);
  return e;
}

}  // namespace

Entry* NewCollectionEntry(std::string_view key, std::unique_ptr<CollectionValue> value,
                          int64_t expire_at_or_minus1) {
  const size_t size = value->ObjectSize();
  Entry* e = NewShell(key, value->type(), size, expire_at_or_minus1);
  CollectionValue* raw = value.release();
  // Relocate: the bytes move into the entry and the heap block is freed without running the
  // destructor, whose resources the entry's copy now owns.
  std::memcpy(static_cast<void*>(CollectionOf(e)), static_cast<const void*>(raw), size);
  ::operator delete(static_cast<void*>(raw));
  return e;
}

Entry* MoveCollectionEntry(const Entry* e, std::string_view key, int64_t expire_at_or_minus1) {
  const CollectionValue* v = CollectionOf(e);
  const size_t size = v->ObjectSize();
  Entry* n = NewShell(key, e->obj_type(), size, expire_at_or_minus1);
  std::memcpy(static_cast<void*>(CollectionOf(n)), static_cast<const void*>(v), size);
  n->flags = static_cast<uint8_t>((e->flags & ~Entry::kHasExpire) | (n->flags & Entry::kHasExpire));
  n->atime = e->atime;
  return n;
}

EncodingLimits& Limits() {
  static EncodingLimits* limits = new EncodingLimits();
  return *limits;
}

}  // namespace shoal
