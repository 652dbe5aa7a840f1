// EXPOSURE, WAF-DMZ and PAM-ONLY on their fixtures (fixtures/rules/<ID>/ and fixtures/reach/):
// the exact findings, the paths they give as evidence, and the edges that must not fire.
#include <catch2/catch.hpp>

#include "tests/unit/support.h"

using topocheck::testing::check_fixture;
using topocheck::testing::finding_lines;
using Lines = std::vector<std::string>;

namespace {

// "node [firewall rule order]" per hop, " -> " between hops: the path of a finding, compactly.
std::string path_text(const topocheck::Path& p) {
  std::string text;
  for (const topocheck::Hop& h : p.hops) {
    text += (text.empty() ? "" : " -> ") + h.node;
    if (!h.firewall.empty()) text += " [" + h.firewall + " " + std::to_string(h.rule_order) + "]";
    if (!h.nat.empty()) text += " [NAT " + h.nat + "]";
  }
  return text + " (" + p.kind + ")";
}

Lines path_texts(const topocheck::Finding& f) {
  Lines out;
  for (const auto& p : f.paths) out.push_back(path_text(p));
  return out;
}

std::string data_of(const topocheck::Finding& f, const std::string& key) {
  for (const auto& [k, v] : f.data) {
    if (k == key) return std::get<std::string>(v);
  }
  return {};
}

}  // namespace

// ---- EXPOSURE -----------------------------------------------------------------------------------

TEST_CASE("EXPOSURE passes when the internet reaches systems only through the customer's WAF", "[policy][reach]") {
  CHECK(finding_lines(check_fixture("fixtures/rules/EXPOSURE/pass", {"EXPOSURE"})).empty());
}

TEST_CASE("EXPOSURE reports a NAT to an internal system as a confirmed exposure", "[policy][reach]") {
  const auto result = check_fixture("fixtures/rules/EXPOSURE/fail-nat-confirmed", {"EXPOSURE"});
  REQUIRE(finding_lines(result) ==
          Lines{"EXPOSURE web-01: reachable from the internet on tcp/443, not through the customer's edge "
                "protection (confirmed: a public address leads there)"});
  const auto& f = result.findings[0];
  CHECK(f.severity == topocheck::Severity::critical);
  CHECK(data_of(f, "exposure") == "confirmed");
  CHECK(path_texts(f) == Lines{"zone:internet -> web-01 [fw-edge 100] [NAT 203.0.113.10 -> 10.20.1.10] (confirmed)"});
  CHECK(f.more_paths == 0);
}

TEST_CASE("EXPOSURE reports a rule admitting the internet without NAT as latent, naming the rule", "[policy][reach]") {
  const auto result = check_fixture("fixtures/rules/EXPOSURE/fail-rule-latent", {"EXPOSURE"});
  REQUIRE(finding_lines(result) ==
          Lines{"EXPOSURE web-01: reachable from the internet on tcp/443 by the firewall rules alone (latent: "
                "fw-edge rule 100 (CHG-web) admits it; one NAT or route away from exposure)"});
  const auto& f = result.findings[0];
  CHECK(f.severity == topocheck::Severity::high);
  CHECK(data_of(f, "exposure") == "latent");
  CHECK(path_texts(f) == Lines{"zone:internet -> web-01 [fw-edge 100] (latent)"});
  REQUIRE(f.evidence.size() == 1);
  CHECK(f.evidence[0].fact == "first rule admitting the internet: fw-edge rule 100 (CHG-web)");
}

TEST_CASE("EXPOSURE confirms a system with a public address that a rule names by cidr", "[policy][reach]") {
  CHECK(finding_lines(check_fixture("fixtures/rules/EXPOSURE/fail-public-address", {"EXPOSURE"})) ==
        Lines{"EXPOSURE sftp-01: reachable from the internet on tcp/22, not through the customer's edge protection "
              "(confirmed: a public address leads there)"});
}

TEST_CASE("EXPOSURE reports a port-specific NAT as confirmed and lists every exposed service once", "[policy][reach]") {
  const auto result = check_fixture("fixtures/reach/nat-port", {"EXPOSURE"});
  REQUIRE(finding_lines(result) ==
          Lines{"EXPOSURE web-01: reachable from the internet on tcp/443, tcp/8080, not through the customer's edge "
                "protection (confirmed: a public address leads there)"});
  CHECK(path_texts(result.findings[0]) ==
        Lines{"zone:internet -> web-01 [fw-edge 100] [NAT 203.0.113.10 -> 10.20.1.10] (confirmed)",
              "zone:internet -> web-01 [fw-edge 100] (latent)"});
}

TEST_CASE("EXPOSURE reports an internet path through a router alone as latent with no firewall", "[policy][reach]") {
  const auto result = check_fixture("fixtures/reach/router", {"EXPOSURE"});
  REQUIRE(finding_lines(result) ==
          Lines{"EXPOSURE app-01: reachable from the internet on tcp/22, tcp/443 with no firewall on the path "
                "(latent: no public address leads there; one NAT or route away from exposure)"});
  REQUIRE(result.findings[0].evidence.size() == 1);
  CHECK(result.findings[0].evidence[0].fact == "first rule admitting the internet: no firewall on the path");
}

TEST_CASE("EXPOSURE reports only the system both firewalls of a path admit", "[policy][reach]") {
  const auto result = check_fixture("fixtures/reach/two-firewalls", {"EXPOSURE"});
  REQUIRE(finding_lines(result) ==
          Lines{"EXPOSURE app-open: reachable from the internet on tcp/443 by the firewall rules alone (latent: "
                "fw-outer rule 100 (CHG-outer) admits it; one NAT or route away from exposure)"});
  CHECK(path_texts(result.findings[0]) == Lines{"zone:internet -> zone:dmz [fw-outer 100] -> app-open [fw-inner 100] (latent)"});
}

TEST_CASE("EXPOSURE counts the internet in 0.0.0.0/0 and ::/0 sources", "[policy][reach]") {
  CHECK(finding_lines(check_fixture("fixtures/reach/default-route", {"EXPOSURE"})) ==
        Lines{"EXPOSURE app-01: reachable from the internet on tcp/443 by the firewall rules alone (latent: fw-1 "
              "rule 100 (v4-any) admits it; one NAT or route away from exposure)",
              "EXPOSURE app6-01: reachable from the internet on tcp/443 by the firewall rules alone (latent: fw-1 "
              "rule 200 (v6-any) admits it; one NAT or route away from exposure)"});
}

TEST_CASE("EXPOSURE reports exposure to a partner range with the range as the path's source", "[policy][reach]") {
  const auto result = check_fixture("fixtures/reach/partner-range", {"EXPOSURE"});
  REQUIRE(finding_lines(result) ==
          Lines{"EXPOSURE sftp-01: reachable from the internet on tcp/22 by the firewall rules alone (latent: "
                "fw-edge rule 100 (partner-sftp) admits it; one NAT or route away from exposure)",
                "EXPOSURE web-01: reachable from the internet on tcp/443 by the firewall rules alone (latent: "
                "fw-edge rule 210 (web-open) admits it; one NAT or route away from exposure)"});
  CHECK(path_texts(result.findings[0]) == Lines{"zone:internet cidr:198.51.100.0/24 -> sftp-01 [fw-edge 100] (latent)"});
  CHECK(path_texts(result.findings[1]) == Lines{"zone:internet -> web-01 [fw-edge 210] (latent)"});
}

TEST_CASE("EXPOSURE names exactly the ports a deny inside an allowed range leaves open", "[policy][reach]") {
  const auto result = check_fixture("fixtures/reach/port-range", {"EXPOSURE"});
  REQUIRE(finding_lines(result) ==
          Lines{"EXPOSURE app-01: reachable from the internet on tcp/8000-8079, tcp/8081-8100 by the firewall rules "
                "alone (latent: fw-edge rule 200 (app-ports) admits it; one NAT or route away from exposure)"});
  CHECK(path_texts(result.findings[0]) == Lines{"zone:internet -> app-01 [fw-edge 200] (latent)",
                                                "zone:internet -> app-01 [fw-edge 200] (latent)"});
}

TEST_CASE("EXPOSURE counts a second edge firewall as one more path", "[policy][reach]") {
  const auto result = check_fixture("fixtures/reach/more-paths", {"EXPOSURE"});
  REQUIRE(result.findings.size() == 1);
  CHECK(result.findings[0].paths.size() == 1);
  CHECK(result.findings[0].more_paths == 1);
}

TEST_CASE("EXPOSURE treats every zone of kind internet as the internet", "[policy][reach]") {
  CHECK(finding_lines(check_fixture("fixtures/reach/two-internet-zones", {"EXPOSURE"})) ==
        Lines{"EXPOSURE bastion-01: reachable from the internet on tcp/22, not through the customer's edge "
              "protection (confirmed: a public address leads there)",
              "EXPOSURE web-01: reachable from the internet on tcp/443 by the firewall rules alone (latent: fw-b rule "
              "100 (web-via-isp-b) admits it; one NAT or route away from exposure)"});
}

TEST_CASE("EXPOSURE follows a forwarding loop without hanging", "[policy][reach]") {
  CHECK(finding_lines(check_fixture("fixtures/reach/forward-loop", {"EXPOSURE"})) ==
        Lines{"EXPOSURE proxy-a: reachable from the internet on tcp/443 by the firewall rules alone (latent: "
              "fw-edge rule 100 (publish-proxy-a) admits it; one NAT or route away from exposure)",
              "EXPOSURE proxy-b: reachable from the internet on tcp/443 by the firewall rules alone (latent: "
              "fw-edge rule 100 (publish-proxy-a) admits it; one NAT or route away from exposure)"});
}

// ---- WAF-DMZ and EXPOSURE on a proxy chain ---------------------------------------------------

TEST_CASE("a WAF, load balancer and app chain passes WAF-DMZ and EXPOSURE", "[policy][reach]") {
  CHECK(finding_lines(check_fixture("fixtures/rules/WAF-DMZ/pass", {"WAF-DMZ", "EXPOSURE"})).empty());
}

TEST_CASE("a forwarding hop the network denies leaves nothing behind the WAF exposed", "[policy][reach]") {
  CHECK(finding_lines(check_fixture("fixtures/reach/proxy-chain-hop-denied", {"WAF-DMZ", "EXPOSURE"})).empty());
}

TEST_CASE("a rule letting the internet around the WAF is reported with exactly the bypass path", "[policy][reach]") {
  const auto result = check_fixture("fixtures/rules/WAF-DMZ/fail-bypass", {"WAF-DMZ", "EXPOSURE"});
  REQUIRE(finding_lines(result) ==
          Lines{"EXPOSURE app-01: reachable from the internet on tcp/8443 by the firewall rules alone (latent: "
                "fw-edge rule 200 (CHG-lb-test-temporary) admits it; one NAT or route away from exposure)",
                "EXPOSURE lb-1: reachable from the internet on tcp/443 by the firewall rules alone (latent: fw-edge "
                "rule 200 (CHG-lb-test-temporary) admits it; one NAT or route away from exposure)",
                "WAF-DMZ app-01: reachable from the internet on tcp/8443 on a path that passes no WAF of the customer",
                "WAF-DMZ lb-1: reachable from the internet on tcp/443 on a path that passes no WAF of the customer"});
  const Lines app{"zone:internet -> lb-1 [fw-edge 200] -> app-01 [fw-int 100] (latent)"};
  const Lines lb{"zone:internet -> lb-1 [fw-edge 200] (latent)"};
  CHECK(path_texts(result.findings[0]) == app);
  CHECK(path_texts(result.findings[1]) == lb);
  CHECK(path_texts(result.findings[2]) == app);
  CHECK(path_texts(result.findings[3]) == lb);
}

TEST_CASE("WAF-DMZ reports a customer WAF forwarding with the default rule set", "[policy][reach]") {
  CHECK(finding_lines(check_fixture("fixtures/rules/WAF-DMZ/fail-default-ruleset", {"WAF-DMZ"})) ==
        Lines{"WAF-DMZ lb-a: the customer's WAF waf-1 protects it without an application-specific rule set "
              "(ruleset: default)"});
}

TEST_CASE("WAF-DMZ reports a customer WAF forwarding without a rule set", "[policy][reach]") {
  CHECK(finding_lines(check_fixture("fixtures/rules/WAF-DMZ/fail-missing-ruleset", {"WAF-DMZ"})) ==
        Lines{"WAF-DMZ lb-b: the customer's WAF waf-1 protects it without an application-specific rule set "
              "(ruleset: none)"});
}

TEST_CASE("WAF-DMZ reports a customer WAF forwarding to a system outside a DMZ", "[policy][reach]") {
  CHECK(finding_lines(check_fixture("fixtures/rules/WAF-DMZ/fail-not-in-dmz", {"WAF-DMZ"})) ==
        Lines{"WAF-DMZ app-01: the customer's WAF waf-1 forwards to it, but it is not in a DMZ zone (zones: app)"});
}

// ---- PAM-ONLY -----------------------------------------------------------------------------------

TEST_CASE("PAM-ONLY passes when only PAM and jump servers reachable only from PAM administer", "[policy][reach]") {
  CHECK(finding_lines(check_fixture("fixtures/rules/PAM-ONLY/pass", {"PAM-ONLY"})).empty());
}

TEST_CASE("PAM-ONLY reports a jump server open to the office and what it administers", "[policy][reach]") {
  const auto result = check_fixture("fixtures/rules/PAM-ONLY/fail-jump-from-office", {"PAM-ONLY"});
  REQUIRE(finding_lines(result) ==
          Lines{"PAM-ONLY db-01: administrative service tcp/22 is reachable across a firewall from ci:jump-00, not "
                "only from the customer's PAM system",
                "PAM-ONLY jump-00: administrative service tcp/3389 is reachable across a firewall from ci:jump-01, not "
                "only from the customer's PAM system",
                "PAM-ONLY jump-01: administrative service tcp/3389 is reachable across a firewall from "
                "subnet:office-a, not only from the customer's PAM system",
                "PAM-ONLY srv-01: administrative service tcp/22 is reachable across a firewall from ci:jump-01, not "
                "only from the customer's PAM system"});
  CHECK(path_texts(result.findings[2]) == Lines{"subnet:office-a -> jump-01 [fw-int 105] ()"});
  CHECK(path_texts(result.findings[3]) == Lines{"ci:jump-01 -> srv-01 [fw-int 110] ()"});
}

TEST_CASE("PAM-ONLY reports a source that stands for no known system but the firewall", "[policy][reach]") {
  CHECK(finding_lines(check_fixture("fixtures/reach/zone-without-subnets", {"PAM-ONLY"})) ==
        Lines{"PAM-ONLY : no break-glass access path for PAM outages is documented (no CI with break_glass = true)",
              "PAM-ONLY sftp-01: administrative service tcp/22 is reachable across a firewall from zone:partner, not "
              "only from the customer's PAM system"});
}

TEST_CASE("PAM-ONLY reports SSH open to the internet", "[policy][reach]") {
  CHECK(finding_lines(check_fixture("fixtures/rules/PAM-ONLY/fail-ssh-internet", {"PAM-ONLY"})) ==
        Lines{"PAM-ONLY srv-01: administrative service tcp/22 is reachable across a firewall from zone:internet, not "
              "only from the customer's PAM system"});
}

TEST_CASE("PAM-ONLY reports an admin account that is not a customer AD account", "[policy][reach]") {
  CHECK(finding_lines(check_fixture("fixtures/rules/PAM-ONLY/fail-admin-account", {"PAM-ONLY"})) ==
        Lines{"PAM-ONLY : admin account adm-local is not a customer Active Directory account (directory: local, "
              "owner: contractor)"});
}

TEST_CASE("PAM-ONLY reports a missing break-glass path", "[policy][reach]") {
  const auto result = check_fixture("fixtures/rules/PAM-ONLY/fail-no-break-glass", {"PAM-ONLY"});
  REQUIRE(finding_lines(result) ==
          Lines{"PAM-ONLY : no break-glass access path for PAM outages is documented (no CI with break_glass = true)"});
  CHECK(result.findings[0].severity == topocheck::Severity::medium);
}

TEST_CASE("PAM-ONLY reports peers in one zone as one low finding per zone, not across a firewall", "[policy][reach]") {
  const auto result = check_fixture("fixtures/rules/PAM-ONLY/fail-peers-same-zone", {"PAM-ONLY"});
  REQUIRE(finding_lines(result) ==
          Lines{"PAM-ONLY : administrative services of 2 system(s) in zone app are reachable from peers in the same "
                "zone (no firewall between)"});
  const auto& f = result.findings[0];
  CHECK(f.severity == topocheck::Severity::low);
  REQUIRE(f.evidence.size() == 2);
  CHECK(f.evidence[0].fact == "srv-01 tcp/22 is reachable from srv-02");
  CHECK(f.evidence[1].fact == "srv-02 tcp/22 is reachable from srv-01");
}
