// `diareid reindex`: embed every stored picture again with the model.
#include <cstdio>
#include <memory>

#include "command.h"
#include "diareid/app/reindex.h"
#include "diareid/core/files.h"

namespace diareid::cli {
namespace {

CommandOutput RunReindex(const GlobalOptions& global, ReindexOptions options) {
  options.gallery.dir = global.gallery.empty()
                            ? DefaultDataDir()
                            : std::filesystem::path(global.gallery);
  options.gallery.key_file = global.key_file;
  options.model = global.model;
  options.embedder.threads = global.threads;
  ReindexSummary summary = Reindex(options);
  CommandOutput out;
  out.json = ToJson(summary);
  char line[256];
  std::snprintf(line, sizeof(line),
                "model %s (%s): %ld pictures embedded, %ld failed, %ld "
                "pending, %ld stones' references rebuilt, %.1f s\n",
                summary.model_name.c_str(),
                summary.model_id.substr(0, 12).c_str(), summary.embedded,
                summary.failed, summary.pending, summary.references_rebuilt,
                summary.seconds);
  out.text = line;
  out.text += summary.switched
                  ? "the model is active\n"
                  : "the model is not active yet: run reindex again\n";
  for (const std::string& problem : summary.needs_person)
    out.text += "needs a person: " + problem + "\n";
  if (!summary.needs_person.empty()) out.code = ExitCode::kGalleryIntegrity;
  return out;
}

}  // namespace

void RegisterReindex(Registry& registry) {
  auto options = std::make_shared<ReindexOptions>();
  const GlobalOptions& global = registry.global();
  CLI::App* command = registry.Add(
      registry.app(), "reindex",
      "Embed every stored picture lacking an embedding from --model, "
      "rebuild references, check, then switch (resumable; exit 4 when a "
      "person is needed)",
      [&global, options] { return RunReindex(global, *options); });
  command
      ->add_option("--batch", options->batch_size,
                   "Pictures per write transaction")
      ->capture_default_str();
  command
      ->add_option("--max-pictures", options->max_pictures,
                   "Stop after this many pictures (0: all); run again "
                   "to resume")
      ->capture_default_str();
}

}  // namespace diareid::cli
