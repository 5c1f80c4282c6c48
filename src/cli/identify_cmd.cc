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

// The last line: the verdict in words.
std::string VerdictLine(const IdentifyResult& result) {
  char line[320];
  switch (result.verdict) {
    case IdentifyVerdict::kSameStone:
      std::snprintf(line, sizeof(line), "SAME STONE: enrolled stone %s\n",
                    result.ranking.front().stone_id.c_str());
      break;
    case IdentifyVerdict::kNotFound:
      std::snprintf(line, sizeof(line),
                    "NOT FOUND: no enrolled stone is within the threshold\n");
      break;
    case IdentifyVerdict::kInconclusive:
      if (!result.inconclusive_reason.empty())
        return "INCONCLUSIVE: " + result.inconclusive_reason + "\n";
      std::snprintf(line, sizeof(line),
                    "INCONCLUSIVE: stones %s (distance %.3f) and %s "
                    "(distance %.3f) are both within the threshold; verify "
                    "against each ID\n",
                    result.ranking.front().stone_id.c_str(),
                    result.ranking.front().distance,
                    result.rival ? result.rival->stone_id.c_str() : "?",
                    result.rival ? result.rival->distance : 0.0);
      break;
  }
  return line;
}

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
    const char* label = "-";
    if (result.within_threshold[i])
      label = i == 0 && result.verdict == IdentifyVerdict::kSameStone
                  ? "same stone"
                  : "candidate";
    std::snprintf(line, sizeof(line), "%4zu  %-32s  %8.3f  %s\n", i + 1,
                  result.ranking[i].stone_id.c_str(),
                  result.ranking[i].distance, label);
    out.text += line;
  }
  out.text += VerdictLine(result);
  switch (result.verdict) {
    case IdentifyVerdict::kSameStone:
      out.code = ExitCode::kOk;
      break;
    case IdentifyVerdict::kNotFound:
      out.code = ExitCode::kDifferentStone;
      break;
    case IdentifyVerdict::kInconclusive:
      out.code = ExitCode::kBadInput;
      break;
  }
  return out;
}

}  // namespace

void RegisterIdentify(Registry& registry) {
  auto args = std::make_shared<IdentifyArgs>();
  const GlobalOptions& global = registry.global();
  CLI::App* command = registry.Add(
      registry.app(), "identify",
      "Which enrolled stone is this? (1:N, ranked; exit 0 found, 1 not "
      "found, 2 inconclusive)",
      [&global, args] { return RunIdentify(global, *args); });
  command->add_option("--top", args->options.top, "How many stones to list")
      ->capture_default_str();
  AddPictureOptions(command, args->options.source);
  AddMatchOptions(command, args->match);
}

}  // namespace diareid::cli
