#include <memory>

#include "command.h"
#include "diareid/app/enrol.h"
#include "job_options.h"

namespace diareid::cli {
namespace {

struct EnrolArgs {
  EnrolOptions options;
  std::string metadata_json;
  std::string sale;
  MatchSettings match;
};

CommandOutput RunEnrol(const GlobalOptions& global, EnrolArgs& args) {
  // Cheap checks first, so that bad input changes nothing on disk.
  CheckStoneId(args.options.stone_id);
  args.options.source.Check();
  if (!args.metadata_json.empty()) {
    try {
      args.options.metadata = nlohmann::json::parse(args.metadata_json);
    } catch (const nlohmann::json::parse_error& e) {
      throw InputError("--metadata is not valid JSON: " +
                       std::string(e.what()));
    }
    if (!args.options.metadata.is_object())
      throw InputError(
          "--metadata must be a JSON object, such as "
          "{\"sale\": \"INV-1042\"}");
  }
  if (!args.sale.empty()) args.options.metadata["sale"] = args.sale;
  SessionOptions session_options = MakeSessionOptions(global, args.match);
  session_options.create_gallery = true;
  Session session(session_options);
  EnrolResult result = Enrol(session, args.options);
  CommandOutput out;
  out.json = ToJson(result);
  out.text = "ENROLLED " + result.stone_id + " with " +
             std::to_string(result.pictures) + " pictures\n";
  for (const auto& c : result.look_alikes)
    out.text += "WARNING: looks like enrolled stone " + c.stone_id +
                " (distance " + std::to_string(c.distance) + ")\n";
  return out;
}

}  // namespace

void RegisterEnrol(Registry& registry) {
  auto args = std::make_shared<EnrolArgs>();
  const GlobalOptions& global = registry.global();
  CLI::App* command =
      registry.Add(registry.app(), "enrol",
                   "Record a stone's fingerprint under its ID (at sale)",
                   [&global, args] { return RunEnrol(global, *args); });
  command->add_option("--id", args->options.stone_id, "Stone ID")->required();
  command->add_flag("--re-enrol", args->options.re_enrol,
                    "Replace an existing enrolment (kept in the history)");
  command->add_option("--sale", args->sale, "Sale reference, kept with it");
  command->add_option("--metadata", args->metadata_json,
                      "Free-form JSON object kept with the stone");
  AddPictureOptions(command, args->options.source);
  AddMatchOptions(command, args->match);
}

}  // namespace diareid::cli
