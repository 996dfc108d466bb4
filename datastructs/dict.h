// Dict: the keyspace hash table (intrusive chaining, incremental rehash, Redis-compatible SCAN).
#ifndef SHOAL_DATASTRUCTS_DICT_H_
#define SHOAL_DATASTRUCTS_DICT_H_

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>
#include <string_view>
#include <type_traits>
#include <utility>

namespace shoal {

namespace dict_internal {

// __extension__ keeps -Wpedantic quiet about the (GCC/Clang) 128-bit integer.
__extension__ typedef unsigned __int128 Uint128;

inline uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

inline uint64_t Load32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

// Full 64x64->128 multiply folded back to 64 bits: every input bit affects the middle output
// bits, which is what makes a couple of these enough mixing for a table index.
inline uint64_t MulFold(uint64_t a, uint64_t b) {
  const dict_internal::Uint128 r = static_cast<dict_internal::Uint128>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

// Fixed constants (digits of pi, the golden ratio, and odd constants with balanced bits). The
// seed is fixed so that hashes, and therefore SCAN order, are reproducible across runs.
inline constexpr uint64_t kSeed = 0x243f6a8885a308d3ULL;
inline constexpr uint64_t kK1 = 0x9e3779b97f4a7c15ULL;
inline constexpr uint64_t kK2 = 0xbf58476d1ce4e5b9ULL;
inline constexpr uint64_t kK3 = 0x94d049bb133111ebULL;
inline constexpr uint64_t kK4 = 0xa0761d6478bd642fULL;

// Bit reversal; the SCAN cursor is incremented in reversed bit order.
inline uint64_t ReverseBits(uint64_t v) {
  v = __builtin_bswap64(v);
  v = ((v >> 4) & 0x0f0f0f0f0f0f0f0fULL) | ((v & 0x0f0f0f0f0f0f0f0fULL) << 4);
  v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
  v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
  return v;
}

// The next cursor after `v` for a table with bucket mask `mask`: add one starting from the
// mask's top bit downwards. Bits above the mask are set first so the carry runs through them and
// leaves them zero, which keeps cursors below the bucket count.
inline uint64_t NextCursor(uint64_t v, uint64_t mask) {
  v |= ~mask;
  v = ReverseBits(v);
  ++v;
  return ReverseBits(v);
}

// splitmix64 step: turns one caller-supplied random word into as many as Random() needs.
inline uint64_t SplitMix(uint64_t& state) {
  uint64_t z = (state += kK1);
  z = (z ^ (z >> 30)) * kK2;
  z = (z ^ (z >> 27)) * kK3;
  return z ^ (z >> 31);
}

// How buckets and chains refer to nodes: plain pointers, unless Traits defines a Link type (e.g.
// a 32-bit number naming a node in an arena) with Encode and Decode; Link{} is "no node".
template <typename Node, typename Traits, typename = void>
struct Links {
  using Link = Node*;
  static Node* Decode(Link l) { return l; }
  static Link Encode(Node* n) { return n; }
};
template <typename Node, typename Traits>
struct Links<Node, Traits, std::void_t<typename Traits::Link>> {
  using Link = typename Traits::Link;
  static Node* Decode(Link l) { return Traits::Decode(l); }
  static Link Encode(Node* n) { return Traits::Encode(n); }
};

// Uniform-enough value in [0, range) without a division.
inline uint64_t Below(uint64_t random, uint64_t range) {
  return static_cast<uint64_t>((static_cast<dict_internal::Uint128>(random) * range) >> 64);
}

}  // namespace dict_internal

// A fast, well-mixed 64-bit hash for keys (a multiply-fold design in the style of wyhash).
// Short keys, the common case for a cache, take one branch and two multiplies. Not resistant to
// deliberate collisions: the seed is fixed.
inline uint64_t HashBytes(std::string_view s) {
  using dict_internal::Load32;
  using dict_internal::Load64;
  using dict_internal::MulFold;
  const char* p = s.data();
  const size_t n = s.size();
  uint64_t seed = dict_internal::kSeed;
  uint64_t a;
  uint64_t b;
  if (n <= 16) {
    if (n >= 4) {
      // Two overlapping 4-byte reads from each end cover 4..16 bytes without a loop.
      const size_t off = (n >> 3) << 2;
      a = (Load32(p) << 32) | Load32(p + off);
      b = (Load32(p + n - 4) << 32) | Load32(p + n - 4 - off);
    } else if (n > 0) {
      a = (static_cast<uint64_t>(static_cast<uint8_t>(p[0])) << 16) |
          (static_cast<uint64_t>(static_cast<uint8_t>(p[n >> 1])) << 8) |
          static_cast<uint8_t>(p[n - 1]);
      b = 0;
    } else {
      a = 0;
      b = 0;
    }
  } else {
    size_t left = n;
    if (left > 48) {
      // Three independent lanes so long values are not bound by one multiply's latency.
      uint64_t lane1 = seed;
      uint64_t lane2 = seed;
      do {
        seed = MulFold(Load64(p) ^ dict_internal::kK1, Load64(p + 8) ^ seed);
        lane1 = MulFold(Load64(p + 16) ^ dict_internal::kK2, Load64(p + 24) ^ lane1);
        lane2 = MulFold(Load64(p + 32) ^ dict_internal::kK3, Load64(p + 40) ^ lane2);
        p += 48;
        left -= 48;
      } while (left > 48);
      seed ^= lane1 ^ lane2;
    }
    while (left > 16) {
      seed = MulFold(Load64(p) ^ dict_internal::kK1, Load64(p + 8) ^ seed);
      p += 16;
      left -= 16;
    }
    // The last 16 bytes, overlapping already-hashed ones when the tail is short.
    a = Load64(p + left - 16);
    b = Load64(p + left - 8);
  }
  const dict_internal::Uint128 r =
      static_cast<dict_internal::Uint128>(a ^ dict_internal::kK1) * (b ^ seed);
  return MulFold(static_cast<uint64_t>(r) ^ dict_internal::kK4 ^ n,
                 static_cast<uint64_t>(r >> 64) ^ dict_internal::kK2);
}

// An intrusive chained hash table with Redis-style incremental rehashing and a SCAN cursor that
// returns every element present for the whole scan at least once, even across resizes.
//
// Nodes belong to the caller: the table links them through Traits::Next and never allocates or
// frees them; its only allocations are the bucket arrays (one pointer per bucket). Hashes are not
// stored in nodes, so moving a node to the new table recomputes Traits::Hash(Traits::Key(n)).
//
// Resizing never stops the world: growth (size > buckets * max_load_factor) or shrinking
// (size < buckets * max_load_factor / 8) allocates the new array and then every Find, FindLink,
// Insert, Remove, Random and Scan moves one bucket, plus whatever RehashSteps() does from a
// background cron. During a rehash an element with hash h lives in table 0 at h & mask0 if that
// bucket has not been migrated yet (index >= rehash_idx_), otherwise in table 1 at h & mask1;
// lookups therefore walk exactly one chain. Table 0 buckets below rehash_idx_ are empty.
//
// Traits must provide:
//   static std::string_view Key(const Node* n);
//   static Link& Next(Node* n);       // Link is Node* unless Traits says otherwise:
//   static uint64_t Hash(std::string_view key);
// and may provide `using Link = ...;` with `static Node* Decode(Link)` and
// `static Link Encode(Node*)`, mapping Link{} and nullptr to each other: the buckets and chain
// links then hold Links (a 32-bit handle halves the bucket array).
//
// Not thread-safe; Find and the other lookups mutate (they rehash), so a shard lock is needed
// even for reads.
template <typename Node, typename Traits>
class Dict {
  using L = dict_internal::Links<Node, Traits>;

 public:
  using Link = typename L::Link;

  // Cursors must fit in 48 bits (the server stores the shard number above); 2^40 buckets of 8
  // bytes is 8 TiB, far beyond any real keyspace.
  static constexpr size_t kMaxBuckets = size_t{1} << 40;
  static constexpr size_t kMinBuckets = 4;

  explicit Dict(double max_load_factor = 1.0)
      : max_load_factor_(max_load_factor > 0 ? max_load_factor : 1.0) {}
  ~Dict() { FreeTables(); }

  Dict(const Dict&) = delete;
  Dict& operator=(const Dict&) = delete;

  Dict(Dict&& other) noexcept { TakeFrom(other); }
  // Drops (does not free) the nodes this table held: they belong to the caller.
  Dict& operator=(Dict&& other) noexcept {
    if (this != &other) {
      FreeTables();
      TakeFrom(other);
    }
    return *this;
  }

  size_t size() const { return used_[0] + used_[1]; }
  bool empty() const { return size() == 0; }
  bool rehashing() const { return tables_[1] != nullptr; }
  // The first table's bucket array and index mask, for a caller that prefetches a key's bucket
  // ahead of the lookup (during a rehash, keys not yet moved are there).
  const Link* bucket_array() const { return tables_[0]; }
  uint64_t bucket_mask() const { return buckets_[0] ? buckets_[0] - 1 : 0; }
  size_t bucket_count() const { return buckets_[0] + buckets_[1]; }
  size_t MemoryUsage() const { return bucket_count() * sizeof(Link); }
  double max_load_factor() const { return max_load_factor_; }

  Node* Find(std::string_view key) {
    Link* link = FindLink(key);
    return link != nullptr ? L::Decode(*link) : nullptr;
  }

  // The link (bucket slot or predecessor's Next) pointing at the node with this key, or nullptr.
  // Lets the caller replace a node in place: Traits::Next(repl) = Traits::Next(old);
  // *link = Encode(repl). Valid until the next call on the table other than the const accessors.
  Link* FindLink(std::string_view key) {
    if (rehashing()) RehashStep(1);
    if (size() == 0) return nullptr;
    Link* link = BucketFor(Traits::Hash(key)).head;
    for (Node* n = L::Decode(*link); n != nullptr; n = L::Decode(*link)) {
      if (Traits::Key(n) == key) return link;
      link = &Traits::Next(n);
    }
    return nullptr;
  }

  // The key must be absent (checked only in debug builds).
  void Insert(Node* n) {
    if (rehashing()) {
      RehashStep(1);
    } else if (tables_[0] == nullptr) {
      InitTable();
    }
    assert(FindNoRehash(Traits::Key(n)) == nullptr && "Dict::Insert: key already present");
    const Bucket bucket = BucketFor(Traits::Hash(Traits::Key(n)));
    Traits::Next(n) = *bucket.head;
    *bucket.head = L::Encode(n);
    ++used_[bucket.table];
    if (!rehashing() && size() > grow_at_) StartGrow();
  }

  // Unlinks and returns the node with this key (its Next is cleared), or nullptr.
  Node* Remove(std::string_view key) {
    if (rehashing()) RehashStep(1);
    if (size() == 0) return nullptr;
    const Bucket bucket = BucketFor(Traits::Hash(key));
    Link* link = bucket.head;
    for (Node* n = L::Decode(*link); n != nullptr; n = L::Decode(*link)) {
      if (Traits::Key(n) == key) {
        *link = Traits::Next(n);
        Traits::Next(n) = Link{};
        --used_[bucket.table];
        if (!rehashing() && size() < shrink_at_) StartShrink();
        return n;
      }
      link = &Traits::Next(n);
    }
    return nullptr;
  }

  // Visits the bucket(s) at `cursor`, calling fn(Node*) for each node, and returns the cursor to
  // pass next; 0 means the scan is complete (start with 0). Every element present from the first
  // to the last call is visited at least once, whatever resizes happen between calls; elements
  // may be visited more than once when the table shrank. Cursor bits above the current bucket
  // mask are ignored, and returned cursors are below 2^40. fn must not modify the table.
  template <typename Fn>
  uint64_t Scan(uint64_t cursor, Fn&& fn) {
    if (size() == 0) return 0;
    if (rehashing()) RehashStep(1);
    if (!rehashing()) {
      const uint64_t mask = buckets_[0] - 1;
      VisitChain(tables_[0][cursor & mask], fn);
      return dict_internal::NextCursor(cursor, mask);
    }
    // Visit the small table's bucket and every bucket of the large table that it expands to
    // (same low bits), so an element is seen wherever the migration has put it. The expansions
    // differ in the bits above the small mask, which are the first ones the reversed increment
    // walks through; the loop stops when they carry into the small table's bits.
    const int small = buckets_[0] <= buckets_[1] ? 0 : 1;
    const int large = 1 - small;
    const uint64_t small_mask = buckets_[small] - 1;
    const uint64_t large_mask = buckets_[large] - 1;
    VisitChain(tables_[small][cursor & small_mask], fn);
    do {
      VisitChain(tables_[large][cursor & large_mask], fn);
      cursor = dict_internal::NextCursor(cursor, large_mask);
    } while ((cursor & (small_mask ^ large_mask)) != 0);
    return cursor;
  }

  // Calls fn(Node*) for every node exactly once. fn must not modify the table.
  template <typename Fn>
  void ForEach(Fn&& fn) {
    for (size_t i = rehash_idx_; i < buckets_[0]; ++i) VisitChain(tables_[0][i], fn);
    for (size_t i = 0; i < buckets_[1]; ++i) VisitChain(tables_[1][i], fn);
  }

  // A random node, or nullptr if empty: a random non-empty bucket, then a random node of its
  // chain (as Redis does, so nodes in long chains are a little less likely). `random_bits` seeds
  // all the draws this needs.
  Node* Random(uint64_t random_bits) {
    if (size() == 0) return nullptr;
    if (rehashing()) RehashStep(1);
    uint64_t state = random_bits;
    // Buckets below rehash_idx_ in table 0 are known to be empty, so they are not drawn.
    const size_t first = rehash_idx_;
    const size_t range = buckets_[0] - first + buckets_[1];
    Node* head = nullptr;
    size_t pos = 0;
    // At the load the table keeps outside rehashes (>= max_load_factor / 8) a few dozen draws
    // almost always find a bucket; a linear walk from a random spot bounds the rare sparse case
    // (mass deletions during a growth) instead of looping for a long time.
    for (int attempt = 0; attempt < 64 && head == nullptr; ++attempt) {
      pos = dict_internal::Below(dict_internal::SplitMix(state), range);
      head = BucketAt(first + pos);
    }
    while (head == nullptr) {
      pos = pos + 1 == range ? 0 : pos + 1;
      head = BucketAt(first + pos);
    }
    size_t length = 0;
    for (Node* n = head; n != nullptr; n = L::Decode(Traits::Next(n))) ++length;
    size_t pick = dict_internal::Below(dict_internal::SplitMix(state), length);
    Node* n = head;
    while (pick-- > 0) n = L::Decode(Traits::Next(n));
    return n;
  }

  // Nodes from consecutive buckets starting at a random one, as Redis' dictGetSomeKeys: fn(Node*)
  // returns whether the node counts, and sampling stops after `count` counted nodes or about
  // 16 * count nodes' worth of buckets (a node may be visited twice by the Random() draws used
  // mid-rehash). The bucket array is read sequentially and the nodes' cache misses overlap (chain
  // heads are prefetched a batch at a time), where `count` calls of Random() take two dependent
  // misses each. fn must not change the Dict. Returns the number counted.
  template <typename Fn>
  size_t SampleNearby(uint64_t random_bits, size_t count, Fn&& fn) {
    if (size() == 0 || count == 0) return 0;
    if (rehashing()) RehashStep(1);
    uint64_t state = random_bits;
    // Mid-rehash, the nodes already migrated sit in the new table in runs that mirror the old
    // table's first buckets, not spread over it, so a run from a random spot there mostly finds
    // nothing: with the odds of the nodes it holds, the sample comes from Random() draws instead.
    if (rehashing() && dict_internal::Below(dict_internal::SplitMix(state), size()) < used_[1]) {
      size_t counted = 0;
      for (size_t draws = 0; draws < 16 * count && counted < count; ++draws) {
        if (fn(Random(dict_internal::SplitMix(state)))) ++counted;
      }
      return counted;
    }
    const Link* table = tables_[0];
    const size_t lo = rehash_idx_;  // buckets below it are empty (0 without a rehash)
    const size_t len = buckets_[0] - rehash_idx_;
    const size_t per_node = used_[0] ? (len + used_[0] - 1) / used_[0] : len;  // buckets per node
    const size_t max_scan = std::min(len, 16 * count * std::max<size_t>(per_node, 1));
    size_t pos = dict_internal::Below(dict_internal::SplitMix(state), len);
    size_t counted = 0, scanned = 0;
    constexpr size_t kBatch = 16;
    Node* heads[kBatch];
    while (counted < count && scanned < max_scan) {
      size_t n = 0;
      while (n < kBatch && scanned < max_scan) {
        Node* h = L::Decode(table[lo + pos]);
        pos = pos + 1 == len ? 0 : pos + 1;
        ++scanned;
        if (h != nullptr) {
          __builtin_prefetch(h);
          heads[n++] = h;
        }
      }
      for (size_t i = 0; i < n && counted < count; ++i) {
        for (Node* x = heads[i]; x != nullptr && counted < count; x = L::Decode(Traits::Next(x))) {
          if (fn(x)) ++counted;
        }
      }
    }
    return counted;
  }

  // Calls deleter(Node*) for every node (it may free the node), then frees the bucket arrays.
  // Takes time proportional to the bucket count: to avoid a pause, move the Dict to another
  // thread and Clear it there.
  template <typename Fn>
  void Clear(Fn&& deleter) {
    ForEach(deleter);  // ForEach reads Next before calling, so the deleter may free the node.
    FreeTables();
    Reset();
  }

  // Background rehash work: migrates up to `buckets` non-empty buckets (looking at no more than
  // ten times as many empty ones). No-op if not rehashing.
  void RehashSteps(int buckets) {
    if (rehashing() && buckets > 0) RehashStep(static_cast<size_t>(buckets));
  }

 private:
  struct Bucket {
    Link* head;
    int table;
  };

  template <typename Fn>
  static void VisitChain(Link l, Fn& fn) {
    for (Node* n = L::Decode(l); n != nullptr;) {
      Node* next = L::Decode(Traits::Next(n));
      fn(n);
      n = next;
    }
  }

  Bucket BucketFor(uint64_t hash) {
    const size_t i = hash & (buckets_[0] - 1);
    // Without a rehash rehash_idx_ is 0, so this single compare covers both states.
    if (i < rehash_idx_) return {&tables_[1][hash & (buckets_[1] - 1)], 1};
    return {&tables_[0][i], 0};
  }

  // Bucket `i` of the concatenation of both tables.
  Node* BucketAt(size_t i) const {
    return L::Decode(i < buckets_[0] ? tables_[0][i] : tables_[1][i - buckets_[0]]);
  }

  Node* FindNoRehash(std::string_view key) {
    if (size() == 0) return nullptr;
    for (Node* n = L::Decode(*BucketFor(Traits::Hash(key)).head); n != nullptr;
         n = L::Decode(Traits::Next(n))) {
      if (Traits::Key(n) == key) return n;
    }
    return nullptr;
  }

  static Link* AllocateBuckets(size_t count) {
    // calloc: large zeroed arrays come straight from fresh pages instead of being memset (an
    // all-zero Link is "no node" for every Link type).
    static_assert(std::is_trivially_copyable_v<Link>);
    return static_cast<Link*>(std::calloc(count, sizeof(Link)));
  }

  // Smallest power-of-two bucket count that holds `elements` within the load factor.
  size_t BucketsFor(size_t elements) const {
    const double want = std::ceil(static_cast<double>(elements) / max_load_factor_);
    if (want >= static_cast<double>(kMaxBuckets)) return kMaxBuckets;
    const size_t buckets = std::bit_ceil(static_cast<size_t>(want));
    return buckets < kMinBuckets ? kMinBuckets : buckets;
  }

  void InitTable() {
    const size_t count = BucketsFor(1);
    Link* table = AllocateBuckets(count);
    if (table == nullptr) throw std::bad_alloc();
    tables_[0] = table;
    buckets_[0] = count;
    UpdateThresholds();
  }

  void UpdateThresholds() {
    const double capacity = static_cast<double>(buckets_[0]) * max_load_factor_;
    grow_at_ = buckets_[0] >= kMaxBuckets || capacity >= 0x1p63 ? std::numeric_limits<size_t>::max()
                                                                : static_cast<size_t>(capacity);
    shrink_at_ = buckets_[0] <= kMinBuckets ? 0 : static_cast<size_t>(std::ceil(capacity / 8));
  }

  void StartGrow() {
    const size_t count = BucketsFor(size() + 1);
    if (count <= buckets_[0]) {
      // At the size cap: stay overloaded rather than retry on every insert.
      grow_at_ = std::numeric_limits<size_t>::max();
      return;
    }
    StartRehash(count);
  }

  // Aim for half the maximum load so that a few inserts after a shrink do not grow it again.
  void StartShrink() {
    const size_t count = BucketsFor(2 * size() + 2);
    if (count >= buckets_[0]) {
      // Only possible with tiny load factors; the table is as small as it should get.
      shrink_at_ = 0;
      return;
    }
    StartRehash(count);
  }

  void StartRehash(size_t count) {
    Link* table = AllocateBuckets(count);
    // Out of memory for the new array: keep serving from the current one, over or under loaded.
    if (table == nullptr) return;
    tables_[1] = table;
    buckets_[1] = count;
    rehash_idx_ = 0;
    if (used_[0] == 0) FinishRehash();
  }

  static constexpr size_t kRehashAhead = 8;

  void RehashStep(size_t steps) {
    size_t empty_budget = steps * 10;
    Link* const from = tables_[0];
    Link* const to = tables_[1];
    const size_t to_mask = buckets_[1] - 1;
    const size_t from_buckets = buckets_[0];
    // used_[0] != 0 guarantees a non-empty bucket at or after rehash_idx_.
    while (steps > 0 && used_[0] != 0) {
      while (from[rehash_idx_] == Link{}) {
        ++rehash_idx_;
        if (--empty_budget == 0) return;
      }
      // Moving a node reads its key to hash it, a cache miss per node; its destination bucket is
      // not one (the old and new bucket arrays are both walked in order). So fetch the first node
      // of a bucket kRehashAhead buckets on: by the time the migration reaches it (in this call,
      // or kRehashAhead single steps later), its key is in cache.
      if (rehash_idx_ + kRehashAhead < from_buckets) {
        if (Node* ahead = L::Decode(from[rehash_idx_ + kRehashAhead])) __builtin_prefetch(ahead);
      }
      Link l = from[rehash_idx_];
      while (l != Link{}) {
        Node* n = L::Decode(l);
        Link next = Traits::Next(n);
        Link& head = to[Traits::Hash(Traits::Key(n)) & to_mask];
        Traits::Next(n) = head;
        head = l;
        --used_[0];
        ++used_[1];
        l = next;
      }
      from[rehash_idx_] = Link{};
      ++rehash_idx_;
      --steps;
    }
    if (used_[0] == 0) FinishRehash();
  }

  void FinishRehash() {
    std::free(tables_[0]);
    tables_[0] = tables_[1];
    buckets_[0] = buckets_[1];
    used_[0] = used_[1];
    tables_[1] = nullptr;
    buckets_[1] = 0;
    used_[1] = 0;
    rehash_idx_ = 0;
    UpdateThresholds();
    // Operations during the migration may have pushed the load past a threshold again; no
    // later Insert or Remove might come to notice, so check here.
    if (size() > grow_at_) {
      StartGrow();
    } else if (size() < shrink_at_) {
      StartShrink();
    }
  }

  void FreeTables() {
    std::free(tables_[0]);
    std::free(tables_[1]);
  }

  void Reset() {
    tables_[0] = tables_[1] = nullptr;
    buckets_[0] = buckets_[1] = 0;
    used_[0] = used_[1] = 0;
    rehash_idx_ = 0;
    grow_at_ = 0;
    shrink_at_ = 0;
  }

  void TakeFrom(Dict& other) {
    for (int t = 0; t < 2; ++t) {
      tables_[t] = other.tables_[t];
      buckets_[t] = other.buckets_[t];
      used_[t] = other.used_[t];
    }
    rehash_idx_ = other.rehash_idx_;
    grow_at_ = other.grow_at_;
    shrink_at_ = other.shrink_at_;
    max_load_factor_ = other.max_load_factor_;
    other.Reset();
  }

  // tables_[0] is the table in use; tables_[1] is non-null only during a rehash, and is the
  // destination. buckets_ are powers of two (0 when the table is absent).
  Link* tables_[2] = {nullptr, nullptr};
  size_t buckets_[2] = {0, 0};
  size_t used_[2] = {0, 0};
  // Buckets of tables_[0] below this have been migrated; 0 when not rehashing.
  size_t rehash_idx_ = 0;
  // Cached resize triggers for tables_[0]: grow when size() > grow_at_, shrink when < shrink_at_.
  size_t grow_at_ = 0;
  size_t shrink_at_ = 0;
  double max_load_factor_ = 1.0;
};

}  // namespace shoal

#endif  // SHOAL_DATASTRUCTS_DICT_H_
