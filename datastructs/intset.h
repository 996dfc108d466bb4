// IntSet: a sorted set of integers packed in one allocation, 2/4/8 bytes per element.
#ifndef SHOAL_DATASTRUCTS_INTSET_H_
#define SHOAL_DATASTRUCTS_INTSET_H_

#include <cstddef>
#include <cstdint>

namespace shoal {

// Elements are kept sorted in a single malloc'ed block: [width 4][count 4][elements...]. All
// elements share the width of the widest one (2, 4 or 8 bytes); adding a wider value widens the
// whole array once, and it never narrows again (as in Redis, removals are rare compared with the
// cost of rescanning). An empty set holds no allocation, so the object itself is one pointer.
class IntSet {
 public:
  IntSet() = default;
  ~IntSet();
  IntSet(const IntSet& other);
  IntSet& operator=(const IntSet& other);
  IntSet(IntSet&& other) noexcept : buf_(other.buf_) { other.buf_ = nullptr; }
  IntSet& operator=(IntSet&& other) noexcept;

  size_t size() const { return buf_ ? header()->count : 0; }
  bool empty() const { return size() == 0; }
  // Bytes per element (2 when empty).
  int width() const { return buf_ ? static_cast<int>(header()->width) : 2; }
  // Bytes of the allocation (0 when empty).
  size_t BytesUsed() const;

  bool Contains(int64_t v) const;
  // Returns false if v was already present.
  bool Add(int64_t v);
  // Returns false if v was absent.
  bool Remove(int64_t v);
  // The i-th smallest element; i < size().
  int64_t Get(size_t i) const;
  // A uniformly chosen element; the set must not be empty.
  int64_t Random(uint64_t random_bits) const;
  // Removes the element at index i < size().
  void RemoveAt(size_t i);
  void Clear();

  // Calls fn(int64_t) for every element in ascending order.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    const size_t n = size();
    for (size_t i = 0; i < n; ++i) fn(Get(i));
  }

  // The narrowest width (2, 4, 8) that holds v.
  static int WidthFor(int64_t v);

 private:
  struct Header {
    uint32_t width;
    uint32_t count;
  };
  Header* header() const { return reinterpret_cast<Header*>(buf_); }
  char* data() const { return buf_ + sizeof(Header); }
  // Index of v, or (when absent) where it would be inserted; *found tells which.
  size_t Search(int64_t v, bool* found) const;
  void Set(size_t i, int64_t v);
  // Reallocates for `count` elements of `width` bytes (data of the old width is kept as is).
  void Resize(size_t count, int width);
  void Widen(int width);

  char* buf_ = nullptr;
};

}  // namespace shoal

#endif  // SHOAL_DATASTRUCTS_INTSET_H_
