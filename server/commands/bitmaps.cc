// Bitmap commands on string values: SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD BITFIELD_RO.
#include <algorithm>
#include <array>
#include <cstring>
#include <string>
#include <vector>

#include "datastructs/bitops.h"
#include "server/commands/command.h"
#include "server/commands/keyspace_ops.h"
#include "server/commands/pubsub.h"
#include "server/config.h"
#include "server/net/server.h"
#include "server/util/string_util.h"

namespace shoal {

namespace {

constexpr std::string_view kErrBitOffset = "ERR bit offset is not an integer or out of range";

const uint8_t* Bytes(std::string_view s) { return reinterpret_cast<const uint8_t*>(s.data()); }

// A bit offset argument: a non-negative integer whose byte stays below proto-max-bulk-len (512 MB
// by default: bits 0 .. 2^32 - 1). With `hash`, "#N" means N fields of `bits` bits (BITFIELD).
bool ParseBitOffset(CommandContext& ctx, std::string_view arg, bool hash, int bits,
                    uint64_t* out) {
  const bool by_field = hash && bits > 0 && !arg.empty() && arg[0] == '#';
  int64_t v;
  if (!ParseInt64(by_field ? arg.substr(1) : arg, &v)) {
    ctx.Error(kErrBitOffset);
    return false;
  }
  if (by_field && __builtin_mul_overflow(v, static_cast<int64_t>(bits), &v)) v = -1;
  if (v < 0 || (static_cast<uint64_t>(v) >> 3) >= ctx.server.config().proto_max_bulk_len()) {
    ctx.Error(kErrBitOffset);
    return false;
  }
  *out = static_cast<uint64_t>(v);
  return true;
}

// The string at key for a bit write that reaches bit `max_bit`: created or zero-extended as
// needed (*grew says whether it was). Replies WRONGTYPE and returns nullptr for another type.
Entry* StringForBitWrite(CommandContext& ctx, std::string_view key, uint64_t max_bit,
                         bool* grew) {
  DbTable& db = ctx.Db(key);
  EntrySlot link = db.FindLink(key, ctx.now_ms);
  NoteLookup(ctx, link ? *link : nullptr, key, kLookupWrite);
  size_t cur = 0;
  if (link) {
    Entry* e = *link;
    if (e->obj_type() != ObjType::kString) {
      ctx.Error(kErrWrongType);
      return nullptr;
    }
    char buf[24];
    cur = StringValue(e, buf).size();
  }
  const size_t need = static_cast<size_t>(max_bit >> 3) + 1;
  *grew = !link || need > cur;
  return WritableString(db, link, key, need);
}

// The string value at key for reading: true with *found false when the key is missing; false
// (after WRONGTYPE) for another type. buf (24 bytes) backs an integer-encoded value's text.
bool StringForBitRead(CommandContext& ctx, std::string_view key, char* buf, bool* found,
                      std::string_view* out) {
  Entry* e = ctx.Db(key).Find(key, ctx.now_ms);
  NoteLookup(ctx, e, key, kLookupRead);
  *found = e != nullptr;
  if (!e) return true;
  if (e->obj_type() != ObjType::kString) {
    ctx.Error(kErrWrongType);
    return false;
  }
  *out = StringValue(e, buf);
  return true;
}

void SetBitCmd(CommandContext& ctx) {
  std::string_view key = ctx.args[1];
  uint64_t offset;
  if (!ParseBitOffset(ctx, ctx.args[2], false, 0, &offset)) return;
  int64_t on;
  if (!ParseInt64(ctx.args[3], &on) || (on & ~int64_t{1}) != 0) {
    return ctx.Error("ERR bit is not an integer or out of range");
  }
  bool grew;
  Entry* e = StringForBitWrite(ctx, key, offset, &grew);
  if (!e) return;
  const int old = bitops::SetBit(reinterpret_cast<uint8_t*>(e->value()), offset, static_cast<int>(on));
  // Like Redis 7.0: an event whenever the string was created, grew or the bit changed.
  if (grew || old != on) NotifyKeyspaceEvent(ctx, kNotifyString, "setbit", key);
  ctx.rb.Integer(old);
}

void GetBitCmd(CommandContext& ctx) {
  uint64_t offset;
  if (!ParseBitOffset(ctx, ctx.args[2], false, 0, &offset)) return;
  char buf[24];
  bool found;
  std::string_view s;
  if (!StringForBitRead(ctx, ctx.args[1], buf, &found, &s)) return;
  ctx.rb.Integer(found ? bitops::GetBit(Bytes(s), s.size(), offset) : 0);
}

// The start/end arguments of BITCOUNT and BITPOS, resolved as Redis does: negative values count
// from the end, then both are clamped into the string. Positions are bytes, or bits with BIT.
struct BitRange {
  int64_t start = 0, end = 0;
  bool bits = false;
  bool empty() const { return start > end; }
  uint64_t first_bit() const { return bits ? start : start * 8; }
  uint64_t last_bit() const { return bits ? end : end * 8 + 7; }
};

void Clamp(BitRange* r, int64_t strlen) {
  const int64_t total = r->bits ? strlen * 8 : strlen;
  if (r->start < 0) r->start += total;
  if (r->end < 0) r->end += total;
  r->start = std::max<int64_t>(r->start, 0);
  r->end = std::max<int64_t>(r->end, 0);
  r->end = std::min(r->end, total - 1);
}

bool ParseBitUnit(CommandContext& ctx, std::string_view arg, bool* bits) {
  if (EqualsLower(arg, "bit")) {
    *bits = true;
  } else if (EqualsLower(arg, "byte")) {
    *bits = false;
  } else {
    ctx.Error(kErrSyntax);
    return false;
  }
  return true;
}

// BITCOUNT key [start end [BYTE | BIT]]. As in Redis 7.0 a missing key answers 0 before the
// arguments are looked at.
void BitCountCmd(CommandContext& ctx) {
  auto& a = ctx.args;
  char buf[24];
  bool found;
  std::string_view s;
  if (!StringForBitRead(ctx, a[1], buf, &found, &s)) return;
  if (!found) return ctx.rb.Integer(0);
  const auto strlen = static_cast<int64_t>(s.size());
  BitRange r{0, strlen - 1, false};
  if (a.size() == 4 || a.size() == 5) {
    if (!ParseInt64(a[2], &r.start) || !ParseInt64(a[3], &r.end)) return ctx.Error(kErrNotInt);
    if (r.start < 0 && r.end < 0 && r.start > r.end) return ctx.rb.Integer(0);
    if (a.size() == 5 && !ParseBitUnit(ctx, a[4], &r.bits)) return;
    Clamp(&r, strlen);
  } else if (a.size() != 2) {
    return ctx.Error(kErrSyntax);
  }
  if (r.empty()) return ctx.rb.Integer(0);
  ctx.rb.Integer(static_cast<int64_t>(bitops::CountBits(Bytes(s), r.first_bit(), r.last_bit())));
}

// BITPOS key bit [start [end [BYTE | BIT]]]. A missing key is all zeros: 0 for a clear bit, -1
// for a set one. Without an explicit end the string counts as followed by zeros, so a search for
// a clear bit in all-ones finds the first bit past the end.
void BitPosCmd(CommandContext& ctx) {
  auto& a = ctx.args;
  int64_t bit;
  if (!ParseInt64(a[2], &bit)) return ctx.Error(kErrNotInt);
  if (bit != 0 && bit != 1) return ctx.Error("ERR The bit argument must be 1 or 0.");
  char buf[24];
  bool found;
  std::string_view s;
  if (!StringForBitRead(ctx, a[1], buf, &found, &s)) return;
  if (!found) return ctx.rb.Integer(bit ? -1 : 0);
  const auto strlen = static_cast<int64_t>(s.size());
  BitRange r{0, strlen - 1, false};
  bool end_given = false;
  if (a.size() >= 4 && a.size() <= 6) {
    if (!ParseInt64(a[3], &r.start)) return ctx.Error(kErrNotInt);
    if (a.size() == 6 && !ParseBitUnit(ctx, a[5], &r.bits)) return;
    if (a.size() >= 5) {
      if (!ParseInt64(a[4], &r.end)) return ctx.Error(kErrNotInt);
      end_given = true;
    } else {
      r.end = r.bits ? strlen * 8 - 1 : strlen - 1;
    }
    Clamp(&r, strlen);
  } else if (a.size() != 3) {
    return ctx.Error(kErrSyntax);
  }
  if (r.empty()) return ctx.rb.Integer(-1);
  int64_t pos = bitops::FindBit(Bytes(s), r.first_bit(), r.last_bit(), static_cast<int>(bit));
  if (pos < 0 && bit == 0 && !end_given) pos = strlen * 8;
  ctx.rb.Integer(pos);
}

// BITOP AND|OR|XOR|NOT destkey key [key ...]: missing sources are empty strings (all zeros); the
// result, as long as the longest source, replaces destkey whatever it held (its TTL too), or
// deletes it when empty. Replies the result's length.
void BitOpCmd(CommandContext& ctx) {
  auto& a = ctx.args;
  bitops::BitOp op;
  if (EqualsLower(a[1], "and")) {
    op = bitops::BitOp::kAnd;
  } else if (EqualsLower(a[1], "or")) {
    op = bitops::BitOp::kOr;
  } else if (EqualsLower(a[1], "xor")) {
    op = bitops::BitOp::kXor;
  } else if (EqualsLower(a[1], "not")) {
    op = bitops::BitOp::kNot;
  } else {
    return ctx.Error(kErrSyntax);
  }
  if (op == bitops::BitOp::kNot && a.size() != 4) {
    return ctx.Error("ERR BITOP NOT must be called with a single source key.");
  }
  const size_t n = a.size() - 3;
  // Integer-encoded sources are read as their decimal text, kept here while the op runs.
  std::vector<std::array<char, 24>> bufs(n);
  std::vector<const uint8_t*> srcs(n);
  std::vector<size_t> lens(n);
  size_t maxlen = 0;
  for (size_t k = 0; k < n; ++k) {
    bool found;
    std::string_view s;
    if (!StringForBitRead(ctx, a[3 + k], bufs[k].data(), &found, &s)) return;
    srcs[k] = Bytes(s);
    lens[k] = found ? s.size() : 0;
    maxlen = std::max(maxlen, lens[k]);
  }
  std::string_view dest = a[2];
  DbTable& db = ctx.Db(dest);
  if (maxlen == 0) {
    if (db.Delete(dest, ctx.now_ms)) NotifyKeyspaceEvent(ctx, kNotifyGeneric, "del", dest);
    return ctx.rb.Integer(0);
  }
  if (maxlen > ctx.server.config().proto_max_bulk_len()) {
    return ctx.Error("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
  }
  // The result goes into a fresh entry: dest may be one of the sources.
  Entry* e = Entry::New(dest, ObjType::kString, static_cast<uint32_t>(maxlen), false);
  bitops::Combine(op, srcs.data(), lens.data(), n, reinterpret_cast<uint8_t*>(e->value()), maxlen);
  e->flags |= Entry::kRawEncoded;
  PutEntry(db, db.FindLink(dest, ctx.now_ms), e);
  NotifyKeyspaceEvent(ctx, kNotifyString, "set", dest);
  ctx.rb.Integer(static_cast<int64_t>(maxlen));
}

struct FieldOp {
  enum Kind { kGet, kSet, kIncrBy } kind;
  bool is_signed;
  int bits;
  uint64_t offset;
  int64_t value;
  bitops::Overflow overflow;
};

bool ParseFieldType(CommandContext& ctx, std::string_view arg, bool* is_signed, int* bits) {
  int64_t n = 0;
  const char c = arg.empty() ? '\0' : arg[0];
  *is_signed = c == 'i';  // lower case only, as in Redis
  const bool ok = (*is_signed || c == 'u') && ParseInt64(arg.substr(1), &n) && n >= 1 &&
                  n <= (*is_signed ? 64 : 63);
  if (!ok) {
    ctx.Error(
        "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but "
        "i64 is.");
    return false;
  }
  *bits = static_cast<int>(n);
  return true;
}

// BITFIELD key [GET type offset | SET type offset value | INCRBY type offset increment |
// OVERFLOW WRAP|SAT|FAIL] ...: every operation is parsed before any runs; the string is made
// long enough for the farthest write first. Replies one entry per GET/SET/INCRBY (SET: the old
// value; INCRBY: the new one; nil for an overflow under FAIL, which writes nothing).
void BitFieldGeneric(CommandContext& ctx, bool read_only) {
  auto& a = ctx.args;
  std::vector<FieldOp> ops;
  bitops::Overflow overflow = bitops::Overflow::kWrap;
  bool writes = false;
  uint64_t max_bit = 0;
  for (size_t j = 2; j < a.size(); ++j) {
    const size_t rest = a.size() - j - 1;
    FieldOp op{};
    if (EqualsLower(a[j], "get") && rest >= 2) {
      op.kind = FieldOp::kGet;
    } else if (EqualsLower(a[j], "set") && rest >= 3) {
      op.kind = FieldOp::kSet;
    } else if (EqualsLower(a[j], "incrby") && rest >= 3) {
      op.kind = FieldOp::kIncrBy;
    } else if (EqualsLower(a[j], "overflow") && rest >= 1) {
      std::string_view t = a[++j];
      if (EqualsLower(t, "wrap")) {
        overflow = bitops::Overflow::kWrap;
      } else if (EqualsLower(t, "sat")) {
        overflow = bitops::Overflow::kSat;
      } else if (EqualsLower(t, "fail")) {
        overflow = bitops::Overflow::kFail;
      } else {
        return ctx.Error("ERR Invalid OVERFLOW type specified");
      }
      continue;
    } else {
      return ctx.Error(kErrSyntax);
    }
    if (!ParseFieldType(ctx, a[j + 1], &op.is_signed, &op.bits)) return;
    if (!ParseBitOffset(ctx, a[j + 2], true, op.bits, &op.offset)) return;
    if (op.kind != FieldOp::kGet) {
      writes = true;
      max_bit = std::max(max_bit, op.offset + static_cast<uint64_t>(op.bits) - 1);
      if (!ParseInt64(a[j + 3], &op.value)) return ctx.Error(kErrNotInt);
    }
    op.overflow = overflow;
    ops.push_back(op);
    j += op.kind == FieldOp::kGet ? 2 : 3;
  }
  std::string_view key = a[1];
  char buf[24];
  std::string_view view;  // the value, for a command that only reads
  uint8_t* data = nullptr;
  size_t len = 0;
  bool grew = false;
  if (!writes) {
    bool found;
    if (!StringForBitRead(ctx, key, buf, &found, &view)) return;
    if (!found) view = {};
    len = view.size();
  } else {
    if (read_only) return ctx.Error("ERR BITFIELD_RO only supports the GET subcommand");
    Entry* e = StringForBitWrite(ctx, key, max_bit, &grew);
    if (!e) return;
    data = reinterpret_cast<uint8_t*>(e->value());
    len = e->value_len();
  }
  const uint8_t* src = data ? data : Bytes(view);
  ctx.rb.ArrayHeader(ops.size());
  bool changed = false;
  for (const FieldOp& op : ops) {
    if (op.kind == FieldOp::kGet) {
      if (op.is_signed) {
        ctx.rb.Integer(bitops::GetSigned(src, len, op.offset, op.bits));
      } else {
        ctx.rb.Integer(static_cast<int64_t>(bitops::GetUnsigned(src, len, op.offset, op.bits)));
      }
      continue;
    }
    // SET is INCRBY from zero whose reply is the old value.
    const bool set = op.kind == FieldOp::kSet;
    bool fits;
    uint64_t old_bits, new_bits;
    int64_t reply;
    if (op.is_signed) {
      const int64_t old = bitops::GetSigned(data, len, op.offset, op.bits);
      int64_t v = 0;
      fits = set ? bitops::SignedAdd(op.value, 0, op.bits, op.overflow, &v)
                 : bitops::SignedAdd(old, op.value, op.bits, op.overflow, &v);
      old_bits = static_cast<uint64_t>(old);
      new_bits = static_cast<uint64_t>(v);
      reply = set ? old : v;
    } else {
      const uint64_t old = bitops::GetUnsigned(data, len, op.offset, op.bits);
      uint64_t v = 0;
      fits = set ? bitops::UnsignedAdd(static_cast<uint64_t>(op.value), 0, op.bits, op.overflow, &v)
                 : bitops::UnsignedAdd(old, op.value, op.bits, op.overflow, &v);
      old_bits = old;
      new_bits = v;
      reply = static_cast<int64_t>(set ? old : v);
    }
    if (!fits && op.overflow == bitops::Overflow::kFail) {
      ctx.rb.Null();
      continue;
    }
    ctx.rb.Integer(reply);
    bitops::SetField(data, op.offset, op.bits, new_bits);
    if (grew || old_bits != new_bits) changed = true;
  }
  if (changed) NotifyKeyspaceEvent(ctx, kNotifyString, "setbit", key);
}

void BitFieldCmd(CommandContext& ctx) { BitFieldGeneric(ctx, false); }
void BitFieldRoCmd(CommandContext& ctx) { BitFieldGeneric(ctx, true); }

}  // namespace

void RegisterBitmapCommands(CommandTable& t) {
  constexpr uint32_t W = kCmdWrite | kCmdDenyOom;
  constexpr uint32_t R = kCmdReadonly;
  constexpr uint32_t F = kCmdFast;
  t.Add({"setbit", 4, W, 1, 1, 1, SetBitCmd, "bitmap", "Sets or clears the bit at offset in the string value stored at key", "2.2.0"});
  t.Add({"getbit", 3, R | F, 1, 1, 1, GetBitCmd, "bitmap", "Returns the bit value at offset in the string value stored at key", "2.2.0"});
  t.Add({"bitcount", -2, R, 1, 1, 1, BitCountCmd, "bitmap", "Count set bits in a string", "2.6.0"});
  t.Add({"bitpos", -3, R, 1, 1, 1, BitPosCmd, "bitmap", "Find first bit set or clear in a string", "2.8.7"});
  t.Add({"bitop", -4, W, 2, -1, 1, BitOpCmd, "bitmap", "Perform bitwise operations between strings", "2.6.0"});
  t.Add({"bitfield", -2, W, 1, 1, 1, BitFieldCmd, "bitmap", "Perform arbitrary bitfield integer operations on strings", "3.2.0"});
  t.Add({"bitfield_ro", -2, R | F, 1, 1, 1, BitFieldRoCmd, "bitmap", "Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD", "6.0.0"});
}

}  // namespace shoal
