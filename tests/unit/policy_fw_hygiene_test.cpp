// FW-HYGIENE on its fixtures: the exact findings, their severities and locations, the covering
// rules as evidence, and fingerprints that survive edits elsewhere in the file.
#include <catch2/catch.hpp>

#include "tests/unit/support.h"

using topocheck::Severity;
using topocheck::testing::check_fixture;
using topocheck::testing::check_toml;
using topocheck::testing::finding_lines;
using Lines = std::vector<std::string>;

namespace {

const std::string kDir = "fixtures/rules/FW-HYGIENE/";

const char* kTwoZones = R"(
[[zone]]
id = "a"
kind = "internal"
[[zone]]
id = "b"
kind = "internal"
[[subnet]]
id = "a-1"
zone = "a"
cidr = "10.1.0.0/24"
[[subnet]]
id = "b-1"
zone = "b"
cidr = "10.2.0.0/24"
[[ci]]
id = "fw-1"
class = "firewall"
interfaces = [{ subnet = "a-1", ip = "10.1.0.1" }, { subnet = "b-1", ip = "10.2.0.1" }]
)";

topocheck::CheckResult run(const std::string& fixture) {
  return check_fixture(kDir + fixture, {"FW-HYGIENE"});
}

}  // namespace

TEST_CASE("FW-HYGIENE passes a rule base whose rules are narrow and all live",
          "[policy][hygiene]") {
  const auto result = run("pass");
  CHECK(finding_lines(result).empty());
  CHECK(result.checked.at("FW-HYGIENE") == Lines{"fw-1"});
}

TEST_CASE("FW-HYGIENE reports an allow rule shadowed by an earlier deny, naming the deny",
          "[policy][hygiene]") {
  const auto result = run("fail-shadowed");
  REQUIRE(
      finding_lines(result) ==
      Lines{"FW-HYGIENE fw-1: allow rule 200 (CHG0201 partner file exchange) is shadowed: rule 100 "
            "(CHG0100 block the internet) denies its traffic first, so it never matches"});
  const auto& f = result.findings[0];
  CHECK(f.severity == Severity::medium);
  CHECK(f.location.file == kDir + "fail-shadowed/estate.toml");
  REQUIRE(f.evidence.size() == 2);
  CHECK(f.evidence[0].where.line == f.location.line);  // the shadowed rule itself
  CHECK(f.evidence[1].fact ==
        "decided first by rule 100 (CHG0100 block the internet): deny zone:internet -> any on any");
  CHECK(f.evidence[1].where.line < f.location.line);
}

TEST_CASE("FW-HYGIENE reports a rule made redundant by two earlier rules together",
          "[policy][hygiene]") {
  const auto result = run("fail-redundant");
  REQUIRE(finding_lines(result) == Lines{"FW-HYGIENE fw-1: allow rule 200 (CHG0200 WAF to backend) "
                                         "is redundant: rules 100 (CHG0100 "
                                         "DMZ to app, lower ports) and 110 (CHG0110 DMZ to app, "
                                         "upper ports) already allow all of its "
                                         "traffic, so it never matches"});
  const auto& f = result.findings[0];
  CHECK(f.severity == Severity::low);
  CHECK(f.evidence.size() == 3);
}

TEST_CASE("FW-HYGIENE reports allow rules from the whole internet, not those to the customer WAF",
          "[policy][hygiene]") {
  const auto result = run("fail-any-source-internet");
  CHECK(
      finding_lines(result) ==
      Lines{
          "FW-HYGIENE fw-1: allow rule 200 (INC0200 partner IP changed) admits the whole internet "
          "(zone:internet) to ci:sftp-01 on tcp/22",
          "FW-HYGIENE fw-1: allow rule 210 (INC0210 FTPS for everyone) admits the whole internet "
          "(cidr:0.0.0.0/0) to ci:sftp-01 on tcp/990"});
  for (const auto& f : result.findings) CHECK(f.severity == Severity::high);
}

TEST_CASE("FW-HYGIENE can report rules to the customer edge as internet-wide too",
          "[policy][hygiene]") {
  const auto result = check_fixture(kDir + "fail-any-source-internet", {"FW-HYGIENE"}, "2026-11-23",
                                    {{"FW-HYGIENE", {{"allow_internet_to_customer_edge", false}}}});
  CHECK(finding_lines(result).size() == 3);
}

TEST_CASE("FW-HYGIENE reports an allow rule on any service", "[policy][hygiene]") {
  const auto result = run("fail-any-service");
  REQUIRE(finding_lines(result) == Lines{"FW-HYGIENE fw-1: allow rule 100 (CHG0100 WAF to backend) "
                                         "allows any service from ci:waf-1 "
                                         "to ci:app-01"});
  CHECK(result.findings[0].severity == Severity::medium);
}

TEST_CASE("FW-HYGIENE reports an any-to-any allow rule once, as any to any", "[policy][hygiene]") {
  const auto result = run("fail-any-to-any");
  REQUIRE(
      finding_lines(result) ==
      Lines{"FW-HYGIENE fw-1: allow rule 100 (CHG0100 HTTPS everywhere) allows any source to any "
            "destination on tcp/443"});
  CHECK(result.findings[0].severity == Severity::high);
}

TEST_CASE("FW-HYGIENE reports a firewall that allows by default at its default_action",
          "[policy][hygiene]") {
  const auto result = run("fail-default-allow");
  REQUIRE(finding_lines(result) == Lines{"FW-HYGIENE fw-1: firewall fw-1 allows all traffic that "
                                         "no rule matches (default_action = "
                                         "\"allow\")"});
  const auto& f = result.findings[0];
  CHECK(f.severity == Severity::high);
  CHECK(f.location.line == 36);  // the default_action line of fw-1
}

TEST_CASE("FW-HYGIENE fingerprints do not move with the rule's line", "[policy][hygiene]") {
  const std::string rules = R"(
[[rule]]
firewall = "fw-1"
order = 10
action = "deny"
from = ["zone:a"]
to = ["zone:b"]
services = ["any"]
[[rule]]
firewall = "fw-1"
order = 20
action = "allow"
from = ["subnet:a-1"]
to = ["subnet:b-1"]
services = ["tcp/22"]
)";
  const auto first = check_toml(kTwoZones + rules, {"FW-HYGIENE"});
  const auto moved =
      check_toml(std::string(kTwoZones) + "\n\n\n# moved down\n" + rules, {"FW-HYGIENE"});
  REQUIRE(finding_lines(first) == Lines{"FW-HYGIENE fw-1: allow rule 20 is shadowed: rule 10 "
                                        "denies its traffic first, so it never matches"});
  REQUIRE(moved.findings.size() == 1);
  CHECK(first.findings[0].location.line != moved.findings[0].location.line);
  CHECK(first.findings[0].fingerprint == moved.findings[0].fingerprint);
}

TEST_CASE("FW-HYGIENE lists the first earlier rules as evidence and counts the rest",
          "[policy][hygiene]") {
  std::string toml = kTwoZones;
  for (int port = 1; port <= 15; ++port) {
    toml += "[[rule]]\nfirewall = \"fw-1\"\norder = " + std::to_string(port) +
            "\naction = \"allow\"\nfrom = [\"zone:a\"]\nto = [\"zone:b\"]\nservices = [\"tcp/" +
            std::to_string(port) + "\"]\n";
  }
  toml +=
      "[[rule]]\nfirewall = \"fw-1\"\norder = 100\naction = \"allow\"\nfrom = [\"subnet:a-1\"]\n"
      "to = [\"subnet:b-1\"]\nservices = [\"tcp/1-15\"]\n";
  const auto result = check_toml(toml, {"FW-HYGIENE"});
  REQUIRE(finding_lines(result) == Lines{"FW-HYGIENE fw-1: allow rule 100 is redundant: rules 1, "
                                         "2, 3 and 12 more already allow all of "
                                         "its traffic, so it never matches"});
  const auto& evidence = result.findings[0].evidence;
  REQUIRE(evidence.size() == 12);
  CHECK(evidence[10].fact == "decided first by rule 10: allow zone:a -> zone:b on tcp/10");
  CHECK(evidence[11].fact == "and 5 more earlier rules");
}
