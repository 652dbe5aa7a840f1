// The network-segmentation policies (DDOS, SWG-EGRESS, SEGMENT-GW, BREAKOUT, TIER-SEPARATION,
// HTTPS-ONLY, PROD-TEST-SEPARATION, CLOSED-SERVERS) on their fixtures: the exact findings.
#include <catch2/catch.hpp>

#include "tests/unit/support.h"

using topocheck::testing::check_fixture;
using topocheck::testing::finding_lines;
using Lines = std::vector<std::string>;

TEST_CASE("DDOS does not count a contractor CDN as the customer's protection", "[policy][segments]") {
  CHECK(finding_lines(check_fixture("fixtures/rules/DDOS/fail-contractor-cdn", {"DDOS"})) ==
        Lines{"DDOS cdn-cust: publicly reachable on tcp/443 without the customer's DDoS protection or "
              "CDN in front (first hop from the internet: cdn-cust)",
              "DDOS web-01: publicly reachable on tcp/443 without the customer's DDoS protection or "
              "CDN in front (first hop from the internet: cdn-cust)"});
}

TEST_CASE("DDOS reports a NATed server the internet reaches without the customer CDN", "[policy][segments]") {
  CHECK(finding_lines(check_fixture("fixtures/rules/DDOS/fail-direct", {"DDOS"})) ==
        Lines{"DDOS web-02: publicly reachable on tcp/443 without the customer's DDoS protection or "
              "CDN in front (first hop from the internet: web-02)"});
}

TEST_CASE("DDOS passes on its compliant fixture, edge cases included", "[policy][segments]") {
  CHECK(finding_lines(check_fixture("fixtures/rules/DDOS/pass", {"DDOS"})).empty());
}

TEST_CASE("SWG-EGRESS reports a rule letting an internal subnet reach 0.0.0.0/0 on a web port", "[policy][segments]") {
  CHECK(finding_lines(check_fixture("fixtures/rules/SWG-EGRESS/fail-direct-rule", {"SWG-EGRESS"})) ==
        Lines{"SWG-EGRESS fw-out: allow rule 120 (INC0120 updates) lets subnet:app-a reach the "
              "internet (cidr:0.0.0.0/0) on tcp/443 directly, not through the customer's SWG"});
}

TEST_CASE("SWG-EGRESS reports a system that does not trust the SWG inspection CA", "[policy][segments]") {
  CHECK(finding_lines(check_fixture("fixtures/rules/SWG-EGRESS/fail-no-trust", {"SWG-EGRESS"})) ==
        Lines{"SWG-EGRESS app-01: does not trust the customer's SWG inspection CA (ca-root, ca-swg); "
              "trusted roots: ca-other"});
}

TEST_CASE("SWG-EGRESS says once that trust is unchecked when the SWG lists no inspection certificate",
          "[policy][segments]") {
  const auto result = topocheck::testing::check_toml(R"(
[[ci]]
id = "swg-cust"
class = "swg"
provided_by = "customer"
[[ci]]
id = "app-01"
class = "server"
provided_by = "contractor"
trust = { roots = ["ca-other"], revocation = "ocsp" }
[[ci]]
id = "ca-other"
class = "ca"
root = true
)",
                                                     {"SWG-EGRESS"});
  CHECK(result.findings.empty());
  bool said = false;
  for (const auto& n : result.notices) {
    said = said || n.message == "the customer's SWG lists no inspection certificate (certificates): trust in the "
                                "SWG's inspection was not checked";
  }
  CHECK(said);
}

TEST_CASE("SWG-EGRESS reports a web proxy the contractor runs itself", "[policy][segments]") {
  CHECK(finding_lines(check_fixture("fixtures/rules/SWG-EGRESS/fail-own-proxy", {"SWG-EGRESS"})) ==
        Lines{"SWG-EGRESS proxy-an: a web proxy of class web_proxy provided by contractor: the "
              "contractor must not run its own SWG or web proxy"});
}

TEST_CASE("SWG-EGRESS passes on its compliant fixture, edge cases included", "[policy][segments]") {
  CHECK(finding_lines(check_fixture("fixtures/rules/SWG-EGRESS/pass", {"SWG-EGRESS"})).empty());
}

TEST_CASE("SEGMENT-GW reports a server bridging two zones", "[policy][segments]") {
  CHECK(finding_lines(check_fixture("fixtures/rules/SEGMENT-GW/fail-multihomed", {"SEGMENT-GW"})) ==
        Lines{"SEGMENT-GW srv-02: server with interfaces in zones app, db bridges segments outside a "
              "firewall"});
}

TEST_CASE("SEGMENT-GW reports a firewall logging only to a contractor log server", "[policy][segments]") {
  CHECK(finding_lines(check_fixture("fixtures/rules/SEGMENT-GW/fail-no-logs", {"SEGMENT-GW"})) ==
        Lines{"SEGMENT-GW fw-int: forwards its logs only to log-an, none a log server or SIEM of the "
              "customer"});
}

TEST_CASE("SEGMENT-GW reports a router between two zones", "[policy][segments]") {
  CHECK(finding_lines(check_fixture("fixtures/rules/SEGMENT-GW/fail-router", {"SEGMENT-GW"})) ==
        Lines{"SEGMENT-GW rt-1: router with interfaces in zones app, db forwards between them "
              "unfiltered; traffic between segments must pass a firewall"});
}

TEST_CASE("SEGMENT-GW passes on its compliant fixture, edge cases included", "[policy][segments]") {
  CHECK(finding_lines(check_fixture("fixtures/rules/SEGMENT-GW/pass", {"SEGMENT-GW"})).empty());
}

TEST_CASE("BREAKOUT reports an allow-from-any rule between data centres", "[policy][segments]") {
  CHECK(finding_lines(check_fixture("fixtures/rules/BREAKOUT/fail-any-between-sites", {"BREAKOUT"})) ==
        Lines{"BREAKOUT sdwan-1: allow rule 200 (INC0200 migration) admits any to subnet:ber-app-a on "
              "any between data centres ber-1, fra-1: traffic between data centres must be explicitly "
              "allowed"});
}

TEST_CASE("BREAKOUT reports a breakout firewall the customer neither provides nor manages", "[policy][segments]") {
  CHECK(finding_lines(check_fixture("fixtures/rules/BREAKOUT/fail-contractor-breakout", {"BREAKOUT"})) ==
        Lines{"BREAKOUT fw-an: firewall on the internet breakout is not the customer's (provided by "
              "contractor, managed by nothing)"});
}

TEST_CASE("BREAKOUT reports a breakout firewall without IPS", "[policy][segments]") {
  CHECK(finding_lines(check_fixture("fixtures/rules/BREAKOUT/fail-no-ips", {"BREAKOUT"})) ==
        Lines{"BREAKOUT fw-breakout: firewall on the internet breakout has no active IPS "
              "(ips = false)"});
}

TEST_CASE("BREAKOUT passes on its compliant fixture, edge cases included", "[policy][segments]") {
  CHECK(finding_lines(check_fixture("fixtures/rules/BREAKOUT/pass", {"BREAKOUT"})).empty());
}

TEST_CASE("TIER-SEPARATION reports the DMZ reaching the database", "[policy][segments]") {
  CHECK(finding_lines(check_fixture("fixtures/rules/TIER-SEPARATION/fail-dmz-to-db", {"TIER-SEPARATION"})) ==
        Lines{"TIER-SEPARATION db-01: accepts connections from outside its application tier: "
              "subnet:dmz-a (a dmz zone) on tcp/5432; ci:web-01 (a dmz zone) on tcp/5432"});
}

TEST_CASE("TIER-SEPARATION reports an application on the database server", "[policy][segments]") {
  CHECK(finding_lines(check_fixture("fixtures/rules/TIER-SEPARATION/fail-shared-server", {"TIER-SEPARATION"})) ==
        Lines{"TIER-SEPARATION db-01: runs on the same server db-srv-01 as the application portal-app"});
}

TEST_CASE("TIER-SEPARATION passes on its compliant fixture, edge cases included", "[policy][segments]") {
  CHECK(finding_lines(check_fixture("fixtures/rules/TIER-SEPARATION/pass", {"TIER-SEPARATION"})).empty());
}

TEST_CASE("HTTPS-ONLY reports plaintext HTTP reachable from the internet", "[policy][segments]") {
  CHECK(finding_lines(check_fixture("fixtures/rules/HTTPS-ONLY/fail-http-from-internet", {"HTTPS-ONLY"})) ==
        Lines{"HTTPS-ONLY web-01: reachable without encryption: tcp/80 from the internet"});
}

TEST_CASE("HTTPS-ONLY reports plaintext HTTP reachable from the office", "[policy][segments]") {
  CHECK(finding_lines(check_fixture("fixtures/rules/HTTPS-ONLY/fail-http-from-office", {"HTTPS-ONLY"})) ==
        Lines{"HTTPS-ONLY web-01: reachable without encryption: tcp/80 from user zone office"});
}

TEST_CASE("HTTPS-ONLY passes on its compliant fixture, edge cases included", "[policy][segments]") {
  CHECK(finding_lines(check_fixture("fixtures/rules/HTTPS-ONLY/pass", {"HTTPS-ONLY"})).empty());
}

TEST_CASE("PROD-TEST-SEPARATION reports a flow from test to a production server", "[policy][segments]") {
  CHECK(finding_lines(check_fixture("fixtures/rules/PROD-TEST-SEPARATION/fail-flow", {"PROD-TEST-SEPARATION"})) ==
        Lines{"PROD-TEST-SEPARATION db-srv-01: prod system reachable from test: subnet:test-a on "
              "tcp/5432"});
}

TEST_CASE("PROD-TEST-SEPARATION reports a test system depending on a production database", "[policy][segments]") {
  CHECK(finding_lines(check_fixture("fixtures/rules/PROD-TEST-SEPARATION/fail-shared-ci", {"PROD-TEST-SEPARATION"})) ==
        Lines{"PROD-TEST-SEPARATION app-test-01: test system depends_on db-01, a prod system"});
}

TEST_CASE("PROD-TEST-SEPARATION passes on its compliant fixture, edge cases included", "[policy][segments]") {
  CHECK(finding_lines(check_fixture("fixtures/rules/PROD-TEST-SEPARATION/pass", {"PROD-TEST-SEPARATION"})).empty());
}

TEST_CASE("CLOSED-SERVERS reports a server of another service reaching a closed server", "[policy][segments]") {
  CHECK(finding_lines(check_fixture("fixtures/rules/CLOSED-SERVERS/fail-foreign-peer", {"CLOSED-SERVERS"})) ==
        Lines{"CLOSED-SERVERS db-srv-01: server of the closed service portal is reachable across a "
              "firewall from 1 CI outside the service: report-01"});
}

TEST_CASE("CLOSED-SERVERS counts the foreign peers and names the first max_peers by id", "[policy][segments]") {
  const topocheck::SettingOverrides two{{"CLOSED-SERVERS", {{"max_peers", int64_t{2}}}}};
  const auto result = check_fixture("fixtures/rules/CLOSED-SERVERS/fail-many-peers", {"CLOSED-SERVERS"}, "2026-11-23", two);
  CHECK(finding_lines(result) ==
        Lines{"CLOSED-SERVERS db-srv-01: server of the closed service portal is reachable across a "
              "firewall from 3 CIs outside the service: report-01, report-02 and 1 more"});
}

TEST_CASE("CLOSED-SERVERS keys a finding by its substance, not by the peers, and bounds its paths", "[policy][segments]") {
  const auto many = check_fixture("fixtures/rules/CLOSED-SERVERS/fail-many-peers", {"CLOSED-SERVERS"});
  REQUIRE(many.findings.size() == 1);
  const auto& f = many.findings[0];
  // One path per source that showed a peer: the three peers all stand behind the office subnet.
  CHECK(f.paths.size() == 1);
  CHECK(f.more_paths == 0);
  CHECK(f.paths[0].hops.front().node == "subnet:office-a");
  const topocheck::SettingOverrides no_path{{"CLOSED-SERVERS", {{"max_paths", int64_t{0}}}}};
  const auto capped = check_fixture("fixtures/rules/CLOSED-SERVERS/fail-many-peers", {"CLOSED-SERVERS"}, "2026-11-23", no_path);
  REQUIRE(capped.findings.size() == 1);
  CHECK(capped.findings[0].paths.empty());
  CHECK(capped.findings[0].more_paths == 1);
  // Naming fewer peers does not change the finding's identity.
  const topocheck::SettingOverrides one_name{{"CLOSED-SERVERS", {{"max_peers", int64_t{1}}}}};
  const auto fewer_names = check_fixture("fixtures/rules/CLOSED-SERVERS/fail-many-peers", {"CLOSED-SERVERS"}, "2026-11-23", one_name);
  REQUIRE(fewer_names.findings.size() == 1);
  CHECK(fewer_names.findings[0].fingerprint == f.fingerprint);
}

TEST_CASE("CLOSED-SERVERS shows one path per source that showed a peer, at most max_paths", "[policy][segments]") {
  const auto all = check_fixture("fixtures/rules/CLOSED-SERVERS/fail-several-sources", {"CLOSED-SERVERS"});
  REQUIRE(all.findings.size() == 1);
  const auto sources = [](const topocheck::Finding& f) {
    std::vector<std::string> nodes;
    for (const auto& p : f.paths) nodes.push_back(p.hops.front().node);
    return nodes;
  };
  CHECK(sources(all.findings[0]) == std::vector<std::string>{"subnet:office-a", "subnet:office-b", "subnet:office-c"});
  CHECK(all.findings[0].more_paths == 0);
  const topocheck::SettingOverrides two{{"CLOSED-SERVERS", {{"max_paths", int64_t{2}}}}};
  const auto capped = check_fixture("fixtures/rules/CLOSED-SERVERS/fail-several-sources", {"CLOSED-SERVERS"}, "2026-11-23", two);
  REQUIRE(capped.findings.size() == 1);
  CHECK(sources(capped.findings[0]) == std::vector<std::string>{"subnet:office-a", "subnet:office-b"});
  CHECK(capped.findings[0].more_paths == 1);
}

TEST_CASE("CLOSED-SERVERS passes on its compliant fixture, edge cases included", "[policy][segments]") {
  CHECK(finding_lines(check_fixture("fixtures/rules/CLOSED-SERVERS/pass", {"CLOSED-SERVERS"})).empty());
}

TEST_CASE("SWG-EGRESS cites §7.5 and points at the offending rule", "[policy][segments]") {
  const auto result = check_fixture("fixtures/rules/SWG-EGRESS/fail-direct-rule", {"SWG-EGRESS"});
  REQUIRE(result.findings.size() == 1);
  const auto& f = result.findings[0];
  CHECK(f.severity == topocheck::Severity::high);
  CHECK(f.clause == "003_43a5403071fef7fe.txt §7.5");
  REQUIRE(f.evidence.size() == 1);
  CHECK(f.evidence[0].where.file == "fixtures/rules/SWG-EGRESS/fail-direct-rule/estate.toml");
}
