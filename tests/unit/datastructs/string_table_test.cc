// Tests for StringSet and StringMap: against std containers, SCAN across resizes, copies, memory.
#include "datastructs/string_table.h"

#include <map>
#include <random>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace shoal {
namespace {

std::string RandomString(std::mt19937_64& rng, size_t max_len) {
  std::string s(rng() % (max_len + 1), '\0');
  for (auto& c : s) c = static_cast<char>(rng() % 8);  // few distinct bytes: many repeats
  return s;
}

std::set<std::string> Members(const StringSet& s) {
  std::set<std::string> out;
  s.ForEach([&](std::string_view m) { out.emplace(m); });
  return out;
}

std::map<std::string, std::string> Entries(const StringMap& m) {
  std::map<std::string, std::string> out;
  m.ForEach([&](std::string_view k, std::string_view v) { out.emplace(k, v); });
  return out;
}

TEST(StringSetTest, InsertFindErase) {
  StringSet s;
  EXPECT_TRUE(s.empty());
  EXPECT_TRUE(s.Insert("a"));
  EXPECT_FALSE(s.Insert("a"));
  EXPECT_TRUE(s.Insert(""));
  EXPECT_TRUE(s.Insert(std::string_view("b\0c", 3)));
  EXPECT_EQ(s.size(), 3u);
  EXPECT_TRUE(s.Contains(""));
  EXPECT_TRUE(s.Contains(std::string_view("b\0c", 3)));
  EXPECT_FALSE(s.Contains("b"));
  EXPECT_TRUE(s.Erase("a"));
  EXPECT_FALSE(s.Erase("a"));
  EXPECT_EQ(Members(s), (std::set<std::string>{"", std::string("b\0c", 3)}));
  s.Clear();
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.MemoryUsage(), 0u);
}

TEST(StringSetTest, LongMembersUseMultiByteLengths) {
  StringSet s;
  const std::string big(100000, 'x');
  const std::string mid(200, 'y');
  s.Insert(big);
  s.Insert(mid);
  EXPECT_TRUE(s.Contains(big));
  EXPECT_TRUE(s.Contains(mid));
  EXPECT_EQ(Members(s), (std::set<std::string>{big, mid}));
  EXPECT_GE(s.MemoryUsage(), big.size() + mid.size());
}

TEST(StringMapTest, SetOverwriteFind) {
  StringMap m;
  EXPECT_TRUE(m.Set("f", "v"));
  EXPECT_FALSE(m.Set("f", "w"));  // same length: in place
  std::string_view v;
  ASSERT_TRUE(m.Find("f", &v));
  EXPECT_EQ(v, "w");
  EXPECT_FALSE(m.Set("f", "longer value"));
  ASSERT_TRUE(m.Find("f", &v));
  EXPECT_EQ(v, "longer value");
  EXPECT_FALSE(m.Set("f", ""));
  ASSERT_TRUE(m.Find("f", &v));
  EXPECT_EQ(v, "");
  EXPECT_FALSE(m.SetIfAbsent("f", "x"));
  EXPECT_TRUE(m.SetIfAbsent("g", std::string(300, 'z')));
  ASSERT_TRUE(m.Find("g", &v));
  EXPECT_EQ(v, std::string(300, 'z'));
  EXPECT_FALSE(m.Find("h", &v));
  EXPECT_EQ(m.size(), 2u);
  EXPECT_TRUE(m.Erase("f"));
  EXPECT_EQ(Entries(m), (std::map<std::string, std::string>{{"g", std::string(300, 'z')}}));
}

TEST(StringMapTest, RandomizedAgainstUnorderedMap) {
  std::mt19937_64 rng(7);
  StringMap m;
  std::unordered_map<std::string, std::string> ref;
  for (int round = 0; round < 60000; ++round) {
    // Grow for a while, then mostly delete, so the table both grows and shrinks.
    const bool shrinking = (round / 15000) % 2 == 1;
    const std::string k = RandomString(rng, 5);
    switch (rng() % 6) {
      case 0:
      case 1:
      case 2:
        if (!shrinking) {
          const std::string v = RandomString(rng, 20);
          const bool fresh = ref.find(k) == ref.end();
          ref[k] = v;
          EXPECT_EQ(m.Set(k, v), fresh);
          break;
        }
        [[fallthrough]];
      case 3:
        EXPECT_EQ(m.Erase(k), ref.erase(k) == 1);
        break;
      default: {
        std::string_view v;
        auto it = ref.find(k);
        ASSERT_EQ(m.Find(k, &v), it != ref.end());
        if (it != ref.end()) {
          EXPECT_EQ(v, it->second);
        }
      }
    }
    ASSERT_EQ(m.size(), ref.size());
  }
  using Sorted = std::map<std::string, std::string>;
  const Sorted expected(ref.begin(), ref.end());
  EXPECT_EQ(Entries(m), expected);
  StringMap copy = m.Clone();
  m.Clear();
  EXPECT_EQ(Entries(copy), expected);
  EXPECT_TRUE(m.empty());
}

TEST(StringSetTest, RandomizedAgainstUnorderedSet) {
  std::mt19937_64 rng(9);
  StringSet s;
  std::unordered_set<std::string> ref;
  for (int round = 0; round < 60000; ++round) {
    const bool shrinking = (round / 20000) % 2 == 1;
    const std::string k = RandomString(rng, 6);
    const int op = rng() % 4;
    if (op < 2 && !shrinking) {
      EXPECT_EQ(s.Insert(k), ref.insert(k).second);
    } else if (op < 3) {
      EXPECT_EQ(s.Erase(k), ref.erase(k) == 1);
    } else {
      EXPECT_EQ(s.Contains(k), ref.count(k) == 1);
    }
    ASSERT_EQ(s.size(), ref.size());
  }
  EXPECT_EQ(Members(s), std::set<std::string>(ref.begin(), ref.end()));
}

// Every member present for the whole scan is returned, while the table grows or shrinks between
// calls.
void CheckScanGuarantee(bool grow) {
  StringSet s;
  const int initial = grow ? 100 : 5000;
  for (int i = 0; i < initial; ++i) s.Insert(absl::StrCat("stable", i));
  if (!grow) {
    for (int i = 0; i < 5000; ++i) s.Insert(absl::StrCat("churn", i));
  }
  std::set<std::string> seen;
  uint64_t cursor = 0;
  int step = 0;
  do {
    cursor = s.Scan(cursor, [&](std::string_view m) { seen.emplace(m); });
    // Change the table between calls, for a while: a table growing faster than the cursor
    // advances would never let the scan finish.
    for (int j = 0; j < 5 && step < 4900; ++j, ++step) {
      if (grow) {
        s.Insert(absl::StrCat("new", step));
      } else {
        s.Erase(absl::StrCat("churn", step));
      }
    }
  } while (cursor != 0);
  for (int i = 0; i < initial; ++i) {
    EXPECT_TRUE(seen.count(absl::StrCat("stable", i))) << i;
  }
}

TEST(StringSetTest, ScanGuaranteeAcrossGrowth) { CheckScanGuarantee(true); }
TEST(StringSetTest, ScanGuaranteeAcrossShrink) { CheckScanGuarantee(false); }

TEST(StringMapTest, ScanVisitsEveryEntryOnce) {
  StringMap m;
  for (int i = 0; i < 1000; ++i) m.Set(absl::StrCat("f", i), absl::StrCat("v", i));
  std::map<std::string, std::string> seen;
  uint64_t cursor = 0;
  do {
    cursor = m.Scan(cursor, [&](std::string_view k, std::string_view v) {
      EXPECT_TRUE(seen.emplace(k, v).second);
    });
  } while (cursor != 0);
  EXPECT_EQ(seen, Entries(m));
}

TEST(StringSetTest, RandomReachesEveryMember) {
  StringSet s;
  for (int i = 0; i < 20; ++i) s.Insert(absl::StrCat(i));
  std::mt19937_64 rng(3);
  std::map<std::string, int> counts;
  for (int i = 0; i < 20000; ++i) ++counts[std::string(s.Random(rng()))];
  EXPECT_EQ(counts.size(), 20u);
  StringMap m;
  m.Set("only", "value");
  std::string_view k, v;
  m.Random(rng(), &k, &v);
  EXPECT_EQ(k, "only");
  EXPECT_EQ(v, "value");
}

TEST(StringSetTest, CloneIsDeepAndMoveTransfers) {
  StringSet a;
  for (int i = 0; i < 100; ++i) a.Insert(absl::StrCat("m", i));
  StringSet b = a.Clone();
  b.Erase("m1");
  EXPECT_TRUE(a.Contains("m1"));
  EXPECT_EQ(b.size(), 99u);
  EXPECT_EQ(a.MemoryUsage() > 0, true);
  StringSet c(std::move(a));
  EXPECT_EQ(c.size(), 100u);
  StringSet d;
  d.Insert("x");
  d = std::move(c);
  EXPECT_EQ(d.size(), 100u);
  EXPECT_FALSE(d.Contains("x"));
}

TEST(StringMapTest, NodesAreCompact) {
  StringMap m;
  m.Set("field1", "value123");
  // 8-byte link, two one-byte lengths, 6 + 8 bytes of data; plus four buckets.
  EXPECT_EQ(m.MemoryUsage(), 8u + 2 + 14 + 4 * sizeof(void*));
}

}  // namespace
}  // namespace shoal
