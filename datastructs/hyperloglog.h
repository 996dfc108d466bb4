// HyperLogLog in Redis' string format, so PFADD/PFCOUNT/PFMERGE give Redis' answers and a value
// copied between Shoal and Redis (GET, then SET) keeps working on either side.
//
// Layout: a 16-byte header ("HYLL", encoding, 3 unused bytes, the cached cardinality as 8 bytes
// little endian whose top bit marks it stale), then the registers: 2^14 registers of 6 bits,
// either dense (packed, least significant bits first, 12288 bytes) or sparse (run-length
// opcodes: ZERO 00xxxxxx = 1..64 zero registers, XZERO 01xxxxxx yyyyyyyy = 1..16384 zero
// registers, VAL 1vvvvvxx = 1..4 registers of value 1..32). An element's register and value come
// from MurmurHash64A (seed 0xadc83b19): the low 14 bits pick the register, the value is 1 + the
// count of trailing zeros in the other 50 bits. The count is Ertl's improved estimator over the
// register histogram ("New cardinality estimation algorithms for HyperLogLog sketches", 2017).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace shoal::hll {

inline constexpr int kP = 14;
inline constexpr int kRegisters = 1 << kP;  // 16384
inline constexpr int kBits = 6;
inline constexpr size_t kHeaderSize = 16;
inline constexpr size_t kDenseSize = kHeaderSize + (kRegisters * kBits + 7) / 8;
inline constexpr uint8_t kDense = 0;
inline constexpr uint8_t kSparse = 1;
inline constexpr int kSparseMaxValue = 32;

uint64_t MurmurHash64A(const void* key, size_t len, uint64_t seed);

// The register an element lands in and the value it brings (1..51).
int PatternLen(std::string_view element, uint32_t* index);

// A new, empty HLL: sparse, one XZERO opcode covering every register (18 bytes).
std::string NewSparse();

// Whether v has the shape of an HLL (magic, a known encoding, a dense one of the right size);
// the sparse opcodes are checked when they are read.
bool LooksValid(std::string_view v);
inline uint8_t EncodingOf(std::string_view v) { return static_cast<uint8_t>(v[4]); }

// The cached cardinality, when the header holds a valid one.
bool CachedCount(std::string_view v, uint64_t* out);
void SetCachedCount(char* header, uint64_t card);
inline void InvalidateCache(char* header) { header[15] = static_cast<char>(header[15] | 0x80); }

// Dense registers (the bytes after the header).
uint8_t DenseGet(const uint8_t* regs, uint32_t index);
// Raises register index to count if that is higher; true when it changed.
bool DenseSet(uint8_t* regs, uint32_t index, uint8_t count);

// Raises register index of the HLL in *v to count if that is higher, as Redis does: a sparse
// HLL is edited in place (one opcode split into up to five, then adjacent equal VALs within five
// opcodes merged) and turns dense when a value exceeds 32 or it would grow beyond
// sparse_max_bytes (header included). Returns 1 when a register changed, 0 when not, -1 when the
// sparse opcodes are corrupt.
int Set(std::string* v, uint32_t index, uint8_t count, size_t sparse_max_bytes);
// Adds one element: Set() with its register and value.
int Add(std::string* v, std::string_view element, size_t sparse_max_bytes);

// Dense registers unpacked into one byte each (out: kRegisters bytes), and packed back; four
// registers per three bytes at a time.
void DecodeDense(const uint8_t* regs, uint8_t* out);
void EncodeDense(const uint8_t* in, uint8_t* regs);

// Rewrites a sparse HLL as dense (header kept, encoding changed). False when corrupt.
bool SparseToDense(std::string* v);

// max[i] = max(max[i], register i of v) for every register (max holds kRegisters bytes). False
// when v is corrupt.
bool MergeInto(std::string_view v, uint8_t* max);

// The estimated cardinality of v (dense or sparse); *invalid is set for corrupt opcodes.
uint64_t Count(std::string_view v, bool* invalid);
// The estimated cardinality of plain registers (kRegisters bytes, one per register).
uint64_t CountRegisters(const uint8_t* regs);

}  // namespace shoal::hll
