// A growable byte buffer with a read cursor, used for connection input.
#pragma once

#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>

namespace shoal {

class IoBuf {
 public:
  std::string_view readable() const { return {data_.get() + begin_, end_ - begin_}; }
  size_t size() const { return end_ - begin_; }
  bool empty() const { return begin_ == end_; }
  size_t capacity() const { return cap_; }

  void Consume(size_t n) {
    begin_ += n;
    if (begin_ == end_) begin_ = end_ = 0;
  }
  char* write_ptr() { return data_.get() + end_; }
  size_t write_space() const { return cap_ - end_; }
  void Commit(size_t n) { end_ += n; }

  // Makes room for at least n more bytes, moving unread bytes to the front first.
  void Reserve(size_t n) {
    if (write_space() >= n) return;
    size_t used = size();
    if (begin_ > 0 && cap_ - used >= n) {
      memmove(data_.get(), data_.get() + begin_, used);
      begin_ = 0;
      end_ = used;
      return;
    }
    size_t cap = cap_ ? cap_ : 1024;
    while (cap - used < n) cap *= 2;
    std::unique_ptr<char[]> nd(new char[cap]);
    if (used) memcpy(nd.get(), data_.get() + begin_, used);
    data_ = std::move(nd);
    cap_ = cap;
    begin_ = 0;
    end_ = used;
  }
  void Append(std::string_view s) {
    Reserve(s.size());
    memcpy(write_ptr(), s.data(), s.size());
    Commit(s.size());
  }
  // Frees the memory when empty (idle connections hold no buffer).
  void ReleaseIfEmpty() {
    if (empty() && cap_) {
      data_.reset();
      cap_ = begin_ = end_ = 0;
    }
  }

 private:
  std::unique_ptr<char[]> data_;
  size_t cap_ = 0;
  size_t begin_ = 0;
  size_t end_ = 0;
};

}  // namespace shoal
