// Quicklist: a deque of strings as a doubly linked list of bounded Listpack nodes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "datastructs/listpack.h"

namespace shoal {

// Elements live in listpack nodes whose size is bounded by the fill limit, as Redis'
// list-max-listpack-size: positive = at most that many entries per node (and at most 8 KiB, so a
// count limit cannot build huge nodes); -1..-5 = at most 4, 8, 16, 32, 64 KiB per node. An
// element bigger than the limit gets a node of its own. Nodes are split when an insert lands in
// a full node and merged by Compact() after deletions in the middle.
//
// Iterators (node + position) are invalidated by any mutation except through the Iter returned
// by Erase.
class Quicklist {
 public:
  struct Node {
    Node* prev = nullptr;
    Node* next = nullptr;
    Listpack lp;
  };
  struct Iter {
    Node* node = nullptr;
    Listpack::Pos pos = Listpack::kNone;
    bool valid() const { return node != nullptr; }
  };
  using Value = Listpack::Value;

  explicit Quicklist(int fill = -2) { set_fill(fill); }
  ~Quicklist() { Clear(); }
  Quicklist(const Quicklist&) = delete;
  Quicklist& operator=(const Quicklist&) = delete;
  Quicklist(Quicklist&& o) noexcept;
  Quicklist& operator=(Quicklist&& o) noexcept;
  // A deep copy with the same node layout.
  Quicklist Clone() const;

  // Applies from the next insertion on; out-of-range values are clamped as Redis does.
  void set_fill(int64_t fill);
  int fill() const { return fill_; }

  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  size_t node_count() const { return nodes_; }
  // Bytes held: listpack buffers plus node structs (allocator rounding not included).
  size_t MemoryUsage() const;
  void Clear();

  void PushFront(std::string_view s);
  void PushBack(std::string_view s);
  // Calls fn with the first (last) element, then removes it. False when empty.
  bool PopFront(absl::FunctionRef<void(const Value&)> fn);
  bool PopBack(absl::FunctionRef<void(const Value&)> fn);

  // The element at index (negative: from the end), walking from the nearer end; invalid when
  // out of range.
  Iter At(int64_t index) const;
  Iter Begin() const { return head_ ? Iter{head_, head_->lp.First()} : Iter{}; }
  Iter RBegin() const { return tail_ ? Iter{tail_, tail_->lp.Last()} : Iter{}; }
  Iter Next(Iter it) const;
  Iter Prev(Iter it) const;
  Value Get(Iter it) const { return it.node->lp.Get(it.pos); }
  bool Equals(Iter it, std::string_view s) const { return it.node->lp.Equals(it.pos, s); }

  // Replaces the element at it.
  void Replace(Iter it, std::string_view s);
  // Inserts s before (after) the element at it.
  void Insert(Iter it, std::string_view s, bool after);
  // Removes the element at it; returns the element that followed it in the walking direction
  // (forward: the next one, else the previous one). Nodes are not merged: call Compact() when
  // done.
  Iter Erase(Iter it, bool forward);
  // Removes count elements starting at index start (0 <= start); clamped to the list.
  void EraseRange(size_t start, size_t count);
  // Merges neighbouring nodes that fit together within the fill limit.
  void Compact();

 private:
  static constexpr size_t kCountSafetyBytes = 8192;
  bool Fits(const Node* n, size_t add_bytes, size_t add_count) const;
  Node* NewNodeAfter(Node* at);  // at == nullptr: new head
  void Unlink(Node* n);

  Node* head_ = nullptr;
  Node* tail_ = nullptr;
  size_t count_ = 0;
  size_t nodes_ = 0;
  int fill_ = -2;
};

}  // namespace shoal
