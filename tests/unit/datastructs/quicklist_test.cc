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
    ASSERT_FALSE(n->lp.empty());
    if (n->lp.size() > 1) {
      if (ql.fill() > 0) {
        ASSERT_LE(n->lp.size(), static_cast<size_t>(ql.fill()));
      } else {
        ASSERT_LE(n->lp.bytes(), size_t{4096} << (-ql.fill() - 1));
      }
    }
    total += n->lp.size();
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
  for (int fill : {1, 2, 7, 128, -1, -2}) {
    std::mt19937_64 rng(fill + 1000);
    Quicklist ql(fill);
    std::deque<std::string> m;
    for (int step = 0; step < 6000; ++step) {
      int64_t n = static_cast<int64_t>(m.size());
      switch (rng() % 11) {
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
        default:
          ASSERT_EQ(ql.size(), m.size());
          break;
      }
      if (step % 500 == 0) {
        ExpectContents(ql, m);
        if (HasFatalFailure()) return;
      }
    }
    ExpectContents(ql, m);
  }
}

}  // namespace
}  // namespace shoal
