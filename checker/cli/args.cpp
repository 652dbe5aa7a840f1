#include "checker/cli/args.h"

#include <algorithm>

namespace topocheck::cli {

std::optional<std::string> ParsedArgs::value(const std::string& name) const {
  const auto it = options.find(name);
  if (it == options.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> ParsedArgs::values(const std::string& name) const {
  const auto it = options.find(name);
  return it == options.end() ? std::vector<std::string>{} : it->second;
}

std::optional<ParsedArgs> parse_args(const std::vector<std::string>& args,
                                     const std::vector<OptionSpec>& specs, std::string& error) {
  ParsedArgs parsed;
  bool options_done = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (options_done || arg.size() < 2 || arg[0] != '-') {
      parsed.positional.push_back(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    const size_t eq = arg.find('=');
    const std::string name = arg.substr(0, eq);
    const auto spec = std::find_if(specs.begin(), specs.end(),
                                   [&](const OptionSpec& s) { return s.name == name; });
    if (spec == specs.end()) {
      error = "unknown option '" + name + "'";
      return std::nullopt;
    }
    std::string value;
    if (spec->takes_value) {
      if (eq != std::string::npos) {
        value = arg.substr(eq + 1);
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        error = "option '" + name + "' needs a value";
        return std::nullopt;
      }
    } else if (eq != std::string::npos) {
      error = "option '" + name + "' takes no value";
      return std::nullopt;
    }
    auto& slot = parsed.options[name];
    if (!slot.empty() && !spec->repeatable) {
      error = "option '" + name + "' given more than once";
      return std::nullopt;
    }
    slot.push_back(std::move(value));
  }
  return parsed;
}

}  // namespace topocheck::cli
