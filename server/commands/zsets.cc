// ZSet commands (not yet implemented: issue 5).
#include "server/commands/command.h"

namespace shoal {

void RegisterZSetCommands(CommandTable&) {}

}  // namespace shoal
