// Unit tests for ZSetIndex: every operation, tie ordering, infinities, and a randomized model
// check.
#include "datastructs/zset_index.h"

#include <cmath>
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
