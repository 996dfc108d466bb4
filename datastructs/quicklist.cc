// Quicklist node management: fill limits, splits on insert, merges after deletes, and the
// compression of nodes away from the ends.
#include "datastructs/quicklist.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <utility>

#include "datastructs/lz.h"

namespace shoal {

namespace {

constexpr size_t kZHeader = Listpack::kHeaderSize + 4;  // listpack header + compressed length

uint32_t ReadU32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

}  // namespace

Quicklist::Node::~Node() { std::free(z); }

size_t Quicklist::Node::count() const { return compressed() ? ReadU32(z + 4) : lp.size(); }

size_t Quicklist::Node::bytes() const { return compressed() ? ReadU32(z) : lp.bytes(); }

Quicklist::Quicklist(Quicklist&& o) noexcept
    : head_(o.head_),
      tail_(o.tail_),
      count_(o.count_),
      nodes_(o.nodes_),
      fill_(o.fill_),
      depth_(o.depth_),
      raw_(std::move(o.raw_)) {
  o.head_ = o.tail_ = nullptr;
  o.count_ = o.nodes_ = 0;
  o.raw_.clear();
}

Quicklist& Quicklist::operator=(Quicklist&& o) noexcept {
  if (this != &o) {
    Clear();
    head_ = o.head_;
    tail_ = o.tail_;
    count_ = o.count_;
    nodes_ = o.nodes_;
    fill_ = o.fill_;
    depth_ = o.depth_;
    raw_ = std::move(o.raw_);
    o.head_ = o.tail_ = nullptr;
    o.count_ = o.nodes_ = 0;
    o.raw_.clear();
  }
  return *this;
}

Quicklist Quicklist::Clone() const {
  Quicklist out(fill_);
  out.depth_ = depth_;
  for (Node* n = head_; n; n = n->next) {
    Node* c = out.NewNodeAfter(out.tail_);
    if (n->compressed()) {
      size_t zn = kZHeader + ReadU32(n->z + Listpack::kHeaderSize);
      c->z = static_cast<char*>(std::malloc(zn));
      if (!c->z) throw std::bad_alloc();
      std::memcpy(c->z, n->z, zn);
    } else {
      c->lp = n->lp;
      out.Enqueue(c);
    }
  }
  out.count_ = count_;
  out.Settle();
  return out;
}

void Quicklist::set_fill(int64_t fill) {
  // Redis clamps: at most 2^15 entries per node, at least -5 (64 KiB); 0 behaves as 1.
  if (fill > (1 << 15)) fill = 1 << 15;
  if (fill < -5) fill = -5;
  if (fill == 0) fill = 1;
  fill_ = static_cast<int>(fill);
}

void Quicklist::set_compress_depth(int64_t depth) {
  // Redis' range: 0 .. 2^16-1.
  depth_ = static_cast<int>(std::clamp<int64_t>(depth, 0, 65535));
}

size_t Quicklist::MemoryUsage() const {
  size_t total = sizeof(*this) + raw_.capacity() * sizeof(Node*);
  for (Node* n = head_; n; n = n->next) {
    total += sizeof(Node) + n->lp.bytes() +
             (n->z ? kZHeader + ReadU32(n->z + Listpack::kHeaderSize) : 0);
  }
  return total;
}

size_t Quicklist::compressed_nodes() const {
  size_t c = 0;
  for (Node* n = head_; n; n = n->next) c += n->compressed();
  return c;
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
  raw_.clear();
}

bool Quicklist::Fits(const Node* n, size_t add_bytes, size_t add_count) const {
  size_t count = n->count();
  if (count == 0) return true;
  size_t new_bytes = n->bytes() + add_bytes;
  if (fill_ > 0) {
    return count + add_count <= static_cast<size_t>(fill_) && new_bytes <= kCountSafetyBytes;
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
  if (n->queued >= 0) {
    // Swap-remove from the queue.
    Node* last = raw_.back();
    raw_[n->queued] = last;
    last->queued = n->queued;
    raw_.pop_back();
  }
  --nodes_;
  delete n;
}

// --- Compression ---

void Quicklist::Enqueue(Node* n) const {
  if (depth_ == 0 || n->queued >= 0) return;
  n->queued = static_cast<int32_t>(raw_.size());
  raw_.push_back(n);
}

void Quicklist::Dirty(Node* n) const {
  std::free(n->z);  // the compressed copy no longer matches
  n->z = nullptr;
  n->incompressible = false;
  Enqueue(n);
}

void Quicklist::QueueAtDepth(bool from_head) {
  if (depth_ == 0) return;
  Node* n = from_head ? head_ : tail_;
  for (int i = 0; i < depth_ && n; ++i) n = from_head ? n->next : n->prev;
  if (n && !n->compressed()) {
    n->incompressible = false;  // it changed while it was an end node
    Enqueue(n);
  }
}

void Quicklist::Decompress(Node* n) const {
  size_t bytes = ReadU32(n->z);
  size_t zlen = ReadU32(n->z + Listpack::kHeaderSize);
  char* buf = static_cast<char*>(std::malloc(bytes));
  if (!buf) throw std::bad_alloc();
  std::memcpy(buf, n->z, Listpack::kHeaderSize);
  if (!lz::Decompress(n->z + kZHeader, zlen, buf + Listpack::kHeaderSize,
                      bytes - Listpack::kHeaderSize)) {
    std::abort();  // our own compressed node did not decode: memory corruption
  }
  n->lp.AdoptBuffer(buf);
  if (depth_ == 0) {
    // Compression was turned off: the node stays as it now is.
    std::free(n->z);
    n->z = nullptr;
  }
  Enqueue(n);  // Settle() drops the decompressed copy again
}

void Quicklist::TryCompress(Node* n) const {
  size_t bytes = n->lp.bytes();
  if (n->z || n->lp.empty() || n->incompressible || bytes < kMinCompressBytes ||
      bytes > kMaxCompressBytes) {
    return;
  }
  size_t body = bytes - Listpack::kHeaderSize;
  // Worth it only when it saves at least an eighth.
  size_t cap = body - body / 8;
  thread_local std::unique_ptr<char[]> scratch(new char[kMaxCompressBytes]);
  size_t zlen = lz::Compress(n->lp.data() + Listpack::kHeaderSize, body, scratch.get(), cap);
  if (zlen == 0) {
    n->incompressible = true;
    return;
  }
  char* z = static_cast<char*>(std::malloc(kZHeader + zlen));
  if (!z) throw std::bad_alloc();
  std::memcpy(z, n->lp.data(), Listpack::kHeaderSize);
  uint32_t zl = static_cast<uint32_t>(zlen);
  std::memcpy(z + Listpack::kHeaderSize, &zl, 4);
  std::memcpy(z + kZHeader, scratch.get(), zlen);
  n->lp.Clear();
  n->z = z;
}

void Quicklist::Settle() const {
  if (raw_.empty()) return;
  if (depth_ > 0 && nodes_ > 2 * static_cast<size_t>(depth_)) {
    Node* h = head_;
    Node* t = tail_;
    for (int i = 0; i < depth_; ++i, h = h->next, t = t->prev) h->in_window = t->in_window = true;
    for (Node* n : raw_) {
      n->queued = -1;
      if (n->in_window) {
        if (n->z && !n->lp.empty()) {
          std::free(n->z);  // an end node: it will change, keep it plain
          n->z = nullptr;
        }
      } else if (!n->z) {
        TryCompress(n);
      } else {
        n->lp.Clear();  // read while compressed: the compressed copy is still current
      }
    }
    h = head_;
    t = tail_;
    for (int i = 0; i < depth_; ++i, h = h->next, t = t->prev) h->in_window = t->in_window = false;
  } else {
    for (Node* n : raw_) {
      n->queued = -1;
      if (n->z && !n->lp.empty()) {
        std::free(n->z);
        n->z = nullptr;
      }
    }
  }
  raw_.clear();
  if (raw_.capacity() > 64) raw_.shrink_to_fit();  // after a walk over a long list
}

// --- Ends ---

void Quicklist::PushFront(std::string_view s) {
  Settle();
  if (!head_ || !Fits(head_, Listpack::EntrySize(s), 1)) {
    NewNodeAfter(nullptr);
    QueueAtDepth(true);
  }
  Touch(head_);
  if (head_->z) Dirty(head_);
  head_->lp.PushFront(s);
  ++count_;
}

void Quicklist::PushBack(std::string_view s) {
  Settle();
  if (!tail_ || !Fits(tail_, Listpack::EntrySize(s), 1)) {
    NewNodeAfter(tail_);
    QueueAtDepth(false);
  }
  Touch(tail_);
  if (tail_->z) Dirty(tail_);
  tail_->lp.PushBack(s);
  ++count_;
}

bool Quicklist::PopFront(absl::FunctionRef<void(const Value&)> fn) {
  Settle();
  if (!head_) return false;
  Touch(head_);
  if (head_->z) Dirty(head_);
  Listpack::Pos p = head_->lp.First();
  fn(head_->lp.Get(p));
  head_->lp.Erase(p);
  --count_;
  if (head_->lp.empty()) Unlink(head_);
  return true;
}

bool Quicklist::PopBack(absl::FunctionRef<void(const Value&)> fn) {
  Settle();
  if (!tail_) return false;
  Touch(tail_);
  if (tail_->z) Dirty(tail_);
  Listpack::Pos p = tail_->lp.Last();
  fn(tail_->lp.Get(p));
  tail_->lp.Erase(p);
  --count_;
  if (tail_->lp.empty()) Unlink(tail_);
  return true;
}

// --- Walking ---

Quicklist::Iter Quicklist::Begin() const {
  if (!head_) return {};
  Touch(head_);
  return {head_, head_->lp.First()};
}

Quicklist::Iter Quicklist::RBegin() const {
  if (!tail_) return {};
  Touch(tail_);
  return {tail_, tail_->lp.Last()};
}

Quicklist::Iter Quicklist::At(int64_t index) const {
  int64_t n = static_cast<int64_t>(count_);
  if (index < 0) index += n;
  if (index < 0 || index >= n) return {};
  if (index < n / 2) {
    for (Node* node = head_; node; node = node->next) {
      int64_t c = static_cast<int64_t>(node->count());
      if (index < c) {
        Touch(node);
        return {node, node->lp.Seek(index)};
      }
      index -= c;
    }
  } else {
    int64_t from_end = n - 1 - index;  // 0 = last
    for (Node* node = tail_; node; node = node->prev) {
      int64_t c = static_cast<int64_t>(node->count());
      if (from_end < c) {
        Touch(node);
        return {node, node->lp.Seek(-1 - from_end)};
      }
      from_end -= c;
    }
  }
  return {};
}

// A walk leaving a node it only read drops the decompressed copy right away, so a walk over a
// long list holds one node's worth of decompressed entries at a time.
void Quicklist::Leave(Node* n) const {
  if (n->z && !n->lp.empty()) n->lp.Clear();
}

Quicklist::Iter Quicklist::Next(Iter it) const {
  Listpack::Pos p = it.node->lp.Next(it.pos);
  if (p != Listpack::kNone) return {it.node, p};
  Leave(it.node);
  Node* n = it.node->next;
  if (!n) return {};
  Touch(n);
  return {n, n->lp.First()};
}

Quicklist::Iter Quicklist::Prev(Iter it) const {
  Listpack::Pos p = it.node->lp.Prev(it.pos);
  if (p != Listpack::kNone) return {it.node, p};
  Leave(it.node);
  Node* n = it.node->prev;
  if (!n) return {};
  Touch(n);
  return {n, n->lp.Last()};
}

// --- Edits in the middle ---

void Quicklist::Replace(Iter it, std::string_view s) {
  Node* n = it.node;
  Dirty(n);
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
    Dirty(right);
  }
  n->lp.Erase(n->lp.Last());
  if (n->lp.empty() || Fits(n, new_size, 1)) {
    n->lp.PushBack(s);
  } else {
    Dirty(NewNodeAfter(n));
    n->next->lp.PushBack(s);
  }
}

void Quicklist::Insert(Iter it, std::string_view s, bool after) {
  Node* n = it.node;
  size_t esz = Listpack::EntrySize(s);
  ++count_;
  if (Fits(n, esz, 1)) {
    Dirty(n);
    n->lp.Insert(after ? n->lp.Next(it.pos) : it.pos, s);
    return;
  }
  bool at_tail = after && n->lp.Next(it.pos) == Listpack::kNone;
  bool at_head = !after && it.pos == n->lp.First();
  if (at_tail) {
    if (n->next && Fits(n->next, esz, 1)) {
      Touch(n->next);
      Dirty(n->next);
      n->next->lp.PushFront(s);
    } else {
      Node* m = NewNodeAfter(n);
      Dirty(m);
      m->lp.PushBack(s);
    }
    return;
  }
  if (at_head) {
    if (n->prev && Fits(n->prev, esz, 1)) {
      Touch(n->prev);
      Dirty(n->prev);
      n->prev->lp.PushBack(s);
    } else {
      Node* m = NewNodeAfter(n->prev);
      Dirty(m);
      m->lp.PushBack(s);
    }
    return;
  }
  // In the middle of a full node: split at the insertion point.
  Dirty(n);
  Node* right = NewNodeAfter(n);
  Dirty(right);
  right->lp = n->lp.SplitAt(after ? n->lp.Next(it.pos) : it.pos);
  if (Fits(n, esz, 1)) {
    n->lp.PushBack(s);
  } else if (Fits(right, esz, 1)) {
    right->lp.PushFront(s);
  } else {
    Node* m = NewNodeAfter(n);
    Dirty(m);
    m->lp.PushBack(s);
  }
}

Quicklist::Iter Quicklist::Erase(Iter it, bool forward) {
  Node* n = it.node;
  Dirty(n);
  bool was_first = it.pos == n->lp.First();
  Listpack::Pos next = n->lp.Erase(it.pos);
  --count_;
  Iter r;
  if (forward) {
    if (next != Listpack::kNone) {
      r = {n, next};
    } else if (n->next) {
      Touch(n->next);
      r = {n->next, n->next->lp.First()};
    }
  } else if (!was_first) {
    r = {n, next == Listpack::kNone ? n->lp.Last() : n->lp.Prev(next)};
  } else if (n->prev) {
    Touch(n->prev);
    r = {n->prev, n->prev->lp.Last()};
  }
  if (n->lp.empty()) Unlink(n);
  return r;
}

// Merges a's successor into a when both fit in one node; true when merged.
bool Quicklist::MergeNext(Node* a) {
  Node* b = a->next;
  if (!Fits(a, b->bytes() - Listpack::kHeaderSize, b->count())) return false;
  Touch(a);
  Touch(b);
  Dirty(a);
  a->lp.Append(b->lp);
  Unlink(b);
  return true;
}

void Quicklist::EraseRange(size_t start, size_t count) {
  Settle();
  if (start >= count_ || count == 0) return;
  count = std::min(count, count_ - start);
  Node* n = head_;
  while (n && start >= n->count()) {
    start -= n->count();
    n = n->next;
  }
  count_ -= count;
  Node* first_touched = n ? n->prev : nullptr;
  while (n && count > 0) {
    Node* next = n->next;
    size_t c = n->count();
    size_t take = std::min(count, c - start);
    if (take == c) {
      Unlink(n);
    } else {
      Touch(n);
      Dirty(n);
      n->lp.EraseRange(static_cast<int64_t>(start), take);
    }
    count -= take;
    start = 0;
    n = next;
  }
  // The cut may leave two small nodes side by side.
  Node* a = first_touched ? first_touched : head_;
  for (int i = 0; i < 2 && a && a->next; ++i) {
    if (!MergeNext(a)) a = a->next;
  }
  Settle();
}

void Quicklist::Compact() {
  Node* a = head_;
  while (a && a->next) {
    if (!MergeNext(a)) a = a->next;
  }
  Settle();
}

}  // namespace shoal
