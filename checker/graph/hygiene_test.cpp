#include "checker/graph/hygiene.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "checker/graph/graph.h"
#include "checker/graph/reach.h"
#include "checker/load/toml_loader.h"

namespace topocheck {
namespace {

using Lines = std::vector<std::string>;

// An internet zone, a DMZ, an app zone with two subnets, an office zone; app-01 in app-a,
// app-02 in app-b, multi-01 in app-a and the DMZ; fw-1 between all of them.
const char* kNetwork = R"(
[[zone]]
id = "internet"
kind = "internet"
[[zone]]
id = "dmz"
kind = "dmz"
[[zone]]
id = "app"
kind = "internal"
[[zone]]
id = "office"
kind = "internal"
[[subnet]]
id = "dmz-a"
zone = "dmz"
cidr = "10.20.1.0/24"
[[subnet]]
id = "app-a"
zone = "app"
cidr = "10.30.1.0/24"
[[subnet]]
id = "app-b"
zone = "app"
cidr = "10.30.2.0/24"
[[subnet]]
id = "office-a"
zone = "office"
cidr = "10.70.1.0/24"
[[ci]]
id = "fw-1"
class = "firewall"
interfaces = [{ zone = "internet", ip = "203.0.113.2" }, { subnet = "dmz-a", ip = "10.20.1.1" },
              { subnet = "app-a", ip = "10.30.1.1" }, { subnet = "app-b", ip = "10.30.2.1" },
              { subnet = "office-a", ip = "10.70.1.1" }]
[[ci]]
id = "app-01"
class = "server"
interfaces = [{ subnet = "app-a", ip = "10.30.1.11" }]
[[ci]]
id = "app-02"
class = "server"
interfaces = [{ subnet = "app-b", ip = "10.30.2.12" }]
[[ci]]
id = "multi-01"
class = "server"
interfaces = [{ subnet = "app-a", ip = "10.30.1.21" }, { subnet = "dmz-a", ip = "10.20.1.21" }]
)";

// "[[rule]]" tables for fw-1 from a compact list: order, action, from, to, services.
struct R {
  int order;
  const char* action;
  const char* from;
  const char* to;
  const char* services;
  const char* firewall = "fw-1";
};

std::string rules_toml(const std::vector<R>& rules) {
  std::string out;
  for (const R& r : rules) {
    out += "[[rule]]\nfirewall = \"" + std::string(r.firewall) +
           "\"\norder = " + std::to_string(r.order) + "\naction = \"" + r.action + "\"\nfrom = [" +
           r.from + "]\nto = [" + r.to + "]\nservices = [" + r.services + "]\nref = \"r" +
           std::to_string(r.order) + "\"\n";
  }
  return out;
}

std::vector<RuleIssue> analyse(const std::string& extra, const std::vector<R>& rules) {
  const LoadResult loaded =
      load_estate_from_strings({{"h.toml", kNetwork + extra + rules_toml(rules)}});
  for (const Diagnostic& d : loaded.diagnostics.items()) {
    if (d.level == DiagLevel::error) FAIL_CHECK(format_diagnostic(d, false));
  }
  REQUIRE_FALSE(loaded.diagnostics.has_errors());
  return analyse_rules(loaded.estate);
}

// "kind fw rule <- covering,rules"
Lines summary(const std::string& extra, const std::vector<R>& rules) {
  const LoadResult loaded =
      load_estate_from_strings({{"h.toml", kNetwork + extra + rules_toml(rules)}});
  REQUIRE_FALSE(loaded.diagnostics.has_errors());
  const Estate& e = loaded.estate;
  Lines out;
  for (const RuleIssue& issue : analyse_rules(e)) {
    std::string line = std::string(to_string(issue.kind)) + " " + e.cis[issue.firewall].id;
    if (issue.rule != kNoIndex) line += " " + std::to_string(e.rules[issue.rule].order);
    for (size_t i = 0; i < issue.covered_by.size(); ++i) {
      line += (i == 0 ? " <- " : ",") + std::to_string(e.rules[issue.covered_by[i]].order);
    }
    out.push_back(line);
  }
  return out;
}

Lines summary(const std::vector<R>& rules) { return summary("", rules); }

TEST_CASE("an earlier deny for all of its traffic makes a later allow rule shadowed", "[hygiene]") {
  const auto issues =
      analyse("", {{100, "deny", R"("zone:office")", R"("ci:app-01")", R"("tcp/22")"},
                   {200, "allow", R"("zone:office")", R"("ci:app-01")", R"("tcp/22")"}});
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].kind == RuleIssueKind::shadowed);
  CHECK(issues[0].message ==
        "allow rule 200 (r200) is shadowed: rule 100 (r100) denies its traffic first, so it never "
        "matches");
}

TEST_CASE("an earlier allow rule makes a later deny for the same traffic shadowed too",
          "[hygiene]") {
  CHECK(summary({{100, "allow", R"("any")", R"("ci:app-01")", R"("tcp/443")"},
                 {200, "deny", R"("zone:office")", R"("ci:app-01")", R"("tcp/443")"}}) ==
        Lines{"any_source_from_internet fw-1 100", "shadowed fw-1 200 <- 100"});
}

TEST_CASE("a rule covered by earlier rules of the same action is redundant, naming them",
          "[hygiene]") {
  const auto issues =
      analyse("", {{100, "allow", R"("zone:office")", R"("ci:app-01")", R"("tcp/1-1000")"},
                   {110, "allow", R"("zone:office")", R"("ci:app-01")", R"("tcp/1001-65535")"},
                   {200, "allow", R"("zone:office")", R"("ci:app-01")", R"("tcp/any")"}});
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].kind == RuleIssueKind::redundant);
  CHECK(issues[0].message ==
        "allow rule 200 (r200) is redundant: rules 100 (r100) and 110 (r110) already "
        "allow all of its traffic, so it never matches");
}

TEST_CASE("port ranges of several earlier rules add up to cover a later rule's services",
          "[hygiene]") {
  CHECK(summary({{100, "allow", R"("zone:office")", R"("ci:app-01")", R"("tcp/22")"},
                 {110, "allow", R"("zone:office")", R"("ci:app-01")", R"("tcp/443")"},
                 {120, "allow", R"("zone:office")", R"("ci:app-01")", R"("udp/53")"},
                 {200, "allow", R"("zone:office")", R"("ci:app-01")",
                  R"("tcp/22", "udp/53", "tcp/443")"}}) ==
        Lines{"redundant fw-1 200 <- 100,110,120"});
}

TEST_CASE("only the service any covers every protocol", "[hygiene]") {
  CHECK(summary(
            {{100, "deny", R"("zone:office")", R"("ci:app-01")", R"("tcp/any", "udp/any", "icmp")"},
             {200, "allow", R"("zone:office")", R"("ci:app-01")", R"("any")"}}) ==
        Lines{"any_service fw-1 200"});
  CHECK(summary({{100, "deny", R"("zone:office")", R"("ci:app-01")", R"("any")"},
                 {200, "allow", R"("zone:office")", R"("ci:app-01")",
                  R"("tcp/any", "udp/53", "icmp")"}}) == Lines{"shadowed fw-1 200 <- 100"});
}

TEST_CASE("a zone covers its subnets and the CIs in them", "[hygiene]") {
  CHECK(summary({{100, "deny", R"("zone:office")", R"("zone:app")", R"("tcp/22")"},
                 {200, "allow", R"("zone:office")", R"("subnet:app-b")", R"("tcp/22")"},
                 {210, "allow", R"("subnet:office-a")", R"("ci:app-01")", R"("tcp/22")"}}) ==
        Lines{"shadowed fw-1 200 <- 100", "shadowed fw-1 210 <- 100"});
}

TEST_CASE("a CI is covered only when every one of its interfaces is", "[hygiene]") {
  // multi-01 has an interface in app-a and one in the DMZ: a deny for app-a leaves the DMZ one.
  CHECK(summary({{100, "deny", R"("zone:office")", R"("subnet:app-a")", R"("tcp/22")"},
                 {200, "allow", R"("zone:office")", R"("ci:multi-01")", R"("tcp/22")"}})
            .empty());
  CHECK(summary({{100, "deny", R"("zone:office")", R"("subnet:app-a")", R"("tcp/22")"},
                 {110, "allow", R"("zone:office")", R"("zone:dmz")", R"("tcp/22")"},
                 {200, "allow", R"("zone:office")", R"("ci:multi-01")", R"("tcp/22")"}}) ==
        Lines{"shadowed fw-1 200 <- 100,110"});
}

TEST_CASE("a range covers the CIs whose addresses all lie in it, and the subnets inside it",
          "[hygiene]") {
  CHECK(
      summary({{100, "allow", R"("cidr:10.70.0.0/16")", R"("cidr:10.30.0.0/16")", R"("tcp/443")"},
               {200, "allow", R"("subnet:office-a")", R"("ci:app-01")", R"("tcp/443")"},
               {210, "allow", R"("subnet:office-a")", R"("ci:multi-01")", R"("tcp/443")"},
               {220, "allow", R"("cidr:10.70.1.128/25")", R"("subnet:app-b")", R"("tcp/443")"}}) ==
      Lines{"redundant fw-1 200 <- 100", "redundant fw-1 220 <- 100"});
}

TEST_CASE("a range inside one subnet is covered by that subnet and its zone", "[hygiene]") {
  CHECK(summary({{100, "deny", R"("subnet:office-a")", R"("zone:app")", R"("tcp/22")"},
                 {200, "allow", R"("cidr:10.70.1.0/28")", R"("cidr:10.30.2.0/25")", R"("tcp/22")"},
                 // a range wider than the subnet holds addresses nobody exported: not covered
                 {210, "allow", R"("cidr:10.70.0.0/16")", R"("zone:app")", R"("tcp/22")"}}) ==
        Lines{"shadowed fw-1 200 <- 100"});
}

TEST_CASE("the internet zone covers public ranges as a source, not private ones", "[hygiene]") {
  CHECK(summary({{100, "deny", R"("zone:internet")", R"("ci:app-01")", R"("tcp/443")"},
                 {200, "allow", R"("cidr:198.51.100.0/24")", R"("ci:app-01")", R"("tcp/443")"},
                 {210, "allow", R"("cidr:192.168.0.0/16")", R"("ci:app-01")", R"("tcp/443")"}}) ==
        Lines{"shadowed fw-1 200 <- 100"});
}

TEST_CASE("a rule is not dead when earlier rules cover only part of it", "[hygiene]") {
  CHECK(summary({{100, "deny", R"("zone:office")", R"("ci:app-01")", R"("tcp/1-1000")"},
                 {200, "allow", R"("zone:office")", R"("ci:app-01")", R"("tcp/any")"}})
            .empty());
  CHECK(summary({{100, "deny", R"("subnet:app-a")", R"("ci:app-02")", R"("tcp/22")"},
                 {200, "allow", R"("zone:app")", R"("ci:app-02")", R"("tcp/22")"}})
            .empty());
  // The union of two subnets is not taken for their zone: the zone may hold more.
  CHECK(summary({{100, "deny", R"("subnet:app-a")", R"("zone:office")", R"("tcp/22")"},
                 {110, "deny", R"("subnet:app-b")", R"("zone:office")", R"("tcp/22")"},
                 {200, "allow", R"("zone:app")", R"("zone:office")", R"("tcp/22")"}})
            .empty());
  // 0.0.0.0/0 is IPv4 only.
  CHECK(summary({{100, "deny", R"("cidr:0.0.0.0/0")", R"("ci:app-01")", R"("tcp/22")"},
                 {200, "allow", R"("cidr:2001:db8::/32")", R"("ci:app-01")", R"("tcp/22")"}})
            .empty());
}

TEST_CASE("several endpoints of a rule may each be covered by a different earlier rule",
          "[hygiene]") {
  CHECK(
      summary({{100, "allow", R"("subnet:app-a")", R"("zone:office")", R"("tcp/443")"},
               {110, "deny", R"("subnet:app-b")", R"("zone:office")", R"("tcp/443")"},
               {200, "allow", R"("subnet:app-a", "subnet:app-b")", R"("ci:fw-1")", R"("tcp/443")"},
               {210, "allow", R"("subnet:app-a", "subnet:app-b")", R"("zone:office")",
                R"("tcp/443")"}}) == Lines{"shadowed fw-1 210 <- 100,110"});
  const auto issues = analyse(
      "",
      {{100, "allow", R"("subnet:app-a")", R"("zone:office")", R"("tcp/443")"},
       {110, "deny", R"("subnet:app-b")", R"("zone:office")", R"("tcp/443")"},
       {210, "allow", R"("subnet:app-a", "subnet:app-b")", R"("zone:office")", R"("tcp/443")"}});
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].message ==
        "allow rule 210 (r210) is shadowed: rule 110 (r110) denies its traffic first, so it "
        "never matches; rule 100 (r100) allows the rest");
}

TEST_CASE("rules with the same order are evaluated in input order", "[hygiene]") {
  CHECK(summary({{100, "allow", R"("zone:office")", R"("ci:app-01")", R"("tcp/22")"},
                 {100, "deny", R"("zone:office")", R"("ci:app-01")", R"("tcp/22")"}}) ==
        Lines{"shadowed fw-1 100 <- 100"});
}

TEST_CASE("rules are evaluated by order, not by their position in the file", "[hygiene]") {
  CHECK(summary({{200, "allow", R"("zone:office")", R"("ci:app-01")", R"("tcp/22")"},
                 {100, "deny", R"("zone:office")", R"("zone:app")", R"("tcp/1-1024")"}}) ==
        Lines{"shadowed fw-1 200 <- 100"});
}

TEST_CASE("allow rules on the whole internet, any service or any to any are reported",
          "[hygiene]") {
  CHECK(summary({{100, "allow", R"("zone:internet")", R"("ci:app-01")", R"("tcp/443")"},
                 {110, "allow", R"("cidr:0.0.0.0/0")", R"("ci:app-01")", R"("tcp/8443")"},
                 {120, "allow", R"("cidr:::/0")", R"("ci:app-01")", R"("tcp/8444")"},
                 {130, "allow", R"("cidr:203.0.113.0/24")", R"("ci:app-01")", R"("tcp/8445")"},
                 {140, "allow", R"("zone:office")", R"("ci:app-01")", R"("any")"},
                 {150, "allow", R"("any")", R"("cidr:0.0.0.0/0")", R"("udp/53")"},
                 {160, "deny", R"("any")", R"("any")", R"("any")"}}) ==
        Lines{"any_source_from_internet fw-1 100", "any_source_from_internet fw-1 110",
              "any_source_from_internet fw-1 120", "any_service fw-1 140", "any_to_any fw-1 150",
              "any_source_from_internet fw-1 150"});
}

TEST_CASE("width issues name the rule, its sources, destinations and services", "[hygiene]") {
  const auto issues = analyse("", {{100, "allow", R"("any")", R"("any")", R"("any")"}});
  REQUIRE(issues.size() == 3);
  CHECK(issues[0].kind == RuleIssueKind::any_to_any);
  CHECK(issues[0].message == "allow rule 100 (r100) allows any source to any destination on any");
  CHECK(issues[1].kind == RuleIssueKind::any_source_from_internet);
  CHECK(issues[1].message == "allow rule 100 (r100) admits the whole internet (any) to any on any");
  CHECK(issues[2].kind == RuleIssueKind::any_service);
  CHECK(issues[2].message == "allow rule 100 (r100) allows any service from any to any");
}

TEST_CASE("a dead allow-any rule is reported as dead, not as wide", "[hygiene]") {
  CHECK(summary({{100, "deny", R"("any")", R"("any")", R"("any")"},
                 {200, "allow", R"("any")", R"("any")", R"("any")"}}) ==
        Lines{"shadowed fw-1 200 <- 100"});
}

TEST_CASE("a firewall that allows by default is reported first, firewalls by id", "[hygiene]") {
  const std::string extra = R"(
[[ci]]
id = "fw-0"
class = "firewall"
default_action = "allow"
interfaces = [{ subnet = "app-a", ip = "10.30.1.2" }, { subnet = "office-a", ip = "10.70.1.2" }]
)";
  CHECK(summary(extra, {{100, "allow", R"("zone:office")", R"("any")", R"("tcp/22")"},
                        {100, "allow", R"("zone:office")", R"("ci:app-01")", R"("tcp/22")", "fw-0"},
                        {110, "allow", R"("zone:office")", R"("ci:app-01")", R"("tcp/22")",
                         "fw-0"}}) == Lines{"default_allow fw-0", "redundant fw-0 110 <- 100"});
  const auto issues = analyse(extra, {});
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].rule == kNoIndex);
  CHECK(issues[0].message ==
        "firewall fw-0 allows all traffic that no rule matches (default_action = \"allow\")");
}

TEST_CASE("rules on different firewalls never cover each other", "[hygiene]") {
  const std::string extra = R"(
[[ci]]
id = "fw-2"
class = "firewall"
interfaces = [{ subnet = "app-a", ip = "10.30.1.3" }, { subnet = "office-a", ip = "10.70.1.3" }]
)";
  CHECK(
      summary(extra, {{100, "deny", R"("zone:office")", R"("ci:app-01")", R"("tcp/22")"},
                      {200, "allow", R"("zone:office")", R"("ci:app-01")", R"("tcp/22")", "fw-2"}})
          .empty());
}

TEST_CASE("thousands of rules on one firewall are analysed quickly", "[hygiene]") {
  std::vector<R> rules;
  std::vector<std::string> ports;
  constexpr int kRules = 3000;
  ports.reserve(kRules);
  for (int i = 0; i < kRules; ++i) ports.push_back("\"tcp/" + std::to_string(1 + i) + "\"");
  for (int i = 0; i < kRules; ++i) {
    rules.push_back({1000 + i, i % 2 ? "deny" : "allow", R"("zone:office", "subnet:app-a")",
                     R"("ci:app-01", "ci:app-02", "zone:dmz")", ports[i].c_str()});
  }
  rules.push_back({999999, "allow", R"("zone:office")", R"("ci:app-01")", R"("tcp/1-3000")"});
  const auto start = std::chrono::steady_clock::now();
  const auto issues = analyse("", rules);
  const auto seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].kind == RuleIssueKind::shadowed);
  CHECK(issues[0].covered_by.size() == kRules);
  CHECK(seconds < 20.0);  // generous for sanitizer builds; typically well under a second
}

TEST_CASE("no rule called dead ever decides a flow in the reachability engine", "[hygiene]") {
  // Random rule bases over the test network; every flow from every source atom to every
  // interface on probe services is decided by reach.cpp, and its deciding rule must be live.
  const char* endpoints[] = {R"("any")",
                             R"("zone:internet")",
                             R"("zone:dmz")",
                             R"("zone:app")",
                             R"("zone:office")",
                             R"("subnet:app-a")",
                             R"("subnet:app-b")",
                             R"("subnet:dmz-a")",
                             R"("subnet:office-a")",
                             R"("ci:app-01")",
                             R"("ci:app-02")",
                             R"("ci:multi-01")",
                             R"("cidr:10.30.0.0/16")",
                             R"("cidr:10.30.1.0/25")",
                             R"("cidr:0.0.0.0/0")",
                             R"("cidr:198.51.100.0/24")",
                             R"("cidr:10.70.1.0/24")",
                             R"("zone:app", "zone:dmz")"};
  const char* services[] = {R"("tcp/22")",  R"("tcp/443")",     R"("tcp/1-1000")",
                            R"("tcp/any")", R"("udp/53")",      R"("icmp")",
                            R"("any")",     R"("tcp/440-450")", R"("tcp/22", "tcp/443")"};
  const char* probes[] = {"tcp/22",   "tcp/443", "tcp/445", "tcp/999",
                          "tcp/5000", "udp/53",  "udp/54",  "icmp"};
  std::mt19937 random(20261123);
  auto pick = [&](size_t n) { return static_cast<size_t>(random() % n); };
  size_t dead_rules = 0;
  for (int trial = 0; trial < 150; ++trial) {
    std::vector<R> rules;
    for (int i = 0; i < 25; ++i) {
      rules.push_back({static_cast<int>(10 * pick(20)), pick(2) ? "allow" : "deny",
                       endpoints[pick(std::size(endpoints))], endpoints[pick(std::size(endpoints))],
                       services[pick(std::size(services))]});
    }
    const LoadResult loaded = load_estate_from_strings({{"h.toml", kNetwork + rules_toml(rules)}});
    REQUIRE_FALSE(loaded.diagnostics.has_errors());
    const Estate& e = loaded.estate;
    std::set<Index> dead;
    for (const RuleIssue& issue : analyse_rules(e)) {
      if (issue.kind == RuleIssueKind::shadowed || issue.kind == RuleIssueKind::redundant)
        dead.insert(issue.rule);
    }
    dead_rules += dead.size();
    const EstateGraph graph(e);
    const ReachabilityIndex reach(graph);
    const Index fw = e.find_ci("fw-1");
    for (Index atom = 0; atom < reach.atoms().size(); ++atom) {
      for (Index ci = 0; ci < e.cis.size(); ++ci) {
        for (size_t itf = 0; itf < e.cis[ci].interfaces.size(); ++itf) {
          for (const char* probe : probes) {
            const RuleDecision d = reach.decide(fw, atom, ci, itf, *parse_service(probe));
            if (d.rule != kNoIndex && dead.count(d.rule)) {
              FAIL_CHECK("trial " << trial << ": rule " << e.rules[d.rule].order << " ("
                                  << e.rules[d.rule].ref << ") called dead decides "
                                  << reach.atoms()[atom].label << " -> " << e.cis[ci].id << " on "
                                  << probe);
            }
          }
        }
      }
    }
  }
  CHECK(dead_rules > 100);  // the random rule bases do exercise the analysis
}

}  // namespace
}  // namespace topocheck
