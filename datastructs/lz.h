// A small LZ77 byte compressor for cold list nodes (list-compress-depth): fast to decode, no
// entropy stage, no dependencies.
#pragma once

#include <cstddef>

namespace shoal::lz {

// The stream is a series of sequences, each
//   token: high nibble = literal count, low nibble = match length - 4 (15 in either: the count
//          goes on in the following bytes, each added, until one below 255)
//   the literal bytes
//   a match: 2-byte little-endian distance back into the output (1..65535), copied from there
//            (the copy may overlap what it writes), omitted in the last sequence.
// The decoder is told the decompressed size; the stream ends when the output is full.

// Compresses n bytes of src into dst, which has room for cap bytes. Returns the compressed size,
// or 0 when the result would not fit in cap (callers pass the size they would accept).
size_t Compress(const char* src, size_t n, char* dst, size_t cap);

// Decompresses src (n bytes) into exactly raw_n bytes at dst. False when the stream is malformed
// or does not produce exactly raw_n bytes; dst's contents are then unspecified.
bool Decompress(const char* src, size_t n, char* dst, size_t raw_n);

}  // namespace shoal::lz
