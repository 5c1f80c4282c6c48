#include <cstdio>
#include <memory>

#include "command.h"
#include "diareid/app/verify.h"
#include "job_options.h"

namespace diareid::cli {
namespace {

struct VerifyArgs {
  VerifyOptions options;
  MatchSettings match;
};

CommandOutput RunVerify(const GlobalOptions& global, VerifyArgs& args) {
  CheckStoneId(args.options.stone_id);
  args.options.source.Check();
  Session session(MakeSessionOptions(global, args.match));
  VerifyResult result = Verify(session, args.options);
  CommandOutput out;
  out.json = ToJson(result);
  char line[256];
  if (result.distance) {
    std::snprintf(line, sizeof(line),
                  "%s: stone %s, distance %.3f (threshold %.3f), %d "
                  "pictures\n",
                  VerdictName(result.verdict), result.stone_id.c_str(),
                  *result.distance, result.threshold, result.pictures_used);
    out.text = line;
    if (!result.inconclusive_reason.empty())
      out.text += "  why: " + result.inconclusive_reason + "\n";
  } else {
    // No distance was measured: say why instead of printing a number.
    out.text = std::string(VerdictName(result.verdict)) + ": stone " +
               result.stone_id + ", " + result.inconclusive_reason + "\n";
  }
  for (const auto& reason : result.rejected)
    out.text += "  unusable: " + reason + "\n";
  if (result.matches_instead) {
    std::snprintf(line, sizeof(line),
                  "  the pictures match enrolled stone %s instead "
                  "(distance %.3f)\n",
                  result.matches_instead->stone_id.c_str(),
                  result.matches_instead->distance);
    out.text += line;
  }
  switch (result.verdict) {
    case Verdict::kSameStone:
      out.code = ExitCode::kOk;
      break;
    case Verdict::kDifferentStone:
      out.code = ExitCode::kDifferentStone;
      break;
    case Verdict::kInconclusive:
      out.code = ExitCode::kBadInput;
      break;
  }
  return out;
}

}  // namespace

void RegisterVerify(Registry& registry) {
  auto args = std::make_shared<VerifyArgs>();
  const GlobalOptions& global = registry.global();
  CLI::App* command = registry.Add(
      registry.app(), "verify",
      "Is this the stone enrolled under this ID? (on return; exit 0 same, "
      "1 different, 2 inconclusive)",
      [&global, args] { return RunVerify(global, *args); });
  command->add_option("--id", args->options.stone_id, "Stone ID")->required();
  AddPictureOptions(command, args->options.source);
  AddMatchOptions(command, args->match);
}

}  // namespace diareid::cli
