// Key arguments found from key specs: each begin_search and find_keys kind, and bad counts.
#include "server/commands/key_specs.h"

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

namespace shoal {
namespace {

using Args = std::vector<std::string_view>;

KeySpecMeta Index(int index, KeySpecMeta::Find find, int a, int b, int c) {
  return {"", {"RW"}, KeySpecMeta::kIndex, index, "", find, a, b, c};
}

KeySpecMeta Keyword(std::string_view keyword, int startfrom, int lastkey, int step, int limit) {
  return {"",   {"RO"}, KeySpecMeta::kKeyword, startfrom, keyword, KeySpecMeta::kRange, lastkey,
          step, limit};
}

std::vector<int> Positions(const std::vector<KeySpecMeta>& specs, const Args& args, bool* ok) {
  std::vector<SpecKey> keys;
  *ok = KeysFromSpecs(specs, args, &keys);
  std::vector<int> out;
  for (const SpecKey& k : keys) out.push_back(k.pos);
  return out;
}

TEST(KeySpecsTest, IndexAndRange) {
  bool ok = false;
  // GET key: one key at 1.
  EXPECT_EQ(Positions({Index(1, KeySpecMeta::kRange, 0, 1, 0)}, {"get", "k"}, &ok),
            (std::vector<int>{1}));
  EXPECT_TRUE(ok);
  // MSET k v k v: every other argument to the end.
  EXPECT_EQ(Positions({Index(1, KeySpecMeta::kRange, -1, 2, 0)}, {"mset", "a", "1", "b", "2"}, &ok),
            (std::vector<int>{1, 3}));
  // BLPOP k k timeout: all but the last.
  EXPECT_EQ(Positions({Index(1, KeySpecMeta::kRange, -2, 1, 0)}, {"blpop", "a", "b", "0"}, &ok),
            (std::vector<int>{1, 2}));
  // A limit of 2: keys in the first half of what follows the first key.
  EXPECT_EQ(Positions({Index(1, KeySpecMeta::kRange, -1, 1, 2)}, {"x", "a", "b", "c", "d"}, &ok),
            (std::vector<int>{1, 2}));
  EXPECT_TRUE(ok);
}

TEST(KeySpecsTest, TwoSpecsKeepTheirIndexes) {
  std::vector<SpecKey> keys;
  const Args args = {"lmove", "src", "dst", "left", "right"};
  ASSERT_TRUE(KeysFromSpecs(
      {Index(1, KeySpecMeta::kRange, 0, 1, 0), Index(2, KeySpecMeta::kRange, 0, 1, 0)}, args,
      &keys));
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0].pos, 1);
  EXPECT_EQ(keys[0].spec, 0);
  EXPECT_EQ(keys[1].pos, 2);
  EXPECT_EQ(keys[1].spec, 1);
}

TEST(KeySpecsTest, Keynum) {
  const std::vector<KeySpecMeta> lmpop = {Index(1, KeySpecMeta::kKeynum, 0, 1, 1)};
  bool ok = false;
  EXPECT_EQ(Positions(lmpop, {"lmpop", "2", "a", "b", "left"}, &ok), (std::vector<int>{2, 3}));
  EXPECT_TRUE(ok);
  for (const Args& bad : {Args{"lmpop", "0", "a", "left"}, Args{"lmpop", "x", "a", "left"},
                          Args{"lmpop", "-1", "a", "left"}, Args{"lmpop", "9", "a", "left"},
                          Args{"lmpop", "99999999999999999999", "a"}}) {
    EXPECT_TRUE(Positions(lmpop, bad, &ok).empty());
    EXPECT_FALSE(ok) << bad[1];
  }
  // ZUNIONSTORE dst numkeys key...: a destination spec, then a counted one from index 2.
  EXPECT_EQ(
      Positions({Index(1, KeySpecMeta::kRange, 0, 1, 0), Index(2, KeySpecMeta::kKeynum, 0, 1, 1)},
                {"zunionstore", "d", "2", "a", "b", "WEIGHTS", "1", "2"}, &ok),
      (std::vector<int>{1, 3, 4}));
  EXPECT_TRUE(ok);
}

TEST(KeySpecsTest, KeywordForwardsAndBackwards) {
  bool ok = false;
  // XREAD ... STREAMS k1 k2 id1 id2: the keys are the first half after STREAMS.
  EXPECT_EQ(Positions({Keyword("STREAMS", 1, -1, 1, 2)},
                      {"xread", "COUNT", "2", "streams", "a", "b", "1", "2"}, &ok),
            (std::vector<int>{4, 5}));
  EXPECT_TRUE(ok);
  // Searched from the end: the last STORE wins.
  EXPECT_EQ(
      Positions({Keyword("STORE", -1, 0, 1, 0)}, {"sort", "k", "STORE", "x", "STORE", "y"}, &ok),
      (std::vector<int>{5}));
  // An absent keyword finds nothing, and that is not an error.
  EXPECT_TRUE(Positions({Keyword("STORE", -1, 0, 1, 0)}, {"sort", "k"}, &ok).empty());
  EXPECT_TRUE(ok);
}

TEST(KeySpecsTest, KeysPastTheEndAreAnError) {
  bool ok = true;
  EXPECT_TRUE(Positions({Index(1, KeySpecMeta::kRange, 2, 1, 0)}, {"x", "a", "b"}, &ok).empty());
  EXPECT_FALSE(ok);
  // A begin index past the arguments is an error too, as in Redis (PFMERGE dest with no source:
  // its sources' spec begins at index 2).
  ok = true;
  EXPECT_TRUE(Positions({Index(3, KeySpecMeta::kRange, 0, 1, 0)}, {"x", "a"}, &ok).empty());
  EXPECT_FALSE(ok);
  ok = true;
  EXPECT_TRUE(Positions({Index(1, KeySpecMeta::kRange, 0, 1, 0), Index(2, KeySpecMeta::kRange, -1, 1, 0)},
                        {"pfmerge", "d"}, &ok)
                  .empty());
  EXPECT_FALSE(ok);
}

}  // namespace
}  // namespace shoal
