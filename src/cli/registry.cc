#include "command.h"

namespace diareid::cli {

CLI::App* Registry::Add(CLI::App& parent, const std::string& name,
                        const std::string& description, CommandRunner runner) {
  CLI::App* sub = parent.add_subcommand(name, description);
  sub->fallthrough();
  runners_[sub] = std::move(runner);
  return sub;
}

CLI::App* Registry::AddGroup(CLI::App& parent, const std::string& name,
                             const std::string& description) {
  CLI::App* sub = parent.add_subcommand(name, description);
  sub->fallthrough();
  sub->require_subcommand(1);
  return sub;
}

const CommandRunner* Registry::Chosen() const {
  const CLI::App* app = &app_;
  const CommandRunner* found = nullptr;
  while (true) {
    auto chosen = app->get_subcommands();
    if (chosen.empty()) break;
    app = chosen.front();
    auto it = runners_.find(app);
    if (it != runners_.end()) found = &it->second;
  }
  return found;
}

}  // namespace diareid::cli
