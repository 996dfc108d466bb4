// ZSetIndex: the full sorted-set encoding, an order-statistic B+tree over (score, member) plus a
// member -> node hash table; each member is one allocation, named by both.
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
// Ranks are 0-based.
//
// Structure: every member is a separately allocated Node (so Node* stays valid for the hash table
// and for callers until the member is erased). The order lives in a B+tree of Node*: leaves hold
// up to kLeafCap entries as two parallel sorted arrays, the scores and the Node*, so a search
// compares doubles in one contiguous array and only reads a member's bytes on equal scores.
// Leaves are linked both ways for range walks in either direction. Inner nodes hold, per child,
// the child's first element (its score and Node*), the child's element count and the child
// pointer: a descent by key sums the counts to the left (Rank, CountWhile), and a descent by
// count finds a rank (AtRank). There are no parent pointers: operations keep the root-to-leaf
// path on the stack. All leaves are at the same depth.
//
// Fill policy: a node splits in halves when an insert finds it full, except that a full first or
// last leaf that gets an element before its first or after its last one starts a new leaf (so
// ascending or descending inserts, e.g. timestamps, pack leaves full; only those two edge leaves
// may then be under a third full). After an erase a non-root
// node under a third full is merged with a sibling when both fit in two thirds of a node, else the
// two share their entries evenly; either way every non-root node stays at least a third full and
// a merge leaves room for a third of a node of inserts, so alternating inserts and erases at a
// boundary do not split and merge every time. The root may hold any count; an inner root with one
// child is removed.
//
// Memory: a Node is [hash link 8][score 8][member length 4] + the member bytes (at least 24
// bytes in all), in one allocation that is also the Dict node. Each element also costs a leaf
// slot of 16 bytes (score + pointer); leaves are between 1/3 and full, ~70% after random inserts
// (~23 bytes per element) and nearly full after ascending ones (~17), plus ~1/20 of that in inner
// nodes, plus the hash bucket share (8 bytes per bucket, 1-2 buckets per element). An 8-byte member
// costs ~32 (node, as allocated) + ~24 (tree) + ~12 (buckets) = ~68 bytes.
class ZSetIndex {
 public:
  struct Node {
    Node* hash_next;
    double score;
    uint32_t member_len;
    // Followed by char member[member_len], from kMemberOffset on (reusing the tail padding).

    std::string_view member() const {
      return {reinterpret_cast<const char*>(this) + kMemberOffset, member_len};
    }

   private:
    friend class ZSetIndex;
    static constexpr size_t kMemberOffset = sizeof(Node*) + sizeof(double) + sizeof(uint32_t);
  };
  static_assert(sizeof(Node) == 24);

  // Entries per leaf and children per inner node: a leaf is 24 + 16 x kLeafCap = 1016 bytes and an
  // inner node 8 + 32 x kInnerCap = 488, each just under a malloc size class. Of the sizes tried
  // with bench/zset_index_bench.cc (leaf/inner 30/15, 62/31, 62/15, 126/63), 62/15 was fastest on
  // the ZADD workload and on UpdateScore, Rank and AtRank at 1M members.
  static constexpr uint32_t kLeafCap = 62;
  static constexpr uint32_t kInnerCap = 15;

  ZSetIndex() = default;
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
  Node* First() const { return head_ == nullptr ? nullptr : head_->nodes[0]; }
  Node* Last() const { return tail_ == nullptr ? nullptr : tail_->nodes[tail_->count - 1]; }

  // How many leading elements satisfy before(node) (which must be true for a prefix of the order
  // and false after it); *first_after, if given, receives the first element that does not.
  template <typename Before>
  size_t CountWhile(Before&& before, Node** first_after = nullptr) const {
    auto pred = [&before](double, const Node* n) { return before(n); };
    return CountPrefix(pred, first_after);
  }
  // Elements with score < bound (inclusive = false) or <= bound (inclusive = true). Reads only the
  // tree's score copies, not the nodes.
  size_t CountScoreBelow(double bound, bool inclusive, Node** first_after = nullptr) const {
    return inclusive ? CountScores<true>(bound, first_after)
                     : CountScores<false>(bound, first_after);
  }
  // Elements whose member is < bound (or <= bound); meaningful when all scores are equal.
  size_t CountMemberBelow(std::string_view bound, bool inclusive,
                          Node** first_after = nullptr) const {
    if (inclusive) {
      return CountWhile([bound](const Node* n) { return n->member() <= bound; }, first_after);
    }
    return CountWhile([bound](const Node* n) { return n->member() < bound; }, first_after);
  }

  // Calls fn(const Node*) for ranks [start, end) in order: one descent, then along the leaves.
  template <typename Fn>
  void ForEach(size_t start, size_t end, Fn&& fn) const {
    end = std::min(end, length_);
    if (start >= end) return;
    uint32_t pos;
    const Leaf* leaf = LeafAtRank(start, &pos);
    for (size_t r = start; r < end; ++r) {
      fn(static_cast<const Node*>(leaf->nodes[pos]));
      if (++pos == leaf->count) {
        leaf = leaf->next;
        pos = 0;
      }
    }
  }
  // Calls fn(const Node*) for ranks [start, end) from end - 1 down to start.
  template <typename Fn>
  void ForEachReverse(size_t start, size_t end, Fn&& fn) const {
    end = std::min(end, length_);
    if (start >= end) return;
    uint32_t pos;
    const Leaf* leaf = LeafAtRank(end - 1, &pos);
    for (size_t r = end; r-- > start;) {
      fn(static_cast<const Node*>(leaf->nodes[pos]));
      if (r == start) break;
      if (pos-- == 0) {
        leaf = leaf->prev;
        pos = leaf->count - 1;
      }
    }
  }

  // Removes ranks [start, end), calling fn(const Node*) on each just before it is freed (the
  // node is already out of the tree and the hash table). Works a leaf's run at a time:
  // O(k + k / kLeafCap x log n).
  template <typename Fn>
  size_t EraseRange(size_t start, size_t end, Fn&& fn) {
    end = std::min(end, length_);
    if (start >= end) return 0;
    Node* run[kLeafCap];
    size_t left = end - start;
    while (left > 0) {
      const uint32_t k = UnlinkRun(start, left, run);
      for (uint32_t i = 0; i < k; ++i) {
        dict_.Remove(run[i]->member());
        fn(static_cast<const Node*>(run[i]));
        FreeNode(run[i]);
      }
      left -= k;
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
  // Bytes held, approximately: computed sizes of nodes and tree nodes (not allocator classes),
  // plus the hash buckets.
  size_t MemoryUsage() const { return memory_ + dict_.MemoryUsage() + sizeof(*this); }

  // Checks every invariant (order, score copies, counts, first-element keys, fill, equal leaf
  // depth, leaf links, hash table agreement); for tests.
  bool Validate() const;

 private:
  // Deep enough for any count that fits in memory: non-root inner nodes have >= 5 children.
  static constexpr int kMaxHeight = 24;
  static constexpr uint32_t kLeafMin = kLeafCap / 3;
  static constexpr uint32_t kLeafMergeMax = 2 * kLeafCap / 3;
  static constexpr uint32_t kInnerMin = kInnerCap / 3;
  static constexpr uint32_t kInnerMergeMax = 2 * kInnerCap / 3;
  static_assert(kLeafMin >= 1 && kInnerMin >= 2, "the fill policy needs these");

  struct Leaf {
    Leaf* prev;
    Leaf* next;
    uint32_t count;
    double scores[kLeafCap];  // nodes[i]->score, kept here so searches need not read the node
    Node* nodes[kLeafCap];
  };
  struct Inner {
    uint32_t count;             // children
    double scores[kInnerCap];   // firsts[i]->score
    Node* firsts[kInnerCap];    // first element under children[i]
    size_t sizes[kInnerCap];    // elements under children[i]
    void* children[kInnerCap];  // Leaf* on the last inner level, else Inner*
  };
  // A root-to-leaf descent: inner[l] is the inner node at depth l (the root is depth 0) and
  // idx[l] the child taken there; the leaves are at depth height_.
  struct Path {
    Inner* inner[kMaxHeight];
    uint32_t idx[kMaxHeight];
    Leaf* leaf;
    uint32_t pos;
    size_t rank;  // elements before (leaf, pos); filled only when asked for
  };

  struct Traits {
    static std::string_view Key(const Node* n) { return n->member(); }
    static Node*& Next(Node* n) { return n->hash_next; }
    static uint64_t Hash(std::string_view key) { return HashBytes(key); }
  };

  // The first index in [lo, hi) where pred(i) is false (pred true on a prefix).
  template <typename Pred>
  static uint32_t PartitionPoint(uint32_t lo, uint32_t hi, Pred&& pred) {
    while (lo < hi) {
      const uint32_t mid = (lo + hi) / 2;
      if (pred(mid)) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  // Descends to the first element for which leaf_pred(score, node) is false. inner_pred decides,
  // from each child's first element, whether the target is in that child or to its right; both
  // must be true on a prefix of the order. With WithRank, also sums the counts to the left.
  template <bool WithRank, typename InnerPred, typename LeafPred>
  void Descend(InnerPred&& inner_pred, LeafPred&& leaf_pred, Path* p) const {
    size_t rank = 0;
    void* x = root_;
    for (int l = 0; l < height_; ++l) {
      Inner* in = static_cast<Inner*>(x);
      const uint32_t c =
          PartitionPoint(1, in->count,
                         [&](uint32_t i) {
                           return inner_pred(in->scores[i],
                                             static_cast<const Node*>(in->firsts[i]));
                         }) -
          1;
      if constexpr (WithRank) {
        for (uint32_t i = 0; i < c; ++i) rank += in->sizes[i];
      }
      p->inner[l] = in;
      p->idx[l] = c;
      x = in->children[c];
    }
    Leaf* leaf = static_cast<Leaf*>(x);
    p->leaf = leaf;
    p->pos = PartitionPoint(0, leaf->count, [&](uint32_t i) {
      return leaf_pred(leaf->scores[i], static_cast<const Node*>(leaf->nodes[i]));
    });
    p->rank = rank + p->pos;
  }

  // How many of a[0, n) are < s (or <= s): on a sorted array, where s goes. A linear count
  // rather than a binary search: its loads do not depend on each other (the cache misses overlap
  // and the hardware prefetcher streams the array), it has no branch to mispredict, and it
  // vectorizes. At these node sizes that beats log2(n) dependent probes.
  template <bool OrEqual>
  static uint32_t CountBelow(const double* a, uint32_t n, double s) {
    uint32_t c = 0;
    for (uint32_t i = 0; i < n; ++i) c += OrEqual ? a[i] <= s : a[i] < s;
    return c;
  }

  // Descends to the place of (score, member): to node k itself if it is in the tree (k may be
  // nullptr for a member not in it). Scores are compared in the tree's arrays; members are read
  // only within a run of equal scores.
  template <bool WithRank>
  void DescendToKey(double score, std::string_view member, const Node* k, Path* p) const {
    size_t rank = 0;
    void* x = root_;
    for (int l = 0; l < height_; ++l) {
      Inner* in = static_cast<Inner*>(x);
      // The last child whose first element is at or before the target.
      uint32_t c = CountBelow<false>(in->scores + 1, in->count - 1, score);
      while (c + 1 < in->count && in->scores[c + 1] == score &&
             (in->firsts[c + 1] == k || in->firsts[c + 1]->member() < member)) {
        ++c;
      }
      if constexpr (WithRank) {
        for (uint32_t i = 0; i < c; ++i) rank += in->sizes[i];
      }
      p->inner[l] = in;
      p->idx[l] = c;
      x = in->children[c];
    }
    Leaf* leaf = static_cast<Leaf*>(x);
    // The first element not before the target.
    uint32_t pos = CountBelow<false>(leaf->scores, leaf->count, score);
    while (pos < leaf->count && leaf->scores[pos] == score && leaf->nodes[pos] != k &&
           leaf->nodes[pos]->member() < member) {
      ++pos;
    }
    p->leaf = leaf;
    p->pos = pos;
    p->rank = rank + pos;
  }

  template <typename Pred>
  size_t CountPrefix(Pred&& pred, Node** first_after) const {
    if (root_ == nullptr) {
      if (first_after) *first_after = nullptr;
      return 0;
    }
    Path p;
    Descend<true>(pred, pred, &p);
    if (first_after) {
      if (p.pos < p.leaf->count) {
        *first_after = p.leaf->nodes[p.pos];
      } else {
        *first_after = p.leaf->next ? p.leaf->next->nodes[0] : nullptr;
      }
    }
    return p.rank;
  }

  template <bool OrEqual>
  size_t CountScores(double bound, Node** first_after) const {
    if (root_ == nullptr) {
      if (first_after) *first_after = nullptr;
      return 0;
    }
    size_t rank = 0;
    const void* x = root_;
    for (int l = 0; l < height_; ++l) {
      const Inner* in = static_cast<const Inner*>(x);
      const uint32_t c = CountBelow<OrEqual>(in->scores + 1, in->count - 1, bound);
      for (uint32_t i = 0; i < c; ++i) rank += in->sizes[i];
      x = in->children[c];
    }
    const Leaf* leaf = static_cast<const Leaf*>(x);
    const uint32_t pos = CountBelow<OrEqual>(leaf->scores, leaf->count, bound);
    if (first_after) {
      if (pos < leaf->count) {
        *first_after = leaf->nodes[pos];
      } else {
        *first_after = leaf->next ? leaf->next->nodes[0] : nullptr;
      }
    }
    return rank + pos;
  }

  static size_t NodeBytes(size_t member_len) {
    return std::max(sizeof(Node), Node::kMemberOffset + member_len);
  }
  Node* NewNode(double score, std::string_view member);
  void FreeNode(Node* n);
  Leaf* NewLeaf();
  Inner* NewInner();
  void FreeLeaf(Leaf* l);
  void FreeInner(Inner* in);
  void FreeSubtree(void* x, int depth);

  const Leaf* LeafAtRank(size_t rank, uint32_t* pos) const;
  void DescendToRank(size_t rank, Path* p) const;
  // Puts n (not in the tree) in its place.
  void Link(Node* n);
  // Takes out the element at p (the path stays usable only for nothing else).
  void Unlink(Path* p);
  // Takes up to max_count elements from rank start on, all from one leaf, out of the tree into
  // out[]; returns how many.
  uint32_t UnlinkRun(size_t start, size_t max_count, Node** out);
  // Repairs a leaf after p->pos..: entries were removed; first_changed if its first one went.
  void AfterLeafShrink(Path* p, bool first_changed);
  void RebalanceLeaf(Path* p);
  // The inner node at depth `depth` of the path lost a child.
  void AfterInnerShrink(Path* p, int depth);
  // Child i + 1 of parent was merged into child i: drop its slot and add its count to i's.
  static void AbsorbNextChild(Inner* parent, uint32_t i);
  // Inserts (child, size, first) into the inner node at `depth` of the path, right after the
  // child taken there, splitting upwards as needed (depth -1: a new root above the old one).
  void AddChild(Path* p, int depth, void* child, size_t size, double score, Node* first);
  // Child i of the inner node at `depth` has a new first element: copy it into that node's keys,
  // and up the path while it is a first child.
  void SetFirst(const Path* p, int depth, uint32_t i);

  bool ValidateSubtree(const void* x, int depth, const Leaf** next_leaf, const Node** prev,
                       size_t* count) const;

  void* root_ = nullptr;  // nullptr when empty
  int height_ = 0;        // inner levels above the leaves
  Leaf* head_ = nullptr;
  Leaf* tail_ = nullptr;
  size_t length_ = 0;
  size_t memory_ = 0;
  Dict<Node, Traits> dict_;
};

}  // namespace shoal

#endif  // SHOAL_DATASTRUCTS_ZSET_INDEX_H_
