// bitops: counting, searching, combining and bit fields checked against bit-by-bit references
// on random data and ranges, plus the overflow rules of BITFIELD.
#include "datastructs/bitops.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

namespace shoal::bitops {
namespace {

int RefBit(const std::vector<uint8_t>& d, uint64_t i) {
  return i / 8 < d.size() ? (d[i / 8] >> (7 - i % 8)) & 1 : 0;
}

std::vector<uint8_t> RandomBytes(std::mt19937_64& rng, size_t n) {
  std::vector<uint8_t> d(n);
  // Mostly runs of 0x00 / 0xFF with some noise, so the word-at-a-time skips are exercised.
  for (auto& b : d) {
    uint64_t r = rng() % 8;
    b = r < 3 ? 0x00 : r < 6 ? 0xFF : static_cast<uint8_t>(rng());
  }
  return d;
}

TEST(BitopsTest, GetAndSetBit) {
  std::vector<uint8_t> d(2, 0);
  EXPECT_EQ(SetBit(d.data(), 0, 1), 0);
  EXPECT_EQ(d[0], 0x80);
  EXPECT_EQ(SetBit(d.data(), 15, 1), 0);
  EXPECT_EQ(d[1], 0x01);
  EXPECT_EQ(SetBit(d.data(), 0, 0), 1);
  EXPECT_EQ(GetBit(d.data(), d.size(), 15), 1);
  EXPECT_EQ(GetBit(d.data(), d.size(), 16), 0);  // past the end
  EXPECT_EQ(GetBit(d.data(), d.size(), uint64_t{1} << 40), 0);
}

TEST(BitopsTest, CountAndFindMatchReference) {
  std::mt19937_64 rng(7);
  for (int iter = 0; iter < 3000; ++iter) {
    auto d = RandomBytes(rng, 1 + rng() % 70);
    const uint64_t nbits = d.size() * 8;
    uint64_t a = rng() % nbits, b = rng() % nbits;
    if (a > b) std::swap(a, b);
    uint64_t want = 0;
    int64_t first1 = -1, first0 = -1;
    for (uint64_t i = a; i <= b; ++i) {
      int v = RefBit(d, i);
      want += v;
      if (v && first1 < 0) first1 = static_cast<int64_t>(i);
      if (!v && first0 < 0) first0 = static_cast<int64_t>(i);
    }
    ASSERT_EQ(CountBits(d.data(), a, b), want) << a << ".." << b;
    ASSERT_EQ(FindBit(d.data(), a, b, 1), first1) << a << ".." << b;
    ASSERT_EQ(FindBit(d.data(), a, b, 0), first0) << a << ".." << b;
  }
}

TEST(BitopsTest, FindInLongUniformRuns) {
  std::vector<uint8_t> d(1000, 0xFF);
  EXPECT_EQ(FindBit(d.data(), 0, 7999, 0), -1);
  d[777] = 0xFE;
  EXPECT_EQ(FindBit(d.data(), 0, 7999, 0), 777 * 8 + 7);
  EXPECT_EQ(FindBit(d.data(), 3, 777 * 8 + 6, 0), -1);
  std::vector<uint8_t> z(1000, 0);
  z[999] = 1;
  EXPECT_EQ(FindBit(z.data(), 0, 7999, 1), 7999);
  EXPECT_EQ(CountBits(z.data(), 0, 7999), 1u);
}

TEST(BitopsTest, CombineMatchesReference) {
  std::mt19937_64 rng(11);
  for (int iter = 0; iter < 500; ++iter) {
    const size_t n = 1 + rng() % 4;
    std::vector<std::vector<uint8_t>> src(n);
    std::vector<const uint8_t*> ptrs;
    std::vector<size_t> lens;
    size_t maxlen = 0;
    for (auto& s : src) {
      s = RandomBytes(rng, rng() % 40);
      ptrs.push_back(s.data());
      lens.push_back(s.size());
      maxlen = std::max(maxlen, s.size());
    }
    for (BitOp op : {BitOp::kAnd, BitOp::kOr, BitOp::kXor, BitOp::kNot}) {
      const size_t k = op == BitOp::kNot ? 1 : n;
      const size_t len = op == BitOp::kNot ? lens[0] : maxlen;
      std::vector<uint8_t> got(len, 0x5A);
      Combine(op, ptrs.data(), lens.data(), k, got.data(), len);
      for (size_t i = 0; i < len; ++i) {
        auto at = [&](size_t j) { return i < src[j].size() ? src[j][i] : uint8_t{0}; };
        uint8_t want = at(0);
        if (op == BitOp::kNot) want = static_cast<uint8_t>(~want);
        for (size_t j = 1; j < k; ++j) {
          if (op == BitOp::kAnd) want &= at(j);
          if (op == BitOp::kOr) want |= at(j);
          if (op == BitOp::kXor) want ^= at(j);
        }
        ASSERT_EQ(got[i], want) << "op " << static_cast<int>(op) << " byte " << i;
      }
    }
  }
}

TEST(BitopsTest, FieldsRoundTripAndMatchReference) {
  std::mt19937_64 rng(3);
  for (int iter = 0; iter < 3000; ++iter) {
    std::vector<uint8_t> d = RandomBytes(rng, 12);
    const int bits = 1 + static_cast<int>(rng() % 64);
    const uint64_t off = rng() % (96 - bits + 1);
    uint64_t want = 0;
    for (int i = 0; i < bits; ++i) want = (want << 1) | static_cast<uint64_t>(RefBit(d, off + i));
    ASSERT_EQ(GetUnsigned(d.data(), d.size(), off, bits), want);
    int64_t sw = static_cast<int64_t>(want);
    if (bits < 64 && (want >> (bits - 1)) & 1) sw = static_cast<int64_t>(want | (~uint64_t{0} << bits));
    ASSERT_EQ(GetSigned(d.data(), d.size(), off, bits), sw);
    const uint64_t v = rng();
    auto before = d;
    SetField(d.data(), off, bits, v);
    const uint64_t mask = bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
    ASSERT_EQ(GetUnsigned(d.data(), d.size(), off, bits), v & mask);
    for (uint64_t i = 0; i < 96; ++i) {  // nothing outside the field changed
      if (i < off || i >= off + bits) {
        ASSERT_EQ(RefBit(d, i), RefBit(before, i));
      }
    }
  }
  // Past the end reads zeros.
  std::vector<uint8_t> d = {0xFF};
  EXPECT_EQ(GetUnsigned(d.data(), d.size(), 4, 8), 0xF0u);
  EXPECT_EQ(GetSigned(d.data(), d.size(), 0, 4), -1);
}

TEST(BitopsTest, SignedOverflow) {
  int64_t out = 0;
  EXPECT_TRUE(SignedAdd(100, 27, 8, Overflow::kWrap, &out));
  EXPECT_EQ(out, 127);
  EXPECT_FALSE(SignedAdd(127, 1, 8, Overflow::kWrap, &out));
  EXPECT_EQ(out, -128);
  EXPECT_FALSE(SignedAdd(127, 1, 8, Overflow::kSat, &out));
  EXPECT_EQ(out, 127);
  EXPECT_FALSE(SignedAdd(-128, -1, 8, Overflow::kSat, &out));
  EXPECT_EQ(out, -128);
  out = 42;
  EXPECT_FALSE(SignedAdd(-128, -1, 8, Overflow::kFail, &out));
  EXPECT_EQ(out, 42);
  EXPECT_FALSE(SignedAdd(300, 0, 8, Overflow::kWrap, &out));  // SET i8 300
  EXPECT_EQ(out, 44);
  EXPECT_FALSE(SignedAdd(INT64_MAX, 1, 64, Overflow::kWrap, &out));
  EXPECT_EQ(out, INT64_MIN);
  EXPECT_FALSE(SignedAdd(INT64_MIN, -1, 64, Overflow::kSat, &out));
  EXPECT_EQ(out, INT64_MIN);
  EXPECT_FALSE(SignedAdd(1, 0, 1, Overflow::kWrap, &out));  // i1 holds -1..0
  EXPECT_EQ(out, -1);
}

TEST(BitopsTest, UnsignedOverflow) {
  uint64_t out = 0;
  // The example of Redis' BITFIELD documentation: u2 counters with wrap and with saturation.
  EXPECT_TRUE(UnsignedAdd(2, 1, 2, Overflow::kWrap, &out));
  EXPECT_EQ(out, 3u);
  EXPECT_FALSE(UnsignedAdd(3, 1, 2, Overflow::kWrap, &out));
  EXPECT_EQ(out, 0u);
  EXPECT_FALSE(UnsignedAdd(3, 1, 2, Overflow::kSat, &out));
  EXPECT_EQ(out, 3u);
  EXPECT_FALSE(UnsignedAdd(0, -1, 8, Overflow::kSat, &out));
  EXPECT_EQ(out, 0u);
  EXPECT_FALSE(UnsignedAdd(0, -1, 8, Overflow::kWrap, &out));
  EXPECT_EQ(out, 255u);
  // SET u8 -1: the value is read as 2^64 - 1.
  EXPECT_FALSE(UnsignedAdd(static_cast<uint64_t>(-1), 0, 8, Overflow::kWrap, &out));
  EXPECT_EQ(out, 255u);
  EXPECT_FALSE(UnsignedAdd(static_cast<uint64_t>(-1), 0, 8, Overflow::kSat, &out));
  EXPECT_EQ(out, 255u);
  EXPECT_TRUE(UnsignedAdd(0, INT64_MAX, 63, Overflow::kFail, &out));
  EXPECT_EQ(out, static_cast<uint64_t>(INT64_MAX));
}

}  // namespace
}  // namespace shoal::bitops
