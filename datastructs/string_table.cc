// StringSet and StringMap: node layout and the operations that allocate.
#include "datastructs/string_table.h"

#include <cstdlib>
#include <cstring>
#include <new>

namespace shoal {

namespace string_table_internal {

namespace {

size_t VarintSize(size_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

char* WriteVarint(char* p, size_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  return p;
}

}  // namespace

void MapEntry(const Node* n, std::string_view* key, std::string_view* value) {
  uint32_t klen;
  uint32_t vlen;
  const char* p = ReadVarint(Payload(n), &klen);
  p = ReadVarint(p, &vlen);
  *key = {p, klen};
  *value = {p + klen, vlen};
}

Node* NewNode(std::string_view key, std::string_view value, bool map) {
  size_t bytes = sizeof(Node) + VarintSize(key.size()) + key.size();
  if (map) bytes += VarintSize(value.size()) + value.size();
  Node* n = static_cast<Node*>(std::malloc(bytes));
  if (n == nullptr) throw std::bad_alloc();
  n->next = nullptr;
  char* p = reinterpret_cast<char*>(n) + sizeof(Node);
  p = WriteVarint(p, key.size());
  if (map) p = WriteVarint(p, value.size());
  if (!key.empty()) std::memcpy(p, key.data(), key.size());
  if (map && !value.empty()) std::memcpy(p + key.size(), value.data(), value.size());
  return n;
}

size_t NodeBytes(const Node* n, bool map) {
  if (map) {
    std::string_view k, v;
    MapEntry(n, &k, &v);
    return sizeof(Node) + VarintSize(k.size()) + k.size() + VarintSize(v.size()) + v.size();
  }
  const std::string_view k = KeyOf<false>(n);
  return sizeof(Node) + VarintSize(k.size()) + k.size();
}

}  // namespace string_table_internal

using string_table_internal::MapEntry;
using string_table_internal::Node;

bool StringSet::Insert(std::string_view member) {
  if (dict_.Find(member) != nullptr) return false;
  dict_.Insert(Make(member, {}));
  return true;
}

StringSet StringSet::Clone() const {
  StringSet copy;
  copy.CopyFrom(*this);
  return copy;
}

bool StringMap::Set(std::string_view field, std::string_view value) {
  Node** link = dict_.FindLink(field);
  if (link == nullptr) {
    dict_.Insert(Make(field, value));
    return true;
  }
  Node* old = *link;
  std::string_view k, v;
  MapEntry(old, &k, &v);
  if (v.size() == value.size()) {
    // Same length: the node layout is unchanged, overwrite the bytes in place.
    if (!value.empty()) std::memmove(const_cast<char*>(v.data()), value.data(), value.size());
    return false;
  }
  Node* repl = Make(field, value);
  repl->next = old->next;
  *link = repl;
  Free(old);
  return false;
}

bool StringMap::SetIfAbsent(std::string_view field, std::string_view value) {
  if (dict_.Find(field) != nullptr) return false;
  dict_.Insert(Make(field, value));
  return true;
}

bool StringMap::Find(std::string_view field, std::string_view* value) const {
  Node* n = dict_.Find(field);
  if (n == nullptr) return false;
  std::string_view k;
  MapEntry(n, &k, value);
  return true;
}

StringMap StringMap::Clone() const {
  StringMap copy;
  copy.CopyFrom(*this);
  return copy;
}

}  // namespace shoal
