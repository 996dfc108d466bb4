// CRC16 and key-to-slot mapping compatible with Redis Cluster (keys go to the same slot as there).
#ifndef SHOAL_DATASTRUCTS_CRC16_H_
#define SHOAL_DATASTRUCTS_CRC16_H_

#include <cstdint>
#include <string_view>

namespace shoal {

// Number of hash slots, as in Redis Cluster; clients computing slots themselves expect it.
inline constexpr uint16_t kNumSlots = 16384;

// CRC16-CCITT in the XMODEM variant (poly 0x1021, init 0, no reflection, no final xor).
uint16_t Crc16(std::string_view data);

// The slot of a key under Redis Cluster's hash-tag rule: when the key contains '{' and a later
// '}' with at least one byte between them, only the bytes between the first '{' and the first
// '}' after it are hashed, so related keys can be made to share a slot.
uint16_t KeySlot(std::string_view key);

}  // namespace shoal

#endif  // SHOAL_DATASTRUCTS_CRC16_H_
