// Merging and percentile queries of the latency histogram.
#include "tools/shoal-bench/histogram.h"

#include <algorithm>
#include <cmath>

namespace shoal::bench {

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  if (other.count_ == 0) return;
  for (size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  overflow_ += other.overflow_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

void LatencyHistogram::Reset() {
  std::fill(counts_.begin(), counts_.end(), 0);
  count_ = overflow_ = 0;
  min_ = UINT64_MAX;
  max_ = 0;
  sum_ = 0;
}

double LatencyHistogram::stddev() const {
  if (count_ == 0) return 0;
  // Bucket midpoints are within 0.1% of every sample in them, which is plenty here.
  const double m = mean();
  double acc = 0;
  ForEachBucket([&](uint64_t lo, uint64_t hi, uint64_t n) {
    const double mid = (static_cast<double>(lo) + static_cast<double>(hi)) / 2;
    acc += (mid - m) * (mid - m) * static_cast<double>(n);
  });
  return std::sqrt(acc / static_cast<double>(count_));
}

uint64_t LatencyHistogram::ValueAtPercentile(double percentile) const {
  if (count_ == 0) return 0;
  if (percentile <= 0) return min();
  if (percentile >= 100) return max_;
  // Nearest rank: the smallest sample with at least `percentile`% of samples at or below it.
  uint64_t rank =
      static_cast<uint64_t>(std::ceil(percentile / 100.0 * static_cast<double>(count_)));
  rank = std::clamp<uint64_t>(rank, 1, count_);
  uint64_t seen = 0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::min(BucketHigh(i), max_);
  }
  return max_;
}

uint64_t LatencyHistogram::CountAtOrBelow(uint64_t value) const {
  const size_t last = BucketIndex(std::min(value, kMaxValue));
  uint64_t n = 0;
  for (size_t i = 0; i <= last; ++i) n += counts_[i];
  return n;
}

}  // namespace shoal::bench
