// Hash commands (not yet implemented: issue 5).
#include "server/commands/command.h"

namespace shoal {

void RegisterHashCommands(CommandTable&) {}

}  // namespace shoal
