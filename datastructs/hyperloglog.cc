// HyperLogLog in Redis' string format: hashing, dense and sparse registers, merging, counting.
#include "datastructs/hyperloglog.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace shoal::hll {

namespace {

constexpr uint64_t kSeed = 0xadc83b19ULL;
constexpr int kQ = 64 - kP;  // hash bits left after the register index
constexpr uint8_t kRegisterMax = (1 << kBits) - 1;
constexpr int kZeroMaxLen = 64;
constexpr int kValMaxLen = 4;
constexpr double kAlphaInf = 0.721347520444481703680;  // 0.5 / ln(2)

// Sparse opcodes.
inline bool IsZero(uint8_t b) { return (b & 0xc0) == 0; }
inline bool IsXZero(uint8_t b) { return (b & 0xc0) == 0x40; }
inline bool IsVal(uint8_t b) { return (b & 0x80) != 0; }
inline int ZeroLen(uint8_t b) { return (b & 0x3f) + 1; }
inline int XZeroLen(const uint8_t* p) { return (((p[0] & 0x3f) << 8) | p[1]) + 1; }
inline int ValValue(uint8_t b) { return ((b >> 2) & 0x1f) + 1; }
inline int ValLen(uint8_t b) { return (b & 0x3) + 1; }
inline uint8_t* PutZero(uint8_t* p, int len) {
  *p = static_cast<uint8_t>(len - 1);
  return p + 1;
}
inline uint8_t* PutXZero(uint8_t* p, int len) {
  p[0] = static_cast<uint8_t>(((len - 1) >> 8) | 0x40);
  p[1] = static_cast<uint8_t>((len - 1) & 0xff);
  return p + 2;
}
inline uint8_t* PutZeros(uint8_t* p, int len) {
  return len > kZeroMaxLen ? PutXZero(p, len) : PutZero(p, len);
}
inline uint8_t ValByte(int value, int len) {
  return static_cast<uint8_t>(((value - 1) << 2 | (len - 1)) | 0x80);
}

uint8_t* Bytes(std::string* v) { return reinterpret_cast<uint8_t*>(v->data()); }
const uint8_t* Bytes(std::string_view v) { return reinterpret_cast<const uint8_t*>(v.data()); }

// Calls fn(run_length, value) for each sparse opcode (value 0 for zero runs); stops early when
// fn returns false. Returns how many registers the opcodes covered.
template <typename Fn>
int64_t WalkSparse(std::string_view v, Fn&& fn) {
  const uint8_t* p = Bytes(v) + kHeaderSize;
  const uint8_t* end = Bytes(v) + v.size();
  int64_t idx = 0;
  while (p < end) {
    int run, value = 0;
    if (IsZero(*p)) {
      run = ZeroLen(*p);
      p += 1;
    } else if (IsXZero(*p)) {
      if (p + 1 >= end) return -1;
      run = XZeroLen(p);
      p += 2;
    } else {
      run = ValLen(*p);
      value = ValValue(*p);
      p += 1;
    }
    if (!fn(idx, run, value)) return idx;
    idx += run;
  }
  return idx;
}

// Ertl's sigma and tau (the paper's Algorithm 6), evaluated as Redis evaluates them.
double Sigma(double x) {
  if (x == 1.) return INFINITY;
  double z_prime;
  double y = 1;
  double z = x;
  do {
    x *= x;
    z_prime = z;
    z += x * y;
    y += y;
  } while (z_prime != z);
  return z;
}

double Tau(double x) {
  if (x == 0. || x == 1.) return 0.;
  double z_prime;
  double y = 1.0;
  double z = 1 - x;
  do {
    x = std::sqrt(x);
    z_prime = z;
    y *= 0.5;
    z -= std::pow(1 - x, 2) * y;
  } while (z_prime != z);
  return z / 3;
}

uint64_t Estimate(const int* histo) {
  const double m = kRegisters;
  double z = m * Tau((m - histo[kQ + 1]) / m);
  for (int j = kQ; j >= 1; --j) {
    z += histo[j];
    z *= 0.5;
  }
  z += m * Sigma(histo[0] / m);
  return static_cast<uint64_t>(llroundl(kAlphaInf * m * m / z));
}

}  // namespace

uint64_t MurmurHash64A(const void* key, size_t len, uint64_t seed) {
  const uint64_t m = 0xc6a4a7935bd1e995ULL;
  const int r = 47;
  uint64_t h = seed ^ (len * m);
  const auto* data = static_cast<const uint8_t*>(key);
  const uint8_t* end = data + (len - (len & 7));
  for (; data != end; data += 8) {
    uint64_t k;
    std::memcpy(&k, data, 8);  // little endian, as Redis reads it on x86 and ARM
    k *= m;
    k ^= k >> r;
    k *= m;
    h ^= k;
    h *= m;
  }
  switch (len & 7) {
    case 7: h ^= static_cast<uint64_t>(data[6]) << 48; [[fallthrough]];
    case 6: h ^= static_cast<uint64_t>(data[5]) << 40; [[fallthrough]];
    case 5: h ^= static_cast<uint64_t>(data[4]) << 32; [[fallthrough]];
    case 4: h ^= static_cast<uint64_t>(data[3]) << 24; [[fallthrough]];
    case 3: h ^= static_cast<uint64_t>(data[2]) << 16; [[fallthrough]];
    case 2: h ^= static_cast<uint64_t>(data[1]) << 8; [[fallthrough]];
    case 1:
      h ^= static_cast<uint64_t>(data[0]);
      h *= m;
  }
  h ^= h >> r;
  h *= m;
  h ^= h >> r;
  return h;
}

int PatternLen(std::string_view element, uint32_t* index) {
  uint64_t hash = MurmurHash64A(element.data(), element.size(), kSeed);
  *index = static_cast<uint32_t>(hash & (kRegisters - 1));
  hash >>= kP;
  hash |= uint64_t{1} << kQ;  // so the count below stops by bit kQ
  int count = 1;
  for (uint64_t bit = 1; (hash & bit) == 0; bit <<= 1) ++count;
  return count;
}

std::string NewSparse() {
  std::string v(kHeaderSize + 2, '\0');
  std::memcpy(v.data(), "HYLL", 4);
  v[4] = static_cast<char>(kSparse);
  PutXZero(Bytes(&v) + kHeaderSize, kRegisters);
  return v;
}

bool LooksValid(std::string_view v) {
  if (v.size() < kHeaderSize || v.substr(0, 4) != "HYLL") return false;
  const uint8_t enc = EncodingOf(v);
  if (enc > kSparse) return false;
  return enc != kDense || v.size() == kDenseSize;
}

bool CachedCount(std::string_view v, uint64_t* out) {
  const uint8_t* h = Bytes(v);
  if (h[15] & 0x80) return false;
  uint64_t card = 0;
  for (int i = 7; i >= 0; --i) card = (card << 8) | h[8 + i];
  *out = card;
  return true;
}

void SetCachedCount(char* header, uint64_t card) {
  for (int i = 0; i < 8; ++i) header[8 + i] = static_cast<char>((card >> (8 * i)) & 0xff);
}

// A register starting at bit fb <= 2 of its byte lies within that byte: the next byte is not
// read or written (for the last register it is past the end; Redis reads its sds terminator).
uint8_t DenseGet(const uint8_t* regs, uint32_t index) {
  const uint32_t byte = index * kBits / 8;
  const unsigned fb = index * kBits & 7, fb8 = 8 - fb;
  const unsigned b0 = regs[byte], b1 = fb > 8 - kBits ? regs[byte + 1] : 0;
  return static_cast<uint8_t>(((b0 >> fb) | (b1 << fb8)) & kRegisterMax);
}

bool DenseSet(uint8_t* regs, uint32_t index, uint8_t count) {
  if (DenseGet(regs, index) >= count) return false;
  const uint32_t byte = index * kBits / 8;
  const unsigned fb = index * kBits & 7, fb8 = 8 - fb;
  regs[byte] = static_cast<uint8_t>((regs[byte] & ~(kRegisterMax << fb)) | (count << fb));
  if (fb > 8 - kBits) {
    regs[byte + 1] =
        static_cast<uint8_t>((regs[byte + 1] & ~(kRegisterMax >> fb8)) | (count >> fb8));
  }
  return true;
}

void DecodeDense(const uint8_t* regs, uint8_t* out) {
  for (int i = 0; i < kRegisters / 4; ++i) {
    const unsigned b0 = regs[3 * i], b1 = regs[3 * i + 1], b2 = regs[3 * i + 2];
    out[4 * i] = static_cast<uint8_t>(b0 & 63);
    out[4 * i + 1] = static_cast<uint8_t>(((b0 >> 6) | (b1 << 2)) & 63);
    out[4 * i + 2] = static_cast<uint8_t>(((b1 >> 4) | (b2 << 4)) & 63);
    out[4 * i + 3] = static_cast<uint8_t>(b2 >> 2);
  }
}

void EncodeDense(const uint8_t* in, uint8_t* regs) {
  for (int i = 0; i < kRegisters / 4; ++i) {
    const unsigned r0 = in[4 * i] & 63, r1 = in[4 * i + 1] & 63, r2 = in[4 * i + 2] & 63,
                   r3 = in[4 * i + 3] & 63;
    regs[3 * i] = static_cast<uint8_t>(r0 | (r1 << 6));
    regs[3 * i + 1] = static_cast<uint8_t>((r1 >> 2) | (r2 << 4));
    regs[3 * i + 2] = static_cast<uint8_t>((r2 >> 4) | (r3 << 2));
  }
}

bool SparseToDense(std::string* v) {
  std::string dense(kDenseSize, '\0');
  std::memcpy(dense.data(), v->data(), kHeaderSize);
  dense[4] = static_cast<char>(kDense);
  uint8_t* regs = Bytes(&dense) + kHeaderSize;
  bool overflow = false;
  const int64_t covered = WalkSparse(*v, [&](int64_t idx, int run, int value) {
    if (value == 0) return true;
    if (idx + run > kRegisters) {
      overflow = true;
      return false;
    }
    for (int i = 0; i < run; ++i) DenseSet(regs, static_cast<uint32_t>(idx + i), static_cast<uint8_t>(value));
    return true;
  });
  if (overflow || covered != kRegisters) return false;
  *v = std::move(dense);
  return true;
}

int Set(std::string* v, uint32_t index, uint8_t count, size_t sparse_max_bytes) {
  if (EncodingOf(*v) == kDense) return DenseSet(Bytes(v) + kHeaderSize, index, count) ? 1 : 0;
  auto promote = [&] {
    if (!SparseToDense(v)) return -1;
    DenseSet(Bytes(v) + kHeaderSize, index, count);
    return 1;
  };
  if (count > kSparseMaxValue) return promote();
  // 1. The opcode that covers the register.
  uint8_t* const sparse = Bytes(v) + kHeaderSize;
  uint8_t* end = Bytes(v) + v->size();
  uint8_t* p = sparse;
  uint8_t* prev = nullptr;
  int64_t first = 0;
  int span = 0;
  while (p < end) {
    int oplen = 1;
    if (IsZero(*p)) {
      span = ZeroLen(*p);
    } else if (IsVal(*p)) {
      span = ValLen(*p);
    } else {
      if (p + 1 >= end) return -1;
      span = XZeroLen(p);
      oplen = 2;
    }
    if (index <= first + span - 1) break;
    prev = p;
    p += oplen;
    first += span;
  }
  if (span == 0 || p >= end) return -1;
  const bool xzero = IsXZero(*p), val = IsVal(*p);
  // 2. A VAL run of one register changes in place; anything else is split into the run
  // before the register, the register, and the run after it.
  if (val) {
    const int old = ValValue(*p);
    if (old >= count) return 0;
    if (span == 1) {
      *p = ValByte(count, 1);
      goto updated;
    }
  }
  {
    uint8_t seq[5];
    uint8_t* n = seq;
    const int64_t last = first + span - 1;
    if (!val) {
      if (index != first) n = PutZeros(n, static_cast<int>(index - first));
      *n++ = ValByte(count, 1);
      if (index != last) n = PutZeros(n, static_cast<int>(last - index));
    } else {
      const int cur = ValValue(*p);
      if (index != first) *n++ = ValByte(cur, static_cast<int>(index - first));
      *n++ = ValByte(count, 1);
      if (index != last) *n++ = ValByte(cur, static_cast<int>(last - index));
    }
    const auto seqlen = static_cast<size_t>(n - seq);
    const size_t oldlen = xzero ? 2 : 1;
    if (seqlen > oldlen && v->size() + (seqlen - oldlen) > sparse_max_bytes) return promote();
    const auto poff = static_cast<size_t>(p - Bytes(v));
    const size_t prev_off = prev ? static_cast<size_t>(prev - Bytes(v)) : 0;
    v->replace(poff, oldlen, reinterpret_cast<const char*>(seq), seqlen);
    end = Bytes(v) + v->size();
    prev = prev ? Bytes(v) + prev_off : nullptr;
  }
updated:
  // 3. Merge adjacent VALs of the same value (total run <= 4) among the five opcodes from the
  // one before the change.
  {
    uint8_t* q = prev ? prev : Bytes(v) + kHeaderSize;
    int scan = 5;
    while (q < end && scan--) {
      if (IsXZero(*q)) {
        q += 2;
        continue;
      }
      if (IsZero(*q)) {
        q += 1;
        continue;
      }
      if (q + 1 < end && IsVal(q[1]) && ValValue(q[0]) == ValValue(q[1])) {
        const int len = ValLen(q[0]) + ValLen(q[1]);
        if (len <= kValMaxLen) {
          q[1] = ValByte(ValValue(q[0]), len);
          const auto qoff = static_cast<size_t>(q - Bytes(v));
          v->erase(qoff, 1);
          q = Bytes(v) + qoff;
          end = Bytes(v) + v->size();
          continue;  // the merged run may merge again with its right neighbour
        }
      }
      q += 1;
    }
  }
  return 1;
}

int Add(std::string* v, std::string_view element, size_t sparse_max_bytes) {
  uint32_t index;
  const int count = PatternLen(element, &index);
  return Set(v, index, static_cast<uint8_t>(count), sparse_max_bytes);
}

bool MergeInto(std::string_view v, uint8_t* max) {
  if (EncodingOf(v) == kDense) {
    uint8_t regs[kRegisters];
    DecodeDense(Bytes(v) + kHeaderSize, regs);
    for (int i = 0; i < kRegisters; ++i) max[i] = std::max(max[i], regs[i]);
    return true;
  }
  bool overflow = false;
  const int64_t covered = WalkSparse(v, [&](int64_t idx, int run, int value) {
    if (value == 0) return true;
    if (idx + run > kRegisters) {
      overflow = true;
      return false;
    }
    for (int i = 0; i < run; ++i) {
      if (value > max[idx + i]) max[idx + i] = static_cast<uint8_t>(value);
    }
    return true;
  });
  return !overflow && covered == kRegisters;
}

uint64_t Count(std::string_view v, bool* invalid) {
  if (EncodingOf(v) == kDense) {
    uint8_t regs[kRegisters];
    DecodeDense(Bytes(v) + kHeaderSize, regs);
    return CountRegisters(regs);
  }
  int histo[64] = {0};
  {
    const int64_t covered = WalkSparse(v, [&](int64_t, int run, int value) {
      histo[value] += run;
      return true;
    });
    if (covered != kRegisters) *invalid = true;
  }
  return Estimate(histo);
}

uint64_t CountRegisters(const uint8_t* regs) {
  // Four histograms filled in turn, so consecutive registers of the same value do not wait on
  // each other's increment; eight zero registers at once are one step.
  int part[4][64] = {};
  for (int i = 0; i < kRegisters; i += 8) {
    uint64_t w;
    std::memcpy(&w, regs + i, 8);
    if (w == 0) {
      part[i / 8 % 4][0] += 8;
      continue;
    }
    for (int k = 0; k < 8; ++k) ++part[k % 4][regs[i + k] & 63];
  }
  int histo[64];
  for (int j = 0; j < 64; ++j) histo[j] = part[0][j] + part[1][j] + part[2][j] + part[3][j];
  return Estimate(histo);
}

}  // namespace shoal::hll
