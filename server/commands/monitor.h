// MONITOR: every command the server runs, shown to the connections that asked (monitor.cc).
#pragma once

#include <span>
#include <string_view>

#include "server/commands/command.h"

namespace shoal {

class Connection;
class Server;

// Whether any connection monitors (a relaxed load: the per-command check).
bool MonitorsActive();
// Sends every monitor the line for a command conn just ran (sub: its subcommand index or -1).
void FeedMonitors(Server& server, Connection& conn, const CommandSpec& spec, int sub,
                  std::span<const std::string_view> args);
// A closing or RESET connection stops monitoring.
void StopMonitoring(Connection& conn);

void RegisterMonitorCommands(CommandTable& t);

}  // namespace shoal
