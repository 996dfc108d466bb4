// Tests of shoal-bench's key generators: parsing, ranges, and statistics of zipf and gaussian with
// fixed seeds.
#include "tools/shoal-bench/keygen.h"

#include <cmath>
#include <map>
#include <vector>

#include "gtest/gtest.h"

namespace shoal::bench {
namespace {

TEST(KeyPattern, Parses) {
  EXPECT_EQ(ParseKeyPattern("uniform")->pattern, KeyPattern::kUniform);
  EXPECT_EQ(ParseKeyPattern("Sequential")->pattern, KeyPattern::kSequential);
  auto z = ParseKeyPattern("zipf");
  ASSERT_TRUE(z.ok());
  EXPECT_EQ(z->pattern, KeyPattern::kZipf);
  EXPECT_DOUBLE_EQ(z->zipf_exponent, 0.99);
  EXPECT_DOUBLE_EQ(ParseKeyPattern("zipf:1.5")->zipf_exponent, 1.5);
  EXPECT_DOUBLE_EQ(ParseKeyPattern("gaussian:0.05")->gaussian_sigma, 0.05);
  EXPECT_NEAR(ParseKeyPattern("gaussian")->gaussian_sigma, 1.0 / 6, 1e-12);
  EXPECT_FALSE(ParseKeyPattern("zipf:0").ok());
  EXPECT_FALSE(ParseKeyPattern("zipf:-1").ok());
  EXPECT_FALSE(ParseKeyPattern("zipf:abc").ok());
  EXPECT_FALSE(ParseKeyPattern("uniform:2").ok());
  EXPECT_FALSE(ParseKeyPattern("pareto").ok());
  EXPECT_EQ(KeyPatternName(*ParseKeyPattern("zipf:1.2")), "zipf:1.2");
}

TEST(KeyGenerator, UniformStaysInRangeAndCoversIt) {
  KeyDistribution d;
  KeyGenerator g(d, 10, 29, 10);
  Rng rng = MakeRng(42, 0);
  std::map<uint64_t, int> seen;
  for (int i = 0; i < 200000; ++i) {
    const uint64_t k = g.Next(rng);
    ASSERT_GE(k, 10u);
    ASSERT_LE(k, 29u);
    ++seen[k];
  }
  ASSERT_EQ(seen.size(), 20u);
  // Chi-square with 19 degrees of freedom: 99.99th percentile is about 50.
  double chi2 = 0;
  for (auto& [k, n] : seen) chi2 += (n - 10000.0) * (n - 10000.0) / 10000.0;
  EXPECT_LT(chi2, 50);
}

TEST(KeyGenerator, SequentialWalksAndWrapsFromItsStart) {
  KeyDistribution d;
  d.pattern = KeyPattern::kSequential;
  KeyGenerator g(d, 1, 5, 4);
  Rng rng = MakeRng(1, 0);
  std::vector<uint64_t> got;
  for (int i = 0; i < 7; ++i) got.push_back(g.Next(rng));
  EXPECT_EQ(got, (std::vector<uint64_t>{4, 5, 1, 2, 3, 4, 5}));
}

TEST(KeyGenerator, SameSeedSameKeysOtherStreamOtherKeys) {
  KeyDistribution d;
  KeyGenerator a(d, 1, 1'000'000, 1), b(d, 1, 1'000'000, 1), c(d, 1, 1'000'000, 1);
  Rng ra = MakeRng(9, 0), rb = MakeRng(9, 0), rc = MakeRng(9, 1);
  int same_ab = 0, same_ac = 0;
  for (int i = 0; i < 1000; ++i) {
    const uint64_t x = a.Next(ra), y = b.Next(rb), z = c.Next(rc);
    same_ab += x == y;
    same_ac += x == z;
  }
  EXPECT_EQ(same_ab, 1000);
  EXPECT_LT(same_ac, 5);
}

class ZipfTest : public ::testing::TestWithParam<double> {};

TEST_P(ZipfTest, RankFrequencyFollowsThePowerLaw) {
  const double s = GetParam();
  constexpr uint64_t kN = 1000;
  constexpr int kSamples = 2'000'000;
  ZipfSampler z(kN, s);
  Rng rng = MakeRng(1234, 0);
  std::vector<double> freq(kN + 1, 0);
  for (int i = 0; i < kSamples; ++i) {
    const uint64_t k = z.Sample(rng);
    ASSERT_GE(k, 1u);
    ASSERT_LE(k, kN);
    ++freq[k];
  }
  // Exact probabilities: p(k) = k^-s / sum_j j^-s.
  double norm = 0;
  for (uint64_t k = 1; k <= kN; ++k) norm += std::pow(static_cast<double>(k), -s);
  for (uint64_t k = 1; k <= 10; ++k) {
    const double p = std::pow(static_cast<double>(k), -s) / norm;
    const double sigma = std::sqrt(p * (1 - p) / kSamples);
    EXPECT_NEAR(freq[k] / kSamples, p, 5 * sigma) << "rank " << k;
  }
  // Least-squares slope of log(frequency) against log(rank) over the first 100 ranks is -s.
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  constexpr int kRanks = 100;
  for (int k = 1; k <= kRanks; ++k) {
    const double x = std::log(k), y = std::log(freq[static_cast<size_t>(k)] / kSamples);
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  const double slope = (kRanks * sxy - sx * sy) / (kRanks * sxx - sx * sx);
  EXPECT_NEAR(slope, -s, 0.03);
}

INSTANTIATE_TEST_SUITE_P(Exponents, ZipfTest, ::testing::Values(0.5, 0.99, 1.0, 1.2, 2.0));

TEST(Zipf, ChiSquareOverAllRanksOfASmallKeyspace) {
  constexpr uint64_t kN = 50;
  constexpr int kSamples = 500000;
  ZipfSampler z(kN, 0.99);
  Rng rng = MakeRng(77, 3);
  std::vector<double> freq(kN + 1, 0);
  for (int i = 0; i < kSamples; ++i) ++freq[z.Sample(rng)];
  double norm = 0;
  for (uint64_t k = 1; k <= kN; ++k) norm += std::pow(static_cast<double>(k), -0.99);
  double chi2 = 0;
  for (uint64_t k = 1; k <= kN; ++k) {
    const double expected = kSamples * std::pow(static_cast<double>(k), -0.99) / norm;
    chi2 += (freq[k] - expected) * (freq[k] - expected) / expected;
  }
  // 49 degrees of freedom: the 99.99th percentile is about 95.
  EXPECT_LT(chi2, 95);
}

TEST(Zipf, HugeKeyspaceStaysInRange) {
  ZipfSampler z(5'000'000'000ull, 0.99);
  Rng rng = MakeRng(5, 0);
  for (int i = 0; i < 100000; ++i) {
    const uint64_t k = z.Sample(rng);
    ASSERT_GE(k, 1u);
    ASSERT_LE(k, 5'000'000'000ull);
  }
}

TEST(KeyGenerator, ZipfPutsTheHotKeyAtKeyMin) {
  KeyDistribution d = *ParseKeyPattern("zipf:1.1");
  KeyGenerator g(d, 1000, 1999, 1000);
  Rng rng = MakeRng(3, 0);
  std::map<uint64_t, int> seen;
  for (int i = 0; i < 100000; ++i) {
    const uint64_t k = g.Next(rng);
    ASSERT_GE(k, 1000u);
    ASSERT_LE(k, 1999u);
    ++seen[k];
  }
  int best = 0;
  uint64_t hottest = 0;
  for (auto& [k, n] : seen) {
    if (n > best) {
      best = n;
      hottest = k;
    }
  }
  EXPECT_EQ(hottest, 1000u);
}

struct Moments {
  double mean = 0, stddev = 0;
  uint64_t lo = UINT64_MAX, hi = 0;
};

Moments GaussianMoments(double sigma_fraction, uint64_t min, uint64_t max, int samples) {
  KeyDistribution d;
  d.pattern = KeyPattern::kGaussian;
  d.gaussian_sigma = sigma_fraction;
  KeyGenerator g(d, min, max, min);
  Rng rng = MakeRng(2024, 0);
  double sum = 0, sumsq = 0;
  Moments m;
  for (int i = 0; i < samples; ++i) {
    const uint64_t k = g.Next(rng);
    m.lo = std::min(m.lo, k);
    m.hi = std::max(m.hi, k);
    sum += static_cast<double>(k);
    sumsq += static_cast<double>(k) * static_cast<double>(k);
  }
  m.mean = sum / samples;
  m.stddev = std::sqrt(sumsq / samples - m.mean * m.mean);
  return m;
}

TEST(Gaussian, MeanAndStddevWithNegligibleTruncation) {
  // sigma = 5% of the range: +-10 sigma fits, so truncation does not show.
  const Moments m = GaussianMoments(0.05, 1, 1'000'001, 500000);
  EXPECT_NEAR(m.mean, 500'001, 0.005 * 50'000);  // Standard error is sigma/sqrt(n) ~ 0.0014 sigma.
  EXPECT_NEAR(m.stddev, 50'000, 0.01 * 50'000);
  EXPECT_GE(m.lo, 1u);
  EXPECT_LE(m.hi, 1'000'001u);
}

TEST(Gaussian, DefaultSigmaIsTruncatedAtThreeSigma) {
  const Moments m = GaussianMoments(1.0 / 6, 0, 600'000, 500000);
  // A normal truncated at +-3 sigma has stddev sigma * sqrt(1 - 6 phi(3) / (2 Phi(3) - 1)).
  const double phi3 = std::exp(-4.5) / std::sqrt(2 * M_PI);
  const double big_phi3 = 0.5 * std::erfc(-3 / std::sqrt(2.0));
  const double expected = 100'000 * std::sqrt(1 - 6 * phi3 / (2 * big_phi3 - 1));
  EXPECT_NEAR(m.mean, 300'000, 500);
  EXPECT_NEAR(m.stddev, expected, 0.01 * expected);
  EXPECT_GE(m.lo, 0u);
  EXPECT_LE(m.hi, 600'000u);
}

TEST(Gaussian, TinyRangeStillWorks) {
  const Moments m = GaussianMoments(1.0 / 6, 7, 7, 1000);
  EXPECT_EQ(m.lo, 7u);
  EXPECT_EQ(m.hi, 7u);
}

}  // namespace
}  // namespace shoal::bench
