// `diareid gallery list | show | check | export | backup | restore`.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>

#include "command.h"
#include "diareid/app/reindex.h"
#include "diareid/core/files.h"
#include "diareid/store/gallery.h"
#include "output_paths.h"

namespace diareid::cli {
namespace {

struct GalleryArgs {
  std::string stone_id;
  bool repair = false;
  std::string out;
  std::string from;
  bool force = false;
};

GalleryOptions Options(const GlobalOptions& global, bool read_only) {
  GalleryOptions options;
  options.dir = global.gallery.empty() ? DefaultDataDir()
                                       : std::filesystem::path(global.gallery);
  options.key_file = global.key_file;
  options.read_only = read_only;
  return options;
}

std::unique_ptr<Gallery> OpenExisting(const GlobalOptions& global,
                                      bool read_only) {
  GalleryOptions options = Options(global, read_only);
  if (!std::filesystem::exists(options.dir / "gallery.sqlite"))
    throw InputError("there is no gallery at " + options.dir.string() +
                     ": enrol a stone first, or give --gallery");
  return Gallery::Open(options);
}

CommandOutput RunList(const GlobalOptions& global) {
  auto gallery = OpenExisting(global, /*read_only=*/true);
  CommandOutput out;
  out.json = {{"gallery", gallery->dir().string()},
              {"active_model", gallery->ActiveModel()},
              {"stones", nlohmann::json::array()}};
  char line[256];
  std::snprintf(line, sizeof(line), "%-24s %-24s %10s %10s  %s\n", "stone",
                "created", "enrolments", "references", "metadata");
  out.text = line;
  for (const StoneSummary& stone : gallery->ListStones()) {
    out.json["stones"].push_back({{"id", stone.id},
                                  {"created", stone.created},
                                  {"enrolments", stone.enrolments},
                                  {"references", stone.references},
                                  {"metadata", stone.metadata}});
    std::snprintf(line, sizeof(line), "%-24s %-24s %10d %10d  ",
                  stone.id.c_str(), stone.created.c_str(), stone.enrolments,
                  stone.references);
    out.text += line + stone.metadata.dump() + "\n";
  }
  out.text += std::to_string(out.json["stones"].size()) + " stones\n";
  return out;
}

CommandOutput RunShow(const GlobalOptions& global, const std::string& id) {
  CheckStoneId(id);
  auto gallery = OpenExisting(global, /*read_only=*/true);
  CommandOutput out;
  out.json = gallery->StoneHistory(id);
  out.text = "stone " + id + ", created " +
             out.json["created"].get<std::string>() + ", metadata " +
             out.json["metadata"].dump() + "\n";
  for (const auto& event : out.json["events"]) {
    out.text += "  " + event["time"].get<std::string>() + "  " +
                event["kind"].get<std::string>();
    if (event.contains("result")) out.text += "  " + event["result"].dump();
    if (event.contains("operator") &&
        !event["operator"].get<std::string>().empty())
      out.text += "  by " + event["operator"].get<std::string>();
    out.text += "\n";
  }
  for (const auto& capture : out.json["captures"])
    out.text += "  capture " + std::to_string(capture["capture"].get<int>()) +
                " (" + capture["purpose"].get<std::string>() + ") " +
                capture["picture"].get<std::string>() + "\n";
  return out;
}

// --repair: embeds what is missing with the active model's file (or
// --model), then lets the gallery repair what it safely can.
std::vector<std::string> EmbedMissing(const GlobalOptions& global,
                                      Gallery& gallery) {
  std::string active = gallery.ActiveModel();
  if (active.empty()) return {};
  std::filesystem::path file = global.model.empty()
                                   ? gallery.ModelFile(active)
                                   : std::filesystem::path(global.model);
  if (file.empty() || !std::filesystem::exists(file))
    return {"the active model's file " +
            (file.empty() ? std::string("(unknown)") : file.string()) +
            " is not here: give it with --model to embed missing pictures"};
  ReindexOptions options;
  options.gallery = Options(global, /*read_only=*/false);
  options.model = file;
  options.embedder.threads = global.threads;
  ReindexSummary summary = Reindex(options);
  if (summary.model_id != active)
    return {"--model " + file.string() + " is not the active model " +
            active.substr(0, 12) + "; re-indexed with it instead"};
  return {};
}

CommandOutput RunCheck(const GlobalOptions& global, bool repair) {
  std::vector<std::string> notes;
  auto gallery = OpenExisting(global, /*read_only=*/!repair);
  if (repair) notes = EmbedMissing(global, *gallery);
  std::vector<CheckFinding> findings = gallery->Check(repair);
  CommandOutput out;
  out.json = {{"gallery", gallery->dir().string()},
              {"findings", nlohmann::json::array()},
              {"notes", notes}};
  int unrepaired = 0;
  for (const CheckFinding& finding : findings) {
    out.json["findings"].push_back(
        {{"what", finding.what}, {"repaired", finding.repaired}});
    out.text +=
        (finding.repaired ? "repaired: " : "problem: ") + finding.what + "\n";
    if (!finding.repaired) ++unrepaired;
  }
  for (const std::string& note : notes) out.text += "note: " + note + "\n";
  auto head = gallery->EventHead();
  out.json["event_head"] = {{"event", head.first}, {"hash", head.second}};
  out.json["ok"] = unrepaired == 0;
  if (repair && !gallery->dir().empty())
    gallery->RecordEvent(
        "check", "", {{"findings", out.json["findings"]}, {"repair", true}});
  out.text +=
      unrepaired == 0
          ? "gallery " + gallery->dir().string() + " is intact\n"
          : std::to_string(unrepaired) + " problems need a person (exit 4)\n";
  if (unrepaired > 0) out.code = ExitCode::kGalleryIntegrity;
  return out;
}

CommandOutput RunExport(const GlobalOptions& global, const std::string& to) {
  // Never over an existing file: it could be a backup, or the gallery.
  if (!to.empty() && std::filesystem::exists(to))
    throw InputError("--out " + to +
                     " already exists; give a new file name for the export");
  if (!to.empty()) CheckOutputFile("--out", to, /*create_folder=*/false);
  auto gallery = OpenExisting(global, /*read_only=*/true);
  CommandOutput out;
  out.json = gallery->Export();
  if (to.empty()) {
    out.text = out.json.dump(2) + "\n";
    return out;
  }
  WriteFileAtomic(to, out.json.dump(2) + "\n");
  out.text = "exported " + std::to_string(out.json["stones"].size()) +
             " stones to " + to + "\n";
  out.json = {{"out", to}, {"stones", out.json["stones"].size()}};
  return out;
}

}  // namespace

void RegisterGallery(Registry& registry) {
  auto args = std::make_shared<GalleryArgs>();
  const GlobalOptions& global = registry.global();
  CLI::App* group = registry.AddGroup(
      registry.app(), "gallery",
      "What is enrolled, one stone's history, integrity, export, backup");
  registry.Add(*group, "list", "List the enrolled stones",
               [&global] { return RunList(global); });
  CLI::App* show =
      registry.Add(*group, "show", "One stone's history",
                   [&global, args] { return RunShow(global, args->stone_id); });
  show->add_option("ID", args->stone_id, "Stone ID")->required();
  CLI::App* check =
      registry.Add(*group, "check",
                   "Check integrity: SQLite, pictures and hashes, event chain, "
                   "embeddings (exit 4 on a problem)",
                   [&global, args] { return RunCheck(global, args->repair); });
  check->add_flag("--repair", args->repair,
                  "Embed missing embeddings again and rebuild references; "
                  "never drops a stone");
  CLI::App* dump =
      registry.Add(*group, "export", "Export the gallery as JSON",
                   [&global, args] { return RunExport(global, args->out); });
  dump->add_option("--out", args->out, "Write to this file (default stdout)");
  CLI::App* backup = registry.Add(
      *group, "backup", "Copy the database with SQLite's online backup",
      [&global, args] {
        BackupGallery(Options(global, true), args->out);
        CommandOutput out;
        out.json = {{"backup", args->out}};
        out.text = "backed up to " + args->out + "\n";
        return out;
      });
  backup->add_option("--out", args->out, "Backup file to create")->required();
  CLI::App* restore = registry.Add(
      *group, "restore", "Replace the gallery's database with a backup",
      [&global, args] {
        RestoreGallery(Options(global, false), args->from, args->force);
        CommandOutput out;
        out.json = {{"restored_from", args->from}};
        out.text = "restored from " + args->from + "\n";
        return out;
      });
  restore->add_option("--from", args->from, "Backup file")->required();
  restore->add_flag("--force", args->force,
                    "Replace an existing gallery's database");
}

}  // namespace diareid::cli
