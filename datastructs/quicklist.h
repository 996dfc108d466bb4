// Quicklist: a deque of strings as a doubly linked list of bounded Listpack nodes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "datastructs/listpack.h"

namespace shoal {

// Elements live in listpack nodes whose size is bounded by the fill limit, as Redis'
// list-max-listpack-size: positive = at most that many entries per node (and at most 8 KiB, so a
// count limit cannot build huge nodes); -1..-5 = at most 4, 8, 16, 32, 64 KiB per node. An
// element bigger than the limit gets a node of its own. Nodes are split when an insert lands in
// a full node and merged by Compact() after deletions in the middle.
//
// Compression (Redis' list-compress-depth): with depth d > 0, the d nodes at each end stay as
// they are and the nodes between them are kept LZ-compressed (datastructs/lz.h), so pushes and
// pops at the ends never touch compressed data. A compressed node is decompressed when an
// operation needs its entries, and compressed again by Settle(), which the end operations and
// Compact() run themselves and readers call when done (LRANGE in the middle, say). A node that
// would not shrink by at least an eighth, or is tiny, stays uncompressed.
//
// Iterators (node + position) are invalidated by any mutation except through the Iter returned
// by Erase, and by Settle(). The decompression state is mutable: reads through a const Quicklist
// change it, so a Quicklist needs exclusive access even to read (the store's shard locks).
class Quicklist {
 public:
  struct Node {
    Node* prev = nullptr;
    Node* next = nullptr;
    Listpack lp;  // the entries; empty while the node is compressed
    // While compressed: the listpack's 8-byte header (its bytes and entry count) as is, a u32
    // compressed length, then the rest of the listpack compressed. nullptr otherwise.
    // While the node is read, the decompressed entries are in lp and z stays; a change frees z.
    char* z = nullptr;
    int32_t queued = -1;          // index in raw_ while waiting for Settle(), else -1
    bool in_window = false;       // scratch mark used by Settle()
    bool incompressible = false;  // compression was tried since the last change and did not pay

    Node() = default;
    Node(const Node&) = delete;
    Node& operator=(const Node&) = delete;
    ~Node();
    // Only the compressed form is held (a node being read holds both, until Settle()).
    bool compressed() const { return z != nullptr && lp.empty(); }
    // Entries and listpack bytes whether compressed or not.
    size_t count() const;
    size_t bytes() const;
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
  // Nodes kept uncompressed at each end (0: no compression). Applies as nodes are next touched.
  void set_compress_depth(int64_t depth);
  int compress_depth() const { return depth_; }
  // Compresses the nodes decompressed or changed since the last call that lie outside the ends
  // kept raw. Invalidates iterators. Cheap when there is nothing to do.
  void Settle() const;
  size_t compressed_nodes() const;  // for tests and MEMORY stats: walks the list

  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  size_t node_count() const { return nodes_; }
  // Bytes held: listpack buffers (compressed sizes for compressed nodes) plus node structs
  // (allocator rounding not included).
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
  Iter Begin() const;
  Iter RBegin() const;
  Iter Next(Iter it) const;
  Iter Prev(Iter it) const;
  Value Get(Iter it) const { return it.node->lp.Get(it.pos); }
  // Calls fn(value) for the n elements from it on (it valid, n at most the elements left),
  // decoding each entry once; a range reply's walk.
  template <typename F>
  void ForRange(Iter it, size_t n, F&& fn) const {
    Node* node = it.node;
    Listpack::Pos pos = it.pos;
    while (n-- > 0) {
      if (pos == Listpack::kNone) {
        Leave(node);
        node = node->next;
        Touch(node);
        pos = node->lp.First();
      }
      fn(node->lp.GetAdvance(&pos));
    }
  }
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
  // Nodes outside these sizes are not compressed: too small to gain, or an oversized element
  // that would cost a large decompression on every touch.
  static constexpr size_t kMinCompressBytes = 48;
  static constexpr size_t kMaxCompressBytes = size_t{1} << 17;
  bool Fits(const Node* n, size_t add_bytes, size_t add_count) const;
  Node* NewNodeAfter(Node* at);  // at == nullptr: new head
  void Unlink(Node* n);
  bool MergeNext(Node* a);
  // Makes n's entries available (decompressing it if needed); a decompressed node is queued for
  // Settle(). Every Iter handed out points into a touched node.
  void Touch(Node* n) const {
    if (n->z) Decompress(n);
  }
  void Decompress(Node* n) const;
  void TryCompress(Node* n) const;
  // Queues a node for Settle(): decompressed, new, or moved away from an end.
  void Enqueue(Node* n) const;
  // Before changing a touched node: drops its compressed copy and queues it.
  void Dirty(Node* n) const;
  void Leave(Node* n) const;
  // After a new end node: the node that moved from the edge of the kept-raw window into the
  // compressed middle.
  void QueueAtDepth(bool from_head);

  Node* head_ = nullptr;
  Node* tail_ = nullptr;
  size_t count_ = 0;
  size_t nodes_ = 0;
  int fill_ = -2;
  int depth_ = 0;
  mutable std::vector<Node*> raw_;  // nodes waiting for Settle()
};

}  // namespace shoal
