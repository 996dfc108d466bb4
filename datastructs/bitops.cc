// Bit-level operations for the bitmap commands: counting and searching a word at a time.
#include "datastructs/bitops.h"

#include <algorithm>
#include <bit>
#include <cstring>

namespace shoal::bitops {

namespace {

// The bits a..b (0 = most significant, inclusive) of one byte.
inline uint8_t ByteMask(unsigned a, unsigned b) {
  return static_cast<uint8_t>((0xFFu >> a) & (0xFFu << (7 - b)));
}

inline uint64_t Load64(const uint8_t* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

// Set bits in p[0..n). The body is compiled twice: with the POPCNT instruction for the CPUs that
// have it (every x86-64 CPU of the last 15 years: 3 -> 38 GB/s in bench/bitops_bench on this
// machine) and without it for the baseline ISA.
__attribute__((always_inline)) inline uint64_t CountBytesBody(const uint8_t* p, size_t n) {
  uint64_t count = 0;
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    count += static_cast<uint64_t>(__builtin_popcountll(Load64(p + i))) +
             static_cast<uint64_t>(__builtin_popcountll(Load64(p + i + 8))) +
             static_cast<uint64_t>(__builtin_popcountll(Load64(p + i + 16))) +
             static_cast<uint64_t>(__builtin_popcountll(Load64(p + i + 24)));
  }
  for (; i + 8 <= n; i += 8) count += static_cast<uint64_t>(__builtin_popcountll(Load64(p + i)));
  for (; i < n; ++i) count += static_cast<uint64_t>(__builtin_popcount(p[i]));
  return count;
}

#if defined(__x86_64__)
__attribute__((target("popcnt"))) uint64_t CountBytesPopcnt(const uint8_t* p, size_t n) {
  return CountBytesBody(p, n);
}
#endif

uint64_t CountBytes(const uint8_t* p, size_t n) {
#if defined(__x86_64__)
  static const bool has_popcnt = __builtin_cpu_supports("popcnt");
  if (has_popcnt) return CountBytesPopcnt(p, n);
#endif
  return CountBytesBody(p, n);
}

// Index of the first byte in p[0..n) that holds a bit equal to `bit`, or n.
size_t FirstByteWith(const uint8_t* p, size_t n, int bit) {
  const uint64_t skip = bit ? 0 : ~uint64_t{0};
  const uint8_t skip_byte = bit ? 0 : 0xFF;
  size_t i = 0;
  for (; i + 8 <= n && Load64(p + i) == skip; i += 8) {
  }
  for (; i < n && p[i] == skip_byte; ++i) {
  }
  return i;
}

// Position (0..7, 0 = most significant) of the first bit of v inside mask equal to `bit`, or -1.
inline int FirstInByte(uint8_t v, uint8_t mask, int bit) {
  const auto hits = static_cast<uint8_t>((bit ? v : static_cast<uint8_t>(~v)) & mask);
  return hits == 0 ? -1 : std::countl_zero(hits);
}

}  // namespace

uint64_t CountBits(const uint8_t* data, uint64_t first, uint64_t last) {
  const uint64_t fb = first >> 3, lb = last >> 3;
  const auto fo = static_cast<unsigned>(first & 7), lo = static_cast<unsigned>(last & 7);
  if (fb == lb) return std::popcount(static_cast<unsigned>(data[fb] & ByteMask(fo, lo)));
  uint64_t count = std::popcount(static_cast<unsigned>(data[fb] & ByteMask(fo, 7)));
  count += CountBytes(data + fb + 1, lb - fb - 1);
  count += std::popcount(static_cast<unsigned>(data[lb] & ByteMask(0, lo)));
  return count;
}

int64_t FindBit(const uint8_t* data, uint64_t first, uint64_t last, int bit) {
  const uint64_t fb = first >> 3, lb = last >> 3;
  const auto fo = static_cast<unsigned>(first & 7), lo = static_cast<unsigned>(last & 7);
  auto at = [](uint64_t byte, int pos) { return static_cast<int64_t>(byte * 8 + pos); };
  if (fb == lb) {
    const int p = FirstInByte(data[fb], ByteMask(fo, lo), bit);
    return p < 0 ? -1 : at(fb, p);
  }
  int p = FirstInByte(data[fb], ByteMask(fo, 7), bit);
  if (p >= 0) return at(fb, p);
  const uint64_t mid = fb + 1 + FirstByteWith(data + fb + 1, lb - fb - 1, bit);
  if (mid < lb) return at(mid, FirstInByte(data[mid], 0xFF, bit));
  p = FirstInByte(data[lb], ByteMask(0, lo), bit);
  return p < 0 ? -1 : at(lb, p);
}

void Combine(BitOp op, const uint8_t* const* srcs, const size_t* lens, size_t n, uint8_t* dst,
             size_t dst_len) {
  if (dst_len == 0) return;
  const size_t l0 = n > 0 ? std::min(lens[0], dst_len) : 0;
  if (op == BitOp::kNot) {
    for (size_t i = 0; i < l0; ++i) dst[i] = static_cast<uint8_t>(~srcs[0][i]);
    // Past the source, NOT of the zero padding.
    if (l0 < dst_len) std::memset(dst + l0, 0xFF, dst_len - l0);
    return;
  }
  if (l0) std::memcpy(dst, srcs[0], l0);
  if (l0 < dst_len) std::memset(dst + l0, 0, dst_len - l0);
  for (size_t k = 1; k < n; ++k) {
    const uint8_t* s = srcs[k];
    const size_t l = std::min(lens[k], dst_len);
    switch (op) {
      case BitOp::kAnd:
        for (size_t i = 0; i < l; ++i) dst[i] &= s[i];
        if (l < dst_len) std::memset(dst + l, 0, dst_len - l);
        break;
      case BitOp::kOr:
        for (size_t i = 0; i < l; ++i) dst[i] |= s[i];
        break;
      case BitOp::kXor:
        for (size_t i = 0; i < l; ++i) dst[i] ^= s[i];
        break;
      case BitOp::kNot:
        break;
    }
  }
}

uint64_t GetUnsigned(const uint8_t* data, size_t len, uint64_t offset, int bits) {
  uint64_t v = 0;
  for (int i = 0; i < bits; ++i) {
    v = (v << 1) | static_cast<uint64_t>(GetBit(data, len, offset + static_cast<uint64_t>(i)));
  }
  return v;
}

int64_t GetSigned(const uint8_t* data, size_t len, uint64_t offset, int bits) {
  uint64_t v = GetUnsigned(data, len, offset, bits);
  if (bits < 64 && (v >> (bits - 1)) & 1) v |= ~uint64_t{0} << bits;  // sign extension
  return static_cast<int64_t>(v);
}

void SetField(uint8_t* data, uint64_t offset, int bits, uint64_t value) {
  for (int i = 0; i < bits; ++i) {
    SetBit(data, offset + static_cast<uint64_t>(i), static_cast<int>((value >> (bits - 1 - i)) & 1));
  }
}

bool SignedAdd(int64_t value, int64_t incr, int bits, Overflow ow, int64_t* out) {
  const __int128 r = static_cast<__int128>(value) + incr;
  const __int128 max = (static_cast<__int128>(1) << (bits - 1)) - 1;
  const __int128 min = -max - 1;
  if (r >= min && r <= max) {
    *out = static_cast<int64_t>(r);
    return true;
  }
  if (ow == Overflow::kSat) {
    *out = static_cast<int64_t>(r > max ? max : min);
  } else if (ow == Overflow::kWrap) {
    uint64_t u = static_cast<uint64_t>(r);
    if (bits < 64) {
      u &= (uint64_t{1} << bits) - 1;
      if ((u >> (bits - 1)) & 1) u |= ~uint64_t{0} << bits;
    }
    *out = static_cast<int64_t>(u);
  }
  return false;
}

bool UnsignedAdd(uint64_t value, int64_t incr, int bits, Overflow ow, uint64_t* out) {
  const __int128 r = static_cast<__int128>(value) + incr;
  const uint64_t max = (uint64_t{1} << bits) - 1;  // bits <= 63
  if (r >= 0 && r <= static_cast<__int128>(max)) {
    *out = static_cast<uint64_t>(r);
    return true;
  }
  if (ow == Overflow::kSat) {
    *out = r > 0 ? max : 0;
  } else if (ow == Overflow::kWrap) {
    *out = static_cast<uint64_t>(r) & max;
  }
  return false;
}

}  // namespace shoal::bitops
