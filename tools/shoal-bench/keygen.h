// Key number generators for shoal-bench: uniform, sequential, zipf and gaussian over [min, max].
#ifndef SHOAL_TOOLS_SHOAL_BENCH_KEYGEN_H_
#define SHOAL_TOOLS_SHOAL_BENCH_KEYGEN_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/random/random.h"
#include "absl/status/statusor.h"

namespace shoal::bench {

// Fast, seedable, not for secrets: one per thread, never shared.
using Rng = absl::InsecureBitGen;
Rng MakeRng(uint64_t seed, uint64_t stream);

enum class KeyPattern { kUniform, kSequential, kZipf, kGaussian };

struct KeyDistribution {
  KeyPattern pattern = KeyPattern::kUniform;
  // zipf: P(rank k) ~ 1 / k^exponent. 0.99 is YCSB's default "hot set" skew.
  double zipf_exponent = 0.99;
  // gaussian: standard deviation as a fraction of the key range; 1/6 puts +-3 sigma at the
  // ends of the range.
  double gaussian_sigma = 1.0 / 6.0;
};

// Parses "uniform", "sequential", "zipf", "zipf:1.2", "gaussian", "gaussian:0.1".
absl::StatusOr<KeyDistribution> ParseKeyPattern(std::string_view text);
std::string KeyPatternName(const KeyDistribution& d);

// Draws ranks 1..n with P(k) proportional to k^-s for any s > 0 in O(1) expected time, by
// rejection-inversion (Hörmann & Derflinger, 1996): sample a continuous hat h(x) = x^-s by
// inverting its integral H, round to the nearest integer k, and accept the top h(k) of the
// hat's area around k. Because h is convex, that area is always at least h(k), so accepted
// ranks have exactly the wanted weights; for rank 1 the hat is cut to exactly h(1), so the
// most frequent draw is never rejected. No table, so n can be billions.
class ZipfSampler {
 public:
  ZipfSampler(uint64_t n, double exponent);
  uint64_t Sample(Rng& rng) const;

 private:
  double H(double x) const;     // Integral of x^-s from 1 to x.
  double HInv(double u) const;  // Inverse of H.
  double h(double x) const;     // x^-s.

  uint64_t n_;
  double s_;
  double u_low_;   // H(1.5) - h(1): start of the sampled area, so rank 1 owns exactly h(1).
  double u_high_;  // H(n + 0.5).
};

// One per thread. Sequential generators walk the whole range starting at `start`, so threads
// given different starts cover different parts of it first.
class KeyGenerator {
 public:
  KeyGenerator(const KeyDistribution& dist, uint64_t min, uint64_t max, uint64_t start);
  uint64_t Next(Rng& rng);

  uint64_t min() const { return min_; }
  uint64_t max() const { return max_; }

 private:
  KeyDistribution dist_;
  uint64_t min_;
  uint64_t max_;
  uint64_t next_;  // sequential
  ZipfSampler zipf_;
  double mean_;
  double sigma_;
};

}  // namespace shoal::bench

#endif  // SHOAL_TOOLS_SHOAL_BENCH_KEYGEN_H_
