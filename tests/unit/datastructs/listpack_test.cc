// Unit tests for Listpack: encodings, walking, editing, search, and a randomized model check.
#include "datastructs/listpack.h"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace shoal {
namespace {

std::string At(const Listpack& lp, Listpack::Pos p) {
  std::string out;
  lp.Get(p).AppendTo(&out);
  return out;
}

std::vector<std::string> Forward(const Listpack& lp) {
  std::vector<std::string> v;
  for (auto p = lp.First(); p != Listpack::kNone; p = lp.Next(p)) v.push_back(At(lp, p));
  return v;
}

std::vector<std::string> Backward(const Listpack& lp) {
  std::vector<std::string> v;
  for (auto p = lp.Last(); p != Listpack::kNone; p = lp.Prev(p)) v.insert(v.begin(), At(lp, p));
  return v;
}

void ExpectContents(const Listpack& lp, const std::vector<std::string>& want) {
  ASSERT_EQ(lp.size(), want.size());
  EXPECT_EQ(Forward(lp), want);
  EXPECT_EQ(Backward(lp), want);
}

TEST(ListpackTest, Empty) {
  Listpack lp;
  EXPECT_EQ(lp.size(), 0u);
  EXPECT_TRUE(lp.empty());
  EXPECT_EQ(lp.bytes(), 0u);
  EXPECT_EQ(lp.First(), Listpack::kNone);
  EXPECT_EQ(lp.Last(), Listpack::kNone);
  EXPECT_EQ(lp.Seek(0), Listpack::kNone);
  EXPECT_EQ(lp.Seek(-1), Listpack::kNone);
  EXPECT_EQ(lp.Find(lp.First(), "x"), Listpack::kNone);
  EXPECT_EQ(lp.Erase(Listpack::kNone), Listpack::kNone);
  lp.EraseRange(0, 10);
  Listpack c = lp.Clone();
  EXPECT_TRUE(c.empty());
}

TEST(ListpackTest, SingleElement) {
  Listpack lp;
  lp.PushBack("a");
  ExpectContents(lp, {"a"});
  EXPECT_EQ(lp.First(), lp.Last());
  EXPECT_EQ(lp.Next(lp.First()), Listpack::kNone);
  EXPECT_EQ(lp.Prev(lp.First()), Listpack::kNone);
  EXPECT_EQ(lp.Seek(0), lp.Seek(-1));
  EXPECT_EQ(lp.Seek(1), Listpack::kNone);
  EXPECT_EQ(lp.Seek(-2), Listpack::kNone);
  EXPECT_EQ(lp.Erase(lp.First()), Listpack::kNone);
  EXPECT_TRUE(lp.empty());
  EXPECT_EQ(lp.bytes(), 0u);
}

TEST(ListpackTest, IntegersAreCompactAndExact) {
  const int64_t vals[] = {0,          1,         127,           128,
                          -1,         -128,      -129,          255,
                          32767,      -32768,    32768,         1 << 23,
                          -(1 << 23), INT32_MAX, INT32_MIN,     int64_t{1} << 40,
                          INT64_MAX,  INT64_MIN, INT64_MAX - 1, INT64_MIN + 1};
  Listpack lp;
  std::vector<std::string> want;
  for (int64_t v : vals) {
    lp.PushBack(v);
    want.push_back(std::to_string(v));
  }
  ExpectContents(lp, want);
  size_t i = 0;
  for (auto p = lp.First(); p != Listpack::kNone; p = lp.Next(p), ++i) {
    auto v = lp.Get(p);
    EXPECT_TRUE(v.is_int);
    EXPECT_EQ(v.ival, vals[i]);
  }
  Listpack small;
  small.PushBack(int64_t{5});
  EXPECT_EQ(small.bytes(), Listpack::kHeaderSize + 2);  // header byte + backlen
  Listpack big;
  big.PushBack(INT64_MIN);
  EXPECT_EQ(big.bytes(), Listpack::kHeaderSize + 10);
}

TEST(ListpackTest, CanonicalIntegerStrings) {
  int64_t v;
  EXPECT_TRUE(Listpack::ParseCanonicalInt("0", &v));
  EXPECT_EQ(v, 0);
  EXPECT_TRUE(Listpack::ParseCanonicalInt("-9223372036854775808", &v));
  EXPECT_EQ(v, INT64_MIN);
  EXPECT_TRUE(Listpack::ParseCanonicalInt("9223372036854775807", &v));
  EXPECT_EQ(v, INT64_MAX);
  for (const char* s : {"", "-", "-0", "00", "012", "+1", " 1", "1 ", "1a", "9223372036854775808",
                        "-9223372036854775809", "99999999999999999999", "1.0", "0x10"}) {
    EXPECT_FALSE(Listpack::ParseCanonicalInt(s, &v)) << s;
  }
  Listpack lp;
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

TEST(ListpackTest, StringLengthsAcrossEncodings) {
  Listpack lp;
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

TEST(ListpackTest, BinaryStrings) {
  std::string bin("\0\r\n\xff\x80zz", 7);
  Listpack lp;
  lp.PushBack(bin);
  lp.PushFront(std::string_view("\0", 1));
  ExpectContents(lp, {std::string("\0", 1), bin});
  EXPECT_TRUE(lp.Equals(lp.Last(), bin));
  EXPECT_EQ(lp.Find(lp.First(), bin), lp.Last());
}

TEST(ListpackTest, PushFrontInsertReplaceErase) {
  Listpack lp;
  lp.PushBack("b");
  lp.PushFront("a");
  lp.PushBack(int64_t{3});
  ExpectContents(lp, {"a", "b", "3"});
  auto p = lp.Insert(lp.Seek(1), "x");
  EXPECT_EQ(At(lp, p), "x");
  ExpectContents(lp, {"a", "x", "b", "3"});
  p = lp.Insert(Listpack::kNone, "end");
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
  EXPECT_EQ(p, Listpack::kNone);
  ExpectContents(lp, {"-7", "3"});
  p = lp.Erase(lp.First(), 100);
  EXPECT_EQ(p, Listpack::kNone);
  EXPECT_TRUE(lp.empty());
}

TEST(ListpackTest, EraseRange) {
  Listpack lp;
  for (int i = 0; i < 10; ++i) lp.PushBack(int64_t{i});
  lp.EraseRange(-3, 2);
  ExpectContents(lp, {"0", "1", "2", "3", "4", "5", "6", "9"});
  lp.EraseRange(-100, 2);
  ExpectContents(lp, {"2", "3", "4", "5", "6", "9"});
  lp.EraseRange(10, 2);
  lp.EraseRange(4, 100);
  ExpectContents(lp, {"2", "3", "4", "5"});
}

TEST(ListpackTest, SelfAliasingValues) {
  Listpack lp;
  lp.PushBack(std::string(5000, 'q'));
  lp.PushBack("short");
  // Insert / replace with a view into the pack's own buffer.
  std::string_view own = lp.Get(lp.First()).str;
  lp.PushFront(own);
  own = lp.Get(lp.Last()).str;
  lp.Replace(lp.First(), own);
  ExpectContents(lp, {"short", std::string(5000, 'q'), "short"});
}

TEST(ListpackTest, FindWithSkip) {
  Listpack lp;  // field,value layout
  for (const char* s : {"f1", "v1", "f2", "f1", "10", "x", "f3", "10"}) lp.PushBack(s);
  EXPECT_EQ(lp.Find(lp.First(), "f1", 1), lp.Seek(0));
  EXPECT_EQ(lp.Find(lp.First(), "f2", 1), lp.Seek(2));
  EXPECT_EQ(lp.Find(lp.Seek(1), "f1", 1), lp.Seek(3));  // value positions only
  EXPECT_EQ(lp.Find(lp.First(), "10", 1), lp.Seek(4));
  EXPECT_EQ(lp.Find(lp.First(), "x", 1), Listpack::kNone);
  EXPECT_EQ(lp.Find(lp.First(), "x"), lp.Seek(5));
  EXPECT_EQ(lp.Find(lp.First(), "010"), Listpack::kNone);
  EXPECT_EQ(lp.Find(lp.Seek(5), "10"), lp.Seek(7));
  EXPECT_EQ(lp.Find(lp.First(), "v1", 2), Listpack::kNone);
  EXPECT_TRUE(lp.Equals(lp.Seek(4), "10"));
  EXPECT_FALSE(lp.Equals(lp.Seek(4), "010"));
  EXPECT_FALSE(lp.Equals(lp.Seek(0), "f"));
}

TEST(ListpackTest, CopyMoveAppendSplit) {
  Listpack a;
  for (int i = 0; i < 5; ++i) a.PushBack(std::string("a").append(std::to_string(i)));
  Listpack b = a;
  b.PushBack("extra");
  EXPECT_EQ(a.size(), 5u);
  EXPECT_EQ(b.size(), 6u);
  Listpack c = std::move(b);
  EXPECT_EQ(c.size(), 6u);
  EXPECT_TRUE(b.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty by contract
  a.Append(c);
  EXPECT_EQ(a.size(), 11u);
  Listpack tail = a.SplitAt(a.Seek(3));
  ExpectContents(a, {"a0", "a1", "a2"});
  ExpectContents(tail, {"a3", "a4", "a0", "a1", "a2", "a3", "a4", "extra"});
  Listpack all = a.SplitAt(a.First());
  EXPECT_TRUE(a.empty());
  ExpectContents(all, {"a0", "a1", "a2"});
  Listpack e;
  e.Append(all);
  ExpectContents(e, {"a0", "a1", "a2"});
  const Listpack& self = e;
  e = self;  // self-assignment keeps contents
  ExpectContents(e, {"a0", "a1", "a2"});
}

TEST(ListpackTest, ValueView) {
  char buf[Listpack::kIntBufSize];
  Listpack::Value v;
  v.is_int = true;
  v.ival = INT64_MIN;
  EXPECT_EQ(v.View(buf), "-9223372036854775808");
  EXPECT_EQ(Listpack::EntrySize("abc"), 5u);
  EXPECT_EQ(Listpack::EntrySize("100"), 2u);
  EXPECT_EQ(Listpack::EntrySize(std::string(100, 'x')), 103u);
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

TEST(ListpackTest, RandomizedAgainstDeque) {
  std::mt19937_64 rng(12345);
  Listpack lp;
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
        lp.Insert(i == n ? Listpack::kNone : lp.Seek(i), v);
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
