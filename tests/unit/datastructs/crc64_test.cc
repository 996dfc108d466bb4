// CRC64 known answers (Redis' variant) and incremental use.
#include "datastructs/crc64.h"

#include <gtest/gtest.h>

#include <string>

namespace shoal {
namespace {

TEST(Crc64, KnownAnswer) {
  EXPECT_EQ(Crc64("123456789"), 0xe9c6d914c4b8d9caULL);
  EXPECT_EQ(Crc64(""), 0u);
}

TEST(Crc64, IncrementalEqualsWhole) {
  std::string s;
  for (int i = 0; i < 1000; ++i) s.push_back(static_cast<char>(i * 37 + 11));
  const uint64_t whole = Crc64(s);
  for (size_t cut : {0, 1, 7, 8, 9, 500, 999, 1000}) {
    uint64_t c = Crc64(0, s.data(), cut);
    c = Crc64(c, s.data() + cut, s.size() - cut);
    EXPECT_EQ(c, whole) << cut;
  }
}

// The slicing path and the byte path agree at every alignment and length.
TEST(Crc64, SlicingMatchesBytewise) {
  std::string s(100, '\0');
  for (size_t i = 0; i < s.size(); ++i) s[i] = static_cast<char>(i * 131 + 7);
  for (size_t len = 0; len <= 64; ++len) {
    uint64_t bytewise = 0;
    for (size_t i = 0; i < len; ++i) bytewise = Crc64(bytewise, s.data() + 3 + i, 1);
    EXPECT_EQ(Crc64(0, s.data() + 3, len), bytewise) << len;
  }
}

}  // namespace
}  // namespace shoal
