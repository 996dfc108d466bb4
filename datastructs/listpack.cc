// Listpack encoding, decoding and in-place editing.
#include "datastructs/listpack.h"

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <new>

#ifdef SHOAL_HAVE_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

namespace shoal {

namespace {

constexpr uint8_t kStr6 = 0x80;   // 10LLLLLL
constexpr uint8_t kInt = 0xC0;    // 11000nnn
constexpr uint8_t kStr12 = 0xD0;  // 1101LLLL LLLLLLLL
constexpr uint8_t kStr32 = 0xE0;  // 11100000 u32

size_t BacklenSize(uint32_t len) {
  if (len < (1u << 7)) return 1;
  if (len < (1u << 14)) return 2;
  if (len < (1u << 21)) return 3;
  if (len < (1u << 28)) return 4;
  return 5;
}

// Writes len so that it decodes from the last byte backwards.
void WriteBacklen(char* p, uint32_t len, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    uint8_t b = (len >> (7 * i)) & 0x7f;
    if (i + 1 < n) b |= 0x80;
    p[n - 1 - i] = static_cast<char>(b);
  }
}

// Reads the backlen that ends just before end; *n is its byte count.
uint32_t ReadBacklen(const char* end, size_t* n) {
  uint32_t len = 0;
  int shift = 0;
  const char* p = end - 1;
  size_t k = 0;
  for (;;) {
    uint8_t b = static_cast<uint8_t>(*p);
    len |= static_cast<uint32_t>(b & 0x7f) << shift;
    ++k;
    if (!(b & 0x80)) break;
    --p;
    shift += 7;
  }
  *n = k;
  return len;
}

int IntWidth(int64_t v) {
  for (int n = 1; n < 8; ++n) {
    int64_t lim = int64_t{1} << (8 * n - 1);
    if (v >= -lim && v < lim) return n;
  }
  return 8;
}

// Header+payload length of the entry at p (not including backlen).
uint32_t BodyLen(const char* p) {
  uint8_t h = static_cast<uint8_t>(*p);
  if (h < 0x80) return 1;
  if ((h & 0xC0) == kStr6) return 1 + (h & 0x3f);
  if ((h & 0xF8) == kInt) return 1 + (h & 7) + 1;
  if ((h & 0xF0) == kStr12) {
    return 2 + ((static_cast<uint32_t>(h & 0x0f) << 8) | static_cast<uint8_t>(p[1]));
  }
  uint32_t len;
  std::memcpy(&len, p + 1, 4);
  return 5 + len;
}

}  // namespace

// An entry ready to be written: header and backlen bytes, and where the payload comes from.
template <bool B>
struct BasicListpack<B>::Encoded {
  char head[5];
  uint8_t head_len = 0;
  char int_bytes[8];
  std::string_view payload;  // string payload, or a view of int_bytes
  uint32_t body = 0;         // head_len + payload size
  uint8_t back_len = 0;

  size_t total() const { return body + back_len; }

  void SetInt(int64_t v) {
    if (v >= 0 && v < 128) {
      head[0] = static_cast<char>(v);
      head_len = 1;
      payload = {};
    } else {
      int n = IntWidth(v);
      head[0] = static_cast<char>(kInt | (n - 1));
      head_len = 1;
      uint64_t u = static_cast<uint64_t>(v);
      for (int i = 0; i < n; ++i) int_bytes[i] = static_cast<char>(u >> (8 * i));
      payload = {int_bytes, static_cast<size_t>(n)};
    }
    Finish();
  }
  void SetString(std::string_view s) {
    int64_t v;
    if (BasicListpack<B>::ParseCanonicalInt(s, &v)) return SetInt(v);
    size_t n = s.size();
    if (n < 64) {
      head[0] = static_cast<char>(kStr6 | n);
      head_len = 1;
    } else if (n < 4096) {
      head[0] = static_cast<char>(kStr12 | (n >> 8));
      head[1] = static_cast<char>(n & 0xff);
      head_len = 2;
    } else {
      head[0] = static_cast<char>(kStr32);
      uint32_t n32 = static_cast<uint32_t>(n);
      std::memcpy(head + 1, &n32, 4);
      head_len = 5;
    }
    payload = s;
    Finish();
  }
  void Finish() {
    body = static_cast<uint32_t>(head_len + payload.size());
    back_len = B ? static_cast<uint8_t>(BacklenSize(body)) : 0;
  }
  void WriteTo(char* p) const {
    std::memcpy(p, head, head_len);
    if (!payload.empty()) std::memcpy(p + head_len, payload.data(), payload.size());
    WriteBacklen(p + body, body, back_len);
  }
};

template <bool B>
bool BasicListpack<B>::ParseCanonicalInt(std::string_view s, int64_t* v) {
  size_t n = s.size();
  if (n == 0 || n > 20) return false;
  const char* p = s.data();
  bool neg = p[0] == '-';
  size_t i = neg ? 1 : 0;
  if (i == n) return false;
  if (p[i] == '0') {
    // "0" only: no leading zeros, no "-0".
    if (n == 1) {
      *v = 0;
      return true;
    }
    return false;
  }
  uint64_t acc = 0;
  for (; i < n; ++i) {
    unsigned d = static_cast<unsigned char>(p[i]) - '0';
    if (d > 9) return false;
    if (acc > (UINT64_MAX - d) / 10) return false;
    acc = acc * 10 + d;
  }
  if (neg) {
    if (acc > uint64_t{1} << 63) return false;
    *v = static_cast<int64_t>(0 - acc);
  } else {
    if (acc > static_cast<uint64_t>(INT64_MAX)) return false;
    *v = static_cast<int64_t>(acc);
  }
  return true;
}

std::string_view PackValue::View(char* buf) const {
  if (!is_int) return str;
  auto r = std::to_chars(buf, buf + kIntBufSize, ival);
  return {buf, static_cast<size_t>(r.ptr - buf)};
}

void PackValue::AppendTo(std::string* out) const {
  char buf[kIntBufSize];
  std::string_view v = View(buf);
  out->append(v.data(), v.size());
}

template <bool B>
BasicListpack<B>::~BasicListpack() {
  std::free(buf_);
}

template <bool B>
BasicListpack<B>::BasicListpack(const BasicListpack& other) {
  if (other.buf_) {
    size_t n = other.bytes();
    buf_ = static_cast<char*>(std::malloc(n));
    if (!buf_) throw std::bad_alloc();
    std::memcpy(buf_, other.buf_, n);
  }
}

template <bool B>
BasicListpack<B>& BasicListpack<B>::operator=(const BasicListpack& other) {
  if (this != &other) {
    BasicListpack copy(other);
    *this = std::move(copy);
  }
  return *this;
}

template <bool B>
BasicListpack<B>& BasicListpack<B>::operator=(BasicListpack&& other) noexcept {
  if (this != &other) {
    std::free(buf_);
    buf_ = other.buf_;
    other.buf_ = nullptr;
  }
  return *this;
}

template <bool B>
void BasicListpack<B>::Clear() {
  std::free(buf_);
  buf_ = nullptr;
}

template <bool B>
void BasicListpack<B>::SetHeader(size_t bytes, size_t count) {
  WriteU32(buf_, static_cast<uint32_t>(bytes));
  WriteU32(buf_ + 4, static_cast<uint32_t>(count));
}

namespace {
// What the allocator really hands out for a request of n bytes: jemalloc's size class (an
// arithmetic lookup, no metadata read), or n itself without jemalloc.
inline size_t AllocatedFor(size_t n) {
#ifdef SHOAL_HAVE_JEMALLOC
  return nallocx(n, 0);
#else
  return n;
#endif
}
}  // namespace

template <bool B>
void BasicListpack<B>::Resize(size_t new_bytes) {
  // Sizes are exact: a full node wastes at most the size-class rounding. Every buffer was last
  // (re)allocated with exactly bytes() bytes (callers set the header to new_bytes right after),
  // so when the new size is in the same size class the block already fits and realloc, which
  // would only look the block up to find that, is skipped: a push or pop inside one node is
  // then no allocator call at all.
  if (buf_ && AllocatedFor(bytes()) == AllocatedFor(new_bytes)) return;
  char* p = static_cast<char*>(std::realloc(buf_, new_bytes));
  if (!p) throw std::bad_alloc();
  if (!buf_) {
    buf_ = p;
    SetHeader(kHeaderSize, 0);
  }
  buf_ = p;
}

template <bool B>
size_t BasicListpack<B>::EntrySize(std::string_view s) {
  Encoded e;
  e.SetString(s);
  return e.total();
}

template <bool B>
typename BasicListpack<B>::Pos BasicListpack<B>::Splice(Pos pos, size_t old_len, const Encoded& e,
                                                        std::string_view payload_owner) {
  // A payload that lives in our own buffer would move under realloc/memmove: copy it first.
  std::string tmp;
  Encoded local;
  const Encoded* enc = &e;
  if (buf_ && !payload_owner.empty() && payload_owner.data() >= buf_ &&
      payload_owner.data() < buf_ + bytes()) {
    tmp.assign(payload_owner);
    local = e;
    local.payload = tmp;
    enc = &local;
  }
  size_t old_bytes = buf_ ? bytes() : kHeaderSize;
  size_t count = size();
  if (pos == kNone) pos = static_cast<Pos>(old_bytes);
  size_t new_len = enc->total();
  size_t new_bytes = old_bytes - old_len + new_len;
  size_t tail = old_bytes - pos - old_len;
  if (new_len > old_len) {
    Resize(new_bytes);
    std::memmove(buf_ + pos + new_len, buf_ + pos + old_len, tail);
  } else if (new_len < old_len) {
    std::memmove(buf_ + pos + new_len, buf_ + pos + old_len, tail);
    Resize(new_bytes);
  }
  enc->WriteTo(buf_ + pos);
  SetHeader(new_bytes, old_len ? count : count + 1);
  return pos;
}

template <bool B>
typename BasicListpack<B>::Pos BasicListpack<B>::Insert(Pos pos, std::string_view s) {
  Encoded e;
  e.SetString(s);
  return Splice(pos, 0, e, s);
}

template <bool B>
typename BasicListpack<B>::Pos BasicListpack<B>::InsertInt(Pos pos, int64_t v) {
  Encoded e;
  e.SetInt(v);
  return Splice(pos, 0, e, {});
}

template <bool B>
typename BasicListpack<B>::Pos BasicListpack<B>::Replace(Pos pos, std::string_view s) {
  Encoded e;
  e.SetString(s);
  return Splice(pos, EntryBytesAt(pos), e, s);
}

template <bool B>
typename BasicListpack<B>::Pos BasicListpack<B>::ReplaceInt(Pos pos, int64_t v) {
  Encoded e;
  e.SetInt(v);
  return Splice(pos, EntryBytesAt(pos), e, {});
}

template <bool B>
size_t BasicListpack<B>::EntryBytesAt(Pos pos) const {
  uint32_t body = BodyLen(buf_ + pos);
  return B ? body + BacklenSize(body) : body;
}

template <bool B>
typename BasicListpack<B>::Pos BasicListpack<B>::Erase(Pos pos, size_t n) {
  if (pos == kNone || n == 0) return pos;
  size_t total = bytes();
  size_t end = pos;
  size_t erased = 0;
  while (erased < n && end < total) {
    end += EntryBytesAt(static_cast<Pos>(end));
    ++erased;
  }
  size_t count = size() - erased;
  if (count == 0) {
    Clear();
    return kNone;
  }
  std::memmove(buf_ + pos, buf_ + end, total - end);
  size_t new_bytes = total - (end - pos);
  Resize(new_bytes);
  SetHeader(new_bytes, count);
  return pos < new_bytes ? pos : kNone;
}

template <bool B>
void BasicListpack<B>::EraseRange(int64_t index, size_t count) {
  int64_t n = static_cast<int64_t>(size());
  if (index < 0) index += n;
  if (index < 0) index = 0;
  if (index >= n || count == 0) return;
  Erase(Seek(index), count);
}

template <bool B>
typename BasicListpack<B>::Pos BasicListpack<B>::Last() const {
  if (!size()) return kNone;
  if constexpr (!B) {
    Pos p = First();
    for (Pos q = Next(p); q != kNone; q = Next(q)) p = q;
    return p;
  }
  size_t n;
  const char* end = buf_ + bytes();
  uint32_t body = ReadBacklen(end, &n);
  return static_cast<Pos>(bytes() - n - body);
}

template <bool B>
typename BasicListpack<B>::Pos BasicListpack<B>::Next(Pos pos) const {
  if (pos == kNone) return kNone;
  size_t next = pos + EntryBytesAt(pos);
  return next < bytes() ? static_cast<Pos>(next) : kNone;
}

template <bool B>
typename BasicListpack<B>::Pos BasicListpack<B>::Prev(Pos pos) const {
  if (pos == kNone || pos <= kHeaderSize) return kNone;
  if constexpr (!B) {
    Pos p = First();
    for (Pos q = Next(p); q != pos && q != kNone; q = Next(q)) p = q;
    return p;
  }
  size_t n;
  uint32_t body = ReadBacklen(buf_ + pos, &n);
  return static_cast<Pos>(pos - n - body);
}

template <bool B>
typename BasicListpack<B>::Pos BasicListpack<B>::Seek(int64_t index) const {
  int64_t n = static_cast<int64_t>(size());
  if (index < 0) index += n;
  if (index < 0 || index >= n) return kNone;
  Pos p;
  if (!B || index <= n / 2) {
    p = First();
    for (int64_t i = 0; i < index; ++i) p = Next(p);
  } else {
    p = Last();
    for (int64_t i = n - 1; i > index; --i) p = Prev(p);
  }
  return p;
}

namespace {

// Decodes the entry at p into v; returns its header + payload length (the backlen excluded).
inline uint32_t DecodeEntry(const char* p, PackValue* v) {
  uint8_t h = static_cast<uint8_t>(*p);
  if (h < 0x80) {
    v->is_int = true;
    v->ival = h;
    return 1;
  }
  if ((h & 0xC0) == kStr6) {
    v->str = {p + 1, static_cast<size_t>(h & 0x3f)};
    return 1 + (h & 0x3f);
  }
  if ((h & 0xF8) == kInt) {
    int n = (h & 7) + 1;
    uint64_t u = 0;
    for (int i = 0; i < n; ++i)
      u |= static_cast<uint64_t>(static_cast<uint8_t>(p[1 + i])) << (8 * i);
    if (n < 8 && (u >> (8 * n - 1)) & 1) u |= ~uint64_t{0} << (8 * n);  // sign-extend
    v->is_int = true;
    v->ival = static_cast<int64_t>(u);
    return 1 + static_cast<uint32_t>(n);
  }
  if ((h & 0xF0) == kStr12) {
    size_t len = (static_cast<size_t>(h & 0x0f) << 8) | static_cast<uint8_t>(p[1]);
    v->str = {p + 2, len};
    return 2 + static_cast<uint32_t>(len);
  }
  uint32_t len;
  std::memcpy(&len, p + 1, 4);
  v->str = {p + 5, len};
  return 5 + len;
}

}  // namespace

template <bool B>
PackValue BasicListpack<B>::Get(Pos pos) const {
  Value v;
  DecodeEntry(buf_ + pos, &v);
  return v;
}

template <bool B>
PackValue BasicListpack<B>::GetAdvance(Pos* pos) const {
  Value v;
  const uint32_t body = DecodeEntry(buf_ + *pos, &v);
  const size_t next = *pos + (B ? body + BacklenSize(body) : body);
  *pos = next < bytes() ? static_cast<Pos>(next) : kNone;
  return v;
}

template <bool B>
bool BasicListpack<B>::Equals(Pos pos, std::string_view s) const {
  Value v = Get(pos);
  if (!v.is_int) return v.str == s;
  int64_t x;
  return ParseCanonicalInt(s, &x) && x == v.ival;
}

template <bool B>
typename BasicListpack<B>::Pos BasicListpack<B>::Find(Pos start, std::string_view s,
                                                      size_t skip) const {
  int64_t want;
  bool want_int = ParseCanonicalInt(s, &want);
  for (Pos p = start; p != kNone;) {
    Value v = Get(p);
    // A canonical integer is always stored as an integer, so the kinds must match.
    if (v.is_int ? (want_int && v.ival == want) : (!want_int && v.str == s)) return p;
    for (size_t i = 0; i <= skip && p != kNone; ++i) p = Next(p);
  }
  return kNone;
}

template <bool B>
void BasicListpack<B>::Append(const BasicListpack& other) {
  if (other.empty()) return;
  if (empty()) {
    *this = other;
    return;
  }
  size_t add = other.bytes() - kHeaderSize;
  size_t old_bytes = bytes();
  size_t count = size() + other.size();
  const char* src = other.buf_ + kHeaderSize;
  Resize(old_bytes + add);
  std::memcpy(buf_ + old_bytes, src, add);
  SetHeader(old_bytes + add, count);
}

template <bool B>
BasicListpack<B> BasicListpack<B>::SplitAt(Pos pos) {
  BasicListpack out;
  if (pos == kNone || empty()) return out;
  size_t total = bytes();
  size_t moved = 0;
  for (Pos p = pos; p != kNone; p = Next(p)) ++moved;
  if (moved == size()) {
    std::swap(out.buf_, buf_);
    return out;
  }
  size_t tail = total - pos;
  out.Resize(kHeaderSize + tail);
  std::memcpy(out.buf_ + kHeaderSize, buf_ + pos, tail);
  out.SetHeader(kHeaderSize + tail, moved);
  size_t count = size() - moved;
  Resize(pos);
  SetHeader(pos, count);
  return out;
}

template class BasicListpack<true>;
template class BasicListpack<false>;

}  // namespace shoal
