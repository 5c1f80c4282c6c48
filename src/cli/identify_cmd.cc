#include <cstdio>
#include <memory>

#include "command.h"
#include "diareid/app/identify.h"
#include "job_options.h"

namespace diareid::cli {
namespace {

struct IdentifyArgs {
  IdentifyOptions options;
  MatchSettings match;
};

CommandOutput RunIdentify(const GlobalOptions& global, IdentifyArgs& args) {
  args.options.source.Check();
  Session session(MakeSessionOptions(global, args.match));
  IdentifyResult result = Identify(session, args.options);
  CommandOutput out;
  out.json = ToJson(result);
  char line[256];
  std::snprintf(line, sizeof(line),
                "rank  stone                             distance  verdict "
                "(threshold %.3f)\n",
                result.threshold);
  out.text = line;
  for (size_t i = 0; i < result.ranking.size(); ++i) {
    std::snprintf(line, sizeof(line), "%4zu  %-32s  %8.3f  %s\n", i + 1,
                  result.ranking[i].stone_id.c_str(),
                  result.ranking[i].distance,
                  result.under_threshold[i] ? "same stone" : "-");
    out.text += line;
  }
  return out;
}

}  // namespace

void RegisterIdentify(Registry& registry) {
  auto args = std::make_shared<IdentifyArgs>();
  const GlobalOptions& global = registry.global();
  CLI::App* command = registry.Add(
      registry.app(), "identify", "Which enrolled stone is this? (1:N, ranked)",
      [&global, args] { return RunIdentify(global, *args); });
  command->add_option("--top", args->options.top, "How many stones to list")
      ->capture_default_str();
  AddPictureOptions(command, args->options.source);
  AddMatchOptions(command, args->match);
}

}  // namespace diareid::cli
