// What the commands share: option parsing with --help, colour decisions, loading the estate and
// the policy pack with their errors printed, settings overrides, atomic report files.
#pragma once

#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "checker/check/engine.h"
#include "checker/check/policy.h"
#include "checker/cli/args.h"
#include "checker/load/toml_loader.h"
#include "checker/util/diagnostics.h"

namespace topocheck::cli {

// Colour on `fd` when it is a terminal, --no-color is absent and NO_COLOR is unset.
bool use_color(bool to_terminal, const ParsedArgs& args, int fd);
Date today_utc();
// Prints "topocheck COMMAND: message" and a hint to the command's help; returns exit code 2.
int usage_error(const std::string& command, const std::string& message);
// parse_args plus --help/-h; on error prints the usage error and sets exit_code.
std::optional<ParsedArgs> parse(const std::string& command, const std::vector<std::string>& args,
                                std::vector<OptionSpec> specs, int& exit_code);
void print_diagnostics(const Diagnostics& diags, bool warnings, bool color);
// Loads the positional ESTATE arguments and prints the diagnostics; false on input errors.
bool load(const ParsedArgs& args, LoadResult& loaded, bool warnings, bool color, const LoadOptions& options = {});
// A --set value: JSON when it parses as JSON, else the text as a string.
SettingValue parse_setting_value(const std::string& text);
bool parse_overrides(const ParsedArgs& args, SettingOverrides& out, std::string& error);
// Writes beside `path` and renames, so a failed run never leaves a half-written report.
bool write_file_atomically(const std::string& path, const std::string& content, std::string& error);
// The same, for content written straight into the file (a report of gigabytes is never held).
bool write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write,
                           std::string& error);
// The pack named by --policies, or the bundled one; prints the error and returns false.
bool load_pack(const ParsedArgs& args, PolicyPack& pack);
void print_policy_errors(const std::vector<PolicyError>& errors);
// Applies the estate's waivers (--waiver-max-days, --waiver-warning-days) and --baseline to the
// findings, prints the waivers' errors and warnings; false on errors (exit 2).
bool apply_exceptions(const ParsedArgs& args, const std::string& command, const Estate& estate,
                      Date as_of, CheckResult& result, Diagnostics& diags);

}  // namespace topocheck::cli
