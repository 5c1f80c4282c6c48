#include "diareid/core/logging.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <vector>

#include "diareid/core/error.h"

namespace diareid {

void SetUpLogging(const std::string& level, const std::string& log_file) {
  spdlog::level::level_enum parsed = spdlog::level::from_str(level);
  // spdlog maps unknown names to "off"; only "off" itself may mean off.
  if (parsed == spdlog::level::off && level != "off")
    throw InputError("--log-level: unknown level '" + level +
                     "', expected trace, debug, info, warn, error or off");
  std::vector<spdlog::sink_ptr> sinks;
  sinks.push_back(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  if (!log_file.empty()) {
    try {
      sinks.push_back(
          std::make_shared<spdlog::sinks::basic_file_sink_mt>(log_file));
    } catch (const spdlog::spdlog_ex& e) {
      throw InputError("--log-file: cannot open " + log_file + ": " + e.what());
    }
  }
  auto logger =
      std::make_shared<spdlog::logger>("diareid", sinks.begin(), sinks.end());
  logger->set_level(parsed);
  logger->set_pattern("%^%L%$ %H:%M:%S.%e %v");
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}

}  // namespace diareid
