// Unit tests for Listpack and FlatPack (the same tests for both): encodings, walking, editing,
// search, and a randomized model check.
#include "datastructs/listpack.h"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "gtest/gtest.h"

namespace shoal {
namespace {

template <typename LP>
std::string At(const LP& lp, typename LP::Pos p) {
  std::string out;
  lp.Get(p).AppendTo(&out);
  return out;
}

template <typename LP>
std::vector<std::string> Forward(const LP& lp) {
  std::vector<std::string> v;
  for (auto p = lp.First(); p != LP::kNone; p = lp.Next(p)) v.push_back(At(lp, p));
  return v;
}

template <typename LP>
std::vector<std::string> Backward(const LP& lp) {
  std::vector<std::string> v;
  for (auto p = lp.Last(); p != LP::kNone; p = lp.Prev(p)) v.insert(v.begin(), At(lp, p));
  return v;
}

// The walk that GetAdvance makes: value and next position from one decode.
template <typename LP>
std::vector<std::string> ForwardFused(const LP& lp) {
  std::vector<std::string> v;
  for (auto p = lp.First(); p != LP::kNone;) {
    const auto expected_next = lp.Next(p);
    std::string s;
    lp.GetAdvance(&p).AppendTo(&s);
    EXPECT_EQ(p, expected_next);
    v.push_back(std::move(s));
  }
  return v;
}

template <typename LP>
void ExpectContents(const LP& lp, const std::vector<std::string>& want) {
  ASSERT_EQ(lp.size(), want.size());
  EXPECT_EQ(Forward(lp), want);
  EXPECT_EQ(ForwardFused(lp), want);
  EXPECT_EQ(Backward(lp), want);
}

template <typename LP>
class ListpackTest : public ::testing::Test {
 protected:
  // Bytes of backlen an entry of up to 127 bytes carries.
  static constexpr size_t kBack = std::is_same_v<LP, Listpack> ? 1 : 0;
};
using PackTypes = ::testing::Types<Listpack, FlatPack>;
TYPED_TEST_SUITE(ListpackTest, PackTypes);

TYPED_TEST(ListpackTest, Empty) {
  TypeParam lp;
  EXPECT_EQ(lp.size(), 0u);
  EXPECT_TRUE(lp.empty());
  EXPECT_EQ(lp.bytes(), 0u);
  EXPECT_EQ(lp.First(), TypeParam::kNone);
  EXPECT_EQ(lp.Last(), TypeParam::kNone);
  EXPECT_EQ(lp.Seek(0), TypeParam::kNone);
  EXPECT_EQ(lp.Seek(-1), TypeParam::kNone);
  EXPECT_EQ(lp.Find(lp.First(), "x"), TypeParam::kNone);
  EXPECT_EQ(lp.Erase(TypeParam::kNone), TypeParam::kNone);
  lp.EraseRange(0, 10);
  TypeParam c = lp.Clone();
  EXPECT_TRUE(c.empty());
}

TYPED_TEST(ListpackTest, SingleElement) {
  TypeParam lp;
  lp.PushBack("a");
  ExpectContents(lp, {"a"});
  EXPECT_EQ(lp.First(), lp.Last());
  EXPECT_EQ(lp.Next(lp.First()), TypeParam::kNone);
  EXPECT_EQ(lp.Prev(lp.First()), TypeParam::kNone);
  EXPECT_EQ(lp.Seek(0), lp.Seek(-1));
  EXPECT_EQ(lp.Seek(1), TypeParam::kNone);
  EXPECT_EQ(lp.Seek(-2), TypeParam::kNone);
  EXPECT_EQ(lp.Erase(lp.First()), TypeParam::kNone);
  EXPECT_TRUE(lp.empty());
  EXPECT_EQ(lp.bytes(), 0u);
}

TYPED_TEST(ListpackTest, IntegersAreCompactAndExact) {
  const int64_t vals[] = {0,          1,         127,           128,
                          -1,         -128,      -129,          255,
                          32767,      -32768,    32768,         1 << 23,
                          -(1 << 23), INT32_MAX, INT32_MIN,     int64_t{1} << 40,
                          INT64_MAX,  INT64_MIN, INT64_MAX - 1, INT64_MIN + 1};
  TypeParam lp;
  std::vector<std::string> want;
  for (int64_t v : vals) {
    lp.PushBack(v);
    want.push_back(std::to_string(v));
  }
  ExpectContents(lp, want);
  size_t i = 0;
  for (auto p = lp.First(); p != TypeParam::kNone; p = lp.Next(p), ++i) {
    auto v = lp.Get(p);
    EXPECT_TRUE(v.is_int);
    EXPECT_EQ(v.ival, vals[i]);
  }
  TypeParam small;
  small.PushBack(int64_t{5});
  EXPECT_EQ(small.bytes(), TypeParam::kHeaderSize + 1 + TestFixture::kBack);  // header + backlen
  TypeParam big;
  big.PushBack(INT64_MIN);
  EXPECT_EQ(big.bytes(), TypeParam::kHeaderSize + 9 + TestFixture::kBack);
}

TYPED_TEST(ListpackTest, CanonicalIntegerStrings) {
  int64_t v;
  EXPECT_TRUE(TypeParam::ParseCanonicalInt("0", &v));
  EXPECT_EQ(v, 0);
  EXPECT_TRUE(TypeParam::ParseCanonicalInt("-9223372036854775808", &v));
  EXPECT_EQ(v, INT64_MIN);
  EXPECT_TRUE(TypeParam::ParseCanonicalInt("9223372036854775807", &v));
  EXPECT_EQ(v, INT64_MAX);
  for (const char* s : {"", "-", "-0", "00", "012", "+1", " 1", "1 ", "1a", "9223372036854775808",
                        "-9223372036854775809", "99999999999999999999", "1.0", "0x10"}) {
    EXPECT_FALSE(TypeParam::ParseCanonicalInt(s, &v)) << s;
  }
  TypeParam lp;
  for (const char* s : {"123", "0123", "+1", "-0", "-5", "9223372036854775808", ""}) {
    lp.PushBack(std::string_view(s));
  }
  ExpectContents(lp, {"123", "0123", "+1", "-0", "-5", "9223372036854775808", ""});
  EXPECT_TRUE(lp.Get(lp.Seek(0)).is_int);
  EXPECT_FALSE(lp.Get(lp.Seek(1)).is_int);
  EXPECT_FALSE(lp.Get(lp.Seek(2)).is_int);
  EXPECT_FALSE(lp.Get(lp.Seek(3)).is_int);
  EXPECT_TRUE(lp.Get(lp.Seek(4)).is_int);
  EXPECT_FALSE(lp.Get(lp.Seek(5)).is_int);
}

TYPED_TEST(ListpackTest, StringLengthsAcrossEncodings) {
  TypeParam lp;
  std::vector<std::string> want;
  for (size_t n : {0, 1, 63, 64, 65, 127, 128, 4095, 4096, 16383, 16384, 70000, 300000}) {
    std::string s(n, 'x');
    for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + i % 26);
    lp.PushBack(s);
    want.push_back(s);
  }
  ExpectContents(lp, want);
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(At(lp, lp.Seek(i)), want[i]);
}

TYPED_TEST(ListpackTest, BinaryStrings) {
  std::string bin("\0\r\n\xff\x80zz", 7);
  TypeParam lp;
  lp.PushBack(bin);
  lp.PushFront(std::string_view("\0", 1));
  ExpectContents(lp, {std::string("\0", 1), bin});
  EXPECT_TRUE(lp.Equals(lp.Last(), bin));
  EXPECT_EQ(lp.Find(lp.First(), bin), lp.Last());
}

TYPED_TEST(ListpackTest, PushFrontInsertReplaceErase) {
  TypeParam lp;
  lp.PushBack("b");
  lp.PushFront("a");
  lp.PushBack(int64_t{3});
  ExpectContents(lp, {"a", "b", "3"});
  auto p = lp.Insert(lp.Seek(1), "x");
  EXPECT_EQ(At(lp, p), "x");
  ExpectContents(lp, {"a", "x", "b", "3"});
  p = lp.Insert(TypeParam::kNone, "end");
  EXPECT_EQ(p, lp.Last());
  p = lp.Replace(lp.Seek(1), std::string(100, 'y'));
  EXPECT_EQ(At(lp, p), std::string(100, 'y'));
  p = lp.Replace(p, "42");
  EXPECT_TRUE(lp.Get(p).is_int);
  ExpectContents(lp, {"a", "42", "b", "3", "end"});
  p = lp.ReplaceInt(lp.Seek(0), -7);
  ExpectContents(lp, {"-7", "42", "b", "3", "end"});
  p = lp.Erase(lp.Seek(1), 2);
  EXPECT_EQ(At(lp, p), "3");
  ExpectContents(lp, {"-7", "3", "end"});
  p = lp.Erase(lp.Last());
  EXPECT_EQ(p, TypeParam::kNone);
  ExpectContents(lp, {"-7", "3"});
  p = lp.Erase(lp.First(), 100);
  EXPECT_EQ(p, TypeParam::kNone);
  EXPECT_TRUE(lp.empty());
}

TYPED_TEST(ListpackTest, EraseRange) {
  TypeParam lp;
  for (int i = 0; i < 10; ++i) lp.PushBack(int64_t{i});
  lp.EraseRange(-3, 2);
  ExpectContents(lp, {"0", "1", "2", "3", "4", "5", "6", "9"});
  lp.EraseRange(-100, 2);
  ExpectContents(lp, {"2", "3", "4", "5", "6", "9"});
  lp.EraseRange(10, 2);
  lp.EraseRange(4, 100);
  ExpectContents(lp, {"2", "3", "4", "5"});
}

TYPED_TEST(ListpackTest, SelfAliasingValues) {
  TypeParam lp;
  lp.PushBack(std::string(5000, 'q'));
  lp.PushBack("short");
  // Insert / replace with a view into the pack's own buffer.
  std::string_view own = lp.Get(lp.First()).str;
  lp.PushFront(own);
  own = lp.Get(lp.Last()).str;
  lp.Replace(lp.First(), own);
  ExpectContents(lp, {"short", std::string(5000, 'q'), "short"});
}

TYPED_TEST(ListpackTest, FindWithSkip) {
  TypeParam lp;  // field,value layout
  for (const char* s : {"f1", "v1", "f2", "f1", "10", "x", "f3", "10"}) lp.PushBack(s);
  EXPECT_EQ(lp.Find(lp.First(), "f1", 1), lp.Seek(0));
  EXPECT_EQ(lp.Find(lp.First(), "f2", 1), lp.Seek(2));
  EXPECT_EQ(lp.Find(lp.Seek(1), "f1", 1), lp.Seek(3));  // value positions only
  EXPECT_EQ(lp.Find(lp.First(), "10", 1), lp.Seek(4));
  EXPECT_EQ(lp.Find(lp.First(), "x", 1), TypeParam::kNone);
  EXPECT_EQ(lp.Find(lp.First(), "x"), lp.Seek(5));
  EXPECT_EQ(lp.Find(lp.First(), "010"), TypeParam::kNone);
  EXPECT_EQ(lp.Find(lp.Seek(5), "10"), lp.Seek(7));
  EXPECT_EQ(lp.Find(lp.First(), "v1", 2), TypeParam::kNone);
  EXPECT_TRUE(lp.Equals(lp.Seek(4), "10"));
  EXPECT_FALSE(lp.Equals(lp.Seek(4), "010"));
  EXPECT_FALSE(lp.Equals(lp.Seek(0), "f"));
}

TYPED_TEST(ListpackTest, CopyMoveAppendSplit) {
  TypeParam a;
  for (int i = 0; i < 5; ++i) a.PushBack(std::string("a").append(std::to_string(i)));
  TypeParam b = a;
  b.PushBack("extra");
  EXPECT_EQ(a.size(), 5u);
  EXPECT_EQ(b.size(), 6u);
  TypeParam c = std::move(b);
  EXPECT_EQ(c.size(), 6u);
  EXPECT_TRUE(b.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty by contract
  a.Append(c);
  EXPECT_EQ(a.size(), 11u);
  TypeParam tail = a.SplitAt(a.Seek(3));
  ExpectContents(a, {"a0", "a1", "a2"});
  ExpectContents(tail, {"a3", "a4", "a0", "a1", "a2", "a3", "a4", "extra"});
  TypeParam all = a.SplitAt(a.First());
  EXPECT_TRUE(a.empty());
  ExpectContents(all, {"a0", "a1", "a2"});
  TypeParam e;
  e.Append(all);
  ExpectContents(e, {"a0", "a1", "a2"});
  const TypeParam& self = e;
  e = self;  // self-assignment keeps contents
  ExpectContents(e, {"a0", "a1", "a2"});
}

TYPED_TEST(ListpackTest, ValueView) {
  char buf[TypeParam::kIntBufSize];
  PackValue v;
  v.is_int = true;
  v.ival = INT64_MIN;
  EXPECT_EQ(v.View(buf), "-9223372036854775808");
  EXPECT_EQ(TypeParam::EntrySize("abc"), 4 + TestFixture::kBack);
  EXPECT_EQ(TypeParam::EntrySize("100"), 1 + TestFixture::kBack);
  EXPECT_EQ(TypeParam::EntrySize(std::string(100, 'x')), 102 + TestFixture::kBack);
}

std::string RandomValue(std::mt19937_64& rng) {
  switch (rng() % 6) {
    case 0:
      return std::to_string(static_cast<int64_t>(rng()));
    case 1:
      return std::to_string(static_cast<int64_t>(rng() % 300) - 150);
    case 2:
      return "";
    case 3:
      return std::string(rng() % 5000, static_cast<char>(rng()));
    default: {
      std::string s(rng() % 70, 'a');
      for (auto& c : s) c = static_cast<char>(rng());
      return s;
    }
  }
}

TYPED_TEST(ListpackTest, RandomizedAgainstDeque) {
  std::mt19937_64 rng(12345);
  TypeParam lp;
  std::deque<std::string> model;
  for (int step = 0; step < 20000; ++step) {
    int64_t n = static_cast<int64_t>(model.size());
    switch (rng() % 9) {
      case 0: {
        auto v = RandomValue(rng);
        lp.PushBack(v);
        model.push_back(v);
        break;
      }
      case 1: {
        auto v = RandomValue(rng);
        lp.PushFront(v);
        model.push_front(v);
        break;
      }
      case 2: {
        auto v = RandomValue(rng);
        int64_t i = n ? static_cast<int64_t>(rng() % (n + 1)) : 0;
        lp.Insert(i == n ? TypeParam::kNone : lp.Seek(i), v);
        model.insert(model.begin() + i, v);
        break;
      }
      case 3:
        if (n) {
          int64_t i = static_cast<int64_t>(rng() % n);
          size_t k = rng() % 4 + 1;
          lp.Erase(lp.Seek(i - (rng() % 2 ? n : 0)), k);
          model.erase(model.begin() + i, model.begin() + std::min<int64_t>(n, i + k));
        }
        break;
      case 4:
        if (n) {
          int64_t i = static_cast<int64_t>(rng() % n);
          auto v = RandomValue(rng);
          lp.Replace(lp.Seek(i), v);
          model[i] = v;
        }
        break;
      case 5:
        if (n) {
          int64_t i = static_cast<int64_t>(rng() % n);
          ASSERT_EQ(At(lp, lp.Seek(i)), model[i]);
          ASSERT_EQ(At(lp, lp.Seek(i - n)), model[i]);
          ASSERT_TRUE(lp.Equals(lp.Seek(i), model[i]));
        }
        break;
      case 6:
        if (n) {
          int64_t i = static_cast<int64_t>(rng() % n);
          auto p = lp.Find(lp.First(), model[i]);
          int64_t want = std::find(model.begin(), model.end(), model[i]) - model.begin();
          ASSERT_EQ(p, lp.Seek(want));
        }
        break;
      case 7:
        if (n > 200) {
          lp.EraseRange(0, 100);
          model.erase(model.begin(), model.begin() + 100);
        }
        break;
      default:
        ASSERT_EQ(lp.size(), model.size());
        break;
    }
  }
  ExpectContents(lp, std::vector<std::string>(model.begin(), model.end()));
}

}  // namespace
}  // namespace shoal
