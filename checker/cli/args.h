// Command-line parsing: a small, strict parser (no unknown flags, no missing values) whose errors
// name the offending argument. Each command declares the options it takes.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace topocheck::cli {

struct OptionSpec {
  std::string name;       // "--format"
  bool takes_value = false;
  bool repeatable = false;
};

struct ParsedArgs {
  std::vector<std::string> positional;
  std::map<std::string, std::vector<std::string>> options;  // name -> values ("" for flags)

  bool has(const std::string& name) const { return options.count(name) != 0; }
  std::optional<std::string> value(const std::string& name) const;
  std::vector<std::string> values(const std::string& name) const;
};

// Parses the arguments after the command; "--x=v" and "--x v" both work; "--" ends options.
// On error returns std::nullopt and sets `error`.
std::optional<ParsedArgs> parse_args(const std::vector<std::string>& args,
                                     const std::vector<OptionSpec>& specs, std::string& error);

}  // namespace topocheck::cli
