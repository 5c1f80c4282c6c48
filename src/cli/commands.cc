#include "command.h"

namespace diareid::cli {

void RegisterAllCommands(Registry& registry) { RegisterVersion(registry); }

}  // namespace diareid::cli
