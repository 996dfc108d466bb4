// Unit tests for the LZ codec: round trips of many shapes of input, the size cap, and malformed
// streams rejected without reading or writing out of bounds.
#include "datastructs/lz.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace shoal {
namespace {

std::string RoundTrip(const std::string& in, size_t* compressed = nullptr) {
  std::vector<char> z(in.size() * 2 + 64);
  size_t n = lz::Compress(in.data(), in.size(), z.data(), z.size());
  EXPECT_GT(n, 0u);
  if (compressed) *compressed = n;
  std::string out(in.size(), '\0');
  EXPECT_TRUE(lz::Decompress(z.data(), n, out.data(), out.size()));
  return out;
}

TEST(LzTest, EmptyAndTiny) {
  for (size_t n = 0; n < 40; ++n) {
    std::string s;
    for (size_t i = 0; i < n; ++i) s.push_back(static_cast<char>('a' + i % 3));
    EXPECT_EQ(RoundTrip(s), s) << n;
  }
}

TEST(LzTest, RepetitiveInputShrinks) {
  std::string s;
  for (int i = 0; i < 1000; ++i) s += "elem:" + std::to_string(100000 + i) + "\x0c";
  size_t z = 0;
  EXPECT_EQ(RoundTrip(s, &z), s);
  EXPECT_LT(z, s.size() / 2);
  std::string same(10000, 'x');  // one long overlapping match with extended lengths
  EXPECT_EQ(RoundTrip(same, &z), same);
  EXPECT_LT(z, 100u);
}

TEST(LzTest, RandomInputsOfManyShapes) {
  std::mt19937_64 rng(7);
  for (int iter = 0; iter < 400; ++iter) {
    size_t n = rng() % 70000;
    int alphabet = 1 + static_cast<int>(rng() % 256);
    std::string s(n, '\0');
    for (size_t i = 0; i < n; ++i) {
      // Stretches copied from earlier output mixed with fresh bytes, at all distances.
      if (i > 8 && rng() % 4 == 0) {
        size_t dist = 1 + rng() % std::min<size_t>(i, 70000);
        size_t len = std::min<size_t>(n - i, rng() % 300);
        for (size_t k = 0; k < len; ++k, ++i) s[i] = s[i - dist];
        if (i >= n) break;
      }
      s[i] = static_cast<char>(rng() % alphabet);
    }
    ASSERT_EQ(RoundTrip(s), s) << "iteration " << iter << " size " << n;
  }
}

TEST(LzTest, CapIsRespected) {
  std::mt19937_64 rng(3);
  std::string s(5000, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  std::vector<char> z(s.size() + 64);
  for (size_t cap : {0ul, 1ul, 100ul, 4999ul}) {
    EXPECT_EQ(lz::Compress(s.data(), s.size(), z.data(), cap), 0u) << cap;  // random: no gain
  }
  size_t n = lz::Compress(s.data(), s.size(), z.data(), z.size());
  ASSERT_GT(n, s.size());  // incompressible input costs its token bytes
  std::string big(5000, 'q');
  size_t full = lz::Compress(big.data(), big.size(), z.data(), z.size());
  EXPECT_EQ(lz::Compress(big.data(), big.size(), z.data(), full), full);
  EXPECT_EQ(lz::Compress(big.data(), big.size(), z.data(), full - 1), 0u);
}

TEST(LzTest, MalformedStreamsAreRejected) {
  std::string s;
  for (int i = 0; i < 300; ++i) s += "key:" + std::to_string(i % 37) + ",";
  std::vector<char> z(s.size() * 2 + 64);
  size_t n = lz::Compress(s.data(), s.size(), z.data(), z.size());
  ASSERT_GT(n, 0u);
  std::string out(s.size(), '\0');
  // Wrong sizes: every truncation, one byte extra, an output size off by one either way.
  for (size_t cut = 0; cut < n; ++cut)
    EXPECT_FALSE(lz::Decompress(z.data(), cut, out.data(), out.size()));
  std::vector<char> longer(z.begin(), z.begin() + n);
  longer.push_back(0);
  EXPECT_FALSE(lz::Decompress(longer.data(), longer.size(), out.data(), out.size()));
  EXPECT_FALSE(lz::Decompress(z.data(), n, out.data(), out.size() - 1));
  std::string bigger(s.size() + 1, '\0');
  EXPECT_FALSE(lz::Decompress(z.data(), n, bigger.data(), bigger.size()));
  // A distance reaching before the start, and distance 0.
  const char far[] = {0x10, 'a', 0x05, 0x00};  // 1 literal, then a match 5 back
  std::string o(10, '\0');
  EXPECT_FALSE(lz::Decompress(far, sizeof(far), o.data(), 5));
  const char zero[] = {0x10, 'a', 0x00, 0x00};
  EXPECT_FALSE(lz::Decompress(zero, sizeof(zero), o.data(), 5));
  // Random garbage never crashes (ASan checks the bounds) and rarely decodes.
  std::mt19937_64 rng(11);
  for (int i = 0; i < 20000; ++i) {
    std::string g(rng() % 64, '\0');
    for (char& c : g) c = static_cast<char>(rng());
    std::string dst(rng() % 300, '\0');
    lz::Decompress(g.data(), g.size(), dst.data(), dst.size());
  }
}

}  // namespace
}  // namespace shoal
