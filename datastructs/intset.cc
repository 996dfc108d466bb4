// IntSet: sorted packed integer array with width upgrades.
#include "datastructs/intset.h"

#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>

namespace shoal {

namespace {

// __extension__ keeps -Wpedantic quiet about the 128-bit integer.
__extension__ typedef unsigned __int128 Uint128;

// Element access by width; memcpy keeps unaligned-safe and compiles to a plain load.
inline int64_t Load(const char* data, size_t i, int width) {
  switch (width) {
    case 2: {
      int16_t v;
      std::memcpy(&v, data + i * 2, 2);
      return v;
    }
    case 4: {
      int32_t v;
      std::memcpy(&v, data + i * 4, 4);
      return v;
    }
    default: {
      int64_t v;
      std::memcpy(&v, data + i * 8, 8);
      return v;
    }
  }
}

inline void Store(char* data, size_t i, int width, int64_t v) {
  switch (width) {
    case 2: {
      int16_t x = static_cast<int16_t>(v);
      std::memcpy(data + i * 2, &x, 2);
      break;
    }
    case 4: {
      int32_t x = static_cast<int32_t>(v);
      std::memcpy(data + i * 4, &x, 4);
      break;
    }
    default:
      std::memcpy(data + i * 8, &v, 8);
  }
}

}  // namespace

IntSet::~IntSet() { std::free(buf_); }

IntSet::IntSet(const IntSet& other) {
  if (other.buf_ == nullptr) return;
  const size_t bytes = other.BytesUsed();
  buf_ = static_cast<char*>(std::malloc(bytes));
  if (buf_ == nullptr) throw std::bad_alloc();
  std::memcpy(buf_, other.buf_, bytes);
}

IntSet& IntSet::operator=(const IntSet& other) {
  if (this != &other) {
    IntSet copy(other);
    *this = std::move(copy);
  }
  return *this;
}

IntSet& IntSet::operator=(IntSet&& other) noexcept {
  if (this != &other) {
    std::free(buf_);
    buf_ = other.buf_;
    other.buf_ = nullptr;
  }
  return *this;
}

size_t IntSet::BytesUsed() const {
  return buf_ ? sizeof(Header) + size_t{header()->count} * header()->width : 0;
}

int IntSet::WidthFor(int64_t v) {
  if (v >= INT16_MIN && v <= INT16_MAX) return 2;
  if (v >= INT32_MIN && v <= INT32_MAX) return 4;
  return 8;
}

int64_t IntSet::Get(size_t i) const { return Load(data(), i, width()); }

void IntSet::Set(size_t i, int64_t v) { Store(data(), i, width(), v); }

size_t IntSet::Search(int64_t v, bool* found) const {
  *found = false;
  const size_t n = size();
  if (n == 0) return 0;
  const int w = width();
  const char* d = data();
  // Values outside the current range are common when filling in order; skip the search.
  if (v > Load(d, n - 1, w)) return n;
  if (v < Load(d, 0, w)) return 0;
  size_t lo = 0;
  size_t hi = n;
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    const int64_t m = Load(d, mid, w);
    if (m < v) {
      lo = mid + 1;
    } else if (m > v) {
      hi = mid;
    } else {
      *found = true;
      return mid;
    }
  }
  return lo;
}

bool IntSet::Contains(int64_t v) const {
  if (buf_ == nullptr || WidthFor(v) > width()) return false;
  bool found;
  Search(v, &found);
  return found;
}

void IntSet::Resize(size_t count, int width) {
  char* p = static_cast<char*>(std::realloc(buf_, sizeof(Header) + count * width));
  if (p == nullptr) throw std::bad_alloc();
  const bool fresh = buf_ == nullptr;
  buf_ = p;
  if (fresh) {
    header()->width = static_cast<uint32_t>(width);
    header()->count = 0;
  }
}

void IntSet::Widen(int new_width) {
  const int old_width = width();
  const size_t n = size();
  Resize(n, new_width);
  // Back to front, so that no element is overwritten before it is moved.
  for (size_t i = n; i-- > 0;) Store(data(), i, new_width, Load(data(), i, old_width));
  header()->width = static_cast<uint32_t>(new_width);
}

bool IntSet::Add(int64_t v) {
  const int w = WidthFor(v);
  if (buf_ == nullptr) {
    Resize(1, w);
    header()->count = 1;
    Set(0, v);
    return true;
  }
  size_t pos;
  if (w > width()) {
    // A value too wide for the current elements is beyond all of them, at one end.
    pos = v < 0 ? 0 : size();
    Widen(w);
  } else {
    bool found;
    pos = Search(v, &found);
    if (found) return false;
  }
  const size_t n = size();
  Resize(n + 1, width());
  const int cw = width();
  std::memmove(data() + (pos + 1) * cw, data() + pos * cw, (n - pos) * cw);
  header()->count = static_cast<uint32_t>(n + 1);
  Set(pos, v);
  return true;
}

void IntSet::RemoveAt(size_t i) {
  const size_t n = size();
  if (n == 1) {
    Clear();
    return;
  }
  const int w = width();
  std::memmove(data() + i * w, data() + (i + 1) * w, (n - i - 1) * w);
  header()->count = static_cast<uint32_t>(n - 1);
  Resize(n - 1, w);
}

bool IntSet::Remove(int64_t v) {
  if (buf_ == nullptr || WidthFor(v) > width()) return false;
  bool found;
  const size_t pos = Search(v, &found);
  if (!found) return false;
  RemoveAt(pos);
  return true;
}

int64_t IntSet::Random(uint64_t random_bits) const {
  const size_t n = size();
  // Multiply-shift maps the random word onto [0, n) without a division.
  const size_t i = static_cast<size_t>((static_cast<Uint128>(random_bits) * n) >> 64);
  return Get(i);
}

void IntSet::Clear() {
  std::free(buf_);
  buf_ = nullptr;
}

}  // namespace shoal
