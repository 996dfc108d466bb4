// ZSetIndex: skiplist insertion, removal and rank walks (see zset_index.h).
#include "datastructs/zset_index.h"

#include <cassert>
#include <cstdlib>
#include <new>

namespace shoal {

ZSetIndex::ZSetIndex() : rng_(reinterpret_cast<uintptr_t>(this) ^ dict_internal::kK4) {
  head_ = NewNode(kMaxLevel, 0, {});
  for (int i = 0; i < kMaxLevel; ++i) {
    head_->forward()[i] = nullptr;
    head_->span()[i] = 0;
  }
}

ZSetIndex::~ZSetIndex() {
  Clear();
  FreeNode(head_);
}

void ZSetIndex::Clear() {
  // The hash chains are walked to free the nodes, so the dict does it (it reads each link first).
  dict_.Clear([this](Node* n) { FreeNode(n); });
  for (int i = 0; i < kMaxLevel; ++i) {
    head_->forward()[i] = nullptr;
    head_->span()[i] = 0;
  }
  length_ = 0;
  level_ = 1;
}

ZSetIndex::Node* ZSetIndex::NewNode(int level, double score, std::string_view member) {
  const size_t bytes = NodeBytes(level, member.size());
  void* p = std::malloc(bytes);
  if (p == nullptr) throw std::bad_alloc();
  Node* n = static_cast<Node*>(p);
  n->hash_next = nullptr;
  n->score = score;
  n->member_len = static_cast<uint32_t>(member.size());
  n->level = static_cast<uint8_t>(level);
  if (!member.empty())
    std::memcpy(const_cast<char*>(n->member().data()), member.data(), member.size());
  memory_ += bytes;
  return n;
}

void ZSetIndex::FreeNode(Node* n) {
  memory_ -= NodeBytes(n->level, n->member_len);
  std::free(n);
}

int ZSetIndex::RandomLevel() {
  // xorshift64*; each level above the first has probability 1/4, i.e. two more zero bits.
  rng_ ^= rng_ >> 12;
  rng_ ^= rng_ << 25;
  rng_ ^= rng_ >> 27;
  const uint64_t r = rng_ * 0x2545F4914F6CDD1DULL;
  const int level = 1 + __builtin_ctzll(r | (uint64_t{1} << 62)) / 2;
  return level < kMaxLevel ? level : kMaxLevel;
}

void ZSetIndex::FindPredecessors(double score, std::string_view member, Node** update,
                                 size_t* rank) const {
  Node* x = head_;
  size_t traversed = 0;
  for (int i = level_ - 1; i >= 0; --i) {
    Node* f;
    while ((f = x->forward()[i]) != nullptr && Less(f, score, member)) {
      traversed += x->span()[i];
      x = f;
    }
    update[i] = x;
    if (rank) rank[i] = traversed;
  }
}

void ZSetIndex::Link(Node* n, Node** update, const size_t* rank) {
  const int level = n->level;
  size_t rank_buf[kMaxLevel];
  std::memcpy(rank_buf, rank, sizeof(size_t) * level_);
  if (level > level_) {
    for (int i = level_; i < level; ++i) {
      update[i] = head_;
      rank_buf[i] = 0;
      head_->span()[i] = static_cast<uint32_t>(length_);
    }
    level_ = level;
  }
  for (int i = 0; i < level; ++i) {
    Node* u = update[i];
    const size_t skipped = rank_buf[0] - rank_buf[i];
    n->forward()[i] = u->forward()[i];
    u->forward()[i] = n;
    n->span()[i] = static_cast<uint32_t>(u->span()[i] - skipped);
    u->span()[i] = static_cast<uint32_t>(skipped + 1);
  }
  for (int i = level; i < level_; ++i) ++update[i]->span()[i];
  ++length_;
}

void ZSetIndex::Unlink(Node* n, Node** update) {
  for (int i = 0; i < level_; ++i) {
    Node* u = update[i];
    if (u->forward()[i] == n) {
      u->span()[i] += n->span()[i] - 1;
      u->forward()[i] = n->forward()[i];
    } else {
      --u->span()[i];
    }
  }
  while (level_ > 1 && head_->forward()[level_ - 1] == nullptr) --level_;
  --length_;
}

ZSetIndex::Node* ZSetIndex::Insert(double score, std::string_view member) {
  Node* update[kMaxLevel];
  size_t rank[kMaxLevel];
  FindPredecessors(score, member, update, rank);
  Node* n = NewNode(RandomLevel(), score, member);
  Link(n, update, rank);
  dict_.Insert(n);
  return n;
}

void ZSetIndex::UpdateScore(Node* n, double score) {
  Node* update[kMaxLevel];
  size_t rank[kMaxLevel];
  FindPredecessors(n->score, n->member(), update, nullptr);
  assert(update[0]->forward()[0] == n);
  // Still between its neighbours: only the score changes (the common small-increment case).
  const Node* prev = update[0];
  const Node* next = n->forward()[0];
  if ((prev == head_ || Less(prev, score, n->member())) &&
      (next == nullptr || !Less(next, score, n->member()))) {
    n->score = score;
    return;
  }
  Unlink(n, update);
  n->score = score;
  FindPredecessors(score, n->member(), update, rank);
  Link(n, update, rank);
}

void ZSetIndex::Erase(Node* n) {
  Node* update[kMaxLevel];
  FindPredecessors(n->score, n->member(), update, nullptr);
  assert(update[0]->forward()[0] == n);
  Unlink(n, update);
  dict_.Remove(n->member());
  FreeNode(n);
}

size_t ZSetIndex::Rank(const Node* n) const {
  const double score = n->score;
  const std::string_view member = n->member();
  return CountWhile([&](const Node* x) { return Less(x, score, member); });
}

ZSetIndex::Node* ZSetIndex::AtRank(size_t rank) const {
  if (rank >= length_) return nullptr;
  const size_t want = rank + 1;  // elements up to and including the target
  Node* x = head_;
  size_t traversed = 0;
  for (int i = level_ - 1; i >= 0; --i) {
    while (x->forward()[i] != nullptr && traversed + x->span()[i] <= want) {
      traversed += x->span()[i];
      x = x->forward()[i];
    }
    if (traversed == want) return x;
  }
  return nullptr;
}

bool ZSetIndex::Validate() const {
  if (dict_.size() != length_) return false;
  // Level 0: order and count.
  size_t count = 0;
  const Node* prev = nullptr;
  for (const Node* x = head_->forward()[0]; x != nullptr; x = x->forward()[0]) {
    if (prev && !Less(prev, x->score, x->member())) return false;
    if (const_cast<ZSetIndex*>(this)->dict_.Find(x->member()) != x) return false;
    prev = x;
    ++count;
  }
  if (count != length_) return false;
  // Every level: spans equal the level-0 distance.
  for (int i = 0; i < level_; ++i) {
    const Node* x = head_;
    size_t pos = 0;  // 1-based rank of x (head = 0)
    while (x->forward()[i] != nullptr) {
      const Node* f = x->forward()[i];
      if (f->level <= i) return false;
      size_t steps = 0;
      const Node* y = x;
      while (y != f) {
        y = y->forward()[0];
        ++steps;
      }
      if (x->span()[i] != steps) return false;
      pos += steps;
      x = f;
    }
  }
  for (int i = level_; i < kMaxLevel; ++i) {
    if (head_->forward()[i] != nullptr) return false;
  }
  return level_ == 1 || head_->forward()[level_ - 1] != nullptr;
}

}  // namespace shoal
