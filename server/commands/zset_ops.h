// Sorted-set operations shared with other command code: popping (for the blocking pops) and the
// way set-typed inputs reach ZUNION/ZINTER/ZDIFF.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "server/commands/command.h"
#include "server/store/object.h"
#include "server/store/zset_value.h"

namespace shoal {

// How a pop reply is shaped (Redis' genericZpopCommand):
//   kFlat:        member, score, member, score ...          ZPOPMIN/ZPOPMAX (RESP2, or no count)
//   kNested:      [member, score], ...                      ZPOPMIN/ZPOPMAX with count in RESP3
//   kKeyFlat:     key, member, score ...                    BZPOPMIN/BZPOPMAX
//   kKeyNested:   [key, [[member, score], ...]]             ZMPOP/BZMPOP
enum class ZPopShape { kFlat, kNested, kKeyFlat, kKeyNested };

// Pops up to `count` (>= 1) elements from the low (max = false) or high end of the non-empty
// sorted set z stored at key in db, replying with them in the given shape, and deletes the key
// when it becomes empty (returns true then). Sends "zpopmin"/"zpopmax" and then "del" for a
// deleted key. The caller holds key's shard lock.
bool ZPopAndReply(CommandContext& ctx, DbTable& db, std::string_view key, ZSetValue* z, bool max,
                  size_t count, ZPopShape shape);

// Replaces dst with value (or deletes it when value is null or empty, with a "del" event when
// there was a key) and replies with the new length, as the *STORE commands (and GEOSEARCHSTORE)
// do. The destination loses any TTL; a stored result sends `event`.
void StoreResult(CommandContext& ctx, std::string_view dst, std::unique_ptr<ZSetValue> value,
                 std::string_view event);

// Set-typed inputs of ZUNION/ZINTER/ZDIFF/ZINTERCARD count as sorted sets with every score 1, as
// in Redis. The set family lives elsewhere; it installs these accessors at registration. Without
// them (no set type in the server) a set value cannot exist, so nothing is lost.
struct SetInputAccess {
  size_t (*length)(const CollectionValue* set) = nullptr;
  bool (*contains)(CollectionValue* set, std::string_view member) = nullptr;
  void (*for_each)(const CollectionValue* set,
                   absl::FunctionRef<void(std::string_view member)> fn) = nullptr;
};
void SetZSetSetInputAccess(const SetInputAccess& access);

}  // namespace shoal
