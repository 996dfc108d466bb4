// List commands (not yet implemented: issue 5).
#include "server/commands/command.h"

namespace shoal {

void RegisterListCommands(CommandTable&) {}

}  // namespace shoal
