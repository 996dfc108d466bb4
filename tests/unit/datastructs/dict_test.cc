// Tests for Dict (incremental rehash, SCAN guarantee, Random, Clear) and HashBytes.
#include "datastructs/dict.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace shoal {
namespace {

struct TestNode {
  explicit TestNode(std::string k, int v = 0) : key(std::move(k)), value(v) {}
  std::string key;
  TestNode* next = nullptr;
  int value;
};

struct TestTraits {
  static std::string_view Key(const TestNode* n) { return n->key; }
  static TestNode*& Next(TestNode* n) { return n->next; }
  static uint64_t Hash(std::string_view key) { return HashBytes(key); }
};

// The hash is the key's decimal value, so tests can choose buckets.
struct NumericTraits : TestTraits {
  static uint64_t Hash(std::string_view key) {
    uint64_t v = 0;
    std::from_chars(key.data(), key.data() + key.size(), v);
    return v;
  }
};

// Every key collides: all of them share one chain.
struct CollidingTraits : TestTraits {
  static uint64_t Hash(std::string_view) { return 42; }
};

using TestDict = Dict<TestNode, TestTraits>;

// Owns test nodes (the table never does), one per key.
class NodePool {
 public:
  TestNode* Get(const std::string& key) {
    auto& slot = nodes_[key];
    if (slot == nullptr) slot = std::make_unique<TestNode>(key);
    return slot.get();
  }

 private:
  std::unordered_map<std::string, std::unique_ptr<TestNode>> nodes_;
};

std::string Key(int i) { return absl::StrCat("key:", i); }

// Everything the table holds, with how often ForEach reported it.
template <typename D>
std::map<std::string, int> Contents(D& dict) {
  std::map<std::string, int> seen;
  dict.ForEach([&](TestNode* n) { ++seen[n->key]; });
  return seen;
}

// Checks the table against the set of keys it should hold: size, ForEach (each key exactly
// once) and Find for every key. Find rehashes, so this also interleaves rehash steps.
template <typename D>
void ExpectHolds(D& dict, const std::set<std::string>& expected) {
  ASSERT_EQ(dict.size(), expected.size());
  ASSERT_EQ(dict.empty(), expected.empty());
  const std::map<std::string, int> seen = Contents(dict);
  ASSERT_EQ(seen.size(), expected.size());
  for (const auto& [key, count] : seen) {
    ASSERT_EQ(count, 1) << key;
    ASSERT_TRUE(expected.count(key)) << key;
  }
  for (const std::string& key : expected) {
    TestNode* n = dict.Find(key);
    ASSERT_NE(n, nullptr) << key;
    ASSERT_EQ(n->key, key);
  }
}

bool IsPowerOfTwo(size_t n) { return n != 0 && std::has_single_bit(n); }

void FinishRehash(TestDict& dict) {
  dict.RehashSteps(1 << 30);
  ASSERT_FALSE(dict.rehashing());
}

TEST(DictTest, EmptyTable) {
  TestDict dict;
  EXPECT_EQ(dict.size(), 0u);
  EXPECT_TRUE(dict.empty());
  EXPECT_FALSE(dict.rehashing());
  EXPECT_EQ(dict.bucket_count(), 0u);
  EXPECT_EQ(dict.MemoryUsage(), 0u);
  EXPECT_EQ(dict.Find("x"), nullptr);
  EXPECT_EQ(dict.FindLink("x"), nullptr);
  EXPECT_EQ(dict.Remove("x"), nullptr);
  EXPECT_EQ(dict.Random(123), nullptr);
  int calls = 0;
  dict.ForEach([&](TestNode*) { ++calls; });
  EXPECT_EQ(calls, 0);
  dict.RehashSteps(10);
  EXPECT_EQ(dict.bucket_count(), 0u);
}

TEST(DictTest, InsertFindRemove) {
  TestDict dict;
  TestNode a("alpha", 1), b("beta", 2), c("gamma", 3), empty_key("", 4);
  dict.Insert(&a);
  dict.Insert(&b);
  dict.Insert(&c);
  dict.Insert(&empty_key);
  EXPECT_EQ(dict.size(), 4u);
  EXPECT_EQ(dict.bucket_count(), 4u);
  EXPECT_EQ(dict.MemoryUsage(), 4 * sizeof(TestNode*));
  EXPECT_EQ(dict.Find("alpha"), &a);
  EXPECT_EQ(dict.Find("beta"), &b);
  EXPECT_EQ(dict.Find("gamma"), &c);
  EXPECT_EQ(dict.Find(""), &empty_key);
  EXPECT_EQ(dict.Find("delta"), nullptr);
  EXPECT_EQ(dict.Find("alph"), nullptr);  // Prefixes are different keys.
  EXPECT_EQ(dict.Find(std::string_view("alpha\0", 6)), nullptr);

  EXPECT_EQ(dict.Remove("beta"), &b);
  EXPECT_EQ(b.next, nullptr);  // Unlinked nodes don't keep pointers into the table.
  EXPECT_EQ(dict.Remove("beta"), nullptr);
  EXPECT_EQ(dict.Find("beta"), nullptr);
  EXPECT_EQ(dict.size(), 3u);
  EXPECT_EQ(dict.Find("alpha")->value, 1);
  EXPECT_EQ(dict.Remove("delta"), nullptr);
  EXPECT_EQ(dict.size(), 3u);

  // A removed node can be inserted again.
  dict.Insert(&b);
  EXPECT_EQ(dict.Find("beta"), &b);
  EXPECT_EQ(dict.size(), 4u);
}

TEST(DictTest, KeysWithBinaryBytes) {
  TestDict dict;
  NodePool pool;
  std::set<std::string> keys;
  for (int len = 0; len < 70; ++len) {
    keys.insert(std::string(len, '\0'));
    keys.insert(std::string(len, '\xff'));
  }
  for (const std::string& k : keys) dict.Insert(pool.Get(k));
  ExpectHolds(dict, keys);
}

TEST(DictTest, ReplaceInPlaceThroughFindLink) {
  Dict<TestNode, CollidingTraits> dict;  // One chain, so replacement happens mid-chain too.
  std::vector<std::unique_ptr<TestNode>> nodes;
  for (int i = 0; i < 10; ++i) {
    nodes.push_back(std::make_unique<TestNode>(Key(i), i));
    dict.Insert(nodes.back().get());
  }
  for (int i = 0; i < 10; ++i) {
    TestNode replacement(Key(i), 100 + i);
    TestNode** link = dict.FindLink(Key(i));
    ASSERT_NE(link, nullptr);
    TestNode* old = *link;
    ASSERT_EQ(old, nodes[i].get());
    auto fresh = std::make_unique<TestNode>(Key(i), 100 + i);
    TestTraits::Next(fresh.get()) = TestTraits::Next(old);
    *link = fresh.get();
    nodes[i] = std::move(fresh);
  }
  EXPECT_EQ(dict.size(), 10u);
  for (int i = 0; i < 10; ++i) {
    TestNode* n = dict.Find(Key(i));
    ASSERT_NE(n, nullptr);
    EXPECT_EQ(n, nodes[i].get());
    EXPECT_EQ(n->value, 100 + i);
  }
  EXPECT_EQ(dict.FindLink("absent"), nullptr);
}

TEST(DictTest, ReplaceInPlaceDuringRehash) {
  TestDict dict;
  std::vector<std::unique_ptr<TestNode>> nodes;
  int i = 0;
  while (!dict.rehashing()) {
    nodes.push_back(std::make_unique<TestNode>(Key(i), i));
    dict.Insert(nodes.back().get());
    ++i;
  }
  const int count = i;
  for (int j = 0; j < count; ++j) {
    TestNode** link = dict.FindLink(Key(j));
    ASSERT_NE(link, nullptr);
    auto fresh = std::make_unique<TestNode>(Key(j), -j);
    TestTraits::Next(fresh.get()) = TestTraits::Next(*link);
    *link = fresh.get();
    nodes[j] = std::move(fresh);
  }
  FinishRehash(dict);
  ASSERT_EQ(dict.size(), static_cast<size_t>(count));
  for (int j = 0; j < count; ++j) {
    TestNode* n = dict.Find(Key(j));
    ASSERT_EQ(n, nodes[j].get());
    EXPECT_EQ(n->value, -j);
  }
}

TEST(DictTest, CollidingKeys) {
  Dict<TestNode, CollidingTraits> dict;
  NodePool pool;
  std::set<std::string> expected;
  for (int i = 0; i < 200; ++i) {
    dict.Insert(pool.Get(Key(i)));
    expected.insert(Key(i));
  }
  ExpectHolds(dict, expected);
  // Remove from the head, middle and tail of the single chain.
  for (int i = 0; i < 200; i += 3) {
    ASSERT_NE(dict.Remove(Key(i)), nullptr);
    expected.erase(Key(i));
  }
  ExpectHolds(dict, expected);
  EXPECT_EQ(dict.Find(Key(0)), nullptr);
  EXPECT_EQ(dict.Find(Key(1))->key, Key(1));
}

TEST(DictTest, GrowthIsIncremental) {
  TestDict dict;
  NodePool pool;
  std::set<std::string> expected;
  int i = 0;
  size_t before = 0;
  while (!dict.rehashing()) {
    before = dict.bucket_count();
    dict.Insert(pool.Get(Key(i)));
    expected.insert(Key(i));
    ++i;
    ASSERT_LE(dict.size(), dict.bucket_count() + 1);
  }
  // The first growth happens from the initial 4 buckets once the load goes over 1.
  EXPECT_EQ(before, 4u);
  EXPECT_EQ(dict.size(), 5u);
  FinishRehash(dict);
  EXPECT_EQ(dict.bucket_count(), 8u);

  // A larger growth: the table holds exactly its bucket count, one more insert starts doubling.
  while (dict.size() < 4096) {
    dict.Insert(pool.Get(Key(i)));
    expected.insert(Key(i));
    ++i;
  }
  FinishRehash(dict);
  ASSERT_EQ(dict.bucket_count(), 4096u);
  dict.Insert(pool.Get(Key(i)));
  expected.insert(Key(i));
  ++i;
  ASSERT_TRUE(dict.rehashing());
  EXPECT_EQ(dict.bucket_count(), 4096u + 8192u);
  EXPECT_EQ(dict.MemoryUsage(), (4096u + 8192u) * sizeof(TestNode*));

  // Each operation moves about one bucket, so the migration takes many operations, and every
  // key stays reachable while it does.
  int ops = 0;
  while (dict.rehashing()) {
    const std::string& key = Key(ops % i);
    ASSERT_NE(dict.Find(key), nullptr) << key;
    ++ops;
    ASSERT_LT(ops, 100000);
  }
  EXPECT_GT(ops, 1000);
  EXPECT_EQ(dict.bucket_count(), 8192u);
  ExpectHolds(dict, expected);
}

TEST(DictTest, ShrinkIsIncremental) {
  TestDict dict;
  NodePool pool;
  std::set<std::string> expected;
  for (int i = 0; i < 20000; ++i) {
    dict.Insert(pool.Get(Key(i)));
    expected.insert(Key(i));
  }
  FinishRehash(dict);
  const size_t full = dict.bucket_count();
  EXPECT_EQ(full, 32768u);

  int removed = 0;
  while (!dict.rehashing()) {
    ASSERT_NE(dict.Remove(Key(removed)), nullptr);
    expected.erase(Key(removed));
    ++removed;
  }
  // Shrinking starts below 1/8 load.
  EXPECT_EQ(dict.size(), full / 8 - 1);
  EXPECT_GT(dict.bucket_count(), full);  // Both arrays exist during the migration.
  ExpectHolds(dict, expected);
  FinishRehash(dict);
  EXPECT_LT(dict.bucket_count(), full / 4 + 1);
  EXPECT_TRUE(IsPowerOfTwo(dict.bucket_count()));
  // After a shrink the load is at most half, so a few inserts don't grow it again.
  EXPECT_LE(dict.size() * 2, dict.bucket_count());
  ExpectHolds(dict, expected);

  // Removing everything ends at the minimum size.
  for (int i = removed; i < 20000; ++i) ASSERT_NE(dict.Remove(Key(i)), nullptr);
  FinishRehash(dict);
  EXPECT_TRUE(dict.empty());
  EXPECT_EQ(dict.bucket_count(), 4u);
}

TEST(DictTest, RehashStepsDoesBoundedWork) {
  TestDict dict;
  NodePool pool;
  for (int i = 0; i < 1025; ++i) dict.Insert(pool.Get(Key(i)));
  ASSERT_TRUE(dict.rehashing());
  dict.RehashSteps(0);
  EXPECT_TRUE(dict.rehashing());
  dict.RehashSteps(1);
  EXPECT_TRUE(dict.rehashing());  // One bucket of ~650 non-empty ones.
  int calls = 0;
  while (dict.rehashing()) {
    dict.RehashSteps(100);
    ++calls;
  }
  EXPECT_GE(calls, 5);
  EXPECT_LE(calls, 20);
  const size_t buckets = dict.bucket_count();
  dict.RehashSteps(100);  // No-op when not rehashing.
  EXPECT_EQ(dict.bucket_count(), buckets);
  EXPECT_EQ(buckets, 2048u);
}

class DictLoadFactorTest : public ::testing::TestWithParam<double> {};

TEST_P(DictLoadFactorTest, KeepsLoadWithinFactor) {
  const double mlf = GetParam();
  TestDict dict(mlf);
  NodePool pool;
  for (int i = 0; i < 50000; ++i) {
    dict.Insert(pool.Get(Key(i)));
    if (!dict.rehashing()) {
      // Between rehashes the load never exceeds the factor.
      ASSERT_LE(static_cast<double>(dict.size()), dict.bucket_count() * mlf) << i;
    }
  }
  FinishRehash(dict);
  const size_t buckets = dict.bucket_count();
  EXPECT_TRUE(IsPowerOfTwo(buckets));
  EXPECT_LE(static_cast<double>(dict.size()), buckets * mlf);
  // And it is not oversized: half as many buckets would not hold the keys.
  EXPECT_GT(static_cast<double>(dict.size()), buckets / 2 * mlf);
  for (int i = 0; i < 50000; ++i) ASSERT_NE(dict.Find(Key(i)), nullptr);
}

INSTANTIATE_TEST_SUITE_P(Factors, DictLoadFactorTest, ::testing::Values(0.25, 0.5, 1.0, 2.0, 5.0));

TEST(DictTest, InvalidLoadFactorFallsBackToOne) {
  TestDict dict(0.0);
  EXPECT_EQ(dict.max_load_factor(), 1.0);
  TestDict negative(-3.0);
  EXPECT_EQ(negative.max_load_factor(), 1.0);
}

// Random inserts and removes interleaved with lookups and cron steps, checked against a model.
class DictModelTest : public ::testing::TestWithParam<std::tuple<uint64_t, double>> {};

TEST_P(DictModelTest, MatchesModel) {
  const auto [seed, mlf] = GetParam();
  std::mt19937_64 rng(seed);
  TestDict dict(mlf);
  NodePool pool;
  std::set<std::string> expected;
  std::vector<std::string> present;  // For picking random present keys.
  int grows = 0;
  int shrinks = 0;
  size_t last_buckets = 0;
  bool was_rehashing = false;
  // Phases alternate between mostly-insert and mostly-remove so the table grows and shrinks.
  for (int phase = 0; phase < 6; ++phase) {
    const bool growing = phase % 2 == 0;
    for (int op = 0; op < 20000; ++op) {
      const uint64_t r = rng() % 100;
      if (r < (growing ? 70u : 25u)) {
        std::string key = Key(static_cast<int>(rng() % 200000));
        if (expected.insert(key).second) {
          dict.Insert(pool.Get(key));
          present.push_back(key);
        } else {
          ASSERT_NE(dict.Find(key), nullptr);
        }
      } else if (r < 95 && !present.empty()) {
        const size_t idx = rng() % present.size();
        std::swap(present[idx], present.back());
        const std::string key = present.back();
        present.pop_back();
        TestNode* n = dict.Remove(key);
        ASSERT_NE(n, nullptr) << key;
        ASSERT_EQ(n->key, key);
        expected.erase(key);
        ASSERT_EQ(dict.Remove(key), nullptr);
      } else if (r < 98) {
        ASSERT_EQ(dict.Find(absl::StrCat("missing:", rng() % 1000)), nullptr);
      } else {
        dict.RehashSteps(static_cast<int>(rng() % 4));
      }
      ASSERT_EQ(dict.size(), expected.size());
      if (dict.rehashing() && !was_rehashing) {
        (dict.bucket_count() - last_buckets > last_buckets ? grows : shrinks)++;
      }
      was_rehashing = dict.rehashing();
      if (!dict.rehashing()) last_buckets = dict.bucket_count();
      if (op % 5000 == 0) ExpectHolds(dict, expected);
    }
    ExpectHolds(dict, expected);
  }
  EXPECT_GT(grows, 3);
  EXPECT_GT(shrinks, 0);
}

INSTANTIATE_TEST_SUITE_P(SeedsAndFactors, DictModelTest,
                         ::testing::Combine(::testing::Values(1, 2, 3),
                                            ::testing::Values(0.5, 1.0, 3.0)));

TEST(DictTest, ForEachVisitsEachOnceDuringRehash) {
  TestDict dict;
  NodePool pool;
  std::set<std::string> expected;
  for (int i = 0; i < 8193; ++i) {
    dict.Insert(pool.Get(Key(i)));
    expected.insert(Key(i));
  }
  ASSERT_TRUE(dict.rehashing());
  for (int step = 0; step < 5 && dict.rehashing(); ++step) {
    dict.RehashSteps(500);
    std::map<std::string, int> seen = Contents(dict);
    ASSERT_EQ(seen.size(), expected.size());
    for (const auto& [key, count] : seen) ASSERT_EQ(count, 1) << key;
  }
}

TEST(DictTest, RandomReturnsOnlyPresentAndCoversAll) {
  TestDict dict;
  NodePool pool;
  std::set<std::string> expected;
  for (int i = 0; i < 300; ++i) {
    dict.Insert(pool.Get(Key(i)));
    expected.insert(Key(i));
  }
  std::mt19937_64 rng(7);
  auto check = [&](int draws) {
    std::map<std::string, int> counts;
    for (int d = 0; d < draws; ++d) {
      TestNode* n = dict.Random(rng());
      ASSERT_NE(n, nullptr);
      ASSERT_TRUE(expected.count(n->key)) << n->key;
      ++counts[n->key];
    }
    EXPECT_EQ(counts.size(), expected.size());
    // Roughly fair: nothing drawn wildly more often than average (chains are short).
    const double mean = static_cast<double>(draws) / expected.size();
    for (const auto& [key, count] : counts) EXPECT_LT(count, mean * 4) << key;
  };
  check(60000);
  // After removing most keys (and shrinking), only the survivors come back.
  for (int i = 0; i < 300; ++i) {
    if (i % 10 != 0) {
      ASSERT_NE(dict.Remove(Key(i)), nullptr);
      expected.erase(Key(i));
    }
  }
  check(10000);
}

TEST(DictTest, RandomDuringRehash) {
  TestDict dict;
  NodePool pool;
  std::set<std::string> expected;
  for (int i = 0; i < 65537; ++i) {
    dict.Insert(pool.Get(Key(i)));
    expected.insert(Key(i));
  }
  ASSERT_TRUE(dict.rehashing());
  std::mt19937_64 rng(11);
  std::set<std::string> drawn;
  for (int d = 0; d < 2000; ++d) {
    TestNode* n = dict.Random(rng());
    ASSERT_NE(n, nullptr);
    ASSERT_TRUE(expected.count(n->key));
    drawn.insert(n->key);
  }
  EXPECT_TRUE(dict.rehashing());  // The draws above really happened mid-migration.
  EXPECT_GT(drawn.size(), 1900u);
}

TEST(DictTest, RandomOnSparseTable) {
  // Hashes that are multiples of 4096 land in 2 of 8192 buckets once the table has grown, so
  // almost every random bucket draw misses and the bounded fallback walk has to find them.
  Dict<TestNode, NumericTraits> dict;
  NodePool pool;
  std::set<std::string> expected;
  for (int i = 0; i < 4097; ++i) {
    const std::string key = std::to_string(static_cast<uint64_t>(i) * 4096);
    dict.Insert(pool.Get(key));
    expected.insert(key);
  }
  dict.RehashSteps(1 << 30);
  ASSERT_FALSE(dict.rehashing());
  ASSERT_EQ(dict.bucket_count(), 8192u);
  std::mt19937_64 rng(3);
  std::set<std::string> drawn;
  for (int d = 0; d < 20000; ++d) {
    TestNode* n = dict.Random(rng());
    ASSERT_NE(n, nullptr);
    ASSERT_TRUE(expected.count(n->key)) << n->key;
    drawn.insert(n->key);
  }
  EXPECT_GT(drawn.size(), 3000u);
}

TEST(DictTest, SampleNearbyVisitsPresentNodesBoundedly) {
  TestDict dict;
  NodePool pool;
  EXPECT_EQ(dict.SampleNearby(1, 5, [](TestNode*) { return true; }), 0u);
  std::set<std::string> expected;
  for (int i = 0; i < 65537; ++i) {  // one past a growth: the samples below run mid-rehash
    dict.Insert(pool.Get(Key(i)));
    expected.insert(Key(i));
  }
  ASSERT_TRUE(dict.rehashing());
  std::mt19937_64 rng(5);
  std::set<std::string> seen;
  for (int round = 0; round < 2000; ++round) {
    std::set<std::string> one;
    size_t n = dict.SampleNearby(rng(), 5, [&](TestNode* x) {
      EXPECT_TRUE(expected.count(x->key)) << x->key;
      one.insert(x->key);
      return true;
    });
    EXPECT_EQ(n, 5u);
    EXPECT_EQ(one.size(), 5u);  // five different nodes
    seen.insert(one.begin(), one.end());
  }
  EXPECT_TRUE(dict.rehashing());
  EXPECT_GT(seen.size(), 9000u);  // different starting points, not one neighbourhood
  // A predicate nobody satisfies: at most 16 * count buckets are scanned, then it gives up.
  size_t visited = 0;
  EXPECT_EQ(dict.SampleNearby(rng(), 5,
                              [&](TestNode*) {
                                ++visited;
                                return false;
                              }),
            0u);
  EXPECT_GT(visited, 0u);
  EXPECT_LE(visited, 200u);
  // More wanted than there are: each node at most once.
  TestDict small;
  NodePool small_pool;
  for (int i = 0; i < 3; ++i) small.Insert(small_pool.Get(Key(i)));
  std::multiset<std::string> all;
  small.SampleNearby(rng(), 10, [&](TestNode* x) {
    all.insert(x->key);
    return true;
  });
  EXPECT_EQ(all.size(), 3u);
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()).size(), 3u);
}

TEST(DictTest, ClearCallsDeleterOncePerNode) {
  for (const bool mid_rehash : {false, true}) {
    TestDict dict;
    std::unordered_map<TestNode*, int> deleted;
    std::unordered_set<TestNode*> live;
    const int count = mid_rehash ? 2049 : 2000;
    for (int i = 0; i < count; ++i) {
      auto* n = new TestNode(Key(i));
      live.insert(n);
      dict.Insert(n);
    }
    ASSERT_EQ(dict.rehashing(), mid_rehash);
    dict.Clear([&](TestNode* n) {
      ++deleted[n];
      ASSERT_TRUE(live.count(n));
      delete n;  // The deleter may free: Clear must not touch the node afterwards.
    });
    EXPECT_EQ(deleted.size(), static_cast<size_t>(count));
    for (const auto& [node, times] : deleted) EXPECT_EQ(times, 1);
    EXPECT_TRUE(dict.empty());
    EXPECT_FALSE(dict.rehashing());
    EXPECT_EQ(dict.bucket_count(), 0u);
    EXPECT_EQ(dict.Find(Key(0)), nullptr);
    // Usable again after Clear.
    TestNode again(Key(0));
    dict.Insert(&again);
    EXPECT_EQ(dict.Find(Key(0)), &again);
    EXPECT_EQ(dict.size(), 1u);
  }
}

TEST(DictTest, MoveConstructAndAssign) {
  NodePool pool;
  std::set<std::string> expected;
  TestDict a;
  for (int i = 0; i < 1025; ++i) {  // Moved mid-rehash on purpose.
    a.Insert(pool.Get(Key(i)));
    expected.insert(Key(i));
  }
  ASSERT_TRUE(a.rehashing());
  TestDict b(std::move(a));
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): moved-from is specified empty.
  EXPECT_EQ(a.bucket_count(), 0u);
  EXPECT_EQ(a.Find(Key(1)), nullptr);
  ExpectHolds(b, expected);

  TestDict c(0.5);
  TestNode other("other");
  c.Insert(&other);
  c = std::move(b);
  EXPECT_EQ(c.Find("other"), nullptr);
  EXPECT_EQ(c.max_load_factor(), 1.0);
  ExpectHolds(c, expected);
  EXPECT_TRUE(b.empty());  // NOLINT(bugprone-use-after-move)

  // The moved-from table is reusable.
  a.Insert(&other);
  EXPECT_EQ(a.Find("other"), &other);
}

// ---- SCAN ----

constexpr uint64_t kCursorLimit = uint64_t{1} << 48;

TEST(DictScanTest, EmptyTableReturnsZero) {
  TestDict dict;
  int calls = 0;
  EXPECT_EQ(dict.Scan(0, [&](TestNode*) { ++calls; }), 0u);
  EXPECT_EQ(dict.Scan(12345, [&](TestNode*) { ++calls; }), 0u);
  // Emptied (buckets still allocated) behaves the same.
  TestNode n("k");
  dict.Insert(&n);
  ASSERT_EQ(dict.Remove("k"), &n);
  EXPECT_GT(dict.bucket_count(), 0u);
  EXPECT_EQ(dict.Scan(0, [&](TestNode*) { ++calls; }), 0u);
  EXPECT_EQ(calls, 0);
}

TEST(DictScanTest, StaticTableVisitsEachExactlyOnce) {
  for (const int count : {1, 3, 4, 5, 100, 1000, 5000}) {
    TestDict dict;
    NodePool pool;
    for (int i = 0; i < count; ++i) dict.Insert(pool.Get(Key(i)));
    FinishRehash(dict);
    std::map<std::string, int> seen;
    uint64_t cursor = 0;
    size_t calls = 0;
    do {
      cursor = dict.Scan(cursor, [&](TestNode* n) { ++seen[n->key]; });
      ASSERT_LT(cursor, dict.bucket_count());
      ++calls;
    } while (cursor != 0);
    // One bucket per call, each bucket once.
    EXPECT_EQ(calls, dict.bucket_count()) << count;
    ASSERT_EQ(seen.size(), static_cast<size_t>(count));
    for (const auto& [key, times] : seen) EXPECT_EQ(times, 1) << key;
  }
}

// A scan whose table is changed between calls. Keys "stable:*" are present for the whole scan
// and must all be returned; "temp:*" keys come and go to force resizes.
struct ScanRun {
  std::set<std::string> seen;
  size_t min_buckets = SIZE_MAX;
  size_t max_buckets = 0;
  int resizes_started = 0;
  int calls = 0;
};

template <typename Mutate>
ScanRun RunScan(TestDict& dict, const std::set<std::string>& present, Mutate mutate) {
  ScanRun run;
  uint64_t cursor = 0;
  bool was_rehashing = dict.rehashing();
  size_t largest = dict.bucket_count();
  do {
    cursor = dict.Scan(cursor, [&](TestNode* n) {
      // Whatever comes back must be in the table right now.
      EXPECT_TRUE(present.count(n->key)) << n->key;
      run.seen.insert(n->key);
    });
    largest = std::max(largest, dict.bucket_count());
    EXPECT_LT(cursor, kCursorLimit);
    EXPECT_LT(cursor, largest);
    ++run.calls;
    if (run.calls > 10'000'000) {
      ADD_FAILURE() << "scan did not terminate";
      break;
    }
    if (cursor != 0) mutate(run.calls);
    run.min_buckets = std::min(run.min_buckets, dict.bucket_count());
    run.max_buckets = std::max(run.max_buckets, dict.bucket_count());
    if (dict.rehashing() && !was_rehashing) ++run.resizes_started;
    was_rehashing = dict.rehashing();
  } while (cursor != 0);
  return run;
}

class DictScanGuaranteeTest : public ::testing::TestWithParam<uint64_t> {
 protected:
  void AddStable(int n) {
    for (int i = 0; i < n; ++i) Add(absl::StrCat("stable:", i));
    stable_ = present_;
  }
  void Add(const std::string& key) {
    if (present_.insert(key).second) dict_.Insert(pool_.Get(key));
  }
  void AddTemp(int n) {
    for (int i = 0; i < n; ++i) {
      const std::string key = absl::StrCat("temp:", next_temp_++);
      Add(key);
      temps_.push_back(key);
    }
  }
  void RemoveTemp(int n) {
    for (int i = 0; i < n && !temps_.empty(); ++i) {
      const size_t idx = rng_() % temps_.size();
      std::swap(temps_[idx], temps_.back());
      ASSERT_NE(dict_.Remove(temps_.back()), nullptr);
      present_.erase(temps_.back());
      temps_.pop_back();
    }
  }
  void ExpectAllStableSeen(const ScanRun& run) {
    int missing = 0;
    for (const std::string& key : stable_) {
      if (!run.seen.count(key)) ++missing;
    }
    EXPECT_EQ(missing, 0) << "of " << stable_.size() << " stable keys";
  }

  std::mt19937_64 rng_{GetParam()};
  TestDict dict_;
  NodePool pool_;
  std::set<std::string> present_;
  std::set<std::string> stable_;
  std::vector<std::string> temps_;
  int next_temp_ = 0;
};

TEST_P(DictScanGuaranteeTest, GrowthMidScan) {
  AddStable(1000);
  const size_t start_buckets = dict_.bucket_count();
  ScanRun run = RunScan(dict_, present_, [&](int) {
    if (next_temp_ < 60000) AddTemp(static_cast<int>(rng_() % 400));
  });
  ExpectAllStableSeen(run);
  EXPECT_GE(run.max_buckets, start_buckets * 32);
  EXPECT_GE(run.resizes_started, 3);
}

TEST_P(DictScanGuaranteeTest, ShrinkMidScan) {
  AddStable(1000);
  AddTemp(100000);
  dict_.RehashSteps(1 << 30);
  const size_t start_buckets = dict_.bucket_count();
  ScanRun run = RunScan(dict_, present_, [&](int) { RemoveTemp(static_cast<int>(rng_() % 300)); });
  ExpectAllStableSeen(run);
  // The scan usually ends in the middle of the last shrink (its small table is what the scan
  // walks), so check that the tables did get much smaller, and that the shrink completes.
  EXPECT_LE(run.min_buckets * 3, start_buckets);
  EXPECT_GE(run.resizes_started, 1);
  dict_.RehashSteps(1 << 30);
  EXPECT_LE(dict_.bucket_count(), 2048u);
}

TEST_P(DictScanGuaranteeTest, GrowAndShrinkMidScan) {
  AddStable(500);
  AddTemp(5000);
  // The temp population swings between about 0 and 12k, so the table resizes both ways
  // repeatedly while the scan is running; batch sizes are random.
  int direction = 1;
  ScanRun run = RunScan(dict_, present_, [&](int) {
    if (temps_.size() > 12000) direction = -1;
    if (temps_.size() < 200) direction = 1;
    const int batch = static_cast<int>(rng_() % 200);
    if (direction > 0) {
      AddTemp(batch);
      RemoveTemp(batch / 4);
    } else {
      RemoveTemp(batch);
      AddTemp(batch / 4);
    }
    if (rng_() % 8 == 0) dict_.RehashSteps(static_cast<int>(rng_() % 64));
  });
  ExpectAllStableSeen(run);
  EXPECT_GE(run.resizes_started, 6);
  EXPECT_LE(run.min_buckets * 4, run.max_buckets);
}

TEST_P(DictScanGuaranteeTest, SmallTableChurn) {
  // Small tables resize every few operations, so nearly every Scan call sees a different shape.
  AddStable(20);
  ScanRun run = RunScan(dict_, present_, [&](int) {
    if (rng_() % 2 == 0) {
      AddTemp(static_cast<int>(rng_() % 40));
    } else {
      RemoveTemp(static_cast<int>(rng_() % 40));
    }
  });
  ExpectAllStableSeen(run);
}

INSTANTIATE_TEST_SUITE_P(Seeds, DictScanGuaranteeTest, ::testing::Range<uint64_t>(1, 5));

// Many independent small scans, each started at a random moment of a random workload.
TEST(DictScanTest, ManyRandomScans) {
  std::mt19937_64 rng(99);
  for (int trial = 0; trial < 300; ++trial) {
    TestDict dict;
    NodePool pool;
    std::set<std::string> present;
    std::set<std::string> stable;
    std::vector<std::string> temps;
    int next = 0;
    const int initial = static_cast<int>(rng() % 300);
    for (int i = 0; i < initial; ++i) {
      const std::string key = absl::StrCat("t", next++);
      dict.Insert(pool.Get(key));
      present.insert(key);
      temps.push_back(key);
    }
    const int stable_count = 1 + static_cast<int>(rng() % 50);
    for (int i = 0; i < stable_count; ++i) {
      const std::string key = absl::StrCat("s", i);
      dict.Insert(pool.Get(key));
      present.insert(key);
      stable.insert(key);
    }
    const uint64_t max_batch = 1 + rng() % 100;
    ScanRun run = RunScan(dict, present, [&](int) {
      const int batch = static_cast<int>(rng() % max_batch);
      if (rng() % 2 == 0) {
        for (int i = 0; i < batch; ++i) {
          const std::string key = absl::StrCat("t", next++);
          dict.Insert(pool.Get(key));
          present.insert(key);
          temps.push_back(key);
        }
      } else {
        for (int i = 0; i < batch && !temps.empty(); ++i) {
          const size_t idx = rng() % temps.size();
          std::swap(temps[idx], temps.back());
          ASSERT_NE(dict.Remove(temps.back()), nullptr);
          present.erase(temps.back());
          temps.pop_back();
        }
      }
    });
    for (const std::string& key : stable) {
      ASSERT_TRUE(run.seen.count(key)) << "trial " << trial << " key " << key;
    }
  }
}

// ---- HashBytes ----

// Nodes named by 32-bit handles (index + 1 into a pool) instead of pointers, as the keyspace
// names its entries by their place in the entry arena.
struct HandleNode {
  std::string key;
  uint32_t next = 0;
};
std::vector<HandleNode>* g_handle_pool = nullptr;

struct HandleTraits {
  using Link = uint32_t;
  static HandleNode* Decode(Link l) { return l ? &(*g_handle_pool)[l - 1] : nullptr; }
  static Link Encode(const HandleNode* n) {
    return n ? static_cast<Link>(n - g_handle_pool->data() + 1) : 0;
  }
  static std::string_view Key(const HandleNode* n) { return n->key; }
  static Link& Next(HandleNode* n) { return n->next; }
  static uint64_t Hash(std::string_view key) { return HashBytes(key); }
};

TEST(DictHandleLinksTest, MatchesModelThroughGrowthShrinkAndScan) {
  constexpr int kKeys = 20000;
  std::vector<HandleNode> pool(kKeys);
  g_handle_pool = &pool;
  for (int i = 0; i < kKeys; ++i) pool[i].key = absl::StrCat("key:", i);
  Dict<HandleNode, HandleTraits> dict;
  static_assert(sizeof(*dict.bucket_array()) == 4);
  std::set<int> model;
  std::mt19937_64 rng(11);
  for (int step = 0; step < 200000; ++step) {
    const int k = static_cast<int>(rng() % kKeys);
    HandleNode* n = &pool[k];
    // Grow for the first half, shrink in the second.
    const bool add = step < 100000 ? rng() % 4 != 0 : rng() % 4 == 0;
    if (add && !model.count(k)) {
      dict.Insert(n);
      model.insert(k);
    } else if (!add && model.count(k)) {
      ASSERT_EQ(dict.Remove(n->key), n);
      ASSERT_EQ(n->next, 0u);
      model.erase(k);
    }
    if (step % 97 == 0) {
      const int probe = static_cast<int>(rng() % kKeys);
      ASSERT_EQ(dict.Find(pool[probe].key), model.count(probe) ? &pool[probe] : nullptr);
    }
    if (step % 20011 == 0 && !model.empty()) {
      // A full scan with inserts (growth) between its calls still returns every key present
      // when it started (none is removed meanwhile).
      const std::set<int> before = model;
      std::set<std::string> seen;
      uint64_t cursor = 0;
      int calls = 0;
      do {
        cursor = dict.Scan(cursor, [&](HandleNode* x) { seen.insert(x->key); });
        const int j = static_cast<int>(rng() % kKeys);
        if (++calls % 3 == 0 && !model.count(j)) {
          dict.Insert(&pool[j]);
          model.insert(j);
        }
      } while (cursor != 0);
      for (int key : before) ASSERT_TRUE(seen.count(pool[key].key)) << key;
    }
  }
  ASSERT_EQ(dict.size(), model.size());
  size_t visited = 0;
  dict.ForEach([&](HandleNode* x) {
    ++visited;
    EXPECT_TRUE(model.count(static_cast<int>(x - pool.data())));
  });
  EXPECT_EQ(visited, model.size());
  if (!model.empty()) {
    HandleNode* r = dict.Random(rng());
    ASSERT_NE(r, nullptr);
    EXPECT_TRUE(model.count(static_cast<int>(r - pool.data())));
    size_t sampled = dict.SampleNearby(rng(), 5, [&](HandleNode* x) {
      EXPECT_TRUE(model.count(static_cast<int>(x - pool.data())));
      return true;
    });
    EXPECT_GT(sampled, 0u);
    // Replacing a node in place through FindLink.
    const int old_key = *model.begin();
    uint32_t* link = dict.FindLink(pool[old_key].key);
    ASSERT_NE(link, nullptr);
    EXPECT_EQ(*link, HandleTraits::Encode(&pool[old_key]));
  }
  dict.Clear([](HandleNode*) {});
  EXPECT_EQ(dict.size(), 0u);
  g_handle_pool = nullptr;
}

TEST(HashBytesTest, DeterministicAndLengthSensitive) {
  EXPECT_EQ(HashBytes("hello"), HashBytes(std::string("hello")));
  std::set<uint64_t> hashes;
  hashes.insert(HashBytes(""));
  for (int len = 1; len <= 300; ++len) {
    hashes.insert(HashBytes(std::string(len, '\0')));
    hashes.insert(HashBytes(std::string(len, 'a')));
  }
  EXPECT_EQ(hashes.size(), 601u);
}

TEST(HashBytesTest, Avalanche) {
  // Flipping any one input bit should flip each output bit about half the time; a weak mix
  // shows up as output bits (often the low ones the table uses) that barely change.
  std::mt19937_64 rng(5);
  for (const int len :
       {1, 2, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 24, 31, 32, 33, 47, 48, 49, 64, 97, 200}) {
    std::vector<int> flips(64, 0);
    int trials = 0;
    // Short inputs have few bits, so take more samples to keep the estimate tight.
    const int samples = std::max(60, 2000 / len);
    for (int sample = 0; sample < samples; ++sample) {
      std::string s(len, '\0');
      for (char& c : s) c = static_cast<char>(rng());
      const uint64_t base = HashBytes(s);
      for (int bit = 0; bit < len * 8; ++bit) {
        s[bit / 8] ^= static_cast<char>(1 << (bit % 8));
        const uint64_t diff = HashBytes(s) ^ base;
        s[bit / 8] ^= static_cast<char>(1 << (bit % 8));
        ASSERT_NE(diff, 0u) << "len " << len << " bit " << bit;
        for (int out = 0; out < 64; ++out) flips[out] += (diff >> out) & 1;
        ++trials;
      }
    }
    for (int out = 0; out < 64; ++out) {
      const double p = static_cast<double>(flips[out]) / trials;
      EXPECT_GT(p, 0.4) << "len " << len << " output bit " << out;
      EXPECT_LT(p, 0.6) << "len " << len << " output bit " << out;
    }
  }
}

TEST(HashBytesTest, SequentialKeysSpreadOverBuckets) {
  // Typical keyspaces are sequential ("key:1", "key:2", ...): the low bits must still spread
  // like random ones. 2^17 buckets, 2^17 keys: expect ~36.8% empty and tiny maximum chains.
  constexpr int kBuckets = 1 << 17;
  std::vector<int> chain(kBuckets, 0);
  for (int i = 0; i < kBuckets; ++i) ++chain[HashBytes(Key(i)) & (kBuckets - 1)];
  const int empty = static_cast<int>(std::count(chain.begin(), chain.end(), 0));
  EXPECT_NEAR(static_cast<double>(empty) / kBuckets, 0.3679, 0.01);
  EXPECT_LE(*std::max_element(chain.begin(), chain.end()), 12);
}

}  // namespace
}  // namespace shoal
