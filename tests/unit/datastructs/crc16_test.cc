// Tests for Crc16 and KeySlot against values Redis Cluster documents and computes.
#include "datastructs/crc16.h"

#include <random>
#include <string>
#include <string_view>

#include "gtest/gtest.h"

namespace shoal {
namespace {

TEST(Crc16Test, KnownValues) {
  // The standard CRC check value for XMODEM, also quoted in the Redis Cluster spec.
  EXPECT_EQ(Crc16("123456789"), 0x31C3);
  EXPECT_EQ(Crc16(""), 0x0000);
  // Single bytes are table entries: "A" = 0x41 gives 0x58E5 in XMODEM.
  EXPECT_EQ(Crc16("A"), 0x58E5);
}

// Bit-at-a-time CRC straight from the definition, to check the table-driven version against.
uint16_t ReferenceCrc16(std::string_view data) {
  uint16_t crc = 0;
  for (char c : data) {
    crc ^= static_cast<uint16_t>(static_cast<uint8_t>(c) << 8);
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 0x8000) ? static_cast<uint16_t>((crc << 1) ^ 0x1021)
                           : static_cast<uint16_t>(crc << 1);
    }
  }
  return crc;
}

TEST(Crc16Test, HighBytesAndNul) {
  // Bytes >= 0x80 must not be sign-extended into the table index, and NUL is data.
  EXPECT_EQ(Crc16(std::string_view("\xff", 1)), 0x1EF0);
  EXPECT_EQ(Crc16(std::string_view("\x00", 1)), 0x0000);
  EXPECT_NE(Crc16(std::string_view("a\x00", 2)), Crc16("a"));
}

TEST(Crc16Test, MatchesBitwiseReference) {
  std::mt19937_64 rng(42);
  for (int len = 0; len < 200; ++len) {
    std::string s(len, '\0');
    for (char& c : s) c = static_cast<char>(rng());
    EXPECT_EQ(Crc16(s), ReferenceCrc16(s)) << "len " << len;
  }
}

TEST(KeySlotTest, KnownSlots) {
  EXPECT_EQ(KeySlot("foo"), 12182);
  EXPECT_EQ(KeySlot("bar"), 5061);
  EXPECT_EQ(KeySlot("123456789"), 0x31C3 % 16384);
  EXPECT_EQ(KeySlot(""), 0);
}

TEST(KeySlotTest, HashTagsShareSlot) {
  EXPECT_EQ(KeySlot("{user1000}.following"), KeySlot("{user1000}.followers"));
  EXPECT_EQ(KeySlot("{user1000}.following"), KeySlot("user1000"));
  EXPECT_EQ(KeySlot("x{foo}y"), KeySlot("foo"));
}

TEST(KeySlotTest, HashTagEdgeCases) {
  // Empty tag: the whole key is hashed.
  EXPECT_EQ(KeySlot("foo{}{bar}"), Crc16("foo{}{bar}") % 16384);
  EXPECT_NE(KeySlot("foo{}{bar}"), KeySlot("bar"));
  // First '{' to the first '}' after it.
  EXPECT_EQ(KeySlot("foo{{bar}}zap"), KeySlot("{bar"));
  EXPECT_EQ(KeySlot("foo{{bar}}zap"), Crc16("{bar") % 16384);
  EXPECT_EQ(KeySlot("foo{bar}{zap}"), KeySlot("bar"));
  // No closing brace, or closing before opening: whole key.
  EXPECT_EQ(KeySlot("foo{bar"), Crc16("foo{bar") % 16384);
  EXPECT_EQ(KeySlot("foo}bar{"), Crc16("foo}bar{") % 16384);
  EXPECT_EQ(KeySlot("}{x}"), KeySlot("x"));
}

TEST(KeySlotTest, AlwaysBelowSlotCount) {
  for (int i = 0; i < 100000; ++i) {
    EXPECT_LT(KeySlot("key:" + std::to_string(i)), 16384);
  }
}

}  // namespace
}  // namespace shoal
