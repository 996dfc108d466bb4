// ZSetIndex: the full sorted-set encoding, an indexable skiplist ordered by (score, member) plus a
// member -> node hash table, each member one allocation shared by both.
#ifndef SHOAL_DATASTRUCTS_ZSET_INDEX_H_
#define SHOAL_DATASTRUCTS_ZSET_INDEX_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "datastructs/dict.h"

namespace shoal {

// Order: by score, ties by member bytes (unsigned, shorter prefix first), as Redis orders a zset.
// Ranks are 0-based. Every skiplist link carries a span (how many elements it skips), so rank,
// element-at-rank and range counts are O(log n) walks.
//
// Memory: a node is [hash link 8][score 8][member length 4][level 1] + level x (forward 8 +
// span 4) + the member bytes, in one allocation that is also the Dict node. There is no backward
// link (reverse walks go by rank in chunks, see ForEachReverse); with p = 1/4 the average node
// has 1.33 levels, so an 8-byte member costs ~48-64 bytes plus the hash bucket share.
class ZSetIndex {
 public:
  static constexpr int kMaxLevel = 32;

  struct Node {
    Node* hash_next;
    double score;
    uint32_t member_len;
    uint8_t level;
    // Followed by: Node* forward[level]; uint32_t span[level]; char member[member_len].

    std::string_view member() const {
      return {reinterpret_cast<const char*>(this) + sizeof(Node) + level * kLinkBytes, member_len};
    }
    Node* next() const { return forward()[0]; }

   private:
    friend class ZSetIndex;
    static constexpr size_t kLinkBytes = sizeof(Node*) + sizeof(uint32_t);
    Node** forward() const {
      return reinterpret_cast<Node**>(const_cast<char*>(reinterpret_cast<const char*>(this)) +
                                      sizeof(Node));
    }
    uint32_t* span() const {
      return reinterpret_cast<uint32_t*>(const_cast<char*>(reinterpret_cast<const char*>(this)) +
                                         sizeof(Node) + level * sizeof(Node*));
    }
  };
  static_assert(sizeof(Node) == 24);

  ZSetIndex();
  ~ZSetIndex();
  ZSetIndex(const ZSetIndex&) = delete;
  ZSetIndex& operator=(const ZSetIndex&) = delete;

  size_t size() const { return length_; }
  bool empty() const { return length_ == 0; }

  // O(1) expected.
  Node* Find(std::string_view member) { return dict_.Find(member); }

  // Adds a member that must be absent (checked only in debug builds); returns its node.
  Node* Insert(double score, std::string_view member);
  // Changes a node's score; the node (and pointers to it) stay valid.
  void UpdateScore(Node* n, double score);
  // Removes and frees n.
  void Erase(Node* n);

  // 0-based rank of n.
  size_t Rank(const Node* n) const;
  // The element at a 0-based rank, or nullptr when rank >= size().
  Node* AtRank(size_t rank) const;
  Node* First() const { return head_->forward()[0]; }
  Node* Last() const { return length_ == 0 ? nullptr : AtRank(length_ - 1); }

  // How many leading elements satisfy before(node) (which must be true for a prefix of the order
  // and false after it); *first_after, if given, receives the first element that does not.
  template <typename Before>
  size_t CountWhile(Before&& before, Node** first_after = nullptr) const {
    const Node* x = head_;
    size_t traversed = 0;
    for (int i = level_ - 1; i >= 0; --i) {
      Node* f;
      while ((f = x->forward()[i]) != nullptr && before(static_cast<const Node*>(f))) {
        traversed += x->span()[i];
        x = f;
      }
    }
    if (first_after) *first_after = x->forward()[0];
    return traversed;
  }
  // Elements with score < bound (inclusive = false) or <= bound (inclusive = true).
  size_t CountScoreBelow(double bound, bool inclusive, Node** first_after = nullptr) const {
    if (inclusive)
      return CountWhile([bound](const Node* n) { return n->score <= bound; }, first_after);
    return CountWhile([bound](const Node* n) { return n->score < bound; }, first_after);
  }
  // Elements whose member is < bound (or <= bound); meaningful when all scores are equal.
  size_t CountMemberBelow(std::string_view bound, bool inclusive,
                          Node** first_after = nullptr) const {
    if (inclusive) {
      return CountWhile([bound](const Node* n) { return n->member() <= bound; }, first_after);
    }
    return CountWhile([bound](const Node* n) { return n->member() < bound; }, first_after);
  }

  // Calls fn(const Node*) for ranks [start, end) in order.
  template <typename Fn>
  void ForEach(size_t start, size_t end, Fn&& fn) const {
    end = std::min(end, length_);
    if (start >= end) return;
    const Node* x = AtRank(start);
    for (size_t r = start; r < end; ++r) {
      fn(x);
      x = x->forward()[0];
    }
  }
  // Calls fn(const Node*) for ranks [start, end) from end - 1 down to start. Without backward
  // links this walks forward in chunks held on the stack: O(k + k/64 log n), no allocation.
  template <typename Fn>
  void ForEachReverse(size_t start, size_t end, Fn&& fn) const {
    constexpr size_t kChunk = 64;
    end = std::min(end, length_);
    const Node* chunk[kChunk];
    while (end > start) {
      const size_t lo = end - start > kChunk ? end - kChunk : start;
      const Node* x = AtRank(lo);
      for (size_t i = 0; i < end - lo; ++i) {
        chunk[i] = x;
        x = x->forward()[0];
      }
      for (size_t i = end - lo; i-- > 0;) fn(chunk[i]);
      end = lo;
    }
  }

  // Removes ranks [start, end), calling fn(const Node*) on each just before it is freed.
  template <typename Fn>
  size_t EraseRange(size_t start, size_t end, Fn&& fn) {
    end = std::min(end, length_);
    if (start >= end) return 0;
    Node* update[kMaxLevel];
    Node* x = head_;
    size_t traversed = 0;
    for (int i = level_ - 1; i >= 0; --i) {
      while (x->forward()[i] != nullptr && traversed + x->span()[i] <= start) {
        traversed += x->span()[i];
        x = x->forward()[i];
      }
      update[i] = x;
    }
    for (size_t k = start; k < end; ++k) {
      Node* n = x->forward()[0];
      Unlink(n, update);
      dict_.Remove(n->member());
      fn(static_cast<const Node*>(n));
      FreeNode(n);
    }
    return end - start;
  }

  // A random element (via the hash table), or nullptr when empty.
  Node* Random(uint64_t random_bits) { return dict_.Random(random_bits); }

  // Dict SCAN over the members (see Dict::Scan for the guarantee).
  template <typename Fn>
  uint64_t Scan(uint64_t cursor, Fn&& fn) {
    return dict_.Scan(cursor, [&fn](Node* n) { fn(static_cast<const Node*>(n)); });
  }

  void Clear();
  // Bytes held, approximately (nodes as allocated sizes are not tracked: computed sizes).
  size_t MemoryUsage() const { return memory_ + dict_.MemoryUsage() + sizeof(*this); }

  // Checks every invariant (order, spans, levels, hash table agreement); for tests.
  bool Validate() const;

 private:
  struct Traits {
    static std::string_view Key(const Node* n) { return n->member(); }
    static Node*& Next(Node* n) { return n->hash_next; }
    static uint64_t Hash(std::string_view key) { return HashBytes(key); }
  };

  static bool Less(const Node* a, double score, std::string_view member) {
    return a->score < score || (a->score == score && a->member() < member);
  }
  static size_t NodeBytes(int level, size_t member_len) {
    return sizeof(Node) + level * Node::kLinkBytes + member_len;
  }
  Node* NewNode(int level, double score, std::string_view member);
  void FreeNode(Node* n);
  int RandomLevel();
  // Fills update[] with the last node before (score, member) on every level; with rank, also the
  // number of elements up to each of them.
  void FindPredecessors(double score, std::string_view member, Node** update, size_t* rank) const;
  void Link(Node* n, Node** update, const size_t* rank);
  void Unlink(Node* n, Node** update);

  Node* head_;
  size_t length_ = 0;
  int level_ = 1;
  uint64_t rng_;
  size_t memory_ = 0;
  Dict<Node, Traits> dict_;
};

}  // namespace shoal

#endif  // SHOAL_DATASTRUCTS_ZSET_INDEX_H_
