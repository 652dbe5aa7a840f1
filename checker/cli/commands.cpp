#include "checker/cli/commands.h"

#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>

#include "checker/check/engine.h"
#include "checker/check/pipeline.h"
#include "checker/check/policy.h"
#include "checker/cli/args.h"
#include "checker/cli/explain.h"
#include "checker/cli/outputs.h"
#include "checker/cli/pack_commands.h"
#include "checker/cli/whatif_commands.h"
#include "checker/cli/progress.h"
#include "checker/cli/support.h"
#include "checker/graph/graph.h"
#include "checker/graph/reach.h"
#include "checker/load/settings_file.h"
#include "checker/load/toml_loader.h"
#include "reports/report.h"

namespace topocheck::cli {
namespace {

constexpr const char* kMainHelp = R"(topocheck - prove or refute contract security obligations against an estate

Usage:
  topocheck validate ESTATE...          load only; report input errors and warnings
  topocheck check ESTATE... [options]   evaluate the policies, report findings
  topocheck policies [--policies DIR]   list the policies: id, severity, clause, title
  topocheck explain ESTATE... --ci ID   every network path into a CI, with the rule per hop
  topocheck explain ESTATE... --from SOURCE --to ID [--service S]
                                        trace one flow like a packet tracer
  topocheck test [DIR]                  run the policy tests (policies/tests)
  topocheck clauses [ESTATE...]         clause coverage matrix, with pass/fail counts
  topocheck diff BASE PROPOSED          what a change does: findings and paths added, removed
  topocheck baseline ESTATE...          write the current findings as a baseline for --baseline
  topocheck help [COMMAND]              this text, or a command's options

ESTATE is a directory (read recursively, *.toml, sorted by path) or a TOML file; several are
merged into one estate. The format is documented in docs/estate-format.md.

Exit codes: 0 clean, 1 findings (check), 2 input error, policy error or usage error.

Examples:
  topocheck check fixtures/sample --as-of 2026-11-23
  topocheck check cmdb/ network/ --format json --output findings.json
  topocheck validate fixtures/sample
  topocheck explain fixtures/sample --from internet --to sftp-partner-1
)";

constexpr const char* kValidateHelp = R"(Usage: topocheck validate ESTATE...

Loads the estate and reports every input error (syntax, wrong types, unknown enum values,
duplicate ids, dangling references, ...) with file:line:column, and every warning (unknown keys).
Runs no policy.

Options:
  --quiet       print errors only, no warnings and no summary
  --no-color    no colours (also when NO_COLOR is set or stderr is not a terminal)

Exit codes: 0 the estate loads (warnings allowed), 2 input errors.
)";

constexpr const char* kCheckHelp = R"(Usage: topocheck check ESTATE... [options]

Loads the estate, evaluates every policy of the pack and reports the findings.

Options:
  --policies DIR       policy pack (default: the bundled pack, or $TOPOCHECK_POLICIES)
  --policy ID          run only this policy (repeatable)
  --as-of DATE         evaluation date, YYYY-MM-DD (default: today, UTC); every date
                       comparison (expiry, SLAs, windows) uses it, so runs are reproducible
  --format FORMAT      text (default), json, sarif, junit, markdown, html or csv
  --output FILE        write the report to FILE instead of standard output
  --output FORMAT=FILE write a report in FORMAT to FILE (repeatable: several formats in one
                       run, e.g. --output sarif=out.sarif --output html=audit.html; with
                       --format as well, that format goes to standard output)
  --fail-on SEVERITY   exit 1 only for findings at or above: info, low (default), medium,
                       high, critical
  --settings FILE      policy settings from a TOML file, one [POLICY-ID] table each
                       (repeatable; later files and --set win); see docs/policy-settings.md
  --set ID.KEY=VALUE   override one setting, e.g. --set PKI-TRUST.warning_days=60 or
                       --set 'PAM-ONLY.admin_services=["tcp/22","tcp/2222"]' (JSON values)
                       (repeatable; `topocheck policies --verbose` lists the settings)
  --overlay FILE       apply a what-if change before checking: its entries add, replace the
                       entry with the same key, or remove it (remove = true); repeatable
  --baseline FILE      findings in this baseline (written by `topocheck baseline`) are
                       reported as known and do not fail the run; new ones do
  --waiver-max-days N  longest a waiver may run from the evaluation date (default 366)
  --waiver-warning-days N  list waivers expiring within N days (default 30)
  --quiet              no summary line, no progress and no input warnings on stderr
                       (progress shows on a terminal once a run takes over two seconds)
  --no-color           no colours (also when NO_COLOR is set or output is not a terminal)

Exit codes: 0 no findings at or above --fail-on, 1 findings, 2 input or policy error.
Waived findings (see [[waiver]] in docs/estate-format.md) and findings known from the baseline
are shown but do not fail the run. A summary line goes to stderr in every format.
)";

constexpr const char* kPoliciesHelp = R"(Usage: topocheck policies [--policies DIR] [--verbose | --settings-template]

Lists the policies of the pack: id, severity, clause and title; with --verbose also the
rationale, the remediation and the settings with their defaults. --settings-template prints a
settings file with every setting at its default, to edit and pass to `check --settings`.

Exit codes: 0 all policies load, 2 a policy file is broken.
)";


int cmd_validate(const std::vector<std::string>& argv) {
  int rc = 0;
  auto args = parse("validate", argv, {{"--quiet"}, {"--no-color"}}, rc);
  if (!args) return rc;
  if (args->has("--help") || args->has("-h")) return std::cout << kValidateHelp, kExitClean;
  if (args->positional.empty()) return usage_error("validate", "no ESTATE given");
  const bool color = use_color(true, *args, 2);
  LoadResult loaded;
  if (!load(*args, loaded, !args->has("--quiet"), color)) return kExitError;
  if (!args->has("--quiet")) {
    const Estate& e = loaded.estate;
    std::cerr << fmt::format(
        "topocheck: estate OK: {} file(s), {} CIs, {} zones, {} subnets, {} rules, {} NATs, "
        "{} relations, {} certificates, {} vulnerabilities, {} changes, {} waivers; {} warning(s)\n",
        e.files.size(), e.cis.size(), e.zones.size(), e.subnets.size(), e.rules.size(),
        e.nats.size(), e.relations.size(), e.certificates.size(), e.vulnerabilities.size(),
        e.changes.size(), e.waivers.size(), loaded.diagnostics.warning_count());
  }
  return kExitClean;
}

int cmd_check(const std::vector<std::string>& argv) {
  int rc = 0;
  auto args = parse("check", argv,
                    {{"--policies", true}, {"--policy", true, true}, {"--as-of", true},
                     {"--format", true}, {"--output", true, true}, {"--fail-on", true},
                     {"--set", true, true}, {"--settings", true, true}, {"--quiet"}, {"--no-color"},
                     {"--overlay", true, true}, {"--baseline", true}, {"--waiver-max-days", true},
                     {"--waiver-warning-days", true}},
                    rc);
  if (!args) return rc;
  if (args->has("--help") || args->has("-h")) return std::cout << kCheckHelp, kExitClean;
  if (args->positional.empty()) return usage_error("check", "no ESTATE given");

  RunOptions options;
  options.as_of = today_utc();
  if (auto text = args->value("--as-of")) {
    const auto date = parse_date(*text);
    if (!date) return usage_error("check", "--as-of expects a date YYYY-MM-DD, got '" + *text + "'");
    options.as_of = *date;
  }
  std::vector<ReportOutput> outputs;
  std::string error;
  if (!parse_outputs(args->value("--format"), args->values("--output"), outputs, error)) {
    return usage_error("check", error);
  }
  Severity fail_on = Severity::low;
  if (auto text = args->value("--fail-on")) {
    const auto s = severity_from_string(*text);
    if (!s) return usage_error("check", "--fail-on expects info, low, medium, high or critical");
    fail_on = *s;
  }
  for (const std::string& file : args->values("--settings")) {
    Diagnostics diags;
    if (!load_settings_file(file, options.settings, diags)) {
      print_diagnostics(diags, true, use_color(true, *args, 2));
      return kExitError;
    }
  }
  if (!parse_overrides(*args, options.settings, error)) return usage_error("check", error);
  options.only = args->values("--policy");

  PolicyPack pack;
  if (!load_pack(*args, pack)) return kExitError;
  const bool quiet = args->has("--quiet");
  Progress progress(progress_wanted(quiet));
  LoadOptions load_options;
  load_options.on_file_loaded = [&](const std::string&, size_t done, size_t total) {
    progress.update(fmt::format("loading: {}/{} files", done, total));
  };
  LoadResult loaded;
  if (!load(*args, loaded, !quiet, use_color(true, *args, 2), load_options)) return kExitError;
  progress.done(fmt::format("loaded {} CIs, {} relations, {} rules from {} files", loaded.estate.cis.size(),
                            loaded.estate.relations.size(), loaded.estate.rules.size(), loaded.estate.files.size()));
  options.on_phase = [&](const std::string& message) { progress.done(message); };
  options.on_policy_done = [&](const std::string& policy, size_t done, size_t total) {
    progress.update(fmt::format("policies: {}/{} done ({})", done, total, policy));
  };
  CheckResult result = evaluate_estate(loaded.estate, pack, options);
  progress.done(fmt::format("policies: {} run, {} findings", result.policies.size(), result.findings.size()));
  Diagnostics exceptions;
  if (!apply_exceptions(*args, "check", loaded.estate, options.as_of, result, exceptions)) return kExitError;

  Report report;
  report.info.tool_version = TOPOCHECK_VERSION;
  report.info.policy_dir = pack.dir;
  report.info.policy_pack_version = pack.version;
  report.info.as_of = to_string(options.as_of);
  for (const SourceFile& f : loaded.estate.files) report.info.inputs.push_back({f.path, f.sha256});
  report.policies = std::move(result.policies);
  report.findings = std::move(result.findings);
  report.notices = std::move(result.notices);
  report.errors = std::move(result.errors);
  report.checked = std::move(result.checked);
  for (const Diagnostics* diags : {&loaded.diagnostics, &exceptions}) {
    for (const Diagnostic& d : diags->items()) {
      if (d.level == DiagLevel::warning) report.warnings.push_back(d);
    }
  }

  if (!write_outputs(report, outputs, use_color(true, *args, 1), error)) {
    std::cerr << "topocheck: " << error << '\n';
    return kExitError;
  }
  print_policy_errors(report.errors);
  // The text report ends with the summary itself; on a terminal, once is enough.
  if (!quiet && !text_on_stdout(outputs)) std::cerr << summary_line(report) << '\n';
  if (!report.errors.empty()) return kExitError;
  for (const Finding& f : report.findings) {
    if (f.counts() && f.severity >= fail_on) return kExitFindings;
  }
  return kExitClean;
}

// A setting as a TOML value: JSON scalars and arrays are valid TOML; objects become inline tables.
std::string toml_value(const SettingValue& v) {
  if (v.is_object()) {
    std::string out = "{ ";
    bool first = true;
    for (const auto& [k, value] : v.items()) {
      out += (first ? "" : ", ") + SettingValue(k).dump() + " = " + toml_value(value);
      first = false;
    }
    return out + " }";
  }
  if (v.is_array()) {
    std::string out = "[";
    for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + toml_value(v[i]);
    return out + "]";
  }
  return v.dump();
}

void print_settings_template(const std::vector<PolicyMeta>& policies) {
  std::cout << "# topocheck policy settings: every setting of every policy, at its default.\n"
               "# Keep the ones you change, delete the rest, and pass the file with\n"
               "#   topocheck check ESTATE --settings this-file.toml\n";
  for (const PolicyMeta& p : policies) {
    if (p.settings.empty()) continue;
    std::cout << fmt::format("\n# {}: {}\n[{}]\n", p.id, p.title, p.id);
    for (const auto& [key, value] : p.settings) std::cout << key << " = " << toml_value(value) << '\n';
  }
}

int cmd_policies(const std::vector<std::string>& argv) {
  int rc = 0;
  auto args = parse("policies", argv, {{"--policies", true}, {"--verbose"}, {"--settings-template"}}, rc);
  if (!args) return rc;
  if (args->has("--help") || args->has("-h")) return std::cout << kPoliciesHelp, kExitClean;
  if (!args->positional.empty()) return usage_error("policies", "unexpected argument '" + args->positional[0] + "'");
  PolicyPack pack;
  if (!load_pack(*args, pack)) return kExitError;
  const CheckResult meta = read_policy_metadata(pack, RunOptions{});
  if (args->has("--settings-template")) {
    print_settings_template(meta.policies);
    print_policy_errors(meta.errors);
    return meta.errors.empty() ? kExitClean : kExitError;
  }
  for (const PolicyMeta& p : meta.policies) {
    std::cout << fmt::format("{:<22} {:<9} {:<24} {}\n", p.id, to_string(p.severity), p.clause, p.title);
    if (!args->has("--verbose")) continue;
    std::cout << fmt::format("    file: {}\n    rationale: {}\n    remediation: {}\n", p.file,
                             p.rationale, p.remediation);
    for (const auto& [key, value] : p.settings) {
      std::cout << fmt::format("    setting {} = {}\n", key, value.dump());
    }
  }
  print_policy_errors(meta.errors);
  return meta.errors.empty() ? kExitClean : kExitError;
}

}  // namespace

int run(const std::vector<std::string>& args) {
  if (args.empty()) {
    std::cerr << kMainHelp;
    return kExitError;
  }
  const std::string& command = args[0];
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (command == "validate") return cmd_validate(rest);
  if (command == "check") return cmd_check(rest);
  if (command == "policies") return cmd_policies(rest);
  if (command == "explain") return cmd_explain(rest);
  if (command == "test") return cmd_test(rest);
  if (command == "clauses") return cmd_clauses(rest);
  if (command == "diff") return cmd_diff(rest);
  if (command == "baseline") return cmd_baseline(rest);
  if (command == "help" || command == "--help" || command == "-h") {
    const std::string topic = rest.empty() ? "" : rest[0];
    if (topic == "validate") return std::cout << kValidateHelp, kExitClean;
    if (topic == "check") return std::cout << kCheckHelp, kExitClean;
    if (topic == "policies") return std::cout << kPoliciesHelp, kExitClean;
    if (topic == "explain") return cmd_explain({"--help"});
    if (topic == "test") return cmd_test({"--help"});
    if (topic == "clauses") return cmd_clauses({"--help"});
    if (topic == "diff") return cmd_diff({"--help"});
    if (topic == "baseline") return cmd_baseline({"--help"});
    std::cout << kMainHelp;
    return kExitClean;
  }
  if (command == "--version") return std::cout << "topocheck " << TOPOCHECK_VERSION << '\n', kExitClean;
  std::cerr << "topocheck: unknown command '" << command << "'\n\n" << kMainHelp;
  return kExitError;
}

}  // namespace topocheck::cli
