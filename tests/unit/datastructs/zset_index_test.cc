// Unit tests for ZSetIndex: every operation, tie ordering, infinities, and a randomized model
// check.
#include "datastructs/zset_index.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace shoal {
namespace {

using Model = std::set<std::pair<double, std::string>>;
constexpr double kInf = std::numeric_limits<double>::infinity();

std::vector<std::pair<double, std::string>> Contents(const ZSetIndex& z) {
  std::vector<std::pair<double, std::string>> out;
  z.ForEach(0, z.size(), [&](const ZSetIndex::Node* n) {
    out.emplace_back(n->score, std::string(n->member()));
  });
  return out;
}

TEST(ZSetIndexTest, EmptyIndex) {
  ZSetIndex z;
  EXPECT_EQ(z.size(), 0u);
  EXPECT_EQ(z.First(), nullptr);
  EXPECT_EQ(z.Last(), nullptr);
  EXPECT_EQ(z.AtRank(0), nullptr);
  EXPECT_EQ(z.Find("a"), nullptr);
  EXPECT_EQ(z.Random(42), nullptr);
  EXPECT_EQ(z.CountScoreBelow(kInf, true), 0u);
  EXPECT_TRUE(z.Validate());
}

TEST(ZSetIndexTest, InsertFindOrderAndTies) {
  ZSetIndex z;
  z.Insert(2, "b");
  z.Insert(1, "z");
  z.Insert(2, "a");
  z.Insert(2, "ab");
  z.Insert(-kInf, "low");
  z.Insert(kInf, "high");
  z.Insert(2, std::string("\xff", 1));
  z.Insert(2, "");
  ASSERT_TRUE(z.Validate());
  std::vector<std::pair<double, std::string>> want = {{-kInf, "low"}, {1, "z"},      {2, ""},
                                                      {2, "a"},       {2, "ab"},     {2, "b"},
                                                      {2, "\xff"},    {kInf, "high"}};
  EXPECT_EQ(Contents(z), want);
  ASSERT_NE(z.Find("ab"), nullptr);
  EXPECT_EQ(z.Find("ab")->score, 2);
  EXPECT_EQ(z.Find("zz"), nullptr);
  for (size_t r = 0; r < want.size(); ++r) {
    ZSetIndex::Node* n = z.AtRank(r);
    ASSERT_NE(n, nullptr);
    EXPECT_EQ(n->member(), want[r].second);
    EXPECT_EQ(z.Rank(n), r);
  }
  EXPECT_EQ(z.First()->member(), "low");
  EXPECT_EQ(z.Last()->member(), "high");
}

TEST(ZSetIndexTest, BinaryMembers) {
  ZSetIndex z;
  std::string a("a\0b", 3), b("a\0c", 3), c("a", 1);
  z.Insert(0, b);
  z.Insert(0, a);
  z.Insert(0, c);
  EXPECT_EQ(z.AtRank(0)->member(), c);
  EXPECT_EQ(z.AtRank(1)->member(), a);
  EXPECT_EQ(z.AtRank(2)->member(), b);
  EXPECT_EQ(z.Find(a)->member(), a);
}

TEST(ZSetIndexTest, UpdateScoreInPlaceAndMoving) {
  ZSetIndex z;
  for (int i = 0; i < 100; ++i) z.Insert(i, std::string("m").append(std::to_string(i)));
  ZSetIndex::Node* n = z.Find("m50");
  z.UpdateScore(n, 50.5);  // stays between its neighbours
  EXPECT_EQ(z.Rank(n), 50u);
  z.UpdateScore(n, -1);
  EXPECT_EQ(z.Rank(n), 0u);
  EXPECT_EQ(z.Find("m50"), n);
  z.UpdateScore(n, kInf);
  EXPECT_EQ(z.Rank(n), 99u);
  EXPECT_EQ(z.Last(), n);
  ASSERT_TRUE(z.Validate());
}

TEST(ZSetIndexTest, EraseAndEraseRange) {
  ZSetIndex z;
  for (int i = 0; i < 1000; ++i) z.Insert(i % 10, std::string("m").append(std::to_string(i)));
  z.Erase(z.Find("m5"));
  EXPECT_EQ(z.Find("m5"), nullptr);
  EXPECT_EQ(z.size(), 999u);
  std::vector<std::string> erased;
  EXPECT_EQ(
      z.EraseRange(10, 20, [&](const ZSetIndex::Node* n) { erased.emplace_back(n->member()); }),
      10u);
  EXPECT_EQ(erased.size(), 10u);
  for (auto& m : erased) EXPECT_EQ(z.Find(m), nullptr);
  EXPECT_EQ(z.size(), 989u);
  EXPECT_EQ(z.EraseRange(980, 5000, [](const ZSetIndex::Node*) {}), 9u);
  EXPECT_EQ(z.EraseRange(5, 5, [](const ZSetIndex::Node*) {}), 0u);
  ASSERT_TRUE(z.Validate());
  z.EraseRange(0, z.size(), [](const ZSetIndex::Node*) {});
  EXPECT_TRUE(z.empty());
  EXPECT_TRUE(z.Validate());
  z.Insert(1, "again");
  EXPECT_EQ(z.size(), 1u);
}

TEST(ZSetIndexTest, ScoreAndLexRanges) {
  ZSetIndex z;
  z.Insert(-kInf, "a");
  z.Insert(1, "b");
  z.Insert(1, "c");
  z.Insert(2, "d");
  z.Insert(kInf, "e");
  EXPECT_EQ(z.CountScoreBelow(1, false), 1u);
  EXPECT_EQ(z.CountScoreBelow(1, true), 3u);
  EXPECT_EQ(z.CountScoreBelow(-kInf, false), 0u);
  EXPECT_EQ(z.CountScoreBelow(-kInf, true), 1u);
  EXPECT_EQ(z.CountScoreBelow(kInf, false), 4u);
  EXPECT_EQ(z.CountScoreBelow(kInf, true), 5u);
  ZSetIndex::Node* first = nullptr;
  EXPECT_EQ(z.CountScoreBelow(1.5, true, &first), 3u);
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->member(), "d");
  z.CountScoreBelow(kInf, true, &first);
  EXPECT_EQ(first, nullptr);

  ZSetIndex lex;
  for (std::string m : {"a", "b", "c", "d", "e"}) lex.Insert(0, m);
  EXPECT_EQ(lex.CountMemberBelow("b", false), 1u);
  EXPECT_EQ(lex.CountMemberBelow("b", true), 2u);
  EXPECT_EQ(lex.CountMemberBelow("bb", true), 2u);
  EXPECT_EQ(lex.CountMemberBelow("", false), 0u);
  EXPECT_EQ(lex.CountMemberBelow("z", false), 5u);
}

TEST(ZSetIndexTest, ReverseIterationAcrossChunks) {
  ZSetIndex z;
  for (int i = 0; i < 300; ++i) z.Insert(i, std::string("m").append(std::to_string(i)));
  std::vector<double> got;
  z.ForEachReverse(7, 250, [&](const ZSetIndex::Node* n) { got.push_back(n->score); });
  ASSERT_EQ(got.size(), 243u);
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], 249.0 - i);
  got.clear();
  z.ForEachReverse(290, 1000, [&](const ZSetIndex::Node* n) { got.push_back(n->score); });
  EXPECT_EQ(got.size(), 10u);
}

TEST(ZSetIndexTest, ScanVisitsEveryMember) {
  ZSetIndex z;
  for (int i = 0; i < 5000; ++i) z.Insert(i, std::string("m").append(std::to_string(i)));
  std::set<std::string> seen;
  uint64_t cursor = 0;
  do {
    cursor = z.Scan(cursor, [&](const ZSetIndex::Node* n) { seen.emplace(n->member()); });
  } while (cursor != 0);
  EXPECT_EQ(seen.size(), 5000u);
  for (int i = 0; i < 100; ++i) {
    ZSetIndex::Node* n = z.Random(i * 7919);
    ASSERT_NE(n, nullptr);
    EXPECT_EQ(z.Find(n->member()), n);
  }
}

TEST(ZSetIndexTest, RandomizedAgainstModel) {
  std::mt19937_64 rng(12345);
  ZSetIndex z;
  Model model;
  std::unordered_map<std::string, double> scores;
  auto random_score = [&]() -> double {
    switch (rng() % 8) {
      case 0:
        return -kInf;
      case 1:
        return kInf;
      case 2:
        return static_cast<double>(rng() % 5);  // many ties
      default:
        return static_cast<double>(static_cast<int64_t>(rng() % 2001) - 1000) / 8;
    }
  };
  for (int step = 0; step < 20000; ++step) {
    std::string m = std::string("m").append(std::to_string(rng() % 800));
    const int op = static_cast<int>(rng() % 10);
    ZSetIndex::Node* n = z.Find(m);
    ASSERT_EQ(n != nullptr, scores.count(m) == 1);
    if (op < 4) {
      double s = random_score();
      if (n) {
        model.erase({scores[m], m});
        z.UpdateScore(n, s);
      } else {
        z.Insert(s, m);
      }
      scores[m] = s;
      model.emplace(s, m);
    } else if (op < 6) {
      if (n) {
        model.erase({scores[m], m});
        scores.erase(m);
        z.Erase(n);
      }
    } else if (op == 6 && !model.empty()) {
      size_t a = rng() % (model.size() + 2), b = rng() % (model.size() + 2);
      if (a > b) std::swap(a, b);
      z.EraseRange(a, b, [&](const ZSetIndex::Node* x) {
        std::string mem(x->member());
        ASSERT_EQ(model.erase({x->score, mem}), 1u);
        scores.erase(mem);
      });
    } else if (op == 7 && n) {
      size_t want = std::distance(model.begin(), model.find({scores[m], m}));
      ASSERT_EQ(z.Rank(n), want);
    } else if (op == 8 && !model.empty()) {
      size_t r = rng() % model.size();
      auto it = std::next(model.begin(), static_cast<long>(r));
      ZSetIndex::Node* x = z.AtRank(r);
      ASSERT_NE(x, nullptr);
      ASSERT_EQ(x->score, it->first);
      ASSERT_EQ(x->member(), it->second);
    } else if (op == 9) {
      double s = random_score();
      size_t below = 0, below_eq = 0;
      for (auto& [sc, mm] : model) {
        below += sc < s;
        below_eq += sc <= s;
      }
      ASSERT_EQ(z.CountScoreBelow(s, false), below);
      ASSERT_EQ(z.CountScoreBelow(s, true), below_eq);
    }
    ASSERT_EQ(z.size(), model.size());
    if (step % 1000 == 0) {
      ASSERT_TRUE(z.Validate());
    }
  }
  ASSERT_TRUE(z.Validate());
  std::vector<std::pair<double, std::string>> want(model.begin(), model.end());
  EXPECT_EQ(Contents(z), want);
}

// A long randomized run against std::set that grows the index to tens of thousands of members and
// shrinks it back, several times, so leaves and inner nodes split, merge and share entries at
// every level (including the root appearing and going). Mutations come in bursts of 1-64, each
// followed by Validate() while the set is small (when large, every 32nd burst and after one
// EraseRange in 16, to keep the run short); every 8th burst is followed by queries checked against
// a sorted snapshot of the model.
TEST(ZSetIndexTest, RandomizedModelWithSplitsAndMerges) {
  std::mt19937_64 rng(20240611);
  ZSetIndex z;
  Model model;
  std::unordered_map<std::string, std::pair<double, ZSetIndex::Node*>> members;
  constexpr size_t kPool = 100000;
  std::vector<std::string> pool;
  pool.reserve(kPool);
  for (size_t i = 0; i < kPool; ++i) {
    switch (i % 5) {
      case 0:
        pool.push_back(std::string("m:").append(std::to_string(i)));
        break;
      case 1:  // long shared prefix: ties decided late in the bytes
        pool.push_back(std::string(40, 'p').append(std::to_string(i)));
        break;
      case 2: {  // binary, with NULs and high bytes
        std::string b(8, '\0');
        uint64_t v = i * 0x9e3779b97f4a7c15ULL;
        std::memcpy(b.data(), &v, sizeof(v));
        pool.push_back(b);
        break;
      }
      default:
        pool.push_back(std::to_string(i));
    }
  }
  pool[7] = "";  // the empty member sorts first among equal scores
  const double kDoubles[] = {-kInf, kInf, 0.0, -0.0, 1.0, -1.0, 0.5, 1e300, -1e300, 5e-324};
  auto random_score = [&]() -> double {
    const uint64_t r = rng() % 16;
    if (r < 4) return kDoubles[rng() % std::size(kDoubles)];
    if (r < 8) return static_cast<double>(rng() % 7);  // heavy ties
    if (r < 12) return static_cast<double>(static_cast<int64_t>(rng() % 200001) - 100000) / 4;
    return std::ldexp(static_cast<double>(rng() % 1000000), static_cast<int>(rng() % 60) - 30);
  };
  auto forget = [&](const std::string& m) {
    auto it = members.find(m);
    ASSERT_NE(it, members.end());
    ASSERT_EQ(model.erase({it->second.first, m}), 1u);
    members.erase(it);
  };

  std::vector<const std::pair<double, std::string>*> snap;
  size_t target = 50000;  // the size the mutations steer towards; flips between big and small
  size_t ops = 0, rounds = 0, max_size = 0, shrinks = 0;
  while (ops < 300000) {
    ++rounds;
    if (model.size() >= target && target > 100) {
      target = rng() % 50;
      ++shrinks;
    } else if (model.size() <= target && target < 100) {
      target = 20000 + rng() % 25001;
    }
    const bool growing = model.size() < target;
    const int burst = 1 + static_cast<int>(rng() % 64);
    for (int b = 0; b < burst; ++b, ++ops) {
      const uint64_t op = rng() % 100;
      const std::string& m = pool[rng() % kPool];
      auto it = members.find(m);
      ZSetIndex::Node* n = z.Find(m);
      ASSERT_EQ(n != nullptr, it != members.end());
      if (n != nullptr) {
        ASSERT_EQ(n, it->second.second);  // node addresses are stable
      }
      if (op < (growing ? 90u : 15u)) {
        // ZADD: insert, or update (to a random score, the same score, or a small step).
        double s = random_score();
        if (n != nullptr) {
          const uint64_t kind = rng() % 4;
          if (kind == 0) s = n->score;
          if (kind == 1 && std::isfinite(n->score)) s = n->score + 0.001;
          model.erase({it->second.first, m});
          z.UpdateScore(n, s);
          ASSERT_EQ(n->score, s);
          it->second.first = s;
        } else {
          n = z.Insert(s, m);
          members.emplace(m, std::make_pair(s, n));
        }
        model.emplace(s, m);
      } else if (op < (growing ? 98u : 60u)) {
        // ZREM, of this member or (to shrink fast) of a random existing one.
        ZSetIndex::Node* victim = n;
        if (victim == nullptr && !model.empty()) victim = z.Random(rng());
        if (victim != nullptr) {
          const std::string vm(victim->member());
          forget(vm);
          z.Erase(victim);
        }
      } else if (!model.empty()) {
        // ZPOPMIN / ZPOPMAX / ZREMRANGEBYRANK (short, or up to a tenth of the set).
        const size_t size = model.size();
        size_t a, e;
        const uint64_t kind = rng() % 4;
        if (kind == 0) {
          a = 0, e = 1 + rng() % 3;
        } else if (kind == 1) {
          a = size - 1, e = size + rng() % 3;
        } else {
          a = rng() % size;
          e = a + (kind == 2 || growing ? rng() % 20 : rng() % (size / 10 + 2));
        }
        // The exact expected run where the model can reach it cheaply (near either end);
        // elsewhere its length, order and membership (and the periodic full comparison).
        const size_t stop = std::min(e, size);
        std::vector<std::pair<double, std::string>> want;
        if (a < 3000) {
          auto from = std::next(model.begin(), static_cast<long>(a));
          want.assign(from, std::next(from, static_cast<long>(stop - a)));
        } else if (size - a < 3000) {
          want.assign(std::prev(model.end(), static_cast<long>(size - a)),
                      std::prev(model.end(), static_cast<long>(size - stop)));
        }
        std::vector<std::pair<double, std::string>> got;
        const size_t erased = z.EraseRange(a, e, [&](const ZSetIndex::Node* x) {
          got.emplace_back(x->score, std::string(x->member()));
        });
        ASSERT_EQ(erased, stop - a);
        ASSERT_EQ(got.size(), stop - a);
        if (a < 3000 || size - a < 3000) {
          ASSERT_EQ(got, want);
        }
        ASSERT_TRUE(std::is_sorted(got.begin(), got.end()));
        for (auto& [sc, mm] : got) forget(mm);
        if (model.size() < 4000 || rng() % 16 == 0) {
          ASSERT_TRUE(z.Validate()) << "after EraseRange(" << a << ", " << e << ") at op " << ops;
        }
      }
      ASSERT_EQ(z.size(), model.size());
    }
    max_size = std::max(max_size, model.size());
    if (model.size() < 4000 || rounds % 32 == 0) {
      ASSERT_TRUE(z.Validate()) << "at op " << ops;
    }

    if (rounds % 128 == 0) {
      const std::vector<std::pair<double, std::string>> all(model.begin(), model.end());
      ASSERT_EQ(Contents(z), all);
    }
    // Queries against a snapshot of the model, every few rounds.
    if (rounds % 8 != 0) continue;
    snap.clear();
    for (const auto& e : model) snap.push_back(&e);
    const size_t size = snap.size();
    if (size == 0) {
      ASSERT_EQ(z.First(), nullptr);
      ASSERT_EQ(z.Last(), nullptr);
      ASSERT_EQ(z.AtRank(0), nullptr);
      continue;
    }
    ASSERT_EQ(z.First()->member(), snap.front()->second);
    ASSERT_EQ(z.Last()->member(), snap.back()->second);
    ASSERT_EQ(z.AtRank(size), nullptr);
    for (int q = 0; q < 96; ++q, ++ops) {
      const size_t r = rng() % size;
      const auto& [rs, rm] = *snap[r];
      switch (rng() % 6) {
        case 0: {  // ZRANK
          ASSERT_EQ(z.Rank(z.Find(rm)), r);
          break;
        }
        case 1: {  // element at rank
          ZSetIndex::Node* x = z.AtRank(r);
          ASSERT_NE(x, nullptr);
          ASSERT_EQ(x->member(), rm);
          ASSERT_EQ(std::memcmp(&x->score, &rs, sizeof(double)), 0);
          break;
        }
        case 2: {  // ZCOUNT bounds, both inclusive and exclusive, with the first element after
          const double bound = rng() % 2 ? rs : random_score();
          for (bool inclusive : {false, true}) {
            const size_t want = static_cast<size_t>(
                std::partition_point(snap.begin(), snap.end(),
                                     [&](const auto* e) {
                                       return inclusive ? e->first <= bound : e->first < bound;
                                     }) -
                snap.begin());
            ZSetIndex::Node* after = reinterpret_cast<ZSetIndex::Node*>(&after);
            ASSERT_EQ(z.CountScoreBelow(bound, inclusive, &after), want);
            if (want == size) {
              ASSERT_EQ(after, nullptr);
            } else {
              ASSERT_NE(after, nullptr);
              ASSERT_EQ(after->member(), snap[want]->second);
            }
          }
          break;
        }
        case 3: {  // CountWhile with a (score, member) pivot that may or may not be present
          const std::pair<double, std::string> pivot =
              rng() % 2 ? *snap[r] : std::make_pair(rs, pool[rng() % kPool]);
          const size_t want = static_cast<size_t>(
              std::lower_bound(snap.begin(), snap.end(), pivot,
                               [](const auto* e, const auto& p) { return *e < p; }) -
              snap.begin());
          ZSetIndex::Node* after = nullptr;
          const size_t got = z.CountWhile(
              [&](const ZSetIndex::Node* x) {
                return x->score < pivot.first ||
                       (x->score == pivot.first && x->member() < pivot.second);
              },
              &after);
          ASSERT_EQ(got, want);
          ASSERT_EQ(after == nullptr, want == size);
          break;
        }
        case 4:    // ZRANGE
        case 5: {  // ZREVRANGE, across leaf boundaries, sometimes past the end
          const size_t a = r;
          const size_t e = a + rng() % (rng() % 8 == 0 ? 3000 : 150);
          std::vector<std::string> want;
          for (size_t k = a; k < std::min(e, size); ++k) want.push_back(snap[k]->second);
          std::vector<std::string> got;
          auto collect = [&](const ZSetIndex::Node* x) { got.emplace_back(x->member()); };
          const bool reverse = rng() % 2;
          if (reverse) {
            z.ForEachReverse(a, e, collect);
            std::reverse(got.begin(), got.end());
          } else {
            z.ForEach(a, e, collect);
          }
          ASSERT_EQ(got, want) << (reverse ? "reverse " : "") << a << ".." << e;
          break;
        }
      }
    }
  }
  ASSERT_TRUE(z.Validate());
  EXPECT_GE(max_size, 20000u);
  EXPECT_GE(shrinks, 2u);
  std::printf("rounds %zu, largest size %zu, shrinks to near empty %zu\n", rounds, max_size,
              shrinks);
  std::vector<std::pair<double, std::string>> want(model.begin(), model.end());
  EXPECT_EQ(Contents(z), want);
  z.Clear();
  EXPECT_TRUE(z.Validate());
  EXPECT_EQ(z.MemoryUsage(), sizeof(ZSetIndex));
}

// ZRANGEBYLEX bounds: all scores equal, members compared as unsigned bytes.
TEST(ZSetIndexTest, RandomizedLexCounts) {
  std::mt19937_64 rng(99);
  ZSetIndex z;
  std::set<std::string> model;
  auto random_member = [&]() {
    std::string m(rng() % 4, '\0');
    for (char& c : m) c = static_cast<char>("ab\0\xff"[rng() % 4]);
    return m.append(std::to_string(rng() % 3000));
  };
  for (int step = 0; step < 20000; ++step) {
    const std::string m = random_member();
    if (ZSetIndex::Node* n = z.Find(m)) {
      z.Erase(n);
      model.erase(m);
    } else {
      z.Insert(7, m);
      model.insert(m);
    }
    if (step % 64 == 0) {
      ASSERT_TRUE(z.Validate());
      const std::string bound = random_member();
      const size_t lt = std::distance(model.begin(), model.lower_bound(bound));
      const size_t le = std::distance(model.begin(), model.upper_bound(bound));
      ASSERT_EQ(z.CountMemberBelow(bound, false), lt);
      ASSERT_EQ(z.CountMemberBelow(bound, true), le);
    }
  }
}

// Sequential patterns a random test rarely produces: ascending and descending inserts (always at
// one end of the tree), then erasing from the front, the back and the middle.
TEST(ZSetIndexTest, SequentialInsertAndEraseKeepInvariants) {
  for (int pattern = 0; pattern < 3; ++pattern) {
    ZSetIndex z;
    constexpr int kN = 30000;
    for (int i = 0; i < kN; ++i) {
      const int k = pattern == 1 ? kN - i : i;
      z.Insert(pattern == 2 ? 0 : k, std::string("m").append(std::to_string(k)));
    }
    ASSERT_TRUE(z.Validate());
    ASSERT_EQ(z.size(), static_cast<size_t>(kN));
    while (z.size() > 0) {
      const size_t size = z.size();
      if (size % 3 == 0) {
        z.Erase(z.First());
      } else if (size % 3 == 1) {
        z.Erase(z.Last());
      } else {
        z.Erase(z.AtRank(size / 2));
      }
      if (size % 997 == 0 || size < 200) {
        ASSERT_TRUE(z.Validate()) << size;
      }
    }
    EXPECT_TRUE(z.Validate());
    // Nothing left but the hash table's smallest bucket array.
    EXPECT_LE(z.MemoryUsage(), sizeof(ZSetIndex) + 4 * sizeof(void*));
  }
}

TEST(ZSetIndexTest, ClearAndReuse) {
  ZSetIndex z;
  for (int i = 0; i < 1000; ++i) z.Insert(i, std::string("m").append(std::to_string(i)));
  const size_t used = z.MemoryUsage();
  EXPECT_GT(used, 1000u * 40);
  z.Clear();
  EXPECT_EQ(z.size(), 0u);
  EXPECT_TRUE(z.Validate());
  EXPECT_LT(z.MemoryUsage(), used);
  z.Insert(1, "x");
  EXPECT_TRUE(z.Validate());
}

}  // namespace
}  // namespace shoal
