#include "diareid/core/version.h"

namespace diareid {

std::string Version() { return DIAREID_VERSION; }

std::string GitCommit() { return DIAREID_GIT_COMMIT; }

}  // namespace diareid
