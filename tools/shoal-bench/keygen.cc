// Key number generators for shoal-bench.
#include "tools/shoal-bench/keygen.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "tools/shoal-bench/text.h"

namespace shoal::bench {

Rng MakeRng(uint64_t seed, uint64_t stream) {
  std::seed_seq seq{static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32),
                    static_cast<uint32_t>(stream), static_cast<uint32_t>(stream >> 32)};
  return Rng(seq);
}

absl::StatusOr<KeyDistribution> ParseKeyPattern(std::string_view text) {
  KeyDistribution d;
  std::string_view name = text;
  std::string_view arg;
  if (size_t colon = text.find(':'); colon != std::string_view::npos) {
    name = text.substr(0, colon);
    arg = text.substr(colon + 1);
  }
  const std::string lower = absl::AsciiStrToLower(AV(name));
  double value = 0;
  if (!arg.empty() && (!absl::SimpleAtod(AV(arg), &value) || !std::isfinite(value) || value <= 0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--key-pattern: bad parameter '", AV(arg), "' (want a positive number)"));
  }
  if (lower == "uniform" || lower == "sequential") {
    if (!arg.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--key-pattern ", lower, " takes no parameter"));
    }
    d.pattern = lower == "uniform" ? KeyPattern::kUniform : KeyPattern::kSequential;
  } else if (lower == "zipf") {
    d.pattern = KeyPattern::kZipf;
    if (!arg.empty()) {
      if (value > 100) return absl::InvalidArgumentError("--key-pattern zipf: exponent too large");
      d.zipf_exponent = value;
    }
  } else if (lower == "gaussian") {
    d.pattern = KeyPattern::kGaussian;
    if (!arg.empty()) d.gaussian_sigma = value;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("--key-pattern: unknown pattern '", AV(text),
                     "' (uniform, sequential, zipf[:exponent], gaussian[:sigma])"));
  }
  return d;
}

std::string KeyPatternName(const KeyDistribution& d) {
  switch (d.pattern) {
    case KeyPattern::kUniform:
      return "uniform";
    case KeyPattern::kSequential:
      return "sequential";
    case KeyPattern::kZipf:
      return absl::StrCat("zipf:", d.zipf_exponent);
    case KeyPattern::kGaussian:
      return absl::StrCat("gaussian:", d.gaussian_sigma);
  }
  return "?";
}

namespace {

// log1p(y)/y and expm1(y)/y, continuous at y = 0. They keep H and its inverse accurate when
// the exponent is at or near 1, where the textbook forms divide 0 by 0.
double Log1pOverX(double y) { return std::abs(y) < 1e-8 ? 1.0 - y / 2 : std::log1p(y) / y; }
double Expm1OverX(double y) { return std::abs(y) < 1e-8 ? 1.0 + y / 2 : std::expm1(y) / y; }

}  // namespace

ZipfSampler::ZipfSampler(uint64_t n, double exponent) : n_(std::max<uint64_t>(n, 1)), s_(exponent) {
  u_low_ = H(1.5) - 1.0;
  u_high_ = H(static_cast<double>(n_) + 0.5);
}

double ZipfSampler::h(double x) const { return std::exp(-s_ * std::log(x)); }

double ZipfSampler::H(double x) const {
  // (x^(1-s) - 1) / (1-s), which is log(x) when s == 1.
  const double lx = std::log(x);
  return lx * Expm1OverX((1.0 - s_) * lx);
}

double ZipfSampler::HInv(double u) const {
  // (1 + (1-s) u)^(1/(1-s)), which is exp(u) when s == 1.
  return std::exp(u * Log1pOverX((1.0 - s_) * u));
}

uint64_t ZipfSampler::Sample(Rng& rng) const {
  while (true) {
    const double u = u_low_ + absl::Uniform<double>(rng, 0.0, 1.0) * (u_high_ - u_low_);
    const double x = HInv(u);
    const double kd = std::clamp(std::floor(x + 0.5), 1.0, static_cast<double>(n_));
    if (u >= H(kd + 0.5) - h(kd)) return static_cast<uint64_t>(kd);
  }
}

KeyGenerator::KeyGenerator(const KeyDistribution& dist, uint64_t min, uint64_t max, uint64_t start)
    : dist_(dist),
      min_(min),
      max_(max),
      next_(std::clamp(start, min, max)),
      zipf_(dist.pattern == KeyPattern::kZipf ? max - min + 1 : 1, dist.zipf_exponent) {
  const double span = static_cast<double>(max - min);
  mean_ = static_cast<double>(min) + span / 2;
  sigma_ = std::max(dist.gaussian_sigma * span, 1e-9);
}

uint64_t KeyGenerator::Next(Rng& rng) {
  switch (dist_.pattern) {
    case KeyPattern::kUniform:
      return absl::Uniform(absl::IntervalClosedClosed, rng, min_, max_);
    case KeyPattern::kSequential: {
      const uint64_t k = next_;
      next_ = k == max_ ? min_ : k + 1;
      return k;
    }
    case KeyPattern::kZipf:
      // Rank 1 is the hottest key: the hot set sits at the low end of the range.
      return min_ + zipf_.Sample(rng) - 1;
    case KeyPattern::kGaussian:
      // Truncated normal: draws outside the range are redrawn, not piled up at the ends.
      while (true) {
        const double x = std::round(absl::Gaussian<double>(rng, mean_, sigma_));
        if (x >= static_cast<double>(min_) && x <= static_cast<double>(max_)) {
          return static_cast<uint64_t>(x);
        }
      }
  }
  return min_;
}

}  // namespace shoal::bench
