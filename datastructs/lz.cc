// LZ77 compression with a one-probe hash table of 4-byte sequences, greedy matching.
#include "datastructs/lz.h"

#include <cstdint>
#include <cstring>

namespace shoal::lz {

namespace {

constexpr size_t kMinMatch = 4;
constexpr size_t kMaxDistance = 65535;
constexpr int kHashBits = 12;
// A match never runs into the last bytes, so the final sequence always carries literals and the
// 4-byte loads below stay inside the input.
constexpr size_t kTailLiterals = 5;

uint32_t Load32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

uint32_t Hash(uint32_t v) { return (v * 2654435761u) >> (32 - kHashBits); }

// Writes a count's continuation bytes (the part at or above 15); false when out of room.
bool PutExtra(size_t extra, char*& op, const char* end) {
  while (extra >= 255) {
    if (op == end) return false;
    *op++ = static_cast<char>(255);
    extra -= 255;
  }
  if (op == end) return false;
  *op++ = static_cast<char>(extra);
  return true;
}

bool PutSequence(const char* lit, size_t nlit, size_t match, size_t dist, char*& op,
                 const char* end) {
  if (op == end) return false;
  size_t m = match ? match - kMinMatch : 0;
  *op++ = static_cast<char>(((nlit < 15 ? nlit : 15) << 4) | (m < 15 ? m : 15));
  if (nlit >= 15 && !PutExtra(nlit - 15, op, end)) return false;
  if (static_cast<size_t>(end - op) < nlit) return false;
  std::memcpy(op, lit, nlit);
  op += nlit;
  if (match == 0) return true;
  if (end - op < 2) return false;
  *op++ = static_cast<char>(dist & 0xff);
  *op++ = static_cast<char>(dist >> 8);
  return m < 15 || PutExtra(m - 15, op, end);
}

// Reads a count's continuation bytes; false when the input ends first.
bool GetExtra(const uint8_t*& ip, const uint8_t* end, size_t* count) {
  for (;;) {
    if (ip == end) return false;
    uint8_t b = *ip++;
    *count += b;
    if (b != 255) return true;
  }
}

}  // namespace

size_t Compress(const char* src, size_t n, char* dst, size_t cap) {
  char* op = dst;
  const char* end = dst + cap;
  const char* anchor = src;  // start of the literals not yet written
  if (n > kTailLiterals + kMinMatch) {
    uint32_t table[1 << kHashBits];
    std::memset(table, 0, sizeof(table));  // entries are positions + 1; 0 = empty
    const char* limit = src + n - kTailLiterals;
    const char* ip = src;
    while (ip + kMinMatch <= limit) {
      uint32_t seq = Load32(ip);
      uint32_t h = Hash(seq);
      size_t cand = table[h];
      size_t pos = static_cast<size_t>(ip - src);
      table[h] = static_cast<uint32_t>(pos + 1);
      if (cand == 0 || pos - (cand - 1) > kMaxDistance || Load32(src + cand - 1) != seq) {
        ++ip;
        continue;
      }
      const char* ref = src + cand - 1;
      size_t len = kMinMatch;
      while (ip + len < limit && ip[len] == ref[len]) ++len;
      if (!PutSequence(anchor, static_cast<size_t>(ip - anchor), len, static_cast<size_t>(ip - ref),
                       op, end)) {
        return 0;
      }
      // Index a position inside the match too, so the next repeat can find it.
      if (len > 2) table[Hash(Load32(ip + len - 2))] = static_cast<uint32_t>(pos + len - 2 + 1);
      ip += len;
      anchor = ip;
    }
  }
  if (!PutSequence(anchor, static_cast<size_t>(src + n - anchor), 0, 0, op, end)) return 0;
  return static_cast<size_t>(op - dst);
}

bool Decompress(const char* src, size_t n, char* dst, size_t raw_n) {
  const uint8_t* ip = reinterpret_cast<const uint8_t*>(src);
  const uint8_t* in_end = ip + n;
  char* op = dst;
  char* out_end = dst + raw_n;
  for (;;) {
    if (ip == in_end) return false;
    uint8_t token = *ip++;
    size_t nlit = token >> 4;
    if (nlit == 15 && !GetExtra(ip, in_end, &nlit)) return false;
    if (static_cast<size_t>(in_end - ip) < nlit || static_cast<size_t>(out_end - op) < nlit) {
      return false;
    }
    std::memcpy(op, ip, nlit);
    op += nlit;
    ip += nlit;
    if (op == out_end) return ip == in_end;
    if (in_end - ip < 2) return false;
    size_t dist = ip[0] | (static_cast<size_t>(ip[1]) << 8);
    ip += 2;
    size_t len = (token & 15);
    if (len == 15 && !GetExtra(ip, in_end, &len)) return false;
    len += kMinMatch;
    if (dist == 0 || dist > static_cast<size_t>(op - dst) ||
        static_cast<size_t>(out_end - op) < len) {
      return false;
    }
    const char* ref = op - dist;
    if (dist >= len) {
      std::memcpy(op, ref, len);
    } else {
      for (size_t i = 0; i < len; ++i) op[i] = ref[i];
    }
    op += len;
    if (op == out_end) return ip == in_end;
  }
}

}  // namespace shoal::lz
