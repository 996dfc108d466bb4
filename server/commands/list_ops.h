// List pop/move operations shared by the list commands and their blocking variants.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "server/commands/command.h"

namespace shoal {

enum class ListEnd { kLeft, kRight };

// How a pop writes its reply.
enum class PopReply {
  kElement,        // one bulk (LPOP/RPOP without count)
  kArray,          // array of the popped elements (LPOP/RPOP with count)
  kKeyAndElement,  // [key, element] (BLPOP/BRPOP)
  kKeyAndArray,    // [key, [elements]] (LMPOP/BLMPOP)
};

enum class ListOpResult {
  kDone,   // the reply was written
  kEmpty,  // no such key (or empty): nothing written, so a blocking caller can wait
  kError,  // an error reply (WRONGTYPE) was written
};

// Each of these runs with the shard locks of every key involved already held (the dispatcher's
// locks, or a blocking command's when it is woken up); they look keys up in ctx.db, delete lists
// they empty, and parse nothing.

// Pops up to count (>= 1) elements from key's end and replies in the given form.
ListOpResult ListPop(CommandContext& ctx, std::string_view key, ListEnd end, int64_t count,
                     PopReply form);
// LMPOP's core: pops from the first of keys that holds a non-empty list; WRONGTYPE on the first
// non-list key met before that.
ListOpResult ListMultiPop(CommandContext& ctx, std::span<const std::string_view> keys, ListEnd end,
                          int64_t count);
// Moves one element from src's `from` end to dst's `to` end (src == dst rotates) and replies with
// it as a bulk.
ListOpResult ListMove(CommandContext& ctx, std::string_view src, std::string_view dst, ListEnd from,
                      ListEnd to);

// LEFT/RIGHT, case-insensitive; false for anything else.
bool ParseListEnd(std::string_view arg, ListEnd* end);

}  // namespace shoal
