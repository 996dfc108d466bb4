// What COMMAND INFO reports beyond a command's own table entry: its tips and key specs (which
// arguments are keys, found how, used how), and each subcommand's arity, flags, key positions
// and ACL categories. The data (command_meta_data.cc) is generated from redis-server 7.0 by
// tools/gen_command_meta.py, so clients that read key specs see Redis' answers.
#pragma once

#include <string_view>
#include <vector>

namespace shoal {

struct KeySpecMeta {
  enum Begin { kIndex, kKeyword, kUnknownBegin };
  enum Find { kRange, kKeynum, kUnknownFind };
  std::string_view notes;  // empty: none
  std::vector<std::string_view> flags;
  Begin begin;
  int begin_arg;  // kIndex: index; kKeyword: startfrom
  std::string_view keyword;
  Find find;
  int find_a, find_b, find_c;  // kRange: lastkey, keystep, limit; kKeynum: keynumidx, firstkey, keystep
};

struct CommandMeta {
  std::string_view name;  // "get", or "object|freq" for a subcommand
  int arity;
  std::vector<std::string_view> flags;
  int first_key, last_key, step;
  std::vector<std::string_view> categories;
  std::vector<std::string_view> tips;
  std::vector<KeySpecMeta> key_specs;
};

const std::vector<CommandMeta>& AllCommandMeta();
// nullptr when there is none.
const CommandMeta* FindCommandMeta(std::string_view name);

}  // namespace shoal
