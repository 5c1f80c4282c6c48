// What every subcommand shares: the global options, the registry that maps a
// parsed subcommand to the typed function behind it, and its output.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "diareid/core/error.h"

namespace diareid::cli {

// Options every command accepts (also from the config file, same names).
struct GlobalOptions {
  std::string log_level = "info";
  std::string log_file;
  bool json = false;
  // Intra-op threads for the network and the renderer; 0: all cores.
  int threads = 0;
  // Gallery folder; empty: $XDG_DATA_HOME/diareid.
  std::string gallery;
  // Model file; empty: the shipped default model.
  std::string model;
  // HMAC key file for signing the event log; empty: unsigned.
  std::string key_file;
  // Who operates the rig or the counter, recorded with each event.
  std::string operator_name;
};

// A command's result: its exit code, a JSON object for --json, and the text
// printed to a person otherwise.
struct CommandOutput {
  ExitCode code = ExitCode::kOk;
  nlohmann::json json = nlohmann::json::object();
  std::string text;
};

using CommandRunner = std::function<CommandOutput()>;

// Maps each runnable (sub)command to its runner.
class Registry {
 public:
  Registry(CLI::App& app, GlobalOptions& global) : app_(app), global_(global) {}
  CLI::App& app() { return app_; }
  GlobalOptions& global() { return global_; }
  // Adds `name` under `parent` and registers what runs when it is chosen.
  CLI::App* Add(CLI::App& parent, const std::string& name,
                const std::string& description, CommandRunner runner);
  // Adds a group of subcommands (such as `gallery`) that runs nothing itself.
  CLI::App* AddGroup(CLI::App& parent, const std::string& name,
                     const std::string& description);
  // The runner of the deepest chosen subcommand, or nullptr.
  const CommandRunner* Chosen() const;

 private:
  CLI::App& app_;
  GlobalOptions& global_;
  std::map<const CLI::App*, CommandRunner> runners_;
};

// The text of --version: diareid, commit, LibTorch and OpenCV.
std::string VersionText();

// Every command file defines one of these; commands.cc lists them all.
void RegisterVersion(Registry& registry);
void RegisterEnrol(Registry& registry);
void RegisterVerify(Registry& registry);
void RegisterIdentify(Registry& registry);
void RegisterSimulate(Registry& registry);
void RegisterTrain(Registry& registry);
void RegisterEval(Registry& registry);
void RegisterCapture(Registry& registry);
void RegisterRig(Registry& registry);
void RegisterEmbed(Registry& registry);
void RegisterModel(Registry& registry);
void RegisterGallery(Registry& registry);
void RegisterReindex(Registry& registry);

// Registers every subcommand of the binary (the one place they are listed).
void RegisterAllCommands(Registry& registry);

}  // namespace diareid::cli
