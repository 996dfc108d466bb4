// Log-linear latency histogram (3 significant digits, 1 ns .. 60 s) that threads merge at the end.
#ifndef SHOAL_TOOLS_SHOAL_BENCH_HISTOGRAM_H_
#define SHOAL_TOOLS_SHOAL_BENCH_HISTOGRAM_H_

#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace shoal::bench {

// Values are nanoseconds. Below 2048 ns every value has its own bucket; above, each power of
// two is split into 1024 equal buckets, so a bucket is never wider than 1/1024 of its lower
// edge: any reported value is within 0.1% of the true one (3 significant digits). That is
// the same guarantee HDR histograms give, with a layout simple enough to index in a few
// instructions on the hot path. Values above kMaxValue are clamped and counted as overflow.
constexpr size_t HistogramBucketIndex(uint64_t v) {
  // Shift so the value keeps 11 significant bits; small values keep all of theirs.
  const int width = std::bit_width(v | 1);
  const int shift = width > 11 ? width - 11 : 0;
  return (static_cast<size_t>(shift) << 10) + static_cast<size_t>(v >> shift);
}

class LatencyHistogram {
 public:
  static constexpr int kSubBucketBits = 10;
  static constexpr uint64_t kSubBucketCount = uint64_t{1} << kSubBucketBits;  // 1024
  static constexpr uint64_t kMaxValue = 60'000'000'000;                       // 60 s

  static constexpr size_t BucketIndex(uint64_t v) { return HistogramBucketIndex(v); }
  // Smallest and largest value that land in bucket `index`.
  static constexpr uint64_t BucketLow(size_t index) {
    if (index < 2 * kSubBucketCount) return index;
    const int shift = static_cast<int>(index >> kSubBucketBits) - 1;
    return ((index & (kSubBucketCount - 1)) + kSubBucketCount) << shift;
  }
  static constexpr uint64_t BucketHigh(size_t index) {
    if (index < 2 * kSubBucketCount) return index;
    const int shift = static_cast<int>(index >> kSubBucketBits) - 1;
    return BucketLow(index) + (uint64_t{1} << shift) - 1;
  }
  static constexpr size_t kBucketCount = HistogramBucketIndex(kMaxValue) + 1;

  LatencyHistogram() : counts_(kBucketCount, 0) {}

  void Record(uint64_t ns) {
    if (ns > kMaxValue) {
      ++overflow_;
      ns = kMaxValue;
    }
    ++counts_[BucketIndex(ns)];
    ++count_;
    sum_ += static_cast<double>(ns);
    if (ns < min_) min_ = ns;
    if (ns > max_) max_ = ns;
  }

  void Merge(const LatencyHistogram& other);
  void Reset();

  uint64_t count() const { return count_; }
  uint64_t overflow() const { return overflow_; }
  uint64_t min() const { return count_ ? min_ : 0; }
  uint64_t max() const { return max_; }
  double mean() const { return count_ ? sum_ / static_cast<double>(count_) : 0.0; }
  double stddev() const;

  // The value below or at which `percentile` percent of the samples fall (nearest rank),
  // reported as its bucket's upper edge (never above the exact max): an upper bound within
  // 0.1% of the exact order statistic, like HDR's "highest equivalent value".
  uint64_t ValueAtPercentile(double percentile) const;
  // How many samples are <= value (exact at bucket edges).
  uint64_t CountAtOrBelow(uint64_t value) const;

  // Calls f(low, high, count) for every non-empty bucket in increasing order.
  template <typename F>
  void ForEachBucket(F&& f) const {
    for (size_t i = 0; i < counts_.size(); ++i) {
      if (counts_[i] != 0) f(BucketLow(i), BucketHigh(i), counts_[i]);
    }
  }

 private:
  std::vector<uint64_t> counts_;
  uint64_t count_ = 0;
  uint64_t overflow_ = 0;
  uint64_t min_ = UINT64_MAX;
  uint64_t max_ = 0;
  double sum_ = 0;
};

}  // namespace shoal::bench

#endif  // SHOAL_TOOLS_SHOAL_BENCH_HISTOGRAM_H_
