// CRC64 as Redis computes it for DUMP payloads and RDB files (Jones polynomial, reflected).
#ifndef SHOAL_DATASTRUCTS_CRC64_H_
#define SHOAL_DATASTRUCTS_CRC64_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace shoal {

// CRC-64 with the Jones polynomial 0xad93d23594c935a9, bit-reflected input and output, no final
// xor: the variant whose check value over "123456789" is 0xe9c6d914c4b8d9ca. Pass the previous
// result as crc to continue a checksum over more bytes (0 to start).
uint64_t Crc64(uint64_t crc, const void* data, size_t n);
inline uint64_t Crc64(std::string_view data) { return Crc64(0, data.data(), data.size()); }

}  // namespace shoal

#endif  // SHOAL_DATASTRUCTS_CRC64_H_
