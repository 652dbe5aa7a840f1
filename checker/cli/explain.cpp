#include "checker/cli/explain.h"

#include <iostream>
#include <map>

#include <fmt/format.h>

#include "checker/cli/args.h"
#include "checker/cli/commands.h"
#include "checker/graph/graph.h"
#include "checker/graph/reach.h"
#include "checker/load/toml_loader.h"
#include "reports/text_format.h"

namespace topocheck::cli {
namespace {

constexpr const char* kExplainHelp = R"(Usage: topocheck explain ESTATE... --ci ID
       topocheck explain ESTATE... --from SOURCE --to ID [--service SERVICE]

Shows how traffic reaches a CI, hop by hop, with the firewall rule (order, ref, file:line) or
the forwarding relation behind each hop.

  --ci ID            every path into the CI: from the internet (confirmed or latent), through
                     proxies, and from every other source, per service it listens on
  --from SOURCE      trace one flow: internet, zone:ID, subnet:ID or ci:ID
  --to ID            the CI the flow goes to
  --service SERVICE  e.g. tcp/443 (default: every service the CI listens on); also answers
                     "why is this NOT reachable": the rule that denies, or the default deny

Exit codes: 0 reachable (or --ci), 1 not reachable (--from/--to), 2 input or usage error.
A flow the firewalls stop on its way to the CI may still arrive through a proxy: the trace then
lists the forwarded paths after "not reached", and counts as reachable.

Examples:
  topocheck explain fixtures/sample --ci sftp-partner-1
  topocheck explain fixtures/sample --from internet --to app-01 --service tcp/8443
)";

void print_path(const ReachPath& p) {
  for (size_t h = 0; h < p.hops.size(); ++h) {
    std::cout << "      " << format_hop(p.hops[h], h == 0) << '\n';
  }
}

std::string describe_ci(const Estate& e, Index ci) {
  const Ci& c = e.cis[ci];
  std::string where;
  for (const Interface& itf : c.interfaces) {
    if (!where.empty()) where += ", ";
    where += "zone:" + e.zones[itf.zone].id;
    if (itf.ip) where += " " + to_string(*itf.ip);
  }
  std::string listens;
  for (const Service& s : c.listens) listens += (listens.empty() ? "" : ", ") + to_string(s);
  return fmt::format("{} ({}; {}; listens on {})", printable(c.id), printable(c.class_name),
                     where.empty() ? "no interfaces" : where, listens.empty() ? "nothing" : listens);
}

int explain_ci(const ReachabilityIndex& reach, Index ci) {
  const Estate& e = reach.estate();
  std::cout << describe_ci(e, ci) << "\n\n";
  const InternetExposure* ex = reach.internet_exposure(ci);
  std::cout << "From the internet: ";
  if (ex == nullptr) {
    std::cout << "not reachable\n";
  } else {
    std::cout << fmt::format("reachable ({}), {} path(s){}\n", ex->confirmed() ? "confirmed" : "latent",
                             ex->paths.size(),
                             ex->more_paths ? fmt::format(", {} more not shown", ex->more_paths) : "");
    for (const ReachPath& p : ex->paths) {
      std::cout << fmt::format("  {} on {}:\n", p.confirmed ? "confirmed" : "latent", to_string(p.service));
      print_path(p);
    }
  }
  std::cout << "\nFrom other sources:\n";
  std::map<Service, std::vector<const ReachPath*>> by_service;
  const auto paths = reach.sources_reaching(ci, std::nullopt);
  for (const ReachPath& p : paths) {
    if (reach.atoms()[p.source_atom].kind != SourceAtom::Kind::internet) by_service[p.service].push_back(&p);
  }
  if (by_service.empty()) std::cout << "  none\n";
  for (const auto& [service, list] : by_service) {
    std::cout << fmt::format("  {} from {} source(s):\n", to_string(service), list.size());
    for (const ReachPath* p : list) print_path(*p);
  }
  return kExitClean;
}

int explain_flow(const ReachabilityIndex& reach, const std::string& from, Index ci,
                 const std::optional<Service>& service) {
  const FlowTrace trace = reach.trace(from, ci, service);
  for (const std::string& line : trace.lines) std::cout << printable(line) << '\n';
  if (trace.reached) return kExitClean;
  // The direct flow stops, but a proxy may still carry the traffic there: a network engineer
  // asking "why is this reachable" must not be told "it is not".
  const Estate& e = reach.estate();
  const bool from_internet = from == "internet" || (from.rfind("zone:", 0) == 0 && [&] {
                               const Index z = e.find_zone(from.substr(5));
                               return z != kNoIndex && e.zones[z].kind == ZoneKind::internet;
                             }());
  const InternetExposure* ex = from_internet ? reach.internet_exposure(ci) : nullptr;
  bool header = false;
  for (const ReachPath& p : ex ? ex->paths : std::vector<ReachPath>{}) {
    if (p.cis.size() < 2 || (service && !(p.service == *service))) continue;
    if (!header) std::cout << "  but reached through forwarding:\n";
    header = true;
    std::cout << fmt::format("  {} on {}:\n", p.confirmed ? "confirmed" : "latent", to_string(p.service));
    print_path(p);
  }
  return header ? kExitClean : kExitFindings;
}

}  // namespace

int cmd_explain(const std::vector<std::string>& argv) {
  std::string error;
  auto args = parse_args(argv, {{"--ci", true}, {"--from", true}, {"--to", true}, {"--service", true},
                                {"--help"}, {"-h"}}, error);
  auto usage = [](const std::string& message) {
    std::cerr << "topocheck explain: " << message << "\nTry 'topocheck help explain'.\n";
    return kExitError;
  };
  if (!args) return usage(error);
  if (args->has("--help") || args->has("-h")) return std::cout << kExplainHelp, kExitClean;
  if (args->positional.empty()) return usage("no ESTATE given");
  const bool by_ci = args->has("--ci");
  const bool by_flow = args->has("--from") || args->has("--to");
  if (by_ci == by_flow) return usage("give either --ci ID, or --from SOURCE and --to ID");
  if (by_flow && !(args->has("--from") && args->has("--to"))) return usage("--from and --to go together");
  std::optional<Service> service;
  if (auto text = args->value("--service")) {
    service = parse_service(*text);
    if (!service) return usage(fmt::format("--service: {}", explain_service_error(*text)));
  }

  const LoadResult loaded = load_estate(args->positional);
  for (const Diagnostic& d : loaded.diagnostics.items()) {
    if (d.level == DiagLevel::error) std::cerr << format_diagnostic(d, false) << '\n';
  }
  if (loaded.diagnostics.has_errors()) return kExitError;
  const std::string target = by_ci ? *args->value("--ci") : *args->value("--to");
  const Index ci = loaded.estate.find_ci(target);
  if (ci == kNoIndex) return usage(fmt::format("no ci \"{}\" in the estate", target));
  if (by_flow) {
    const std::string from = *args->value("--from");
    const Estate& e = loaded.estate;
    const auto known = [&](std::string_view prefix, auto find) {
      return from.rfind(prefix, 0) == 0 && find(std::string_view(from).substr(prefix.size())) != kNoIndex;
    };
    if (from != "internet" && !known("zone:", [&](auto id) { return e.find_zone(id); }) &&
        !known("subnet:", [&](auto id) { return e.find_subnet(id); }) &&
        !known("ci:", [&](auto id) { return e.find_ci(id); })) {
      return usage(fmt::format("--from: no source \"{}\" in the estate (use internet, zone:ID, subnet:ID or ci:ID)", from));
    }
  }
  const EstateGraph graph(loaded.estate);
  const ReachabilityIndex reach(graph);
  return by_ci ? explain_ci(reach, ci) : explain_flow(reach, *args->value("--from"), ci, service);
}

}  // namespace topocheck::cli
