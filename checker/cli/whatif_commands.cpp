#include "checker/cli/whatif_commands.h"

#include <iostream>
#include <map>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "checker/check/baseline.h"
#include "checker/check/engine.h"
#include "checker/check/pipeline.h"
#include "checker/cli/commands.h"
#include "checker/cli/support.h"
#include "checker/graph/graph.h"
#include "checker/graph/reach.h"
#include "checker/load/settings_file.h"
#include "reports/json_finding.h"
#include "reports/text_format.h"

namespace topocheck::cli {
namespace {

constexpr const char* kDiffHelp = R"(Usage: topocheck diff BASE PROPOSED [options]

Compares two estates (each a directory or a file): the findings a change introduces, resolves
and leaves unchanged, and the reachability delta: paths from the internet and administrative
paths (to the admin services of PAM-ONLY) that exist in one estate but not the other, with their
hops. For a change given as an overlay, use `check ESTATE --overlay CHANGE.toml` or pass the
same estate twice with --overlay-proposed.

Options:
  --overlay-proposed FILE  apply an overlay to PROPOSED (repeatable): diff BASE BASE --overlay-proposed change.toml
  --policies DIR, --policy ID, --as-of DATE, --settings FILE, --set ID.KEY=VALUE  as for check
  --format text|json       (default text)
  --fail-on SEVERITY       exit 1 when the change introduces findings at or above it (default low)
  --show-unchanged         list the unchanged findings too (default: count only)

Exit codes: 0 the change introduces no finding at or above --fail-on, 1 it does, 2 error.

Example:
  topocheck diff fixtures/sample fixtures/sample --overlay-proposed fixtures/whatif/open-lb-bypass.toml
)";

constexpr const char* kBaselineHelp = R"(Usage: topocheck baseline ESTATE... [--output FILE] [--update OLD] [options]

Writes the findings of the estate as a baseline: fingerprint, rule, CI and first-seen date.
`topocheck check ESTATE --baseline FILE` then reports findings in it as known (not failing) and
new ones as failing. Fingerprints survive file reordering and unrelated edits.

  --output FILE   write here (default: standard output)
  --update OLD    keep the first-seen dates of findings already in OLD
  --policies DIR, --as-of DATE, --settings FILE, --set ID.KEY=VALUE, --overlay FILE  as for check

Exit codes: 0 written, 2 input or policy error.
)";

const std::vector<OptionSpec> kEvalOptions = {
    {"--policies", true}, {"--policy", true, true}, {"--as-of", true}, {"--settings", true, true},
    {"--set", true, true}, {"--quiet"}, {"--no-color"}};

bool run_options(const ParsedArgs& args, const std::string& command, RunOptions& options) {
  options.as_of = today_utc();
  if (auto text = args.value("--as-of")) {
    const auto date = parse_date(*text);
    if (!date) {
      usage_error(command, "--as-of expects a date YYYY-MM-DD, got '" + *text + "'");
      return false;
    }
    options.as_of = *date;
  }
  for (const std::string& file : args.values("--settings")) {
    Diagnostics diags;
    if (!load_settings_file(file, options.settings, diags)) {
      print_diagnostics(diags, true, false);
      return false;
    }
  }
  std::string error;
  if (!parse_overrides(args, options.settings, error)) {
    usage_error(command, error);
    return false;
  }
  options.only = args.values("--policy");
  return true;
}

// One evaluated estate: what diff compares.
struct Side {
  LoadResult loaded;
  CheckResult result;
  std::unique_ptr<EstateGraph> graph;
  std::unique_ptr<ReachabilityIndex> reach;
};

bool evaluate_side(const std::string& path, const std::vector<std::string>& overlays, const PolicyPack& pack,
                   const RunOptions& options, const ParsedArgs& args, Side& side) {
  side.loaded = load_estate_with_overlays({path}, overlays);
  print_diagnostics(side.loaded.diagnostics, !args.has("--quiet"), false);
  if (side.loaded.diagnostics.has_errors()) return false;
  side.graph = std::make_unique<EstateGraph>(side.loaded.estate);
  side.reach = std::make_unique<ReachabilityIndex>(*side.graph);
  side.result = run_policies(pack, side.loaded.estate, *side.graph, side.reach.get(), options);
  print_policy_errors(side.result.errors);
  if (!side.result.errors.empty()) return false;
  Diagnostics exceptions;
  return apply_exceptions(args, "diff", side.loaded.estate, options.as_of, side.result, exceptions);
}

// A network path as the reachability delta compares it.
struct PathEntry {
  std::string kind;  // "internet" or "admin"
  std::string ci;
  std::string service;
  std::string source;
  std::vector<Hop> hops;
  std::string key() const {
    std::string k = kind + '|' + ci + '|' + service + '|' + source;
    for (const Hop& h : hops) k += '>' + h.node + ' ' + h.firewall + ' ' + (h.rule_ref.empty() ? std::to_string(h.rule_order) : h.rule_ref);
    return k;
  }
};

std::vector<Service> admin_services(const CheckResult& result) {
  std::vector<Service> services;
  for (const PolicyMeta& p : result.policies) {
    const auto it = p.settings.find("admin_services");
    if (p.id != "PAM-ONLY" || it == p.settings.end() || !it->second.is_array()) continue;
    for (const auto& s : it->second) {
      if (!s.is_string()) continue;
      if (auto svc = parse_service(s.get<std::string>())) services.push_back(*svc);
    }
  }
  if (services.empty()) {
    for (const char* s : {"tcp/22", "tcp/23", "tcp/3389", "tcp/5900", "tcp/5985-5986"}) services.push_back(*parse_service(s));
  }
  return services;
}

std::map<std::string, PathEntry> network_paths(const Side& side) {
  std::map<std::string, PathEntry> paths;
  const Estate& e = side.loaded.estate;
  const ReachabilityIndex& reach = *side.reach;
  for (const InternetExposure& ex : reach.internet_exposures()) {
    for (const ReachPath& p : ex.paths) {
      PathEntry entry{"internet", e.cis[ex.ci].id, to_string(p.service), reach.atoms()[p.source_atom].label, p.hops};
      paths.emplace(entry.key(), std::move(entry));
    }
  }
  const auto services = admin_services(side.result);
  for (Index ci = 0; ci < e.cis.size(); ++ci) {
    const bool listens_admin = std::any_of(e.cis[ci].listens.begin(), e.cis[ci].listens.end(), [&](const Service& l) {
      return std::any_of(services.begin(), services.end(), [&](const Service& s) { return s.overlaps(l); });
    });
    if (!listens_admin) continue;
    for (const Service& s : services) {
      for (const ReachPath& p : reach.sources_reaching(ci, s)) {
        const bool crosses = std::any_of(p.hops.begin(), p.hops.end(), [](const Hop& h) { return !h.firewall.empty(); });
        if (!crosses || reach.atoms()[p.source_atom].kind == SourceAtom::Kind::internet) continue;
        PathEntry entry{"admin", e.cis[ci].id, to_string(p.service), reach.atoms()[p.source_atom].label, p.hops};
        paths.emplace(entry.key(), std::move(entry));
      }
    }
  }
  return paths;
}

template <typename Map>
std::vector<typename Map::mapped_type> only_in(const Map& a, const Map& b) {
  std::vector<typename Map::mapped_type> out;
  for (const auto& [k, v] : a) {
    if (!b.count(k)) out.push_back(v);
  }
  return out;
}

void print_path_text(const PathEntry& p) {
  std::cout << fmt::format("  {} path to {} on {} from {}:\n", p.kind, printable(p.ci), p.service, printable(p.source));
  for (size_t i = 0; i < p.hops.size(); ++i) std::cout << "      " << format_hop(p.hops[i], i == 0) << '\n';
}

void print_finding_text(const Finding& f) {
  std::cout << fmt::format("  {} {} {}: {}{}\n", f.rule, to_string(f.severity), f.ci.empty() ? "(estate)" : printable(f.ci),
                           printable(f.message), f.waiver.empty() ? "" : " [waived: " + printable(f.waiver) + "]");
  for (const Path& p : f.paths) {
    for (size_t i = 0; i < p.hops.size(); ++i) std::cout << "      " << format_hop(p.hops[i], i == 0) << '\n';
  }
}

nlohmann::ordered_json path_json(const PathEntry& p) {
  nlohmann::ordered_json j = {{"kind", p.kind}, {"ci", p.ci}, {"service", p.service}, {"source", p.source}};
  auto hops = nlohmann::ordered_json::array();
  for (const Hop& h : p.hops) hops.push_back(hop_to_json(h));
  j["hops"] = std::move(hops);
  return j;
}

int cmd_diff_impl(const ParsedArgs& args) {
  if (args.positional.size() != 2) return usage_error("diff", "expects BASE and PROPOSED (two estates)");
  const std::string format = args.value("--format").value_or("text");
  if (format != "text" && format != "json") return usage_error("diff", "unknown format '" + format + "' (text, json)");
  Severity fail_on = Severity::low;
  if (auto text = args.value("--fail-on")) {
    const auto s = severity_from_string(*text);
    if (!s) return usage_error("diff", "--fail-on expects info, low, medium, high or critical");
    fail_on = *s;
  }
  RunOptions options;
  if (!run_options(args, "diff", options)) return kExitError;
  PolicyPack pack;
  if (!load_pack(args, pack)) return kExitError;
  Side base, proposed;
  if (!evaluate_side(args.positional[0], {}, pack, options, args, base)) return kExitError;
  if (!evaluate_side(args.positional[1], args.values("--overlay-proposed"), pack, options, args, proposed)) return kExitError;

  std::map<std::string, Finding> before, after;
  for (const Finding& f : base.result.findings) before.emplace(f.fingerprint, f);
  for (const Finding& f : proposed.result.findings) after.emplace(f.fingerprint, f);
  auto introduced = only_in(after, before);
  auto resolved = only_in(before, after);
  sort_findings(introduced);
  sort_findings(resolved);
  std::vector<Finding> unchanged;
  for (const auto& [fp, f] : after) {
    if (before.count(fp)) unchanged.push_back(f);
  }
  sort_findings(unchanged);
  const auto paths_before = network_paths(base);
  const auto paths_after = network_paths(proposed);
  const auto opened = only_in(paths_after, paths_before);
  const auto closed = only_in(paths_before, paths_after);

  if (format == "json") {
    nlohmann::ordered_json j;
    j["format"] = "topocheck-diff/1";
    j["as_of"] = to_string(options.as_of);
    j["base"] = args.positional[0];
    j["proposed"] = args.positional[1];
    j["overlays"] = args.values("--overlay-proposed");
    auto list = [](const std::vector<Finding>& fs) {
      auto a = nlohmann::ordered_json::array();
      for (const Finding& f : fs) a.push_back(finding_to_json(f));
      return a;
    };
    j["introduced"] = list(introduced);
    j["resolved"] = list(resolved);
    j["unchanged_count"] = unchanged.size();
    if (args.has("--show-unchanged")) j["unchanged"] = list(unchanged);
    auto paths = [](const std::vector<PathEntry>& ps) {
      auto a = nlohmann::ordered_json::array();
      for (const PathEntry& p : ps) a.push_back(path_json(p));
      return a;
    };
    j["reachability"] = {{"opened", paths(opened)}, {"closed", paths(closed)}};
    std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  } else {
    std::cout << fmt::format("topocheck diff {} -> {} (as of {})\n", printable(args.positional[0]),
                             printable(args.positional[1]), to_string(options.as_of));
    std::cout << fmt::format("\nFindings introduced: {}\n", introduced.size());
    for (const Finding& f : introduced) print_finding_text(f);
    std::cout << fmt::format("\nFindings resolved: {}\n", resolved.size());
    for (const Finding& f : resolved) print_finding_text(f);
    std::cout << fmt::format("\nFindings unchanged: {}\n", unchanged.size());
    if (args.has("--show-unchanged")) {
      for (const Finding& f : unchanged) print_finding_text(f);
    }
    std::cout << fmt::format("\nPaths opened: {}\n", opened.size());
    for (const PathEntry& p : opened) print_path_text(p);
    std::cout << fmt::format("\nPaths closed: {}\n", closed.size());
    for (const PathEntry& p : closed) print_path_text(p);
  }
  size_t failing = 0;
  for (const Finding& f : introduced) {
    if (f.counts() && f.severity >= fail_on) ++failing;
  }
  std::cerr << fmt::format("topocheck diff: {} introduced ({} at or above {}), {} resolved, {} unchanged; {} path(s) opened, {} closed\n",
                           introduced.size(), failing, to_string(fail_on), resolved.size(), unchanged.size(),
                           opened.size(), closed.size());
  return failing > 0 ? kExitFindings : kExitClean;
}

int cmd_baseline_impl(const ParsedArgs& args) {
  if (args.positional.empty()) return usage_error("baseline", "no ESTATE given");
  RunOptions options;
  if (!run_options(args, "baseline", options)) return kExitError;
  PolicyPack pack;
  if (!load_pack(args, pack)) return kExitError;
  LoadResult loaded;
  if (!load(args, loaded, !args.has("--quiet"), false)) return kExitError;
  CheckResult result = evaluate_estate(loaded.estate, pack, options);
  print_policy_errors(result.errors);
  if (!result.errors.empty()) return kExitError;
  Diagnostics exceptions;
  if (!apply_exceptions(args, "baseline", loaded.estate, options.as_of, result, exceptions)) return kExitError;
  Baseline previous;
  const bool has_previous = args.has("--update");
  std::string error;
  if (has_previous && !read_baseline(*args.value("--update"), previous, error)) {
    std::cerr << "topocheck: " << error << '\n';
    return kExitError;
  }
  const std::string text = baseline_json(result.findings, has_previous ? &previous : nullptr, options.as_of);
  if (auto output = args.value("--output")) {
    if (!write_file_atomically(*output, text, error)) {
      std::cerr << "topocheck: " << error << '\n';
      return kExitError;
    }
  } else {
    std::cout << text;
  }
  std::cerr << fmt::format("topocheck: baseline of {} finding(s) as of {}\n", result.findings.size(), to_string(options.as_of));
  return kExitClean;
}

}  // namespace

int cmd_diff(const std::vector<std::string>& argv) {
  int rc = 0;
  auto specs = kEvalOptions;
  specs.insert(specs.end(), {{"--overlay-proposed", true, true}, {"--format", true}, {"--fail-on", true},
                             {"--show-unchanged"}, {"--waiver-max-days", true}, {"--waiver-warning-days", true}});
  auto args = parse("diff", argv, specs, rc);
  if (!args) return rc;
  if (args->has("--help") || args->has("-h")) return std::cout << kDiffHelp, kExitClean;
  return cmd_diff_impl(*args);
}

int cmd_baseline(const std::vector<std::string>& argv) {
  int rc = 0;
  auto specs = kEvalOptions;
  specs.insert(specs.end(), {{"--output", true}, {"--update", true}, {"--overlay", true, true},
                             {"--waiver-max-days", true}, {"--waiver-warning-days", true}});
  auto args = parse("baseline", argv, specs, rc);
  if (!args) return rc;
  if (args->has("--help") || args->has("-h")) return std::cout << kBaselineHelp, kExitClean;
  return cmd_baseline_impl(*args);
}

}  // namespace topocheck::cli
