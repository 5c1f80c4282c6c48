#include "command.h"

namespace diareid::cli {

void RegisterAllCommands(Registry& registry) {
  RegisterEnrol(registry);
  RegisterVerify(registry);
  RegisterIdentify(registry);
  RegisterSimulate(registry);
  RegisterTrain(registry);
  RegisterEval(registry);
  RegisterCapture(registry);
  RegisterRig(registry);
  RegisterEmbed(registry);
  RegisterModel(registry);
  RegisterGallery(registry);
  RegisterReindex(registry);
  RegisterVersion(registry);
}

}  // namespace diareid::cli
