// Growable byte buffer that requests are rendered into and reused across batches.
#ifndef SHOAL_TOOLS_SHOAL_BENCH_BUFFER_H_
#define SHOAL_TOOLS_SHOAL_BENCH_BUFFER_H_

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string_view>

namespace shoal::bench {

// std::string would do, but its append() re-checks capacity per call; rendering a request
// is a handful of small copies, so callers reserve once per request and write raw bytes.
class OutBuffer {
 public:
  OutBuffer() = default;
  OutBuffer(const OutBuffer&) = delete;
  OutBuffer& operator=(const OutBuffer&) = delete;
  OutBuffer(OutBuffer&& o) noexcept : data_(o.data_), size_(o.size_), cap_(o.cap_) {
    o.data_ = nullptr;
    o.size_ = o.cap_ = 0;
  }
  ~OutBuffer() { std::free(data_); }

  // Returns room for at least n more bytes at end(); call Advance() with what was written.
  char* Reserve(size_t n) {
    if (cap_ - size_ < n) Grow(size_ + n);
    return data_ + size_;
  }
  void Advance(size_t n) { size_ += n; }
  void Append(std::string_view s) {
    std::memcpy(Reserve(s.size()), s.data(), s.size());
    size_ += s.size();
  }
  void Clear() { size_ = 0; }

  const char* data() const { return data_; }
  size_t size() const { return size_; }
  std::string_view view() const { return {data_, size_}; }

 private:
  void Grow(size_t need) {
    size_t cap = cap_ ? cap_ : 256;
    while (cap < need) cap *= 2;
    char* p = static_cast<char*>(std::realloc(data_, cap));
    if (p == nullptr) throw std::bad_alloc();
    data_ = p;
    cap_ = cap;
  }

  char* data_ = nullptr;
  size_t size_ = 0;
  size_t cap_ = 0;
};

// Writes v in decimal at p and returns the end. Used per request for keys and lengths,
// where snprintf's format parsing would show up in profiles.
inline char* WriteDecimal(char* p, uint64_t v) {
  char tmp[20];
  int n = 0;
  do {
    tmp[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n > 0) *p++ = tmp[--n];
  return p;
}

}  // namespace shoal::bench

#endif  // SHOAL_TOOLS_SHOAL_BENCH_BUFFER_H_
