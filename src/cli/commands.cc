#include "command.h"

namespace diareid::cli {

void RegisterAllCommands(Registry& registry) {
  RegisterEnrol(registry);
  RegisterVerify(registry);
  RegisterIdentify(registry);
  RegisterVersion(registry);
}

}  // namespace diareid::cli
