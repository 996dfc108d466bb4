// ZSetIndex: B+tree insertion, removal, rebalancing and rank descents (see zset_index.h).
#include "datastructs/zset_index.h"

#include <cassert>
#include <cstdlib>
#include <new>

namespace shoal {

namespace {

// Moves count entries of parallel arrays within one node (regions may overlap).
template <typename T>
void Shift(T* a, uint32_t from, uint32_t to, uint32_t count) {
  std::memmove(a + to, a + from, count * sizeof(T));
}
template <typename T>
void Copy(T* dst, const T* src, uint32_t count) {
  std::memcpy(dst, src, count * sizeof(T));
}

}  // namespace

ZSetIndex::~ZSetIndex() { Clear(); }

void ZSetIndex::Clear() {
  if (root_ != nullptr) FreeSubtree(root_, 0);
  root_ = nullptr;
  height_ = 0;
  head_ = tail_ = nullptr;
  // The hash chains are walked to free the nodes, so the dict does it (it reads each link first).
  dict_.Clear([this](Node* n) { FreeNode(n); });
  length_ = 0;
}

void ZSetIndex::FreeSubtree(void* x, int depth) {
  if (depth == height_) {
    FreeLeaf(static_cast<Leaf*>(x));
    return;
  }
  Inner* in = static_cast<Inner*>(x);
  for (uint32_t i = 0; i < in->count; ++i) FreeSubtree(in->children[i], depth + 1);
  FreeInner(in);
}

ZSetIndex::Node* ZSetIndex::NewNode(double score, std::string_view member) {
  const size_t bytes = NodeBytes(member.size());
  void* p = std::malloc(bytes);
  if (p == nullptr) throw std::bad_alloc();
  Node* n = static_cast<Node*>(p);
  n->hash_next = nullptr;
  n->score = score;
  n->member_len = static_cast<uint32_t>(member.size());
  if (!member.empty()) {
    std::memcpy(reinterpret_cast<char*>(n) + Node::kMemberOffset, member.data(), member.size());
  }
  memory_ += bytes;
  return n;
}

void ZSetIndex::FreeNode(Node* n) {
  memory_ -= NodeBytes(n->member_len);
  std::free(n);
}

ZSetIndex::Leaf* ZSetIndex::NewLeaf() {
  void* p = std::malloc(sizeof(Leaf));
  if (p == nullptr) throw std::bad_alloc();
  memory_ += sizeof(Leaf);
  Leaf* l = static_cast<Leaf*>(p);
  l->prev = l->next = nullptr;
  l->count = 0;
  return l;
}

ZSetIndex::Inner* ZSetIndex::NewInner() {
  void* p = std::malloc(sizeof(Inner));
  if (p == nullptr) throw std::bad_alloc();
  memory_ += sizeof(Inner);
  Inner* in = static_cast<Inner*>(p);
  in->count = 0;
  return in;
}

void ZSetIndex::FreeLeaf(Leaf* l) {
  memory_ -= sizeof(Leaf);
  std::free(l);
}

void ZSetIndex::FreeInner(Inner* in) {
  memory_ -= sizeof(Inner);
  std::free(in);
}

void ZSetIndex::DescendToRank(size_t rank, Path* p) const {
  assert(rank < length_);
  size_t before = 0;
  void* x = root_;
  for (int l = 0; l < height_; ++l) {
    Inner* in = static_cast<Inner*>(x);
    uint32_t c = 0;
    while (rank - before >= in->sizes[c]) before += in->sizes[c++];
    p->inner[l] = in;
    p->idx[l] = c;
    x = in->children[c];
  }
  p->leaf = static_cast<Leaf*>(x);
  p->pos = static_cast<uint32_t>(rank - before);
  p->rank = rank;
}

const ZSetIndex::Leaf* ZSetIndex::LeafAtRank(size_t rank, uint32_t* pos) const {
  Path p;
  DescendToRank(rank, &p);
  *pos = p.pos;
  return p.leaf;
}

ZSetIndex::Node* ZSetIndex::AtRank(size_t rank) const {
  if (rank >= length_) return nullptr;
  uint32_t pos;
  return LeafAtRank(rank, &pos)->nodes[pos];
}

size_t ZSetIndex::Rank(const Node* n) const {
  Path p;
  DescendToKey<true>(n->score, n->member(), n, &p);
  assert(p.pos < p.leaf->count && p.leaf->nodes[p.pos] == n);
  return p.rank;
}

void ZSetIndex::SetFirst(const Path* p, int depth, uint32_t i) {
  for (; depth >= 0; --depth) {
    Inner* in = p->inner[depth];
    void* child = in->children[i];
    if (depth == height_ - 1) {
      const Leaf* leaf = static_cast<const Leaf*>(child);
      in->scores[i] = leaf->scores[0];
      in->firsts[i] = leaf->nodes[0];
    } else {
      const Inner* c = static_cast<const Inner*>(child);
      in->scores[i] = c->scores[0];
      in->firsts[i] = c->firsts[0];
    }
    if (i != 0) return;
    if (depth > 0) i = p->idx[depth - 1];
  }
}

ZSetIndex::Node* ZSetIndex::Insert(double score, std::string_view member) {
  Node* n = NewNode(score, member);
  Link(n);
  dict_.Insert(n);
  return n;
}

void ZSetIndex::Link(Node* n) {
  ++length_;
  if (root_ == nullptr) {
    Leaf* leaf = NewLeaf();
    leaf->scores[0] = n->score;
    leaf->nodes[0] = n;
    leaf->count = 1;
    root_ = head_ = tail_ = leaf;
    height_ = 0;
    return;
  }
  Path p;
  DescendToKey<false>(n->score, n->member(), nullptr, &p);
  for (int l = 0; l < height_; ++l) ++p.inner[l]->sizes[p.idx[l]];
  Leaf* leaf = p.leaf;
  const uint32_t pos = p.pos;
  Leaf* right = nullptr;
  Leaf* target = leaf;
  uint32_t at = pos;
  if (leaf->count == kLeafCap) {
    // Split in halves; the new element then goes into whichever half its place is in. Appending
    // past the last element, or prepending before the first, leaves the full leaf as it is and
    // starts a new one, so ascending (timestamp-like) or descending inserts fill leaves instead of
    // leaving each half empty. Only the first and the last leaf can be under-filled that way.
    uint32_t left_keeps = (kLeafCap + 1) / 2;
    if (pos == kLeafCap && leaf->next == nullptr) left_keeps = kLeafCap;
    if (pos == 0 && leaf->prev == nullptr) left_keeps = 0;
    right = NewLeaf();
    right->count = kLeafCap - left_keeps;
    Copy(right->scores, leaf->scores + left_keeps, right->count);
    Copy(right->nodes, leaf->nodes + left_keeps, right->count);
    leaf->count = left_keeps;
    right->prev = leaf;
    right->next = leaf->next;
    if (leaf->next != nullptr) {
      leaf->next->prev = right;
    } else {
      tail_ = right;
    }
    leaf->next = right;
    if (pos > left_keeps || left_keeps == kLeafCap) {
      target = right;
      at = pos - left_keeps;
    }
  }
  Shift(target->scores, at, at + 1, target->count - at);
  Shift(target->nodes, at, at + 1, target->count - at);
  target->scores[at] = n->score;
  target->nodes[at] = n;
  ++target->count;
  if (pos == 0 && height_ > 0) SetFirst(&p, height_ - 1, p.idx[height_ - 1]);
  if (right != nullptr) {
    AddChild(&p, height_ - 1, right, right->count, right->scores[0], right->nodes[0]);
  }
}

void ZSetIndex::AddChild(Path* p, int depth, void* child, size_t size, double score, Node* first) {
  if (depth < 0) {
    // The root split: a new root above both halves.
    Inner* r = NewInner();
    r->count = 2;
    r->children[0] = root_;
    r->sizes[0] = length_ - size;
    if (height_ == 0) {
      const Leaf* old = static_cast<const Leaf*>(root_);
      r->scores[0] = old->scores[0];
      r->firsts[0] = old->nodes[0];
    } else {
      const Inner* old = static_cast<const Inner*>(root_);
      r->scores[0] = old->scores[0];
      r->firsts[0] = old->firsts[0];
    }
    r->children[1] = child;
    r->sizes[1] = size;
    r->scores[1] = score;
    r->firsts[1] = first;
    root_ = r;
    ++height_;
    return;
  }
  Inner* in = p->inner[depth];
  const uint32_t at0 = p->idx[depth] + 1;
  // The count of the child that split included what moved to the new one.
  in->sizes[at0 - 1] -= size;
  Inner* target = in;
  uint32_t at = at0;
  Inner* right = nullptr;
  if (in->count == kInnerCap) {
    constexpr uint32_t kLeft = (kInnerCap + 1) / 2;
    right = NewInner();
    right->count = kInnerCap - kLeft;
    Copy(right->scores, in->scores + kLeft, right->count);
    Copy(right->firsts, in->firsts + kLeft, right->count);
    Copy(right->sizes, in->sizes + kLeft, right->count);
    Copy(right->children, in->children + kLeft, right->count);
    in->count = kLeft;
    if (at0 > kLeft) {
      target = right;
      at = at0 - kLeft;
    }
  }
  const uint32_t tail = target->count - at;
  Shift(target->scores, at, at + 1, tail);
  Shift(target->firsts, at, at + 1, tail);
  Shift(target->sizes, at, at + 1, tail);
  Shift(target->children, at, at + 1, tail);
  target->scores[at] = score;
  target->firsts[at] = first;
  target->sizes[at] = size;
  target->children[at] = child;
  ++target->count;
  if (right != nullptr) {
    size_t right_size = 0;
    for (uint32_t i = 0; i < right->count; ++i) right_size += right->sizes[i];
    AddChild(p, depth - 1, right, right_size, right->scores[0], right->firsts[0]);
  }
}

void ZSetIndex::Unlink(Path* p) {
  Leaf* leaf = p->leaf;
  const uint32_t pos = p->pos;
  --length_;
  for (int l = 0; l < height_; ++l) --p->inner[l]->sizes[p->idx[l]];
  Shift(leaf->scores, pos + 1, pos, leaf->count - pos - 1);
  Shift(leaf->nodes, pos + 1, pos, leaf->count - pos - 1);
  --leaf->count;
  AfterLeafShrink(p, pos == 0);
}

uint32_t ZSetIndex::UnlinkRun(size_t start, size_t max_count, Node** out) {
  Path p;
  DescendToRank(start, &p);
  Leaf* leaf = p.leaf;
  const uint32_t pos = p.pos;
  const uint32_t k = static_cast<uint32_t>(std::min<size_t>(max_count, leaf->count - pos));
  Copy(out, leaf->nodes + pos, k);
  length_ -= k;
  for (int l = 0; l < height_; ++l) p.inner[l]->sizes[p.idx[l]] -= k;
  Shift(leaf->scores, pos + k, pos, leaf->count - pos - k);
  Shift(leaf->nodes, pos + k, pos, leaf->count - pos - k);
  leaf->count -= k;
  AfterLeafShrink(&p, pos == 0);
  return k;
}

void ZSetIndex::AfterLeafShrink(Path* p, bool first_changed) {
  Leaf* leaf = p->leaf;
  if (height_ == 0) {
    if (leaf->count == 0) {
      FreeLeaf(leaf);
      root_ = nullptr;
      head_ = tail_ = nullptr;
    }
    return;
  }
  if (first_changed && leaf->count > 0) SetFirst(p, height_ - 1, p->idx[height_ - 1]);
  if (leaf->count < kLeafMin) RebalanceLeaf(p);
}

void ZSetIndex::RebalanceLeaf(Path* p) {
  const int depth = height_ - 1;
  Inner* parent = p->inner[depth];
  const uint32_t i = p->idx[depth];
  // The pair (left, right) is the leaf and its left sibling, or its right one for a first child.
  // A non-root inner node has at least kInnerMin >= 2 children and an inner root at least 2.
  const uint32_t li = i > 0 ? i - 1 : 0;
  Leaf* left = static_cast<Leaf*>(parent->children[li]);
  Leaf* right = static_cast<Leaf*>(parent->children[li + 1]);
  const bool left_was_empty = left->count == 0;
  const uint32_t total = left->count + right->count;
  if (total <= kLeafMergeMax) {
    Copy(left->scores + left->count, right->scores, right->count);
    Copy(left->nodes + left->count, right->nodes, right->count);
    left->count = total;
    left->next = right->next;
    if (right->next != nullptr) {
      right->next->prev = left;
    } else {
      tail_ = left;
    }
    FreeLeaf(right);
    AbsorbNextChild(parent, li);
    if (left_was_empty) SetFirst(p, depth, li);
    AfterInnerShrink(p, depth);
    return;
  }
  const uint32_t want_left = total / 2;
  if (left->count > want_left) {
    const uint32_t m = left->count - want_left;
    Shift(right->scores, 0, m, right->count);
    Shift(right->nodes, 0, m, right->count);
    Copy(right->scores, left->scores + want_left, m);
    Copy(right->nodes, left->nodes + want_left, m);
  } else {
    const uint32_t m = want_left - left->count;
    Copy(left->scores + left->count, right->scores, m);
    Copy(left->nodes + left->count, right->nodes, m);
    Shift(right->scores, m, 0, right->count - m);
    Shift(right->nodes, m, 0, right->count - m);
  }
  left->count = want_left;
  right->count = total - want_left;
  parent->sizes[li] = left->count;
  parent->sizes[li + 1] = right->count;
  SetFirst(p, depth, li + 1);
  if (left_was_empty) SetFirst(p, depth, li);
}

void ZSetIndex::AbsorbNextChild(Inner* parent, uint32_t i) {
  parent->sizes[i] += parent->sizes[i + 1];
  const uint32_t tail = parent->count - i - 2;
  Shift(parent->scores, i + 2, i + 1, tail);
  Shift(parent->firsts, i + 2, i + 1, tail);
  Shift(parent->sizes, i + 2, i + 1, tail);
  Shift(parent->children, i + 2, i + 1, tail);
  --parent->count;
}

void ZSetIndex::AfterInnerShrink(Path* p, int depth) {
  Inner* in = p->inner[depth];
  if (depth == 0) {
    if (in->count == 1) {
      root_ = in->children[0];
      FreeInner(in);
      --height_;
    }
    return;
  }
  if (in->count >= kInnerMin) return;
  Inner* parent = p->inner[depth - 1];
  const uint32_t i = p->idx[depth - 1];
  const uint32_t li = i > 0 ? i - 1 : 0;
  Inner* left = static_cast<Inner*>(parent->children[li]);
  Inner* right = static_cast<Inner*>(parent->children[li + 1]);
  const uint32_t total = left->count + right->count;
  if (total <= kInnerMergeMax) {
    Copy(left->scores + left->count, right->scores, right->count);
    Copy(left->firsts + left->count, right->firsts, right->count);
    Copy(left->sizes + left->count, right->sizes, right->count);
    Copy(left->children + left->count, right->children, right->count);
    left->count = total;
    FreeInner(right);
    AbsorbNextChild(parent, li);
    AfterInnerShrink(p, depth - 1);
    return;
  }
  const uint32_t want_left = total / 2;
  size_t moved = 0;
  if (left->count > want_left) {
    const uint32_t m = left->count - want_left;
    for (uint32_t k = want_left; k < left->count; ++k) moved += left->sizes[k];
    Shift(right->scores, 0, m, right->count);
    Shift(right->firsts, 0, m, right->count);
    Shift(right->sizes, 0, m, right->count);
    Shift(right->children, 0, m, right->count);
    Copy(right->scores, left->scores + want_left, m);
    Copy(right->firsts, left->firsts + want_left, m);
    Copy(right->sizes, left->sizes + want_left, m);
    Copy(right->children, left->children + want_left, m);
    parent->sizes[li] -= moved;
    parent->sizes[li + 1] += moved;
  } else {
    const uint32_t m = want_left - left->count;
    for (uint32_t k = 0; k < m; ++k) moved += right->sizes[k];
    Copy(left->scores + left->count, right->scores, m);
    Copy(left->firsts + left->count, right->firsts, m);
    Copy(left->sizes + left->count, right->sizes, m);
    Copy(left->children + left->count, right->children, m);
    Shift(right->scores, m, 0, right->count - m);
    Shift(right->firsts, m, 0, right->count - m);
    Shift(right->sizes, m, 0, right->count - m);
    Shift(right->children, m, 0, right->count - m);
    parent->sizes[li] += moved;
    parent->sizes[li + 1] -= moved;
  }
  left->count = want_left;
  right->count = total - want_left;
  // Inner nodes never become empty (they keep >= kInnerMin - 1 >= 1 children), so only the right
  // one's first element changes.
  SetFirst(p, depth - 1, li + 1);
}

void ZSetIndex::Erase(Node* n) {
  Path p;
  DescendToKey<false>(n->score, n->member(), n, &p);
  assert(p.pos < p.leaf->count && p.leaf->nodes[p.pos] == n);
  Unlink(&p);
  dict_.Remove(n->member());
  FreeNode(n);
}

void ZSetIndex::UpdateScore(Node* n, double score) {
  Path p;
  const std::string_view member = n->member();
  DescendToKey<false>(n->score, member, n, &p);
  Leaf* leaf = p.leaf;
  const uint32_t pos = p.pos;
  assert(pos < leaf->count && leaf->nodes[pos] == n);
  // Still between its neighbours: only the score changes (the common small-increment case).
  auto less = [](double s, const Node* e, double target, std::string_view m) {
    return s < target || (s == target && e->member() < m);
  };
  bool prev_ok = true;
  if (pos > 0) {
    prev_ok = less(leaf->scores[pos - 1], leaf->nodes[pos - 1], score, member);
  } else if (leaf->prev != nullptr) {
    const Leaf* pl = leaf->prev;
    prev_ok = less(pl->scores[pl->count - 1], pl->nodes[pl->count - 1], score, member);
  }
  bool next_ok = true;
  if (prev_ok) {
    if (pos + 1 < leaf->count) {
      next_ok = !less(leaf->scores[pos + 1], leaf->nodes[pos + 1], score, member);
    } else if (leaf->next != nullptr) {
      next_ok = !less(leaf->next->scores[0], leaf->next->nodes[0], score, member);
    }
  }
  n->score = score;
  if (prev_ok && next_ok) {
    leaf->scores[pos] = score;
    if (pos == 0 && height_ > 0) SetFirst(&p, height_ - 1, p.idx[height_ - 1]);
    return;
  }
  Unlink(&p);
  Link(n);
}

bool ZSetIndex::ValidateSubtree(const void* x, int depth, const Leaf** next_leaf, const Node** prev,
                                size_t* count) const {
  const bool is_root = depth == 0;
  if (depth == height_) {
    const Leaf* leaf = static_cast<const Leaf*>(x);
    if (leaf != *next_leaf) return false;
    if (leaf->count > kLeafCap || leaf->count == 0) return false;
    const bool edge = leaf->prev == nullptr || leaf->next == nullptr;
    if (!is_root && !edge && leaf->count < kLeafMin) return false;
    if (leaf->next == nullptr ? tail_ != leaf : leaf->next->prev != leaf) return false;
    if (leaf->prev == nullptr && head_ != leaf) return false;
    for (uint32_t i = 0; i < leaf->count; ++i) {
      const Node* n = leaf->nodes[i];
      if (std::memcmp(&leaf->scores[i], &n->score, sizeof(double)) != 0) return false;
      if (*prev != nullptr && !((*prev)->score < n->score ||
                                ((*prev)->score == n->score && (*prev)->member() < n->member()))) {
        return false;
      }
      if (const_cast<ZSetIndex*>(this)->dict_.Find(n->member()) != n) return false;
      *prev = n;
    }
    *count += leaf->count;
    *next_leaf = leaf->next;
    return true;
  }
  const Inner* in = static_cast<const Inner*>(x);
  if (in->count > kInnerCap || in->count < 2) return false;
  if (!is_root && in->count < kInnerMin) return false;
  for (uint32_t i = 0; i < in->count; ++i) {
    const void* child = in->children[i];
    const Node* first = depth + 1 == height_ ? static_cast<const Leaf*>(child)->nodes[0]
                                             : static_cast<const Inner*>(child)->firsts[0];
    if (in->firsts[i] != first) return false;
    if (std::memcmp(&in->scores[i], &first->score, sizeof(double)) != 0) return false;
    size_t under = 0;
    if (!ValidateSubtree(child, depth + 1, next_leaf, prev, &under)) return false;
    if (in->sizes[i] != under) return false;
    *count += under;
  }
  return true;
}

bool ZSetIndex::Validate() const {
  if (dict_.size() != length_) return false;
  if (root_ == nullptr) {
    return length_ == 0 && height_ == 0 && head_ == nullptr && tail_ == nullptr && memory_ == 0;
  }
  if (height_ >= kMaxHeight) return false;
  const Leaf* next_leaf = head_;
  if (head_->prev != nullptr) return false;
  const Node* prev = nullptr;
  size_t count = 0;
  if (!ValidateSubtree(root_, 0, &next_leaf, &prev, &count)) return false;
  return next_leaf == nullptr && count == length_;
}

}  // namespace shoal
