// HyperLogLog: the sparse editor against a plain register array under random updates (the
// opcodes must always decode to the same registers, dense or sparse), promotion to dense,
// estimates within the error HLL promises, merging and corrupt-input detection.
#include "datastructs/hyperloglog.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace shoal::hll {
namespace {

std::vector<uint8_t> Registers(const std::string& v) {
  std::vector<uint8_t> regs(kRegisters, 0);
  EXPECT_TRUE(MergeInto(v, regs.data()));
  return regs;
}

TEST(HyperLogLogTest, NewIsEmptySparse) {
  const std::string v = NewSparse();
  EXPECT_EQ(v.size(), kHeaderSize + 2);
  EXPECT_TRUE(LooksValid(v));
  EXPECT_EQ(EncodingOf(v), kSparse);
  bool invalid = false;
  EXPECT_EQ(Count(v, &invalid), 0u);
  EXPECT_FALSE(invalid);
  uint64_t cached = 1;
  EXPECT_TRUE(CachedCount(v, &cached));
  EXPECT_EQ(cached, 0u);
}

TEST(HyperLogLogTest, PatternLenIsTrailingZerosPlusOne) {
  int seen_max = 0;
  for (int i = 0; i < 200000; ++i) {
    uint32_t idx;
    const int c = PatternLen(std::to_string(i), &idx);
    ASSERT_GE(c, 1);
    ASSERT_LE(c, 64 - kP + 1);
    ASSERT_LT(idx, static_cast<uint32_t>(kRegisters));
    seen_max = std::max(seen_max, c);
  }
  EXPECT_GE(seen_max, 12);  // 2e5 draws reach runs of ~17
}

// Random register raises through the sparse editor, checked after each step against a plain
// register array; the sparse limit is high enough that most of the walk stays sparse.
TEST(HyperLogLogTest, SparseEditsMatchPlainRegisters) {
  std::mt19937_64 rng(5);
  for (int round = 0; round < 20; ++round) {
    std::string v = NewSparse();
    std::vector<uint8_t> want(kRegisters, 0);
    const size_t limit = round % 2 ? 3000 : 1 << 20;
    for (int step = 0; step < 3000; ++step) {
      // Clustered indexes make neighbouring VAL runs (and their merges) common.
      const uint32_t idx = step % 3 == 0 ? static_cast<uint32_t>(rng() % kRegisters)
                                         : static_cast<uint32_t>((rng() % 64) + round * 512);
      const auto count = static_cast<uint8_t>(1 + rng() % (step % 50 == 0 ? 40 : 6));
      const int r = Set(&v, idx, count, limit);
      ASSERT_GE(r, 0);
      const bool raise = count > want[idx];
      ASSERT_EQ(r, raise ? 1 : 0) << "step " << step;
      if (raise) want[idx] = count;
      if (step % 97 == 0 || EncodingOf(v) == kDense) {
        ASSERT_EQ(Registers(v), want) << "round " << round << " step " << step;
      }
      if (EncodingOf(v) == kSparse) {
        ASSERT_LE(v.size(), limit);
      }
    }
    ASSERT_EQ(Registers(v), want);
    bool invalid = false;
    EXPECT_EQ(Count(v, &invalid), CountRegisters(want.data()));
    EXPECT_FALSE(invalid);
  }
}

TEST(HyperLogLogTest, PromotesAtTheSparseLimitAndForBigValues) {
  std::string v = NewSparse();
  ASSERT_EQ(Set(&v, 100, kSparseMaxValue, 3000), 1);
  EXPECT_EQ(EncodingOf(v), kSparse);
  ASSERT_EQ(Set(&v, 200, kSparseMaxValue + 1, 3000), 1);
  EXPECT_EQ(EncodingOf(v), kDense);
  EXPECT_EQ(v.size(), kDenseSize);
  EXPECT_EQ(DenseGet(reinterpret_cast<const uint8_t*>(v.data()) + kHeaderSize, 100), kSparseMaxValue);
  EXPECT_EQ(DenseGet(reinterpret_cast<const uint8_t*>(v.data()) + kHeaderSize, 200), kSparseMaxValue + 1);

  std::string s = NewSparse();
  int added = 0;
  for (uint32_t i = 0; EncodingOf(s) == kSparse; i += 3) {
    ASSERT_EQ(Set(&s, i, 2, 300), 1);
    ++added;
  }
  EXPECT_GT(added, 50);
  EXPECT_EQ(EncodingOf(s), kDense);
}

TEST(HyperLogLogTest, EstimatesWithinErrorBounds) {
  // Standard error 1.04 / sqrt(16384) = 0.81%; allow 4 sigma.
  for (int n : {1, 10, 100, 1000, 10000, 100000, 500000}) {
    std::string v = NewSparse();
    for (int i = 0; i < n; ++i) ASSERT_GE(Add(&v, "element:" + std::to_string(i), 3000), 0);
    bool invalid = false;
    const double est = static_cast<double>(Count(v, &invalid));
    ASSERT_FALSE(invalid);
    EXPECT_NEAR(est, n, std::max(1.0, n * 0.0325)) << n;
  }
}

TEST(HyperLogLogTest, DenseAndSparseAgreeAndMergeTakesMaxima) {
  std::string a = NewSparse(), b = NewSparse(), both = NewSparse();
  for (int i = 0; i < 3000; ++i) {
    // (std::string(1, c) + ...: GCC 12 warns falsely about "a" + std::string.)
    const std::string ea = std::string(1, 'a').append(std::to_string(i));
    const std::string eb = std::string(1, 'b').append(std::to_string(i));
    Add(&a, ea, 1 << 20);  // stays sparse
    Add(&b, eb, 0);        // dense at once
    Add(&both, ea, 3000);
    Add(&both, eb, 3000);
  }
  EXPECT_EQ(EncodingOf(a), kSparse);
  EXPECT_EQ(EncodingOf(b), kDense);
  std::vector<uint8_t> max(kRegisters, 0);
  ASSERT_TRUE(MergeInto(a, max.data()));
  ASSERT_TRUE(MergeInto(b, max.data()));
  EXPECT_EQ(max, Registers(both));
  std::string dense = a;
  ASSERT_TRUE(SparseToDense(&dense));
  EXPECT_EQ(Registers(dense), Registers(a));
  bool invalid = false;
  EXPECT_EQ(Count(dense, &invalid), Count(a, &invalid));
}

TEST(HyperLogLogTest, CachedCountRoundTrips) {
  std::string v = NewSparse();
  SetCachedCount(v.data(), 0x0102030405060708ULL & ~(uint64_t{1} << 63));
  uint64_t got = 0;
  ASSERT_TRUE(CachedCount(v, &got));
  EXPECT_EQ(got, 0x0102030405060708ULL);
  InvalidateCache(v.data());
  EXPECT_FALSE(CachedCount(v, &got));
}

TEST(HyperLogLogTest, CorruptInputIsReported) {
  EXPECT_FALSE(LooksValid("HYL"));
  EXPECT_FALSE(LooksValid(std::string("HYLX") + std::string(12, '\0')));
  std::string bad_enc = NewSparse();
  bad_enc[4] = 2;
  EXPECT_FALSE(LooksValid(bad_enc));
  std::string short_dense = NewSparse();
  short_dense[4] = kDense;
  EXPECT_FALSE(LooksValid(short_dense));
  // Sparse opcodes that cover too few or too many registers.
  std::string few = NewSparse();
  few[kHeaderSize + 1] = 0;  // XZERO of 0x3f01 registers
  bool invalid = false;
  Count(few, &invalid);
  EXPECT_TRUE(invalid);
  std::vector<uint8_t> max(kRegisters, 0);
  EXPECT_FALSE(MergeInto(few, max.data()));
  EXPECT_EQ(Set(&few, kRegisters - 1, 3, 3000), -1);
  std::string many = NewSparse();
  many.push_back(static_cast<char>(0x80));  // a VAL past the last register
  EXPECT_FALSE(MergeInto(many, max.data()));
  EXPECT_FALSE(SparseToDense(&many));
  std::string cut = NewSparse();
  cut.resize(kHeaderSize + 1);  // an XZERO missing its second byte
  invalid = false;
  Count(cut, &invalid);
  EXPECT_TRUE(invalid);
}

}  // namespace
}  // namespace shoal::hll

namespace shoal::hll {
namespace {

TEST(HyperLogLogTest, DecodeAndEncodeDenseMatchRegisterAccess) {
  std::mt19937_64 rng(17);
  std::vector<uint8_t> regs(kDenseSize - kHeaderSize, 0), want(kRegisters);
  for (uint32_t i = 0; i < kRegisters; ++i) {
    want[i] = static_cast<uint8_t>(rng() % 64);
    DenseSet(regs.data(), i, want[i]);
  }
  std::vector<uint8_t> got(kRegisters);
  DecodeDense(regs.data(), got.data());
  EXPECT_EQ(got, want);
  std::vector<uint8_t> packed(regs.size(), 0xAA);
  EncodeDense(want.data(), packed.data());
  EXPECT_EQ(packed, regs);
}

}  // namespace
}  // namespace shoal::hll
