#include <torch/version.h>
#include <opencv2/core/version.hpp>

#include "command.h"
#include "diareid/core/version.h"

namespace diareid::cli {

std::string VersionText() {
  return "diareid " + Version() + " (commit " + GitCommit() + ")\nLibTorch " +
         TORCH_VERSION + "\nOpenCV " + CV_VERSION;
}

void RegisterVersion(Registry& registry) {
  registry.Add(registry.app(), "version",
               "Print the versions of diareid, LibTorch and OpenCV", [] {
                 CommandOutput out;
                 out.json = {{"diareid", Version()},
                             {"commit", GitCommit()},
                             {"libtorch", TORCH_VERSION},
                             {"opencv", CV_VERSION}};
                 out.text = VersionText() + "\n";
                 return out;
               });
}

}  // namespace diareid::cli
