#include <unistd.h>

#include "diareid/model/default_model.h"

namespace diareid {

std::filesystem::path DefaultModelPath() {
  const std::filesystem::path file = "diareid-default.dmodel";
  std::error_code ec;
  const std::filesystem::path binary =
      std::filesystem::read_symlink("/proc/self/exe", ec);
  std::filesystem::path installed;
  if (!ec) {
    // <prefix>/bin/diareid -> <prefix>/share/diareid/models/
    installed =
        binary.parent_path().parent_path() / DIAREID_INSTALL_DATADIR / file;
    if (std::filesystem::exists(installed, ec)) return installed;
  }
  const std::filesystem::path source =
      std::filesystem::path(DIAREID_SOURCE_DIR) / "models" / file;
  if (std::filesystem::exists(source, ec)) return source;
  return installed.empty() ? source : installed;
}

}  // namespace diareid
