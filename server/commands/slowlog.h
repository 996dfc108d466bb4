// SLOWLOG: the commands that took longer than slowlog-log-slower-than microseconds, newest first,
// at most slowlog-max-len of them, as Redis keeps them.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace shoal {

class Connection;
class Server;
struct CommandSpec;

// Called after every command with its execution time; cheap when the command was fast enough.
void MaybeLogSlow(Server& server, Connection& conn, const CommandSpec* spec,
                  std::span<const std::string_view> args, uint64_t usec);

}  // namespace shoal
