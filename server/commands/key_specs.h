// Finds a command's key arguments from its key specs (the begin_search / find_keys rules Redis
// 7 publishes in COMMAND INFO), as COMMAND GETKEYS and GETKEYSANDFLAGS answer.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "server/commands/command_meta.h"

namespace shoal {

struct SpecKey {
  int pos;   // index into the arguments (0 is the command name)
  int spec;  // which key spec found it; -1: none (KeysFromCountFallback), so no flags
};

// Appends the keys every spec finds in args (the whole command line, name included). False when
// the arguments do not fit a spec (a key count that is not a positive integer, or keys past
// the last argument): the command itself would reply with an error. A spec whose keyword is
// absent finds no keys. On false nothing is appended. Specs of unknown kind find nothing.
bool KeysFromSpecs(const std::vector<KeySpecMeta>& specs, std::span<const std::string_view> args,
                   std::vector<SpecKey>* out);

// What Redis falls back to for a command with a key count (all of them have their own key
// finder there) when the specs fail, e.g. on a count that is not a strict integer: the count
// read with atoi(), the counted keys and then a destination before the count, without flags.
// False when that finds no keys either.
bool KeysFromCountFallback(const std::vector<KeySpecMeta>& specs,
                           std::span<const std::string_view> args, std::vector<SpecKey>* out);

}  // namespace shoal
