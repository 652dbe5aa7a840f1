#include "checker/cli/support.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "checker/check/baseline.h"
#include "checker/check/waivers.h"
#include "checker/cli/commands.h"

namespace topocheck::cli {

bool use_color(bool to_terminal, const ParsedArgs& args, int fd) {
  if (args.has("--no-color")) return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') return false;
  return to_terminal && isatty(fd) != 0;
}

Date today_utc() {
  const std::time_t now = std::time(nullptr);
  return Date{static_cast<int32_t>(now / 86400)};
}

int usage_error(const std::string& command, const std::string& message) {
  std::cerr << "topocheck " << command << ": " << message << "\n"
            << "Try 'topocheck help " << command << "'.\n";
  return kExitError;
}

std::optional<ParsedArgs> parse(const std::string& command, const std::vector<std::string>& args,
                                std::vector<OptionSpec> specs, int& exit_code) {
  specs.push_back({"--help"});
  specs.push_back({"-h"});
  std::string error;
  auto parsed = parse_args(args, specs, error);
  if (!parsed) {
    exit_code = usage_error(command, error);
    return std::nullopt;
  }
  return parsed;
}

// A hostile or broken export can hold a million errors (one per element of a huge array); the
// first ones say what is wrong, and printing each with its source line would take hours.
constexpr size_t kMaxPrintedDiagnostics = 100;

void print_diagnostics(const Diagnostics& diags, bool warnings, bool color) {
  size_t printed = 0, hidden = 0;
  for (const Diagnostic& d : diags.items()) {
    if (d.level != DiagLevel::error && !warnings) continue;
    if (printed == kMaxPrintedDiagnostics) {
      ++hidden;
      continue;
    }
    std::cerr << format_diagnostic(d, color) << '\n';
    ++printed;
  }
  if (hidden > 0) {
    std::cerr << fmt::format("topocheck: {} more diagnostic{} not shown\n", hidden, hidden == 1 ? "" : "s");
  }
}

// Loads the estate and prints its diagnostics. Returns false when it has errors.
bool load(const ParsedArgs& args, LoadResult& loaded, bool warnings, bool color, const LoadOptions& options) {
  loaded = load_estate_with_overlays(args.positional, args.values("--overlay"), options);
  print_diagnostics(loaded.diagnostics, warnings, color);
  if (loaded.diagnostics.has_errors()) {
    std::cerr << fmt::format("topocheck: {} input error{}; nothing was checked\n",
                             loaded.diagnostics.error_count(),
                             loaded.diagnostics.error_count() == 1 ? "" : "s");
    return false;
  }
  return true;
}

// A --set value: JSON when it parses as JSON (42, true, ["tcp/22"], {"system": 30}), else the
// text as a string, so --set X.name=fra-1 needs no quotes.
SettingValue parse_setting_value(const std::string& text) {
  auto parsed = SettingValue::parse(text, nullptr, false);
  if (parsed.is_discarded()) return SettingValue(text);
  return parsed;
}

bool parse_overrides(const ParsedArgs& args, SettingOverrides& out, std::string& error) {
  for (const std::string& s : args.values("--set")) {
    const size_t dot = s.find('.');
    const size_t eq = s.find('=');
    if (dot == std::string::npos || eq == std::string::npos || dot > eq || dot == 0 || eq == dot + 1) {
      error = "--set expects ID.KEY=VALUE, got '" + s + "'";
      return false;
    }
    out[s.substr(0, dot)][s.substr(dot + 1, eq - dot - 1)] = parse_setting_value(s.substr(eq + 1));
  }
  return true;
}

// Writes to a temporary file beside `path` and renames it, so a failed run never leaves a
// half-written report where the last good one was.
bool write_file_atomically(const std::string& path, const std::string& content, std::string& error) {
  return write_file_atomically(path, [&content](std::ostream& out) { out << content; }, error);
}

bool write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write,
                           std::string& error) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (out) write(out);
    if (!out || !out.flush()) {
      error = "cannot write " + tmp;
      std::remove(tmp.c_str());
      return false;
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    error = "cannot write " + path + ": " + ec.message();
    std::remove(tmp.c_str());
    return false;
  }
  return true;
}

bool load_pack(const ParsedArgs& args, PolicyPack& pack) {
  const std::string dir = args.value("--policies").value_or(default_policy_dir());
  std::string error;
  if (!load_policy_pack(dir, pack, error)) {
    std::cerr << "topocheck: " << error << '\n';
    return false;
  }
  return true;
}

// A policy's error message is the policy's text (error("\27[2J") is one call away): control
// characters other than the traceback's newlines and tabs are shown as "\xNN".
namespace {
std::string terminal_safe(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\n' && c != '\t') || byte == 0x7f) {
      out += fmt::format("\\x{:02x}", byte);
    } else {
      out += c;
    }
  }
  return out;
}
}  // namespace

void print_policy_errors(const std::vector<PolicyError>& errors) {
  for (const PolicyError& e : errors) {
    std::string message = e.message;
    std::replace(message.begin(), message.end(), '\n', ' ');
    std::cerr << "policy error: " << terminal_safe(message) << '\n';
    if (!e.traceback.empty()) std::cerr << terminal_safe(e.traceback) << '\n';
  }
}

bool apply_exceptions(const ParsedArgs& args, const std::string& command, const Estate& estate,
                      Date as_of, CheckResult& result, Diagnostics& diags) {
  WaiverOptions waiver_options;
  waiver_options.as_of = as_of;
  for (const auto& [flag, target] : {std::pair{"--waiver-max-days", &waiver_options.max_days},
                                     std::pair{"--waiver-warning-days", &waiver_options.warning_days}}) {
    if (auto text = args.value(flag)) {
      char* end = nullptr;
      const long long n = std::strtoll(text->c_str(), &end, 10);
      if (text->empty() || *end != '\0' || n < 0) {
        usage_error(command, std::string(flag) + " expects a number of days, got '" + *text + "'");
        return false;
      }
      *target = n;
    }
  }
  for (const PolicyMeta& p : result.policies) waiver_options.rules_run.push_back(p.id);
  waiver_options.rules_known = result.pack_ids;
  WaiverResult waived = apply_waivers(estate, result.findings, waiver_options);
  for (Finding& f : waived.expired) result.findings.push_back(std::move(f));
  sort_findings(result.findings);
  diags.append(waived.diagnostics);
  if (auto path = args.value("--baseline")) {
    Baseline baseline;
    std::string error;
    if (!read_baseline(*path, baseline, error)) {
      std::cerr << "topocheck: " << error << '\n';
      return false;
    }
    const BaselineComparison c = apply_baseline(baseline, result.findings);
    diags.add({DiagLevel::notice, *path, 0, 0, "baseline",
               fmt::format("baseline: {} new, {} unchanged, {} resolved finding(s)", c.introduced,
                           c.unchanged, c.resolved.size())});
  }
  print_diagnostics(diags, !args.has("--quiet"), use_color(true, args, 2));
  return !diags.has_errors();
}

}  // namespace topocheck::cli
