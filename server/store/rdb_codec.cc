// RDB value codec: Redis 7.0's object encodings, written from the documented format.
#include "server/store/rdb_codec.h"

#include <lzf.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "datastructs/crc64.h"
#include "datastructs/listpack.h"
#include "server/store/hash_value.h"
#include "server/store/list_value.h"
#include "server/store/set_value.h"
#include "server/store/zset_value.h"

namespace shoal::rdb {
namespace {

// Length prefix forms (the top two bits of the first byte).
constexpr uint8_t kLen6 = 0;
constexpr uint8_t kLen14 = 1;
constexpr uint8_t kLen32 = 0x80;
constexpr uint8_t kLen64 = 0x81;
constexpr uint8_t kEncVal = 3;  // 11xxxxxx: a specially encoded string follows
constexpr uint8_t kEncInt8 = 0;
constexpr uint8_t kEncInt16 = 1;
constexpr uint8_t kEncInt32 = 2;
constexpr uint8_t kEncLzf = 3;

// Quicklist 2 node containers.
constexpr uint64_t kContainerPlain = 1;
constexpr uint64_t kContainerPacked = 2;

// One LZF back reference (3 bytes) expands to at most 264 bytes: no valid stream of n bytes
// decompresses to more than 88 n, so a larger claim is refused before allocating for it.
constexpr uint64_t kLzfMaxRatio = 88;

// Redis' listpack: [u32 total bytes][u16 count (65535: count unknown)] entries [0xFF].
constexpr size_t kLpHeader = 6;
constexpr uint8_t kLpEnd = 0xff;
constexpr uint32_t kLpCountUnknown = 65535;

void PutU16(std::string* out, uint16_t v) {
  char b[2] = {static_cast<char>(v), static_cast<char>(v >> 8)};
  out->append(b, 2);
}
void PutU32At(char* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<char>(v >> (8 * i));
}
void PutLe(std::string* out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<char>(v >> (8 * i)));
}
uint64_t GetLe(const unsigned char* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
  return v;
}
uint64_t GetBe(const unsigned char* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = v << 8 | p[i];
  return v;
}
int64_t SignExtend(uint64_t v, int bits) {
  const uint64_t sign = uint64_t{1} << (bits - 1);
  return static_cast<int64_t>((v ^ sign) - sign);
}

// ---------------------------------------------------------------------------------------------
// Writing

void SaveLen(std::string* out, uint64_t n) {
  if (n < 64) {
    out->push_back(static_cast<char>(n));
  } else if (n < 16384) {
    out->push_back(static_cast<char>(kLen14 << 6 | n >> 8));
    out->push_back(static_cast<char>(n & 0xff));
  } else if (n <= UINT32_MAX) {
    out->push_back(static_cast<char>(kLen32));
    for (int i = 3; i >= 0; --i) out->push_back(static_cast<char>(n >> (8 * i)));
  } else {
    out->push_back(static_cast<char>(kLen64));
    for (int i = 7; i >= 0; --i) out->push_back(static_cast<char>(n >> (8 * i)));
  }
}

// A string as Redis' rdbSaveRawString writes it: a canonical integer of up to 11 characters that
// fits 32 bits as an integer, else LZF when enabled, over 20 bytes and at least 4 bytes smaller
// (compressed with the same liblzf Debian's redis-server links, hence the same bytes), else as is.
void SaveString(std::string* out, std::string_view s, const EncodeOptions& opts) {
  int64_t v;
  if (s.size() <= 11 && Listpack::ParseCanonicalInt(s, &v)) {
    if (v >= INT8_MIN && v <= INT8_MAX) {
      out->push_back(static_cast<char>(kEncVal << 6 | kEncInt8));
      PutLe(out, static_cast<uint64_t>(v), 1);
      return;
    }
    if (v >= INT16_MIN && v <= INT16_MAX) {
      out->push_back(static_cast<char>(kEncVal << 6 | kEncInt16));
      PutLe(out, static_cast<uint64_t>(v), 2);
      return;
    }
    if (v >= INT32_MIN && v <= INT32_MAX) {
      out->push_back(static_cast<char>(kEncVal << 6 | kEncInt32));
      PutLe(out, static_cast<uint64_t>(v), 4);
      return;
    }
  }
  if (opts.compress && s.size() > 20) {
    const size_t room = s.size() - 4;
    std::string z(room, '\0');
    const unsigned int zlen =
        lzf_compress(s.data(), static_cast<unsigned int>(s.size()), z.data(), room);
    if (zlen > 0) {
      out->push_back(static_cast<char>(kEncVal << 6 | kEncLzf));
      SaveLen(out, zlen);
      SaveLen(out, s.size());
      out->append(z.data(), zlen);
      return;
    }
  }
  SaveLen(out, s.size());
  out->append(s);
}

void SaveBinaryDouble(std::string* out, double d) {
  uint64_t bits;
  memcpy(&bits, &d, 8);
  PutLe(out, bits, 8);
}

// A score as Redis 7.0 keeps it in a listpack sorted set (d2string): integral values in the safe
// range as integers, infinities and -0 by name, anything else with %.17g.
size_t ScoreText(double d, char* buf, size_t cap) {
  if (std::isinf(d)) return static_cast<size_t>(snprintf(buf, cap, "%s", d > 0 ? "inf" : "-inf"));
  if (d == 0) return static_cast<size_t>(snprintf(buf, cap, "%s", std::signbit(d) ? "-0" : "0"));
  if (d > -4503599627370495.0 && d < 4503599627370496.0 &&
      d == static_cast<double>(static_cast<int64_t>(d))) {
    return static_cast<size_t>(snprintf(buf, cap, "%lld", static_cast<long long>(d)));
  }
  return static_cast<size_t>(snprintf(buf, cap, "%.17g", d));
}

// Builds one of Redis' listpacks entry by entry (Shoal's own listpack header and integer
// encodings differ, so DUMP re-encodes).
class LpWriter {
 public:
  LpWriter() { buf_.assign(kLpHeader, '\0'); }

  void Add(std::string_view s) {
    int64_t v;
    if (s.size() <= 20 && Listpack::ParseCanonicalInt(s, &v)) {
      AddInt(v);
      return;
    }
    const size_t start = buf_.size();
    const size_t n = s.size();
    if (n < 64) {
      buf_.push_back(static_cast<char>(0x80 | n));
    } else if (n < 4096) {
      buf_.push_back(static_cast<char>(0xe0 | n >> 8));
      buf_.push_back(static_cast<char>(n & 0xff));
    } else {
      buf_.push_back(static_cast<char>(0xf0));
      PutLe(&buf_, n, 4);
    }
    buf_.append(s);
    Backlen(buf_.size() - start);
  }

  void AddInt(int64_t v) {
    const size_t start = buf_.size();
    const auto u = static_cast<uint64_t>(v);
    if (v >= 0 && v <= 127) {
      buf_.push_back(static_cast<char>(v));
    } else if (v >= -4096 && v <= 4095) {
      const uint64_t e = u & 0x1fff;
      buf_.push_back(static_cast<char>(0xc0 | e >> 8));
      buf_.push_back(static_cast<char>(e & 0xff));
    } else if (v >= INT16_MIN && v <= INT16_MAX) {
      buf_.push_back(static_cast<char>(0xf1));
      PutLe(&buf_, u, 2);
    } else if (v >= -8388608 && v <= 8388607) {
      buf_.push_back(static_cast<char>(0xf2));
      PutLe(&buf_, u, 3);
    } else if (v >= INT32_MIN && v <= INT32_MAX) {
      buf_.push_back(static_cast<char>(0xf3));
      PutLe(&buf_, u, 4);
    } else {
      buf_.push_back(static_cast<char>(0xf4));
      PutLe(&buf_, u, 8);
    }
    Backlen(buf_.size() - start);
  }

  size_t count() const { return count_; }
  // Bytes of the finished listpack so far (terminator included).
  size_t bytes() const { return buf_.size() + 1; }

  const std::string& Finish() {
    buf_.push_back(static_cast<char>(kLpEnd));
    PutU32At(buf_.data(), static_cast<uint32_t>(buf_.size()));
    const auto c = static_cast<uint16_t>(count_ < kLpCountUnknown ? count_ : kLpCountUnknown);
    buf_[4] = static_cast<char>(c & 0xff);
    buf_[5] = static_cast<char>(c >> 8);
    return buf_;
  }

 private:
  // The entry's length, readable from its last byte backwards: the last byte holds the low 7
  // bits, and a set high bit means another, more significant, byte precedes.
  void Backlen(size_t l) {
    ++count_;
    char b[5];
    int n = 0;
    if (l <= 127) {
      n = 1;
    } else if (l < 16383) {
      n = 2;
    } else if (l < 2097151) {
      n = 3;
    } else if (l < 268435455) {
      n = 4;
    } else {
      n = 5;
    }
    for (int i = n - 1; i >= 0; --i) {
      b[i] = static_cast<char>((l & 127) | (i == 0 ? 0 : 128));
      l >>= 7;
    }
    // b[0] holds the most significant bits without the flag; later bytes carry it.
    buf_.append(b, static_cast<size_t>(n));
  }

  std::string buf_;
  size_t count_ = 0;
};

void EncodeString(const Entry* e, const EncodeOptions& opts, std::string* out) {
  out->push_back(static_cast<char>(kTypeString));
  char buf[24];
  SaveString(out, StringValue(e, buf), opts);
}

// Redis 7.0's rule for whether RPUSH may add an element of sz bytes to a quicklist node already
// holding node_bytes in count entries: the node's bytes plus the element plus an 8-byte estimate
// of the entry's overhead within the size limit (fill < 0), or within 8 KiB and the count limit.
bool NodeAllows(size_t node_bytes, size_t count, int64_t fill, size_t sz) {
  static constexpr size_t kLevels[] = {4096, 8192, 16384, 32768, 65536};
  constexpr size_t kSizeEstimateOverhead = 8;
  constexpr size_t kSafetyLimit = 8192;
  const size_t new_sz = node_bytes + sz + kSizeEstimateOverhead;
  if (fill < 0) return new_sz <= kLevels[std::min<size_t>(static_cast<size_t>(-fill - 1), 4)];
  if (new_sz > kSafetyLimit) return false;
  return static_cast<int64_t>(count + 1) <= (fill == 0 ? 1 : fill);
}

void EncodeList(const ListValue& lv, const EncodeOptions& opts, std::string* out) {
  out->push_back(static_cast<char>(kTypeListQuicklist2));
  const Quicklist& ql = lv.list();
  std::string nodes;
  size_t node_count = 0;
  LpWriter lp;
  auto flush = [&] {
    SaveLen(&nodes, kContainerPacked);
    SaveString(&nodes, lp.Finish(), opts);
    ++node_count;
    lp = LpWriter();
  };
  char buf[PackValue::kIntBufSize];
  if (!ql.empty()) {
    ql.ForRange(ql.Begin(), ql.size(), [&](const PackValue& v) {
      const std::string_view s = v.View(buf);
      if (lp.count() > 0 && !NodeAllows(lp.bytes(), lp.count(), opts.list_fill, s.size())) {
        flush();
      }
      lp.Add(s);
    });
    ql.Settle();
  }
  if (lp.count() > 0) flush();
  SaveLen(out, node_count);
  out->append(nodes);
}

void EncodeHash(const HashValue& h, const EncodeOptions& opts, std::string* out) {
  if (h.is_listpack()) {
    out->push_back(static_cast<char>(kTypeHashListpack));
    LpWriter lp;
    h.ForEach([&](std::string_view f, std::string_view v) {
      lp.Add(f);
      lp.Add(v);
    });
    SaveString(out, lp.Finish(), opts);
    return;
  }
  out->push_back(static_cast<char>(kTypeHash));
  SaveLen(out, h.Length());
  h.ForEach([&](std::string_view f, std::string_view v) {
    SaveString(out, f, opts);
    SaveString(out, v, opts);
  });
}

void EncodeSet(const SetValue& s, const EncodeOptions& opts, std::string* out) {
  if (s.encoding() == SetValue::Encoding::kIntSet) {
    // Redis' intset blob: [u32 width][u32 count] elements little-endian, ascending. The width is
    // the narrowest that holds every member (Redis may keep a wider one after removals; both
    // load the same).
    int width = 2;
    std::vector<int64_t> members;
    members.reserve(s.Length());
    s.ForEach([&](std::string_view m) {
      int64_t v = 0;
      Listpack::ParseCanonicalInt(m, &v);
      members.push_back(v);
      width = std::max(width, IntSet::WidthFor(v));
    });
    std::string blob;
    PutLe(&blob, static_cast<uint64_t>(width), 4);
    PutLe(&blob, members.size(), 4);
    for (int64_t v : members) PutLe(&blob, static_cast<uint64_t>(v), width);
    out->push_back(static_cast<char>(kTypeSetIntset));
    SaveString(out, blob, opts);
    return;
  }
  // Redis 7.0 has no listpack sets: listpack and hashtable sets are both written as plain sets.
  out->push_back(static_cast<char>(kTypeSet));
  SaveLen(out, s.Length());
  s.ForEach([&](std::string_view m) { SaveString(out, m, opts); });
}

void EncodeZSet(const ZSetValue& z, const EncodeOptions& opts, std::string* out) {
  const size_t n = z.Length();
  if (z.is_packed()) {
    out->push_back(static_cast<char>(kTypeZSetListpack));
    LpWriter lp;
    char buf[64];
    z.Visit(0, n, false, [&](std::string_view m, double score) {
      lp.Add(m);
      lp.Add(std::string_view(buf, ScoreText(score, buf, sizeof(buf))));
    });
    SaveString(out, lp.Finish(), opts);
    return;
  }
  // Highest score first, as Redis writes its skiplist (loading then appends at the head).
  out->push_back(static_cast<char>(kTypeZSet2));
  SaveLen(out, n);
  z.Visit(0, n, true, [&](std::string_view m, double score) {
    SaveString(out, m, opts);
    SaveBinaryDouble(out, score);
  });
}

// ---------------------------------------------------------------------------------------------
// Reading

class Reader {
 public:
  Reader(std::string_view in, const DecodeLimits& limits)
      : p_(reinterpret_cast<const unsigned char*>(in.data())),
        end_(p_ + in.size()),
        limits_(limits) {}

  size_t remaining() const { return static_cast<size_t>(end_ - p_); }
  const char* pos() const { return reinterpret_cast<const char*>(p_); }
  const std::string& error() const { return error_; }

  bool Fail(std::string_view why) {
    if (error_.empty()) error_ = std::string(why);
    return false;
  }

  bool Byte(uint8_t* b) {
    if (p_ == end_) return Fail("unexpected end of payload");
    *b = *p_++;
    return true;
  }
  bool Bytes(size_t n, const unsigned char** out) {
    if (n > remaining()) return Fail("length beyond the payload");
    *out = p_;
    p_ += n;
    return true;
  }

  // A length; *encoded tells a specially encoded string (then *len is its 6-bit kind). As in
  // Redis, a count read where no string can follow takes the 6 bits as the count.
  bool Len(uint64_t* len, bool* encoded = nullptr) {
    uint8_t b = 0;
    if (!Byte(&b)) return false;
    if (encoded) *encoded = false;
    const uint8_t kind = b >> 6;
    const unsigned char* q = nullptr;
    if (kind == kEncVal) {
      if (encoded) *encoded = true;
      *len = b & 0x3f;
    } else if (kind == kLen6) {
      *len = b & 0x3f;
    } else if (kind == kLen14) {
      uint8_t b2 = 0;
      if (!Byte(&b2)) return false;
      *len = static_cast<uint64_t>(b & 0x3f) << 8 | b2;
    } else if (b == kLen32) {
      if (!Bytes(4, &q)) return false;
      *len = GetBe(q, 4);
    } else if (b == kLen64) {
      if (!Bytes(8, &q)) return false;
      *len = GetBe(q, 8);
    } else {
      return Fail("unknown length encoding");
    }
    return true;
  }

  // A string: a view into the input for verbatim strings, else rendered or decompressed into
  // *scratch.
  bool String(std::string_view* out, std::string* scratch) {
    uint64_t len = 0;
    bool encoded = false;
    if (!Len(&len, &encoded)) return false;
    const unsigned char* q = nullptr;
    if (!encoded) {
      if (len > limits_.max_string_len) return Fail("string longer than proto-max-bulk-len");
      if (!Bytes(len, &q)) return false;
      *out = std::string_view(reinterpret_cast<const char*>(q), len);
      return true;
    }
    if (len <= kEncInt32) {
      const int bytes = len == kEncInt8 ? 1 : len == kEncInt16 ? 2 : 4;
      if (!Bytes(static_cast<size_t>(bytes), &q)) return false;
      const int64_t v = SignExtend(GetLe(q, bytes), bytes * 8);
      *scratch = absl::StrCat(v);
      *out = *scratch;
      return true;
    }
    if (len != kEncLzf) return Fail("unknown string encoding");
    uint64_t clen = 0, ulen = 0;
    if (!Len(&clen) || !Len(&ulen)) return false;
    if (clen > remaining()) return Fail("compressed length beyond the payload");
    if (ulen == 0 || ulen > limits_.max_string_len || ulen / kLzfMaxRatio > clen) {
      return Fail("implausible decompressed length");
    }
    if (ulen > limits_.max_decompressed_total - decompressed_) {
      return Fail("decompressed size beyond the limit");
    }
    decompressed_ += ulen;
    if (!Bytes(clen, &q)) return false;
    scratch->resize(ulen);
    const unsigned int got = lzf_decompress(q, static_cast<unsigned int>(clen), scratch->data(),
                                            static_cast<unsigned int>(ulen));
    if (got != ulen) return Fail("invalid LZF data");
    *out = *scratch;
    return true;
  }

  bool OwnedString(std::string* out) {
    std::string_view v;
    std::string scratch;
    if (!String(&v, &scratch)) return false;
    if (v.data() == scratch.data() && !scratch.empty()) {
      *out = std::move(scratch);
    } else {
      out->assign(v);
    }
    return true;
  }

  bool BinaryDouble(double* d) {
    const unsigned char* q = nullptr;
    if (!Bytes(8, &q)) return false;
    const uint64_t bits = GetLe(q, 8);
    memcpy(d, &bits, 8);
    return true;
  }

  // RDB_TYPE_ZSET's score: a length byte (253 NaN, 254 +inf, 255 -inf) and that many characters.
  bool TextDouble(double* d) {
    uint8_t n = 0;
    if (!Byte(&n)) return false;
    if (n == 253) {
      *d = NAN;
      return true;
    }
    if (n == 254 || n == 255) {
      *d = n == 254 ? INFINITY : -INFINITY;
      return true;
    }
    const unsigned char* q = nullptr;
    if (!Bytes(n, &q)) return false;
    return ParseDouble(std::string_view(reinterpret_cast<const char*>(q), n), d) ||
           Fail("invalid score");
  }

  // strtod over the whole text (what Redis' loaders accept), not NaN.
  static bool ParseDouble(std::string_view s, double* d) {
    char buf[128];
    if (s.empty() || s.size() >= sizeof(buf)) return false;
    memcpy(buf, s.data(), s.size());
    buf[s.size()] = '\0';
    char* end;
    *d = strtod(buf, &end);
    return end == buf + s.size() && !std::isnan(*d) && !isspace(static_cast<unsigned char>(buf[0]));
  }

  std::string_view Rest() const { return {pos(), remaining()}; }

 private:
  const unsigned char* p_;
  const unsigned char* end_;
  const DecodeLimits& limits_;
  uint64_t decompressed_ = 0;  // LZF output so far, <= limits_.max_decompressed_total
  std::string error_;
};

// A packed element: an integer or a view into the blob.
struct Elem {
  bool is_int = false;
  int64_t ival = 0;
  std::string_view str;
  std::string_view View(char* buf) const {
    if (!is_int) return str;
    const int n = snprintf(buf, PackValue::kIntBufSize, "%lld", static_cast<long long>(ival));
    return {buf, static_cast<size_t>(n)};
  }
};

// Walks a Redis listpack, validating header, every entry's encoding and bounds, its backlen, the
// terminator and the entry count, calling fn(Elem) (false stops with an error). *count receives
// the number of entries.
template <typename Fn>
bool WalkListpack(std::string_view blob, Reader& r, size_t* count, Fn&& fn) {
  const auto* p = reinterpret_cast<const unsigned char*>(blob.data());
  const size_t n = blob.size();
  if (n < kLpHeader + 1) return r.Fail("listpack too short");
  if (GetLe(p, 4) != n) return r.Fail("listpack size mismatch");
  if (p[n - 1] != kLpEnd) return r.Fail("listpack terminator missing");
  const uint64_t declared = GetLe(p + 4, 2);
  size_t i = kLpHeader;
  size_t entries = 0;
  const size_t end = n - 1;
  while (i < end) {
    const unsigned char h = p[i];
    size_t hdr = 1, payload = 0;
    Elem e;
    auto need = [&](size_t k) { return k <= end - i; };
    if ((h & 0x80) == 0) {
      e.is_int = true;
      e.ival = h & 0x7f;
    } else if ((h & 0xc0) == 0x80) {
      payload = h & 0x3f;
    } else if ((h & 0xe0) == 0xc0) {
      if (!need(2)) return r.Fail("listpack entry truncated");
      hdr = 2;
      e.is_int = true;
      e.ival = SignExtend(static_cast<uint64_t>(h & 0x1f) << 8 | p[i + 1], 13);
    } else if ((h & 0xf0) == 0xe0) {
      if (!need(2)) return r.Fail("listpack entry truncated");
      hdr = 2;
      payload = static_cast<size_t>(h & 0x0f) << 8 | p[i + 1];
    } else if (h == 0xf0) {
      if (!need(5)) return r.Fail("listpack entry truncated");
      hdr = 5;
      payload = GetLe(p + i + 1, 4);
    } else if (h >= 0xf1 && h <= 0xf4) {
      static constexpr int kBytes[] = {2, 3, 4, 8};
      const int b = kBytes[h - 0xf1];
      if (!need(1 + static_cast<size_t>(b))) return r.Fail("listpack entry truncated");
      hdr = 1 + static_cast<size_t>(b);
      e.is_int = true;
      e.ival = SignExtend(GetLe(p + i + 1, b), b * 8);
    } else {
      return r.Fail("invalid listpack entry encoding");
    }
    if (payload > end - i - hdr) return r.Fail("listpack entry beyond its buffer");
    if (!e.is_int) e.str = std::string_view(reinterpret_cast<const char*>(p + i + hdr), payload);
    size_t l = hdr + payload;
    const size_t bl = l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
    if (bl > end - i - l) return r.Fail("listpack backlen beyond its buffer");
    // Check the backlen bytes: the last holds the low 7 bits, flags mark more bytes before.
    size_t back = 0;
    for (size_t k = 0; k < bl; ++k) {
      const unsigned char c = p[i + l + k];
      const bool flag = (c & 0x80) != 0;
      if (flag != (k != 0)) return r.Fail("invalid listpack backlen");
      back = back << 7 | (c & 0x7f);
    }
    if (back != l) return r.Fail("invalid listpack backlen");
    i += l + bl;
    ++entries;
    if (!fn(e)) return false;
  }
  if (declared != kLpCountUnknown && declared != entries) {
    return r.Fail("listpack count mismatch");
  }
  *count = entries;
  return true;
}

// Walks a ziplist (RDB versions before 10): [u32 bytes][u32 tail offset][u16 count] entries
// [0xFF]; an entry is [prevlen 1 or 0xFE+4][encoding][payload].
template <typename Fn>
bool WalkZiplist(std::string_view blob, Reader& r, size_t* count, Fn&& fn) {
  const auto* p = reinterpret_cast<const unsigned char*>(blob.data());
  const size_t n = blob.size();
  constexpr size_t kHdr = 10;
  if (n < kHdr + 1) return r.Fail("ziplist too short");
  if (GetLe(p, 4) != n) return r.Fail("ziplist size mismatch");
  if (p[n - 1] != 0xff) return r.Fail("ziplist terminator missing");
  const uint64_t tail = GetLe(p + 4, 4);
  const uint64_t declared = GetLe(p + 8, 2);
  const size_t end = n - 1;
  size_t i = kHdr, prev_len = 0, last = kHdr, entries = 0;
  while (i < end) {
    size_t k = i;
    size_t prevlen;
    if (p[k] < 254) {
      prevlen = p[k];
      k += 1;
    } else if (p[k] == 254) {
      if (end - k < 5) return r.Fail("ziplist entry truncated");
      prevlen = GetLe(p + k + 1, 4);
      k += 5;
    } else {
      return r.Fail("invalid ziplist prevlen");
    }
    if (prevlen != prev_len) return r.Fail("ziplist prevlen mismatch");
    if (k >= end) return r.Fail("ziplist entry truncated");
    const unsigned char enc = p[k];
    Elem e;
    size_t payload = 0;
    size_t hdr = 1;
    switch (enc >> 6) {
      case 0:
        payload = enc & 0x3f;
        break;
      case 1:
        if (end - k < 2) return r.Fail("ziplist entry truncated");
        hdr = 2;
        payload = static_cast<size_t>(enc & 0x3f) << 8 | p[k + 1];
        break;
      case 2:
        if (enc != 0x80) return r.Fail("invalid ziplist encoding");
        if (end - k < 5) return r.Fail("ziplist entry truncated");
        hdr = 5;
        payload = GetBe(p + k + 1, 4);
        break;
      default: {
        int bytes = 0;
        e.is_int = true;
        if (enc == 0xc0) {
          bytes = 2;
        } else if (enc == 0xd0) {
          bytes = 4;
        } else if (enc == 0xe0) {
          bytes = 8;
        } else if (enc == 0xf0) {
          bytes = 3;
        } else if (enc == 0xfe) {
          bytes = 1;
        } else if (enc >= 0xf1 && enc <= 0xfd) {
          e.ival = (enc & 0x0f) - 1;
        } else {
          return r.Fail("invalid ziplist encoding");
        }
        if (static_cast<size_t>(bytes) > end - k - 1) return r.Fail("ziplist entry truncated");
        if (bytes) e.ival = SignExtend(GetLe(p + k + 1, bytes), bytes * 8);
        payload = static_cast<size_t>(bytes);
        break;
      }
    }
    if (payload > end - k - hdr) return r.Fail("ziplist entry beyond its buffer");
    if (!e.is_int) e.str = std::string_view(reinterpret_cast<const char*>(p + k + hdr), payload);
    last = i;
    prev_len = k + hdr + payload - i;
    i = k + hdr + payload;
    ++entries;
    if (!fn(e)) return false;
  }
  if (entries > 0 && tail != last) return r.Fail("ziplist tail offset mismatch");
  if (entries == 0 && tail != kHdr) return r.Fail("ziplist tail offset mismatch");
  if (declared != 65535 && declared != entries) return r.Fail("ziplist count mismatch");
  *count = entries;
  return true;
}

// A packed blob in either format.
template <typename Fn>
bool WalkPacked(bool listpack, std::string_view blob, Reader& r, size_t* count, Fn&& fn) {
  return listpack ? WalkListpack(blob, r, count, fn) : WalkZiplist(blob, r, count, fn);
}

bool ReadBlob(Reader& r, std::string_view* blob, std::string* scratch) {
  return r.String(blob, scratch);
}

absl::Status Bad(const Reader& r) {
  return absl::InvalidArgumentError(r.error().empty() ? "bad data" : r.error());
}

absl::StatusOr<DecodedValue> Finish(std::unique_ptr<CollectionValue> c, Reader& r) {
  if (c->Length() == 0) {
    r.Fail("empty collection");
    return Bad(r);
  }
  DecodedValue out;
  out.type = c->type();
  out.coll = std::move(c);
  return out;
}

absl::StatusOr<DecodedValue> DecodeList(uint8_t type, Reader& r) {
  auto list = ListValue::Make();
  Quicklist& ql = list->mut();
  char buf[PackValue::kIntBufSize];
  auto push = [&](const Elem& e) {
    ql.PushBack(e.View(buf));
    return true;
  };
  std::string scratch;
  std::string_view blob;
  size_t count = 0;
  if (type == kTypeList) {
    uint64_t n = 0;
    if (!r.Len(&n)) return Bad(r);
    for (uint64_t i = 0; i < n; ++i) {
      if (!r.String(&blob, &scratch)) return Bad(r);
      ql.PushBack(blob);
    }
  } else if (type == kTypeListZiplist) {
    if (!ReadBlob(r, &blob, &scratch) || !WalkZiplist(blob, r, &count, push)) return Bad(r);
  } else {
    uint64_t nodes = 0;
    if (!r.Len(&nodes)) return Bad(r);
    for (uint64_t i = 0; i < nodes; ++i) {
      uint64_t container = kContainerPacked;
      if (type == kTypeListQuicklist2) {
        if (!r.Len(&container)) return Bad(r);
        if (container != kContainerPlain && container != kContainerPacked) {
          r.Fail("unknown quicklist container");
          return Bad(r);
        }
      }
      if (!ReadBlob(r, &blob, &scratch)) return Bad(r);
      if (container == kContainerPlain) {
        ql.PushBack(blob);
      } else if (!WalkPacked(type == kTypeListQuicklist2, blob, r, &count, push)) {
        return Bad(r);
      }
    }
  }
  ql.Settle();
  return Finish(std::move(list), r);
}

absl::StatusOr<DecodedValue> DecodeHash(uint8_t type, Reader& r) {
  auto hash = std::make_unique<HashValue>();
  std::string fscratch, vscratch;
  std::string_view f, v;
  if (type == kTypeHash) {
    uint64_t n = 0;
    if (!r.Len(&n)) return Bad(r);
    // Past hash-max-listpack-entries start as a hashtable, as Redis does, rather than filling a
    // listpack (a linear search per field) only to convert it.
    if (n > static_cast<uint64_t>(EncodingLimits::Get(Limits().hash_max_listpack_entries))) {
      hash->ConvertIfTooLong(SIZE_MAX);
    }
    for (uint64_t i = 0; i < n; ++i) {
      if (!r.String(&f, &fscratch) || !r.String(&v, &vscratch)) return Bad(r);
      if (!hash->Set(f, v)) {
        r.Fail("duplicate hash field");
        return Bad(r);
      }
    }
    return Finish(std::move(hash), r);
  }
  std::string_view blob;
  std::string scratch;
  if (!ReadBlob(r, &blob, &scratch)) return Bad(r);
  bool have_field = false;
  std::string field;  // the field waiting for its value (a view could point into buf)
  char buf[PackValue::kIntBufSize];
  size_t count = 0;
  const bool ok = WalkPacked(type == kTypeHashListpack, blob, r, &count, [&](const Elem& e) {
    if (!have_field) {
      field.assign(e.View(buf));
      have_field = true;
      return true;
    }
    have_field = false;
    return hash->Set(field, e.View(buf)) || r.Fail("duplicate hash field");
  });
  if (!ok) return Bad(r);
  if (have_field) {
    r.Fail("hash listpack with an odd number of entries");
    return Bad(r);
  }
  return Finish(std::move(hash), r);
}

absl::StatusOr<DecodedValue> DecodeSet(uint8_t type, Reader& r) {
  std::string scratch;
  std::string_view m;
  if (type == kTypeSet) {
    uint64_t n = 0;
    if (!r.Len(&n)) return Bad(r);
    if (n == 0) {
      r.Fail("empty collection");
      return Bad(r);
    }
    if (!r.String(&m, &scratch)) return Bad(r);
    auto set = SetValue::ForFirst(m, n);
    set->Add(m);
    for (uint64_t i = 1; i < n; ++i) {
      if (!r.String(&m, &scratch)) return Bad(r);
      if (!set->Add(m)) {
        r.Fail("duplicate set member");
        return Bad(r);
      }
    }
    return Finish(std::move(set), r);
  }
  // kTypeSetIntset: [u32 width][u32 count] elements, strictly ascending.
  if (!ReadBlob(r, &m, &scratch)) return Bad(r);
  const auto* p = reinterpret_cast<const unsigned char*>(m.data());
  if (m.size() < 8) {
    r.Fail("intset too short");
    return Bad(r);
  }
  const uint64_t width = GetLe(p, 4);
  const uint64_t n = GetLe(p + 4, 4);
  if ((width != 2 && width != 4 && width != 8) || 8 + n * width != m.size() || n == 0) {
    r.Fail("invalid intset header");
    return Bad(r);
  }
  const int w = static_cast<int>(width);
  char buf[PackValue::kIntBufSize];
  // An intset stays one until it outgrows set-max-intset-entries, then becomes a hashtable, as in
  // Redis (not a listpack: its members are integers).
  auto set = std::make_unique<SetValue>(SetValue::Encoding::kIntSet);
  int64_t prev = 0;
  for (uint64_t i = 0; i < n; ++i) {
    const int64_t v = SignExtend(GetLe(p + 8 + i * width, w), w * 8);
    if (i > 0 && v <= prev) {
      r.Fail("intset not strictly ascending");
      return Bad(r);
    }
    prev = v;
    const int len = snprintf(buf, sizeof(buf), "%lld", static_cast<long long>(v));
    set->Add(std::string_view(buf, static_cast<size_t>(len)));
  }
  return Finish(std::move(set), r);
}

absl::StatusOr<DecodedValue> DecodeZSet(uint8_t type, Reader& r) {
  auto add = [&](ZSetValue* z, std::string_view m, double score) {
    if (std::isnan(score)) return r.Fail("NaN score");
    double ignored;
    return z->Add(m, score, 0, &ignored) == ZSetValue::AddResult::kAdded ||
           r.Fail("duplicate sorted set member");
  };
  std::string scratch;
  std::string_view m;
  if (type == kTypeZSet || type == kTypeZSet2) {
    uint64_t n = 0;
    if (!r.Len(&n)) return Bad(r);
    // The element count only picks the encoding (a hint, not an allocation).
    auto z = ZSetValue::Create(static_cast<size_t>(std::min<uint64_t>(n, SIZE_MAX)), 0);
    for (uint64_t i = 0; i < n; ++i) {
      double score = 0;
      if (!r.String(&m, &scratch)) return Bad(r);
      if (!(type == kTypeZSet2 ? r.BinaryDouble(&score) : r.TextDouble(&score))) return Bad(r);
      if (!add(z.get(), m, score)) return Bad(r);
    }
    return Finish(std::move(z), r);
  }
  std::string_view blob;
  if (!ReadBlob(r, &blob, &scratch)) return Bad(r);
  // Count the entries first: the encoding is picked from the member count.
  size_t count = 0;
  if (!WalkPacked(type == kTypeZSetListpack, blob, r, &count, [](const Elem&) { return true; })) {
    return Bad(r);
  }
  if (count % 2 != 0) {
    r.Fail("sorted set listpack with an odd number of entries");
    return Bad(r);
  }
  auto z = ZSetValue::Create(count / 2, 0);
  bool have_member = false;
  std::string member;
  char buf[PackValue::kIntBufSize];
  const bool ok = WalkPacked(type == kTypeZSetListpack, blob, r, &count, [&](const Elem& e) {
    if (!have_member) {
      member.assign(e.View(buf));
      have_member = true;
      return true;
    }
    have_member = false;
    double score = 0;
    if (e.is_int) {
      score = static_cast<double>(e.ival);
    } else if (!Reader::ParseDouble(e.str, &score)) {
      return r.Fail("invalid score");
    }
    return add(z.get(), member, score);
  });
  if (!ok) return Bad(r);
  return Finish(std::move(z), r);
}

}  // namespace

void EncodeObject(const Entry* e, const EncodeOptions& opts, std::string* out) {
  switch (e->obj_type()) {
    case ObjType::kString:
      EncodeString(e, opts, out);
      break;
    case ObjType::kList:
      EncodeList(*CollectionAs<ListValue>(e), opts, out);
      break;
    case ObjType::kHash:
      EncodeHash(*CollectionAs<HashValue>(e), opts, out);
      break;
    case ObjType::kSet:
      EncodeSet(*CollectionAs<SetValue>(e), opts, out);
      break;
    case ObjType::kZSet:
      EncodeZSet(*CollectionAs<ZSetValue>(e), opts, out);
      break;
  }
}

std::string DumpPayload(const Entry* e, const EncodeOptions& opts) {
  std::string out;
  EncodeObject(e, opts, &out);
  PutU16(&out, kRdbVersion);
  PutLe(&out, Crc64(out), 8);
  return out;
}

bool VerifyDumpPayload(std::string_view payload) {
  if (payload.size() < 10) return false;
  const auto* footer = reinterpret_cast<const unsigned char*>(payload.data() + payload.size() - 10);
  if (GetLe(footer, 2) > kRdbVersion) return false;
  return Crc64(0, payload.data(), payload.size() - 8) == GetLe(footer + 2, 8);
}

absl::StatusOr<DecodedValue> DecodeObject(uint8_t type, std::string_view* in,
                                          const DecodeLimits& limits) {
  Reader r(*in, limits);
  absl::StatusOr<DecodedValue> v;
  switch (type) {
    case kTypeString: {
      DecodedValue s;
      if (!r.OwnedString(&s.str)) return Bad(r);
      v = std::move(s);
      break;
    }
    case kTypeList:
    case kTypeListZiplist:
    case kTypeListQuicklist:
    case kTypeListQuicklist2:
      v = DecodeList(type, r);
      break;
    case kTypeSet:
    case kTypeSetIntset:
      v = DecodeSet(type, r);
      break;
    case kTypeZSet:
    case kTypeZSet2:
    case kTypeZSetZiplist:
    case kTypeZSetListpack:
      v = DecodeZSet(type, r);
      break;
    case kTypeHash:
    case kTypeHashZiplist:
    case kTypeHashListpack:
      v = DecodeHash(type, r);
      break;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("unsupported RDB object type ", static_cast<int>(type)));
  }
  if (v.ok()) *in = r.Rest();
  return v;
}

absl::StatusOr<DecodedValue> DecodeDumpPayload(std::string_view payload,
                                               const DecodeLimits& limits) {
  if (payload.size() < 11) return absl::InvalidArgumentError("payload too short");
  std::string_view body = payload.substr(0, payload.size() - 10);
  const auto type = static_cast<uint8_t>(body[0]);
  body.remove_prefix(1);
  return DecodeObject(type, &body, limits);
}

}  // namespace shoal::rdb
