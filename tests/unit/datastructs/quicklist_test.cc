// Unit tests for Quicklist: ends, indexing, edits, node limits, and a randomized model check.
#include "datastructs/quicklist.h"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace shoal {
namespace {

std::string Str(const Quicklist::Value& v) {
  std::string s;
  v.AppendTo(&s);
  return s;
}

std::vector<std::string> Forward(const Quicklist& ql) {
  std::vector<std::string> v;
  for (auto it = ql.Begin(); it.valid(); it = ql.Next(it)) v.push_back(Str(ql.Get(it)));
  return v;
}

std::vector<std::string> Backward(const Quicklist& ql) {
  std::vector<std::string> v;
  for (auto it = ql.RBegin(); it.valid(); it = ql.Prev(it)) v.push_back(Str(ql.Get(it)));
  std::reverse(v.begin(), v.end());
  return v;
}

// Every node within its limit (unless it holds a single oversized element), none empty.
void CheckNodes(const Quicklist& ql) {
  size_t total = 0, nodes = 0;
  auto it = ql.Begin();
  const Quicklist::Node* prev = nullptr;
  for (const Quicklist::Node* n = it.node; n; n = n->next) {
    ASSERT_EQ(n->prev, prev);
    ASSERT_GT(n->count(), 0u);
    if (n->count() > 1) {
      if (ql.fill() > 0) {
        ASSERT_LE(n->count(), static_cast<size_t>(ql.fill()));
      } else {
        ASSERT_LE(n->bytes(), size_t{4096} << (-ql.fill() - 1));
      }
    }
    total += n->count();
    ++nodes;
    prev = n;
  }
  ASSERT_EQ(total, ql.size());
  ASSERT_EQ(nodes, ql.node_count());
}

void ExpectContents(const Quicklist& ql, const std::deque<std::string>& want) {
  std::vector<std::string> w(want.begin(), want.end());
  ASSERT_EQ(ql.size(), w.size());
  EXPECT_EQ(Forward(ql), w);
  EXPECT_EQ(Backward(ql), w);
  CheckNodes(ql);
}

TEST(QuicklistTest, Empty) {
  Quicklist ql;
  EXPECT_TRUE(ql.empty());
  EXPECT_FALSE(ql.At(0).valid());
  EXPECT_FALSE(ql.At(-1).valid());
  EXPECT_FALSE(ql.Begin().valid());
  EXPECT_FALSE(ql.RBegin().valid());
  EXPECT_FALSE(ql.PopFront([](const Quicklist::Value&) { FAIL(); }));
  EXPECT_FALSE(ql.PopBack([](const Quicklist::Value&) { FAIL(); }));
  ql.EraseRange(0, 5);
  ql.Compact();
  EXPECT_EQ(ql.node_count(), 0u);
}

TEST(QuicklistTest, PushPopBothEnds) {
  Quicklist ql(4);
  for (int i = 0; i < 10; ++i) ql.PushBack(std::to_string(i));
  for (int i = 1; i <= 3; ++i) ql.PushFront(std::string("-").append(std::string(i, 'x')));
  ExpectContents(ql, {"-xxx", "-xx", "-x", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"});
  EXPECT_GE(ql.node_count(), 4u);
  std::string got;
  EXPECT_TRUE(ql.PopFront([&](const Quicklist::Value& v) { got = Str(v); }));
  EXPECT_EQ(got, "-xxx");
  EXPECT_TRUE(ql.PopBack([&](const Quicklist::Value& v) { got = Str(v); }));
  EXPECT_EQ(got, "9");
  ExpectContents(ql, {"-xx", "-x", "0", "1", "2", "3", "4", "5", "6", "7", "8"});
  while (ql.PopBack([](const Quicklist::Value&) {})) {
  }
  EXPECT_TRUE(ql.empty());
  EXPECT_EQ(ql.node_count(), 0u);
}

TEST(QuicklistTest, IndexFromBothEnds) {
  Quicklist ql(3);
  std::deque<std::string> m;
  for (int i = 0; i < 50; ++i) {
    ql.PushBack(std::string("v").append(std::to_string(i)));
    m.push_back(std::string("v").append(std::to_string(i)));
  }
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(Str(ql.Get(ql.At(i))), m[i]);
    EXPECT_EQ(Str(ql.Get(ql.At(i - 50))), m[i]);
  }
  EXPECT_FALSE(ql.At(50).valid());
  EXPECT_FALSE(ql.At(-51).valid());
  EXPECT_FALSE(ql.At(INT64_MIN).valid());
  EXPECT_FALSE(ql.At(INT64_MAX).valid());
}

TEST(QuicklistTest, ByteLimitsAndOversizedElements) {
  for (int fill = -1; fill >= -5; --fill) {
    Quicklist ql(fill);
    std::deque<std::string> m;
    for (int i = 0; i < 3000; ++i) {
      std::string s(i % 97, static_cast<char>('a' + i % 26));
      ql.PushBack(s);
      m.push_back(s);
    }
    std::string big(70000, 'B');  // larger than any node limit
    ql.PushBack(big);
    ql.PushFront(big);
    ql.Insert(ql.At(1500), big, false);
    m.push_back(big);
    m.push_front(big);
    m.insert(m.begin() + 1500, big);
    ExpectContents(ql, m);
  }
}

TEST(QuicklistTest, ClampsFill) {
  EXPECT_EQ(Quicklist(-100).fill(), -5);
  EXPECT_EQ(Quicklist(0).fill(), 1);
  EXPECT_EQ(Quicklist(1 << 20).fill(), 1 << 15);
}

TEST(QuicklistTest, IntegerBoundariesAndBinary) {
  Quicklist ql(2);
  std::deque<std::string> m = {std::to_string(INT64_MIN),
                               std::to_string(INT64_MAX),
                               "",
                               std::string("\0\r\n", 3),
                               "0",
                               "-0",
                               "007"};
  for (auto& s : m) ql.PushBack(s);
  ExpectContents(ql, m);
}

TEST(QuicklistTest, InsertReplaceEraseAcrossNodes) {
  Quicklist ql(4);
  std::deque<std::string> m;
  for (int i = 0; i < 16; ++i) {
    ql.PushBack(std::to_string(i));
    m.push_back(std::to_string(i));
  }
  ql.Insert(ql.At(5), "mid", false);  // splits a full node
  m.insert(m.begin() + 5, "mid");
  ql.Insert(ql.At(3), "tail-of-node", true);
  m.insert(m.begin() + 4, "tail-of-node");
  ql.Insert(ql.At(0), "head", false);
  m.push_front("head");
  ql.Insert(ql.At(-1), "end", true);
  m.push_back("end");
  ExpectContents(ql, m);
  ql.Replace(ql.At(7), std::string(200, 'r'));
  m[7] = std::string(200, 'r');
  ExpectContents(ql, m);
  // Erase every even value walking forward, then walking backward.
  for (auto it = ql.Begin(); it.valid();) {
    std::string v = Str(ql.Get(it));
    auto pos = std::find(m.begin(), m.end(), v);
    if (v.size() == 1) {
      m.erase(pos);
      it = ql.Erase(it, true);
    } else {
      it = ql.Next(it);
    }
  }
  ExpectContents(ql, m);
  for (auto it = ql.RBegin(); it.valid();) {
    if (Str(ql.Get(it)).size() == 2) {
      it = ql.Erase(it, false);
    } else {
      it = ql.Prev(it);
    }
  }
  std::erase_if(m, [](const std::string& s) { return s.size() == 2; });
  ql.Compact();
  ExpectContents(ql, m);
}

TEST(QuicklistTest, EraseRangeAndClone) {
  Quicklist ql(5);
  std::deque<std::string> m;
  for (int i = 0; i < 100; ++i) {
    ql.PushBack(std::to_string(i * 7));
    m.push_back(std::to_string(i * 7));
  }
  Quicklist copy = ql.Clone();
  ql.EraseRange(3, 40);
  m.erase(m.begin() + 3, m.begin() + 43);
  ExpectContents(ql, m);
  ql.EraseRange(50, 1000);
  m.erase(m.begin() + 50, m.end());
  ExpectContents(ql, m);
  ql.EraseRange(0, 0);
  ql.EraseRange(1000, 1);
  ExpectContents(ql, m);
  EXPECT_EQ(copy.size(), 100u);
  EXPECT_EQ(Str(copy.Get(copy.At(99))), "693");
  Quicklist moved = std::move(copy);
  EXPECT_EQ(moved.size(), 100u);
  ql.EraseRange(0, ql.size());
  EXPECT_TRUE(ql.empty());
  EXPECT_EQ(ql.node_count(), 0u);
}

TEST(QuicklistTest, MillionShortElementsAreCompact) {
  Quicklist ql(-2);
  for (int i = 0; i < 1000000; ++i)
    ql.PushBack(std::string("elem:").append(std::to_string(100000 + i % 900000)));
  // 11-byte strings take 13 bytes per entry; nodes add well under 1%.
  EXPECT_LT(ql.MemoryUsage(), size_t{13} * 1000000 * 101 / 100);
}

// After Settle(), every node away from the ends that is worth compressing is compressed, and the
// ends are not.
void CheckCompression(const Quicklist& ql) {
  ql.Settle();
  int depth = ql.compress_depth();
  size_t i = 0, n = ql.node_count();
  for (const Quicklist::Node* node = ql.Begin().node; node; node = node->next, ++i) {
    bool end = depth == 0 || i < static_cast<size_t>(depth) || i + depth >= n;
    if (end) {
      if (depth > 0 && i != 0 && i + 1 != n) continue;  // Begin() touched the head only
      ASSERT_FALSE(node->compressed()) << "node " << i << " of " << n;
    } else if (!node->compressed()) {
      ASSERT_TRUE(node->incompressible || node->bytes() < 48 || node->bytes() > (1 << 17))
          << "node " << i << " of " << n << " left plain";
    }
  }
}

TEST(QuicklistTest, CompressedMiddle) {
  Quicklist ql(-2);
  ql.set_compress_depth(1);
  std::deque<std::string> m;
  for (int i = 0; i < 200000; ++i) {
    m.push_back("elem:" + std::to_string(i));
    ql.PushBack(m.back());
  }
  size_t nodes = ql.node_count();
  ASSERT_GT(nodes, 100u);
  EXPECT_EQ(ql.compressed_nodes(), nodes - 2);  // all but the two ends
  size_t raw = 0;
  for (const auto& e : m) raw += e.size() + 2;
  size_t mem = ql.MemoryUsage();
  EXPECT_LT(mem, raw / 2);
  // Reading the middle decompresses one node at a time; Settle() drops the copies again.
  EXPECT_EQ(Str(ql.Get(ql.At(100000))), m[100000]);
  ql.Settle();
  EXPECT_EQ(ql.compressed_nodes(), nodes - 2);
  size_t peak = 0, steps = 0;
  for (auto it = ql.Begin(); it.valid(); it = ql.Next(it)) {
    ASSERT_EQ(Str(ql.Get(it)), m[steps]);
    if (++steps % 1000 == 0) peak = std::max(peak, ql.MemoryUsage());
  }
  EXPECT_EQ(steps, m.size());
  EXPECT_LT(peak, mem + 3 * 8192);
  ql.Settle();
  EXPECT_EQ(ql.compressed_nodes(), nodes - 2);
  EXPECT_LE(ql.MemoryUsage(), mem + 64 * sizeof(void*));  // the queue's own capacity
  // Changes in the middle recompress; pops from both ends uncover compressed nodes.
  ql.Replace(ql.At(123456), "changed");
  m[123456] = "changed";
  ql.Insert(ql.At(-5000), "new", true);
  m.insert(m.end() - 5000 + 1, "new");
  ql.Settle();
  EXPECT_EQ(ql.compressed_nodes(), ql.node_count() - 2);
  Quicklist copy = ql.Clone();
  for (int i = 0; i < 30000; ++i) {
    std::string a, b;
    ql.PopFront([&](const Quicklist::Value& v) { a = Str(v); });
    ql.PopBack([&](const Quicklist::Value& v) { b = Str(v); });
    ASSERT_EQ(a, m.front());
    ASSERT_EQ(b, m.back());
    m.pop_front();
    m.pop_back();
  }
  ExpectContents(ql, m);
  CheckCompression(ql);
  EXPECT_EQ(copy.size(), m.size() + 60000);
  // Depth 0: a node read stays decompressed, nothing is compressed again.
  ql.set_compress_depth(0);
  EXPECT_EQ(Str(ql.Get(ql.At(50000))), m[50000]);
  size_t before = ql.compressed_nodes();
  ql.Settle();
  EXPECT_EQ(ql.compressed_nodes(), before);
  ExpectContents(ql, m);
}

TEST(QuicklistTest, ForRangeMatchesStepwiseWalk) {
  // Small and large integers, 6-bit, 12-bit and 32-bit length strings, across many nodes; plain
  // and with a compressed middle, so ranges start and end inside and at the edges of nodes.
  for (int depth : {0, 1}) {
    Quicklist ql(-1);  // 4 KiB nodes: many of them
    ql.set_compress_depth(depth);
    std::vector<std::string> m;
    for (int i = 0; i < 6000; ++i) {
      switch (i % 5) {
        case 0:
          m.push_back(std::to_string(i % 100));
          break;
        case 1:
          m.push_back(std::to_string(-1234567890123LL * i));
          break;
        case 2:
          m.push_back("s" + std::to_string(i));
          break;
        case 3:
          m.push_back(std::string(100 + i % 300, static_cast<char>('a' + i % 26)));
          break;
        default:
          m.push_back(std::string(i % 97 == 0 ? 5000 : 9, 'z'));
          break;
      }
      ql.PushBack(m.back());
    }
    ASSERT_GT(ql.node_count(), 20u);
    ql.Settle();
    std::mt19937 rng(42 + depth);
    for (int round = 0; round < 300; ++round) {
      size_t start = rng() % m.size();
      size_t n = 1 + rng() % std::min<size_t>(m.size() - start, round % 3 == 0 ? m.size() : 150);
      std::vector<std::string> got;
      ql.ForRange(ql.At(static_cast<int64_t>(start)), n,
                  [&](const Quicklist::Value& v) { got.push_back(Str(v)); });
      ql.Settle();
      ASSERT_EQ(got.size(), n);
      ASSERT_TRUE(std::equal(got.begin(), got.end(), m.begin() + static_cast<ptrdiff_t>(start)))
          << "depth " << depth << " start " << start << " n " << n;
    }
    if (depth == 1) {
      EXPECT_EQ(ql.compressed_nodes(), ql.node_count() - 2);
    }
  }
}

TEST(QuicklistTest, IncompressibleNodesStayPlain) {
  Quicklist ql(-1);
  ql.set_compress_depth(1);
  std::mt19937_64 rng(5);
  std::vector<std::string> want;
  for (int i = 0; i < 400; ++i) {
    std::string s(100, '\0');
    for (char& c : s) c = static_cast<char>(rng());
    want.push_back(s);
    ql.PushBack(s);
  }
  ql.Settle();
  EXPECT_EQ(ql.compressed_nodes(), 0u);
  EXPECT_EQ(Forward(ql), want);
  CheckCompression(ql);
}

std::string RandomValue(std::mt19937_64& rng) {
  switch (rng() % 5) {
    case 0:
      return std::to_string(static_cast<int64_t>(rng()));
    case 1:
      return std::to_string(rng() % 20);
    case 2:
      return std::string(rng() % 3000, 'z');
    default:
      return std::string("s").append(std::to_string(rng() % 20));
  }
}

TEST(QuicklistTest, RandomizedAgainstDeque) {
  for (int depth : {0, 1, 2}) {
    size_t compressed_seen = 0;
    for (int fill : {1, 2, 7, 128, -1, -2}) {
      SCOPED_TRACE("fill " + std::to_string(fill) + " depth " + std::to_string(depth));
      std::mt19937_64 rng(fill + 1000 + depth);
      Quicklist ql(fill);
      ql.set_compress_depth(depth);
      std::deque<std::string> m;
      for (int step = 0; step < 6000; ++step) {
        int64_t n = static_cast<int64_t>(m.size());
        switch (rng() % 12) {
          case 0:
          case 1: {
            auto v = RandomValue(rng);
            ql.PushBack(v);
            m.push_back(v);
            break;
          }
          case 2: {
            auto v = RandomValue(rng);
            ql.PushFront(v);
            m.push_front(v);
            break;
          }
          case 3:
            if (n) {
              std::string got;
              bool front = rng() % 2;
              auto fn = [&](const Quicklist::Value& v) { got = Str(v); };
              if (front) {
                ql.PopFront(fn);
                ASSERT_EQ(got, m.front());
                m.pop_front();
              } else {
                ql.PopBack(fn);
                ASSERT_EQ(got, m.back());
                m.pop_back();
              }
            }
            break;
          case 4:
            if (n) {
              int64_t i = static_cast<int64_t>(rng() % n);
              auto v = RandomValue(rng);
              bool after = rng() % 2;
              ql.Insert(ql.At(i), v, after);
              m.insert(m.begin() + i + (after ? 1 : 0), v);
            }
            break;
          case 5:
            if (n) {
              int64_t i = static_cast<int64_t>(rng() % n);
              auto v = RandomValue(rng);
              ql.Replace(ql.At(i - (rng() % 2 ? n : 0)), v);
              m[i] = v;
            }
            break;
          case 6:
            if (n) {
              size_t s = rng() % n, c = rng() % 10;
              ql.EraseRange(s, c);
              m.erase(m.begin() + s, m.begin() + std::min<size_t>(n, s + c));
            }
            break;
          case 7:
            if (n) {  // LREM-like: remove up to 3 matches of a value in either direction
              std::string target = Str(ql.Get(ql.At(rng() % n)));
              bool fwd = rng() % 2;
              int removed = 0;
              for (auto it = fwd ? ql.Begin() : ql.RBegin(); it.valid() && removed < 3;) {
                if (ql.Equals(it, target)) {
                  it = ql.Erase(it, fwd);
                  ++removed;
                } else {
                  it = fwd ? ql.Next(it) : ql.Prev(it);
                }
              }
              ql.Compact();
              removed = 0;
              if (fwd) {
                for (auto it = m.begin(); it != m.end() && removed < 3;) {
                  if (*it == target) {
                    it = m.erase(it);
                    ++removed;
                  } else {
                    ++it;
                  }
                }
              } else {
                for (int64_t i = static_cast<int64_t>(m.size()) - 1; i >= 0 && removed < 3; --i) {
                  if (m[i] == target) {
                    m.erase(m.begin() + i);
                    ++removed;
                  }
                }
              }
            }
            break;
          case 8:
            if (n) {
              int64_t i = static_cast<int64_t>(rng() % n);
              ASSERT_EQ(Str(ql.Get(ql.At(i))), m[i]);
            }
            break;
          case 9:
            ql.Settle();  // what a read command does when it is done
            break;
          default:
            ASSERT_EQ(ql.size(), m.size());
            break;
        }
        if (step % 500 == 0) {
          ExpectContents(ql, m);
          CheckCompression(ql);
          compressed_seen += ql.compressed_nodes();
          if (HasFatalFailure()) return;
          Quicklist copy = ql.Clone();
          ExpectContents(copy, m);
          CheckCompression(copy);
          if (HasFatalFailure()) return;
        }
      }
      ExpectContents(ql, m);
      CheckCompression(ql);
      compressed_seen += ql.compressed_nodes();
    }
    if (depth > 0) {
      EXPECT_GT(compressed_seen, 0u) << "depth " << depth;
    }
  }
}

}  // namespace
}  // namespace shoal
