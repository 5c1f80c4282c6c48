// `diareid gallery list | show | check | export | backup | restore`.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <vector>

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

// What --repair did before the gallery's own repairs, and what it could not.
struct EmbedOutcome {
  std::vector<std::string> repairs;
  std::vector<std::string> notes;
};

// --repair: embeds what is missing with the active model's file (or
// --model), then lets the gallery repair what it safely can.
EmbedOutcome EmbedMissing(const GlobalOptions& global, Gallery& gallery) {
  EmbedOutcome outcome;
  std::string active = gallery.ActiveModel();
  if (active.empty()) return outcome;
  std::filesystem::path file = global.model.empty()
                                   ? gallery.ModelFile(active)
                                   : std::filesystem::path(global.model);
  if (file.empty() || !std::filesystem::exists(file)) {
    outcome.notes.push_back(
        "the active model's file " +
        (file.empty() ? std::string("(unknown)") : file.string()) +
        " is not here: give it with --model to embed missing pictures");
    return outcome;
  }
  ReindexOptions options;
  options.gallery = Options(global, /*read_only=*/false);
  options.model = file;
  options.embedder.threads = global.threads;
  ReindexSummary summary = Reindex(options);
  if (summary.model_id != active)
    outcome.notes.push_back("--model " + file.string() +
                            " is not the active model " + active.substr(0, 12) +
                            "; re-indexed with it instead");
  if (summary.embedded > 0)
    outcome.repairs.push_back("embedded " + std::to_string(summary.embedded) +
                              " pictures with model " +
                              summary.model_id.substr(0, 12));
  if (summary.references_rebuilt > 0)
    outcome.repairs.push_back("rebuilt the references of " +
                              std::to_string(summary.references_rebuilt) +
                              " stones");
  for (const std::string& repaired : summary.repaired)
    outcome.repairs.push_back(repaired);
  return outcome;
}

CommandOutput RunCheck(const GlobalOptions& global, bool repair) {
  auto gallery = OpenExisting(global, /*read_only=*/!repair);
  // With --repair, what was wrong is read first: the repairs would hide it.
  std::vector<CheckFinding> found = gallery->Check(/*repair=*/false);
  // The gallery's notes (findings marked repaired, starting "note: ") are
  // no problems: they are printed as notes, once.
  std::vector<std::string> gallery_notes;
  auto take_notes = [&gallery_notes](std::vector<CheckFinding>& findings) {
    const std::string prefix = "note: ";
    std::vector<CheckFinding> kept;
    for (CheckFinding& finding : findings) {
      if (finding.repaired && finding.what.rfind(prefix, 0) == 0) {
        std::string note = finding.what.substr(prefix.size());
        if (std::find(gallery_notes.begin(), gallery_notes.end(), note) ==
            gallery_notes.end())
          gallery_notes.push_back(note);
      } else {
        kept.push_back(finding);
      }
    }
    findings = kept;
  };
  take_notes(found);
  EmbedOutcome embedded;
  std::vector<CheckFinding> after;
  if (repair) {
    embedded = EmbedMissing(global, *gallery);
    after = gallery->Check(/*repair=*/true);
    take_notes(after);
  }
  for (const std::string& note : gallery_notes) embedded.notes.push_back(note);
  std::set<std::string> remaining;
  for (const CheckFinding& finding : repair ? after : found)
    if (!finding.repaired) remaining.insert(finding.what);
  CommandOutput out;
  out.json = {{"gallery", gallery->dir().string()},
              {"findings", nlohmann::json::array()},
              {"repairs", embedded.repairs},
              {"notes", embedded.notes}};
  for (const CheckFinding& finding : found) {
    const bool repaired = remaining.count(finding.what) == 0;
    out.json["findings"].push_back(
        {{"what", finding.what}, {"repaired", repaired}});
    out.text +=
        (repaired ? "found and repaired: " : "problem: ") + finding.what + "\n";
  }
  // A problem the first look did not see (one the repair ran into).
  for (const CheckFinding& finding : after) {
    if (finding.repaired) {
      out.json["repairs"].push_back(finding.what);
      continue;
    }
    bool seen = false;
    for (const CheckFinding& first : found) seen |= first.what == finding.what;
    if (seen) continue;
    out.json["findings"].push_back(
        {{"what", finding.what}, {"repaired", false}});
    out.text += "problem: " + finding.what + "\n";
  }
  for (const auto& repaired : out.json["repairs"])
    out.text += "repaired: " + repaired.get<std::string>() + "\n";
  for (const std::string& note : embedded.notes)
    out.text += "note: " + note + "\n";
  const size_t unrepaired = remaining.size();
  out.json["ok"] = unrepaired == 0;
  auto head = gallery->EventHead();
  out.json["event_head"] = {{"event", head.first}, {"hash", head.second}};
  if (repair && !gallery->dir().empty())
    gallery->RecordEvent("check", "",
                         {{"findings", out.json["findings"]},
                          {"repairs", out.json["repairs"]},
                          {"repair", true}});
  out.text +=
      unrepaired == 0
          ? "gallery " + gallery->dir().string() +
                (out.json["findings"].empty() && out.json["repairs"].empty()
                     ? " is intact\n"
                     : " is intact after the repairs\n")
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
        CheckOutputFile("--out", args->out, /*create_folder=*/false);
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
