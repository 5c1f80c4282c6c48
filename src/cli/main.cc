// The diareid binary: global options, the subcommand registry, and the one
// place where errors become an exit code and one line on stderr.
#include <spdlog/spdlog.h>

#include <toml++/toml.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "command.h"
#include "diareid/core/logging.h"
#include "diareid/sim/sim_camera.h"

namespace {

using diareid::ExitCode;

// CLI11 reads TOML leniently; a malformed config file must be refused with
// where it is wrong, so every --config is parsed strictly first.
void CheckConfigFiles(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::string file;
    if (arg == "--config" && i + 1 < argc) {
      file = argv[i + 1];
    } else if (arg.rfind("--config=", 0) == 0) {
      file = arg.substr(9);
    } else {
      continue;
    }
    std::error_code error;
    if (!std::filesystem::exists(file, error)) continue;  // CLI11 says so
    // Reading a FIFO would wait for a writer forever.
    if (!std::filesystem::is_regular_file(file, error))
      throw diareid::InputError("config file " + file +
                                " is not a regular file (a folder, FIFO or "
                                "device); expected a TOML file");
    try {
      (void)toml::parse_file(file);
    } catch (const toml::parse_error& e) {
      const auto& where = e.source().begin;
      throw diareid::InputError(
          "config file " + file + " is not valid TOML at line " +
          std::to_string(where.line) + ", column " +
          std::to_string(where.column) + ": " + std::string(e.description()));
    }
  }
}

// The --config file named on the command line, or "" when none is.
std::string ConfigFileArgument(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--config" && i + 1 < argc) return argv[i + 1];
    if (arg.rfind("--config=", 0) == 0) return arg.substr(9);
  }
  return "";
}

// Whether the command line itself names the option (as `--top` or
// `--top=...`); otherwise its value came from the config file.
bool CommandLineNames(const std::string& option, int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == option || arg.rfind(option + "=", 0) == 0) return true;
  }
  return false;
}

// The kind of value an option takes (INT, FLOAT, TEXT...), searched in the
// app and its subcommands; "" when no option has that name.
std::string ExpectedValue(const CLI::App& app, const std::string& option) {
  if (const CLI::Option* found = app.get_option_no_throw(option))
    return found->get_type_name();
  for (const CLI::App* sub : app.get_subcommands({})) {
    std::string type = ExpectedValue(*sub, option);
    if (!type.empty()) return type;
  }
  return "";
}

// One line for a CLI11 parse failure: the problem in the user's words,
// naming the config file when the fault lies there.
std::string ParseErrorMessage(const CLI::App& app, const CLI::ParseError& e,
                              int argc, char** argv) {
  const std::string what = e.what();
  const std::string config = ConfigFileArgument(argc, argv);
  const std::string extras = "INI was not able to parse ";
  if (what.rfind(extras, 0) == 0) {
    return "config file " + config + ": unknown key '" +
           what.substr(extras.size()) + "' (see diareid --help for options)";
  }
  const std::string conversion = "Could not convert: ";
  const size_t equals = what.find(" = ");
  if (what.rfind(conversion, 0) == 0 && equals != std::string::npos) {
    const std::string option =
        what.substr(conversion.size(), equals - conversion.size());
    const std::string value = what.substr(equals + 3);
    std::string expected = ExpectedValue(app, option);
    if (expected.empty()) expected = "a value of the option's kind";
    if (!config.empty() && !CommandLineNames(option, argc, argv)) {
      std::string key = option;
      key.erase(0, key.find_first_not_of('-'));
      return "config file " + config + ": key '" + key + "' = '" + value +
             "' is not valid; expected " + expected;
    }
    return option + " '" + value + "' is not valid; expected " + expected;
  }
  // A check that failed on a value the config file gave (`--threads: Value
  // two not in range 0 to 1024`).
  const size_t colon = what.find(':');
  if (!config.empty() && what.rfind("--", 0) == 0 &&
      colon != std::string::npos &&
      !CommandLineNames(what.substr(0, colon), argc, argv))
    return "config file " + config + ": key '" + what.substr(2, colon - 2) +
           "'" + what.substr(colon);
  const std::vector<std::string> extra = app.remaining();
  if (!extra.empty())
    return "unknown command or argument '" + extra.front() + "' (see --help)";
  return what + " (see --help)";
}

// Checks of global options that CLI11 cannot express, made before logging
// starts and before any command runs.
void CheckGlobalOptions(const diareid::cli::GlobalOptions& global) {
  // The operator's name goes into every event of the gallery's log; a
  // control character (a newline, an escape sequence) would forge lines in
  // `gallery show` or hide text on a terminal.
  for (size_t i = 0; i < global.operator_name.size(); ++i) {
    const unsigned char c = global.operator_name[i];
    if (c < 0x20 || c == 0x7f) {
      char code[8];
      std::snprintf(code, sizeof(code), "0x%02x", c);
      throw diareid::InputError("--operator holds a control character (" +
                                std::string(code) + " at position " +
                                std::to_string(i + 1) +
                                "); expected a name of printable characters");
    }
  }
  // spdlog would create a missing folder for the log file: a typo in the
  // folder would then scatter logs where nobody looks.
  if (!global.log_file.empty()) {
    const std::filesystem::path file(global.log_file);
    std::filesystem::path folder = file.parent_path();
    if (folder.empty()) folder = ".";
    std::error_code error;
    if (std::filesystem::is_directory(file, error))
      throw diareid::InputError("--log-file " + global.log_file +
                                " is a folder; expected a file name");
    if (!std::filesystem::is_directory(folder, error))
      throw diareid::InputError("--log-file " + global.log_file + ": folder " +
                                folder.string() +
                                " is not an existing folder; create it first");
  }
}

int Run(int argc, char** argv) {
  CLI::App app{
      "diareid: re-identify loose diamonds from ASET pictures.\n"
      "Exit codes: 0 success (verify: same stone), 1 different stone, "
      "2 bad usage or input,\n3 rig fault, 4 gallery integrity, 5 internal "
      "error.",
      "diareid"};
  app.require_subcommand(1);
  // A misspelt key in a config file is an error, not a silent default.
  app.allow_config_extras(CLI::config_extras_mode::error);
  app.set_config("--config", "", "TOML file with the same names as options",
                 false);
  diareid::cli::GlobalOptions global;
  app.add_option("--log-level", global.log_level,
                 "trace, debug, info, warn, error or off")
      ->capture_default_str();
  app.add_option("--log-file", global.log_file, "Also write the log here");
  app.add_flag("--json", global.json,
               "Print a machine-readable result on stdout (logs on stderr)");
  app.add_option("--threads", global.threads, "Threads; 0 uses all cores")
      ->check(CLI::Range(0, 1024))
      ->capture_default_str();
  app.add_option("--gallery", global.gallery,
                 "Gallery folder (default $XDG_DATA_HOME/diareid)");
  app.add_option("--model", global.model,
                 "Model file (default: the shipped model)");
  app.add_option("--key-file", global.key_file,
                 "HMAC key that signs the gallery's event log");
  app.add_option("--operator", global.operator_name,
                 "Who is at the counter or the rig; kept with each event");
  app.set_version_flag("--version", diareid::cli::VersionText());

  diareid::cli::Registry registry(app, global);
  diareid::cli::RegisterAllCommands(registry);

  CheckConfigFiles(argc, argv);
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    std::fprintf(stderr, "diareid: error: %s\n",
                 ParseErrorMessage(app, e, argc, argv).c_str());
    return static_cast<int>(ExitCode::kBadInput);
  }

  CheckGlobalOptions(global);
  diareid::SetUpLogging(global.log_level, global.log_file);
  // Rig files may name the simulated camera; it sits behind the same
  // interface as a real one.
  diareid::sim::RegisterSimulatedCamera();
  const diareid::cli::CommandRunner* runner = registry.Chosen();
  if (runner == nullptr) {
    std::fprintf(stderr, "diareid: error: choose a command (see --help)\n");
    return static_cast<int>(ExitCode::kBadInput);
  }
  diareid::cli::CommandOutput output = (*runner)();
  if (global.json) {
    std::cout << output.json.dump(2) << std::endl;
  } else {
    std::cout << output.text << std::flush;
  }
  return static_cast<int>(output.code);
}

}  // namespace

// OpenMP threads that spin while waiting starve the other threads of the
// shop's small machines (measured: 0.9 against 44 pictures/s when training
// on a busy 2-core machine). libgomp reads its policy before main() runs,
// so the binary starts itself again once with a passive policy, unless the
// user chose one.
static void PreferPassiveOpenMp(char** argv) {
  if (std::getenv("OMP_WAIT_POLICY") != nullptr) return;
  ::setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
  ::execv("/proc/self/exe", argv);
  // exec failed (no /proc): carry on with the default policy.
}

int main(int argc, char** argv) {
  PreferPassiveOpenMp(argv);
  try {
    return Run(argc, argv);
  } catch (const diareid::Error& e) {
    spdlog::shutdown();
    std::fprintf(stderr, "diareid: error: %s\n", e.what());
    return static_cast<int>(e.code());
  } catch (const std::exception& e) {
    spdlog::shutdown();
    std::fprintf(stderr, "diareid: internal error: %s\n", e.what());
    return static_cast<int>(ExitCode::kInternal);
  }
}
