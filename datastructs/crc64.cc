// CRC64 (Jones, reflected), slicing-by-8.
#include "datastructs/crc64.h"

#include <array>
#include <cstring>

namespace shoal {
namespace {

// 0xad93d23594c935a9 with its bits reversed: a reflected CRC shifts right, so the polynomial is
// applied mirrored.
constexpr uint64_t kReflectedPoly = 0x95ac9329ac4bc9b5ULL;

// kTables[k][b]: the CRC contribution of byte b followed by k zero bytes. An 8-byte block is then
// eight independent lookups instead of a chain of eight dependent ones (payloads reach hundreds of
// megabytes, and RESTORE checksums all of them before decoding).
using Table = std::array<uint64_t, 256>;

constexpr std::array<Table, 8> MakeTables() {
  std::array<Table, 8> t{};
  for (int byte = 0; byte < 256; ++byte) {
    uint64_t crc = static_cast<uint64_t>(byte);
    for (int bit = 0; bit < 8; ++bit) crc = (crc & 1) ? (crc >> 1) ^ kReflectedPoly : crc >> 1;
    t[0][byte] = crc;
  }
  for (int k = 1; k < 8; ++k) {
    for (int byte = 0; byte < 256; ++byte) {
      const uint64_t prev = t[k - 1][byte];
      t[k][byte] = (prev >> 8) ^ t[0][prev & 0xff];
    }
  }
  return t;
}

constexpr std::array<Table, 8> kTables = MakeTables();

}  // namespace

uint64_t Crc64(uint64_t crc, const void* data, size_t n) {
  const auto* p = static_cast<const unsigned char*>(data);
  while (n >= 8) {
    uint64_t block;
    memcpy(&block, p, 8);  // little-endian hosts only, as the rest of Shoal assumes
    crc ^= block;
    crc = kTables[7][crc & 0xff] ^ kTables[6][(crc >> 8) & 0xff] ^ kTables[5][(crc >> 16) & 0xff] ^
          kTables[4][(crc >> 24) & 0xff] ^ kTables[3][(crc >> 32) & 0xff] ^
          kTables[2][(crc >> 40) & 0xff] ^ kTables[1][(crc >> 48) & 0xff] ^ kTables[0][crc >> 56];
    p += 8;
    n -= 8;
  }
  while (n-- > 0) crc = kTables[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
  return crc;
}

}  // namespace shoal
