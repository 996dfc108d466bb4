// Tests of shoal-bench's latency histogram: bucket layout, percentiles vs exact order statistics,
// merge.
#include "tools/shoal-bench/histogram.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace shoal::bench {
namespace {

constexpr double kPercentiles[] = {0.1, 1, 10, 25, 50, 75, 90, 99, 99.9, 99.99, 100};

// The nearest-rank percentile of the exact samples, the definition the histogram follows.
uint64_t ExactPercentile(std::vector<uint64_t> sorted, double p) {
  const uint64_t n = sorted.size();
  uint64_t rank = static_cast<uint64_t>(std::ceil(p / 100.0 * static_cast<double>(n)));
  rank = std::clamp<uint64_t>(rank, 1, n);
  return sorted[rank - 1];
}

// The 3-significant-digit contract: the reported value is the exact one rounded up to its
// bucket's upper edge, so exact <= reported <= exact * (1 + 1/1024).
void ExpectWithinBound(const LatencyHistogram& h, std::vector<uint64_t> samples) {
  std::sort(samples.begin(), samples.end());
  for (double p : kPercentiles) {
    const uint64_t exact = ExactPercentile(samples, p);
    const uint64_t got = h.ValueAtPercentile(p);
    EXPECT_GE(got, exact) << "p" << p;
    EXPECT_LE(static_cast<double>(got), static_cast<double>(exact) * (1.0 + 1.0 / 1024) + 1e-9)
        << "p" << p;
    EXPECT_LT(std::abs(static_cast<double>(got) - static_cast<double>(exact)),
              0.001 * static_cast<double>(exact) + 1)
        << "p" << p;
  }
  EXPECT_EQ(h.min(), samples.front());
  EXPECT_EQ(h.max(), samples.back());
  EXPECT_EQ(h.count(), samples.size());
}

TEST(HistogramLayout, BucketsTileTheRangeWithBoundedWidth) {
  for (size_t i = 0; i + 1 < LatencyHistogram::kBucketCount; ++i) {
    ASSERT_EQ(LatencyHistogram::BucketHigh(i) + 1, LatencyHistogram::BucketLow(i + 1)) << i;
    const uint64_t lo = LatencyHistogram::BucketLow(i);
    const uint64_t width = LatencyHistogram::BucketHigh(i) - lo + 1;
    ASSERT_LE(width, std::max<uint64_t>(1, lo / 1024)) << i;
  }
  EXPECT_GE(LatencyHistogram::BucketHigh(LatencyHistogram::kBucketCount - 1),
            LatencyHistogram::kMaxValue);
}

TEST(HistogramLayout, ValuesLandInTheirBucket) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 200000; ++i) {
    const uint64_t v = i < 5000 ? static_cast<uint64_t>(i) : rng() % LatencyHistogram::kMaxValue;
    const size_t idx = LatencyHistogram::BucketIndex(v);
    ASSERT_LT(idx, LatencyHistogram::kBucketCount);
    ASSERT_LE(LatencyHistogram::BucketLow(idx), v);
    ASSERT_GE(LatencyHistogram::BucketHigh(idx), v);
  }
  // Small values (below 2048 ns) are exact.
  for (uint64_t v = 0; v < 2048; ++v)
    EXPECT_EQ(LatencyHistogram::BucketHigh(LatencyHistogram::BucketIndex(v)), v);
}

TEST(Histogram, EmptyReportsZeros) {
  LatencyHistogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.ValueAtPercentile(50), 0u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.max(), 0u);
  EXPECT_EQ(h.mean(), 0.0);
}

TEST(Histogram, SmallIntegersAreExact) {
  LatencyHistogram h;
  for (uint64_t v = 1; v <= 100; ++v) h.Record(v);
  EXPECT_EQ(h.ValueAtPercentile(50), 50u);
  EXPECT_EQ(h.ValueAtPercentile(90), 90u);
  EXPECT_EQ(h.ValueAtPercentile(99), 99u);
  EXPECT_EQ(h.ValueAtPercentile(99.9), 100u);
  EXPECT_EQ(h.ValueAtPercentile(100), 100u);
  EXPECT_EQ(h.ValueAtPercentile(0), 1u);
  EXPECT_DOUBLE_EQ(h.mean(), 50.5);
  EXPECT_EQ(h.CountAtOrBelow(10), 10u);
}

TEST(Histogram, UniformMicrosecondsToSeconds) {
  std::mt19937_64 rng(1);
  std::uniform_int_distribution<uint64_t> dist(1'000, 2'000'000'000);
  LatencyHistogram h;
  std::vector<uint64_t> samples;
  for (int i = 0; i < 300000; ++i) {
    samples.push_back(dist(rng));
    h.Record(samples.back());
  }
  ExpectWithinBound(h, samples);
}

TEST(Histogram, ExponentialLatencies) {
  std::mt19937_64 rng(2);
  std::exponential_distribution<double> dist(1.0 / 250'000);  // mean 250 us
  LatencyHistogram h;
  std::vector<uint64_t> samples;
  for (int i = 0; i < 300000; ++i) {
    samples.push_back(static_cast<uint64_t>(dist(rng)) + 1000);
    h.Record(samples.back());
  }
  ExpectWithinBound(h, samples);
  EXPECT_NEAR(h.mean(), 251'000, 2'500);
  EXPECT_NEAR(h.stddev(), 250'000, 5'000);
}

TEST(Histogram, LogNormalWithLongTail) {
  std::mt19937_64 rng(3);
  std::lognormal_distribution<double> dist(std::log(100'000.0), 1.5);  // median 100 us
  LatencyHistogram h;
  std::vector<uint64_t> samples;
  for (int i = 0; i < 300000; ++i) {
    samples.push_back(
        std::min<uint64_t>(static_cast<uint64_t>(dist(rng)), LatencyHistogram::kMaxValue));
    h.Record(samples.back());
  }
  ExpectWithinBound(h, samples);
}

TEST(Histogram, BimodalWithStall) {
  // 99% around 50 us, 1% at ~200 ms: the p99.9 must land in the stall, not between modes.
  LatencyHistogram h;
  std::vector<uint64_t> samples;
  for (int i = 0; i < 99000; ++i) samples.push_back(50'000 + i % 1000);
  for (int i = 0; i < 1000; ++i) samples.push_back(200'000'000 + i * 1000);
  for (uint64_t v : samples) h.Record(v);
  ExpectWithinBound(h, samples);
  EXPECT_LT(h.ValueAtPercentile(99), 60'000u);
  EXPECT_GT(h.ValueAtPercentile(99.9), 200'000'000u);
}

TEST(Histogram, MergeEqualsRecordingEverythingInOne) {
  std::mt19937_64 rng(4);
  std::exponential_distribution<double> dist(1.0 / 1e6);
  LatencyHistogram a, b, c, all;
  for (int i = 0; i < 100000; ++i) {
    const uint64_t v = static_cast<uint64_t>(dist(rng));
    (i % 3 == 0 ? a : i % 3 == 1 ? b : c).Record(v);
    all.Record(v);
  }
  LatencyHistogram merged;
  merged.Merge(a);
  merged.Merge(b);
  merged.Merge(c);
  merged.Merge(LatencyHistogram());  // Empty merges are no-ops.
  EXPECT_EQ(merged.count(), all.count());
  EXPECT_EQ(merged.min(), all.min());
  EXPECT_EQ(merged.max(), all.max());
  EXPECT_NEAR(merged.mean(), all.mean(), 1e-6 * all.mean());
  for (double p : kPercentiles)
    EXPECT_EQ(merged.ValueAtPercentile(p), all.ValueAtPercentile(p)) << p;
  std::vector<std::tuple<uint64_t, uint64_t, uint64_t>> x, y;
  merged.ForEachBucket([&](uint64_t lo, uint64_t hi, uint64_t n) { x.emplace_back(lo, hi, n); });
  all.ForEachBucket([&](uint64_t lo, uint64_t hi, uint64_t n) { y.emplace_back(lo, hi, n); });
  EXPECT_EQ(x, y);
}

TEST(Histogram, ValuesAboveSixtySecondsAreClampedAndCounted) {
  LatencyHistogram h;
  h.Record(1000);
  h.Record(LatencyHistogram::kMaxValue * 2);
  EXPECT_EQ(h.overflow(), 1u);
  EXPECT_EQ(h.max(), LatencyHistogram::kMaxValue);
  EXPECT_EQ(h.ValueAtPercentile(100), LatencyHistogram::kMaxValue);
}

TEST(Histogram, ResetClearsEverything) {
  LatencyHistogram h;
  h.Record(5);
  h.Record(5'000'000);
  h.Reset();
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.max(), 0u);
  int buckets = 0;
  h.ForEachBucket([&](uint64_t, uint64_t, uint64_t) { ++buckets; });
  EXPECT_EQ(buckets, 0);
}

}  // namespace
}  // namespace shoal::bench
