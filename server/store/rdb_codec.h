// Redis' RDB value encoding (version 10, as Redis 7.0 writes it): DUMP/RESTORE payloads now, and
// the per-key value codec a snapshot writer/reader in persistence/ can reuse.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "server/store/object.h"
#include "server/store/value.h"

namespace shoal::rdb {

// The RDB version Redis 7.0 writes; payloads of this version or older are accepted.
inline constexpr uint16_t kRdbVersion = 10;

// RDB object type bytes (Redis' RDB_TYPE_*), the ones Shoal reads or writes.
enum Type : uint8_t {
  kTypeString = 0,
  kTypeList = 1,
  kTypeSet = 2,
  kTypeZSet = 3,
  kTypeHash = 4,
  kTypeZSet2 = 5,
  kTypeListZiplist = 10,
  kTypeSetIntset = 11,
  kTypeZSetZiplist = 12,
  kTypeHashZiplist = 13,
  kTypeListQuicklist = 14,
  kTypeHashListpack = 16,
  kTypeZSetListpack = 17,
  kTypeListQuicklist2 = 18,
};

struct EncodeOptions {
  // rdbcompression: strings (and packed blobs) over 20 bytes are LZF-compressed when that saves
  // at least 4 bytes, as Redis does.
  bool compress = true;
  // list-max-listpack-size: a list's elements are cut into nodes the way Redis' RPUSH fills its
  // quicklist nodes, so a list built by appends dumps byte for byte as Redis dumps it.
  int64_t list_fill = -2;
};

// Appends the object type byte and the encoded value of e (a string or collection entry).
void EncodeObject(const Entry* e, const EncodeOptions& opts, std::string* out);
// DUMP's payload: EncodeObject, then the 2-byte little-endian RDB version and the CRC64 of
// everything before it (little-endian).
std::string DumpPayload(const Entry* e, const EncodeOptions& opts);

// RESTORE's first check: at least the 10-byte footer, a version <= kRdbVersion and a matching
// CRC64.
bool VerifyDumpPayload(std::string_view payload);

struct DecodeLimits {
  // No string (a value, element, field or packed blob) may be longer: proto-max-bulk-len.
  uint64_t max_string_len = 512ull << 20;
  // LZF-compressed strings may not decompress to more than this in all, whatever their number:
  // a small payload cannot make the server allocate more than one largest bulk string (Redis
  // has no such cap; an LZF blob alone may expand 88 times).
  uint64_t max_decompressed_total = 512ull << 20;
};

// A decoded value, not yet in the keyspace: string bytes or a complete collection.
struct DecodedValue {
  ObjType type = ObjType::kString;
  std::string str;                        // kString
  std::unique_ptr<CollectionValue> coll;  // the other types
};

// Decodes one object of RDB type `type` from the front of *in, consuming its bytes. Every length
// the input claims is checked against the bytes present and the limits before anything is
// allocated for it; packed blobs (listpacks, ziplists, intsets) are validated entry by entry;
// duplicate members or fields, empty collections and NaN scores are rejected. The collection is
// built with the current encoding thresholds (a large listpack hash becomes a hashtable, a small
// ZSET_2 a listpack). On error nothing is left allocated and the status says why.
absl::StatusOr<DecodedValue> DecodeObject(uint8_t type, std::string_view* in,
                                          const DecodeLimits& limits);
// The value of a DUMP payload (VerifyDumpPayload passed): type byte and object. Bytes between the
// object and the footer are ignored, as Redis ignores them.
absl::StatusOr<DecodedValue> DecodeDumpPayload(std::string_view payload,
                                               const DecodeLimits& limits);

}  // namespace shoal::rdb
