// Bit-level operations on byte strings for the bitmap commands (SETBIT, BITCOUNT, BITPOS, BITOP,
// BITFIELD). Bit 0 is the most significant bit of byte 0, as in Redis; bits past the end of the
// data read as 0.
#pragma once

#include <cstddef>
#include <cstdint>

namespace shoal::bitops {

inline int GetBit(const uint8_t* data, size_t len, uint64_t bit) {
  const uint64_t byte = bit >> 3;
  if (byte >= len) return 0;
  return (data[byte] >> (7 - (bit & 7))) & 1;
}

// Sets or clears a bit inside the data (the caller makes room first); returns its old value.
inline int SetBit(uint8_t* data, uint64_t bit, int on) {
  uint8_t& b = data[bit >> 3];
  const auto mask = static_cast<uint8_t>(1u << (7 - (bit & 7)));
  const int old = (b & mask) != 0;
  b = static_cast<uint8_t>(on ? (b | mask) : (b & ~mask));
  return old;
}

// Set bits among bits first..last (inclusive) of data, which must hold bit `last`.
uint64_t CountBits(const uint8_t* data, uint64_t first, uint64_t last);

// Position of the first bit equal to `bit` (0 or 1) among bits first..last (inclusive, inside the
// data), or -1 when there is none.
int64_t FindBit(const uint8_t* data, uint64_t first, uint64_t last, int bit);

// BITOP: dst[i] = op over srcs[k][i] for i < dst_len, each source zero-padded past its length.
enum class BitOp { kAnd, kOr, kXor, kNot };
void Combine(BitOp op, const uint8_t* const* srcs, const size_t* lens, size_t n, uint8_t* dst,
             size_t dst_len);

// BITFIELD fields: `bits` (1..64) bits starting at bit `offset`, most significant first; reads
// past `len` see zeros. Signed fields are two's complement.
uint64_t GetUnsigned(const uint8_t* data, size_t len, uint64_t offset, int bits);
int64_t GetSigned(const uint8_t* data, size_t len, uint64_t offset, int bits);
// Writes the low `bits` bits of value; the data must hold bit offset + bits - 1.
void SetField(uint8_t* data, uint64_t offset, int bits, uint64_t value);

// What BITFIELD's SET and INCRBY do when the result does not fit the field.
enum class Overflow { kWrap, kSat, kFail };
// value + incr for a field of `bits` bits (signed: 1..64, unsigned: 1..63). Returns false when the
// exact result does not fit; *out is then the wrapped (kWrap) or saturated (kSat) value, and is
// left alone for kFail. For an unsigned field `value` is taken as an unsigned 64-bit number
// (a negative SET value is a huge one that overflows), as Redis does.
bool SignedAdd(int64_t value, int64_t incr, int bits, Overflow ow, int64_t* out);
bool UnsignedAdd(uint64_t value, int64_t incr, int bits, Overflow ow, uint64_t* out);

}  // namespace shoal::bitops
