// DUMP and RESTORE: a key's value in Redis' serialization format (store/rdb_codec.h).
#include <string>

#include "server/commands/command.h"
#include "server/commands/keyspace_ops.h"
#include "server/commands/pubsub.h"
#include "server/config.h"
#include "server/net/server.h"
#include "server/store/key_clock.h"
#include "server/store/object.h"
#include "server/store/rdb_codec.h"
#include "server/util/string_util.h"

namespace shoal {

namespace {

void DumpCmd(CommandContext& ctx) {
  const std::string_view key = ctx.args[1];
  Entry* e = ctx.Db(key).Find(key, ctx.now_ms);
  NoteLookup(ctx, e, key, kLookupRead);
  if (!e) return ctx.rb.Null();
  rdb::EncodeOptions opts;
  opts.compress = ctx.server.config().rdbcompression();
  opts.list_fill = EncodingLimits::Get(Limits().list_max_listpack_size);
  ctx.rb.Bulk(rdb::DumpPayload(e, opts));
}

// RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]
// Checks run in Redis' order: options, then an existing key, then the TTL, the payload's footer
// and its contents; the key changes only once the whole value has been decoded.
void RestoreCmd(CommandContext& ctx) {
  const auto& a = ctx.args;
  bool replace = false, absttl = false;
  int64_t idle = -1, freq = -1;
  for (size_t i = 4; i < a.size(); ++i) {
    const bool has_value = i + 1 < a.size();
    if (EqualsLower(a[i], "replace")) {
      replace = true;
    } else if (EqualsLower(a[i], "absttl")) {
      absttl = true;
    } else if (EqualsLower(a[i], "idletime") && has_value && freq == -1) {
      if (!ParseInt64(a[++i], &idle)) return ctx.Error(kErrNotInt);
      if (idle < 0) return ctx.Error("ERR Invalid IDLETIME value, must be >= 0");
    } else if (EqualsLower(a[i], "freq") && has_value && idle == -1) {
      if (!ParseInt64(a[++i], &freq)) return ctx.Error(kErrNotInt);
      if (freq < 0 || freq > 255) {
        return ctx.Error("ERR Invalid FREQ value, must be >= 0 and <= 255");
      }
    } else {
      return ctx.Error(kErrSyntax);
    }
  }
  const std::string_view key = a[1];
  DbTable& db = ctx.Db(key);
  if (!replace) {
    Entry* e = db.Find(key, ctx.now_ms);
    NoteLookup(ctx, e, key, kLookupWrite);
    if (e) return ctx.Error("BUSYKEY Target key name already exists.");
  }
  int64_t ttl;
  if (!ParseInt64(a[2], &ttl)) return ctx.Error(kErrNotInt);
  if (ttl < 0) return ctx.Error("ERR Invalid TTL value, must be >= 0");
  if (!rdb::VerifyDumpPayload(a[3])) {
    return ctx.Error("ERR DUMP payload version or checksum are wrong");
  }
  rdb::DecodeLimits limits;
  limits.max_string_len = ctx.server.config().proto_max_bulk_len();
  limits.max_decompressed_total = limits.max_string_len;
  auto value = rdb::DecodeDumpPayload(a[3], limits);
  if (!value.ok()) return ctx.Error("ERR Bad data format");

  const bool deleted = replace && db.Delete(key, ctx.now_ms);
  int64_t expire_at = kNoExpire;
  if (ttl != 0) {
    // A relative TTL that overflows wraps into the past in Redis: the key is not created.
    if (absttl) {
      expire_at = ttl;
    } else if (__builtin_add_overflow(ttl, ctx.now_ms, &expire_at)) {
      expire_at = INT64_MIN;
    }
    if (expire_at <= ctx.now_ms) {
      if (deleted) NotifyKeyspaceEvent(ctx, kNotifyGeneric, "del", key);
      return ctx.rb.Ok();
    }
  }
  Entry* e;
  if (value->type == ObjType::kString) {
    SetStringValue(db, key, value->str, expire_at, false, ctx.now_ms);
    e = db.Find(key, ctx.now_ms);
  } else {
    e = NewCollectionEntry(key, std::move(value->coll), expire_at);
    db.Insert(e);
  }
  SetRestoredKeyClock(e, freq, idle);
  NotifyKeyspaceEvent(ctx, kNotifyGeneric, "restore", key);
  ctx.rb.Ok();
}

}  // namespace

void RegisterDumpCommands(CommandTable& t) {
  t.Add({"dump", 2, kCmdReadonly, 1, 1, 1, DumpCmd, "generic",
         "Return a serialized version of the value stored at the specified key.", "2.6.0"});
  t.Add({"restore", -4, kCmdWrite | kCmdDenyOom, 1, 1, 1, RestoreCmd, "generic",
         "Create a key using the provided serialized value, previously obtained using DUMP.",
         "2.6.0"});
}

}  // namespace shoal
