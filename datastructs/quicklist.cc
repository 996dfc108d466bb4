// Quicklist node management: fill limits, splits on insert, merges after deletes.
#include "datastructs/quicklist.h"

#include <algorithm>
#include <utility>

namespace shoal {

Quicklist::Quicklist(Quicklist&& o) noexcept
    : head_(o.head_), tail_(o.tail_), count_(o.count_), nodes_(o.nodes_), fill_(o.fill_) {
  o.head_ = o.tail_ = nullptr;
  o.count_ = o.nodes_ = 0;
}

Quicklist& Quicklist::operator=(Quicklist&& o) noexcept {
  if (this != &o) {
    Clear();
    head_ = o.head_;
    tail_ = o.tail_;
    count_ = o.count_;
    nodes_ = o.nodes_;
    fill_ = o.fill_;
    o.head_ = o.tail_ = nullptr;
    o.count_ = o.nodes_ = 0;
  }
  return *this;
}

Quicklist Quicklist::Clone() const {
  Quicklist out(fill_);
  for (Node* n = head_; n; n = n->next) {
    Node* c = out.NewNodeAfter(out.tail_);
    c->lp = n->lp;
  }
  out.count_ = count_;
  return out;
}

void Quicklist::set_fill(int64_t fill) {
  // Redis clamps: at most 2^15 entries per node, at least -5 (64 KiB); 0 behaves as 1.
  if (fill > (1 << 15)) fill = 1 << 15;
  if (fill < -5) fill = -5;
  if (fill == 0) fill = 1;
  fill_ = static_cast<int>(fill);
}

size_t Quicklist::MemoryUsage() const {
  size_t total = sizeof(*this);
  for (Node* n = head_; n; n = n->next) total += sizeof(Node) + n->lp.bytes();
  return total;
}

void Quicklist::Clear() {
  Node* n = head_;
  while (n) {
    Node* next = n->next;
    delete n;
    n = next;
  }
  head_ = tail_ = nullptr;
  count_ = nodes_ = 0;
}

bool Quicklist::Fits(const Node* n, size_t add_bytes, size_t add_count) const {
  if (n->lp.empty()) return true;
  size_t new_bytes = n->lp.bytes() + add_bytes;
  if (fill_ > 0) {
    return n->lp.size() + add_count <= static_cast<size_t>(fill_) && new_bytes <= kCountSafetyBytes;
  }
  return new_bytes <= (size_t{4096} << (-fill_ - 1));
}

Quicklist::Node* Quicklist::NewNodeAfter(Node* at) {
  Node* n = new Node;
  n->prev = at;
  n->next = at ? at->next : head_;
  if (n->next) {
    n->next->prev = n;
  } else {
    tail_ = n;
  }
  if (at) {
    at->next = n;
  } else {
    head_ = n;
  }
  ++nodes_;
  return n;
}

void Quicklist::Unlink(Node* n) {
  if (n->prev) {
    n->prev->next = n->next;
  } else {
    head_ = n->next;
  }
  if (n->next) {
    n->next->prev = n->prev;
  } else {
    tail_ = n->prev;
  }
  --nodes_;
  delete n;
}

void Quicklist::PushFront(std::string_view s) {
  if (!head_ || !Fits(head_, Listpack::EntrySize(s), 1)) NewNodeAfter(nullptr);
  head_->lp.PushFront(s);
  ++count_;
}

void Quicklist::PushBack(std::string_view s) {
  if (!tail_ || !Fits(tail_, Listpack::EntrySize(s), 1)) NewNodeAfter(tail_);
  tail_->lp.PushBack(s);
  ++count_;
}

bool Quicklist::PopFront(absl::FunctionRef<void(const Value&)> fn) {
  if (!head_) return false;
  Listpack::Pos p = head_->lp.First();
  fn(head_->lp.Get(p));
  head_->lp.Erase(p);
  --count_;
  if (head_->lp.empty()) Unlink(head_);
  return true;
}

bool Quicklist::PopBack(absl::FunctionRef<void(const Value&)> fn) {
  if (!tail_) return false;
  Listpack::Pos p = tail_->lp.Last();
  fn(tail_->lp.Get(p));
  tail_->lp.Erase(p);
  --count_;
  if (tail_->lp.empty()) Unlink(tail_);
  return true;
}

Quicklist::Iter Quicklist::At(int64_t index) const {
  int64_t n = static_cast<int64_t>(count_);
  if (index < 0) index += n;
  if (index < 0 || index >= n) return {};
  if (index < n / 2) {
    for (Node* node = head_; node; node = node->next) {
      int64_t c = static_cast<int64_t>(node->lp.size());
      if (index < c) return {node, node->lp.Seek(index)};
      index -= c;
    }
  } else {
    int64_t from_end = n - 1 - index;  // 0 = last
    for (Node* node = tail_; node; node = node->prev) {
      int64_t c = static_cast<int64_t>(node->lp.size());
      if (from_end < c) return {node, node->lp.Seek(-1 - from_end)};
      from_end -= c;
    }
  }
  return {};
}

Quicklist::Iter Quicklist::Next(Iter it) const {
  Listpack::Pos p = it.node->lp.Next(it.pos);
  if (p != Listpack::kNone) return {it.node, p};
  Node* n = it.node->next;
  return n ? Iter{n, n->lp.First()} : Iter{};
}

Quicklist::Iter Quicklist::Prev(Iter it) const {
  Listpack::Pos p = it.node->lp.Prev(it.pos);
  if (p != Listpack::kNone) return {it.node, p};
  Node* n = it.node->prev;
  return n ? Iter{n, n->lp.Last()} : Iter{};
}

void Quicklist::Replace(Iter it, std::string_view s) {
  Node* n = it.node;
  size_t old_size = n->lp.EntryBytesAt(it.pos);
  size_t new_size = Listpack::EntrySize(s);
  if (new_size <= old_size || n->lp.size() == 1 || Fits(n, new_size - old_size, 0)) {
    n->lp.Replace(it.pos, s);
    return;
  }
  // Too big for this node: cut the node after the element, drop it, and put s after the cut.
  Listpack::Pos after = n->lp.Next(it.pos);
  if (after != Listpack::kNone) {
    Node* right = NewNodeAfter(n);
    right->lp = n->lp.SplitAt(after);
  }
  n->lp.Erase(n->lp.Last());
  if (n->lp.empty() || Fits(n, new_size, 1)) {
    n->lp.PushBack(s);
  } else {
    NewNodeAfter(n)->lp.PushBack(s);
  }
}

void Quicklist::Insert(Iter it, std::string_view s, bool after) {
  Node* n = it.node;
  size_t esz = Listpack::EntrySize(s);
  ++count_;
  if (Fits(n, esz, 1)) {
    n->lp.Insert(after ? n->lp.Next(it.pos) : it.pos, s);
    return;
  }
  bool at_tail = after && n->lp.Next(it.pos) == Listpack::kNone;
  bool at_head = !after && it.pos == n->lp.First();
  if (at_tail) {
    if (n->next && Fits(n->next, esz, 1)) {
      n->next->lp.PushFront(s);
    } else {
      NewNodeAfter(n)->lp.PushBack(s);
    }
    return;
  }
  if (at_head) {
    if (n->prev && Fits(n->prev, esz, 1)) {
      n->prev->lp.PushBack(s);
    } else {
      NewNodeAfter(n->prev)->lp.PushBack(s);
    }
    return;
  }
  // In the middle of a full node: split at the insertion point.
  Node* right = NewNodeAfter(n);
  right->lp = n->lp.SplitAt(after ? n->lp.Next(it.pos) : it.pos);
  if (Fits(n, esz, 1)) {
    n->lp.PushBack(s);
  } else if (Fits(right, esz, 1)) {
    right->lp.PushFront(s);
  } else {
    NewNodeAfter(n)->lp.PushBack(s);
  }
}

Quicklist::Iter Quicklist::Erase(Iter it, bool forward) {
  Node* n = it.node;
  bool was_first = it.pos == n->lp.First();
  Listpack::Pos next = n->lp.Erase(it.pos);
  --count_;
  Iter r;
  if (forward) {
    if (next != Listpack::kNone) {
      r = {n, next};
    } else if (n->next) {
      r = {n->next, n->next->lp.First()};
    }
  } else if (!was_first) {
    r = {n, next == Listpack::kNone ? n->lp.Last() : n->lp.Prev(next)};
  } else if (n->prev) {
    r = {n->prev, n->prev->lp.Last()};
  }
  if (n->lp.empty()) Unlink(n);
  return r;
}

void Quicklist::EraseRange(size_t start, size_t count) {
  if (start >= count_ || count == 0) return;
  count = std::min(count, count_ - start);
  Node* n = head_;
  while (n && start >= n->lp.size()) {
    start -= n->lp.size();
    n = n->next;
  }
  count_ -= count;
  Node* first_touched = n ? n->prev : nullptr;
  while (n && count > 0) {
    Node* next = n->next;
    size_t c = n->lp.size();
    size_t take = std::min(count, c - start);
    if (take == c) {
      Unlink(n);
    } else {
      n->lp.EraseRange(static_cast<int64_t>(start), take);
    }
    count -= take;
    start = 0;
    n = next;
  }
  // The cut may leave two small nodes side by side.
  Node* a = first_touched ? first_touched : head_;
  for (int i = 0; i < 2 && a && a->next; ++i) {
    Node* b = a->next;
    if (Fits(a, b->lp.bytes() - Listpack::kHeaderSize, b->lp.size())) {
      a->lp.Append(b->lp);
      Unlink(b);
    } else {
      a = b;
    }
  }
}

void Quicklist::Compact() {
  Node* a = head_;
  while (a && a->next) {
    Node* b = a->next;
    if (Fits(a, b->lp.bytes() - Listpack::kHeaderSize, b->lp.size())) {
      a->lp.Append(b->lp);
      Unlink(b);
    } else {
      a = b;
    }
  }
}

}  // namespace shoal
