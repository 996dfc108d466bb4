// Tests for IntSet: ordering, width upgrades, removal, random draws, copies, against std::set.
#include "datastructs/intset.h"

#include <cstdint>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <vector>

#include "gtest/gtest.h"

namespace shoal {
namespace {

std::vector<int64_t> Elements(const IntSet& s) {
  std::vector<int64_t> out;
  s.ForEach([&](int64_t v) { out.push_back(v); });
  return out;
}

TEST(IntSetTest, EmptyHoldsNothing) {
  IntSet s;
  EXPECT_EQ(s.size(), 0u);
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.BytesUsed(), 0u);
  EXPECT_FALSE(s.Contains(0));
  EXPECT_FALSE(s.Remove(0));
  EXPECT_EQ(sizeof(IntSet), sizeof(void*));
}

TEST(IntSetTest, AddKeepsSortedAndUnique) {
  IntSet s;
  for (int64_t v : {5, -3, 9, 0, 5, -3, 7}) s.Add(v);
  EXPECT_EQ(Elements(s), (std::vector<int64_t>{-3, 0, 5, 7, 9}));
  EXPECT_FALSE(s.Add(7));
  EXPECT_TRUE(s.Add(8));
  EXPECT_TRUE(s.Contains(8));
  EXPECT_FALSE(s.Contains(6));
  EXPECT_EQ(s.width(), 2);
  EXPECT_EQ(s.BytesUsed(), 8u + 6 * 2);
}

TEST(IntSetTest, WidensForLargeValuesAtBothEnds) {
  IntSet s;
  s.Add(1);
  s.Add(-1);
  EXPECT_EQ(s.width(), 2);
  s.Add(40000);
  EXPECT_EQ(s.width(), 4);
  s.Add(-40000);
  EXPECT_EQ(s.width(), 4);
  s.Add(std::numeric_limits<int64_t>::min());
  EXPECT_EQ(s.width(), 8);
  s.Add(std::numeric_limits<int64_t>::max());
  EXPECT_EQ(Elements(s), (std::vector<int64_t>{std::numeric_limits<int64_t>::min(), -40000, -1, 1,
                                               40000, std::numeric_limits<int64_t>::max()}));
  // Narrow values are still found after the upgrade, and wide ones are not when absent.
  EXPECT_TRUE(s.Contains(-1));
  EXPECT_FALSE(s.Contains(int64_t{1} << 40));
  // No narrowing back.
  s.Remove(std::numeric_limits<int64_t>::min());
  s.Remove(std::numeric_limits<int64_t>::max());
  EXPECT_EQ(s.width(), 8);
}

TEST(IntSetTest, WidthBoundaries) {
  EXPECT_EQ(IntSet::WidthFor(INT16_MAX), 2);
  EXPECT_EQ(IntSet::WidthFor(INT16_MIN), 2);
  EXPECT_EQ(IntSet::WidthFor(INT16_MAX + 1), 4);
  EXPECT_EQ(IntSet::WidthFor(INT16_MIN - 1), 4);
  EXPECT_EQ(IntSet::WidthFor(INT32_MAX), 4);
  EXPECT_EQ(IntSet::WidthFor(int64_t{INT32_MAX} + 1), 8);
  EXPECT_EQ(IntSet::WidthFor(int64_t{INT32_MIN} - 1), 8);
}

TEST(IntSetTest, RemoveToEmptyFreesTheBlock) {
  IntSet s;
  s.Add(3);
  s.Add(4);
  EXPECT_TRUE(s.Remove(3));
  EXPECT_FALSE(s.Remove(3));
  EXPECT_TRUE(s.Remove(4));
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.BytesUsed(), 0u);
  s.Add(10);
  EXPECT_EQ(Elements(s), std::vector<int64_t>{10});
}

TEST(IntSetTest, CopyAndMoveAreIndependent) {
  IntSet a;
  for (int i = 0; i < 100; ++i) a.Add(i * 1000);
  IntSet b(a);
  b.Add(-5);
  EXPECT_EQ(a.size(), 100u);
  EXPECT_EQ(b.size(), 101u);
  IntSet c;
  c = b;
  EXPECT_EQ(Elements(c), Elements(b));
  IntSet d(std::move(c));
  EXPECT_EQ(d.size(), 101u);
  EXPECT_TRUE(c.empty());  // NOLINT(bugprone-use-after-move): moved-from is defined empty
  c = std::move(d);
  EXPECT_EQ(c.size(), 101u);
  IntSet empty;
  IntSet e(empty);
  EXPECT_TRUE(e.empty());
}

TEST(IntSetTest, RandomIsRoughlyUniform) {
  IntSet s;
  for (int i = 0; i < 10; ++i) s.Add(i);
  std::mt19937_64 rng(1);
  std::map<int64_t, int> counts;
  for (int i = 0; i < 100000; ++i) ++counts[s.Random(rng())];
  ASSERT_EQ(counts.size(), 10u);
  for (auto& [v, c] : counts) {
    EXPECT_GT(c, 9000) << v;
    EXPECT_LT(c, 11000) << v;
  }
}

TEST(IntSetTest, RandomizedAgainstStdSet) {
  std::mt19937_64 rng(42);
  IntSet s;
  std::set<int64_t> ref;
  const int64_t ranges[] = {100, 70000, int64_t{1} << 40, std::numeric_limits<int64_t>::max()};
  for (int round = 0; round < 20000; ++round) {
    const int64_t range = ranges[(round / 5000) % 4];
    std::uniform_int_distribution<int64_t> dist(-range, range);
    const int64_t v = dist(rng);
    switch (rng() % 4) {
      case 0:
      case 1:
        EXPECT_EQ(s.Add(v), ref.insert(v).second);
        break;
      case 2: {
        // Remove a present element half the time.
        int64_t target = v;
        if (!ref.empty() && (rng() & 1)) target = s.Get(rng() % s.size());
        EXPECT_EQ(s.Remove(target), ref.erase(target) == 1);
        break;
      }
      default:
        EXPECT_EQ(s.Contains(v), ref.count(v) == 1);
    }
    ASSERT_EQ(s.size(), ref.size());
  }
  EXPECT_EQ(Elements(s), std::vector<int64_t>(ref.begin(), ref.end()));
}

}  // namespace
}  // namespace shoal
