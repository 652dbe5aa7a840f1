// EDR-LEADING and PKI-TRUST on their fixtures: the exact findings, and the edges that must not
// fire.
#include <catch2/catch.hpp>

#include "tests/unit/support.h"

using topocheck::testing::check_fixture;
using topocheck::testing::check_toml;
using topocheck::testing::finding_lines;
using Lines = std::vector<std::string>;

namespace {

const char* kEdrBase = R"(
[[zone]]
id = "app"
kind = "internal"
[[subnet]]
id = "app-a"
zone = "app"
cidr = "10.0.0.0/24"
)";

}  // namespace

TEST_CASE("EDR-LEADING passes when the customer's EDR runs and leads everywhere", "[policy][edr]") {
  CHECK(finding_lines(check_fixture("fixtures/rules/EDR-LEADING/pass", {"EDR-LEADING"})).empty());
}

TEST_CASE("EDR-LEADING reports a system without the customer's EDR agent", "[policy][edr]") {
  CHECK(finding_lines(check_fixture("fixtures/rules/EDR-LEADING/fail-missing", {"EDR-LEADING"})) ==
        Lines{"EDR-LEADING jump-01: no EDR agent provided by the customer is installed"});
}

TEST_CASE("EDR-LEADING reports a stopped customer EDR agent", "[policy][edr]") {
  CHECK(finding_lines(check_fixture("fixtures/rules/EDR-LEADING/fail-stopped", {"EDR-LEADING"})) ==
        Lines{"EDR-LEADING srv-01: the customer's EDR agent Defender for Endpoint is stopped, not running"});
}

TEST_CASE("EDR-LEADING reports a customer EDR agent that is not leading", "[policy][edr]") {
  CHECK(finding_lines(check_fixture("fixtures/rules/EDR-LEADING/fail-not-leading", {"EDR-LEADING"})) ==
        Lines{"EDR-LEADING vm-01: the customer's EDR agent Defender for Endpoint is not the leading "
              "AV/EDR system (role: passive)"});
}

TEST_CASE("EDR-LEADING reports a contractor EDR instead of the customer's, twice over", "[policy][edr]") {
  CHECK(finding_lines(check_fixture("fixtures/rules/EDR-LEADING/fail-contractor-edr", {"EDR-LEADING"})) ==
        Lines{"EDR-LEADING ws-01: a further edr agent, CrowdStrike Falcon (provided by contractor), is "
              "installed; only the customer's EDR may run",
              "EDR-LEADING ws-01: no EDR agent provided by the customer is installed"});
}

TEST_CASE("EDR-LEADING reports another AV agent beside the leading customer EDR", "[policy][edr]") {
  const auto result = check_fixture("fixtures/rules/EDR-LEADING/fail-extra-av", {"EDR-LEADING"});
  REQUIRE(finding_lines(result) ==
          Lines{"EDR-LEADING srv-01: a further av agent, Sophos Endpoint (provided by contractor), is "
                "installed; only the customer's EDR may run"});
  const auto& f = result.findings[0];
  CHECK(f.severity == topocheck::Severity::high);
  CHECK(f.clause == "003_43a5403071fef7fe.txt §7.2");
  REQUIRE(f.evidence.size() == 1);
  CHECK(f.evidence[0].where.file == "fixtures/rules/EDR-LEADING/fail-extra-av/estate.toml");
  CHECK(f.evidence[0].where.line > f.location.line);  // the agent's own line, below [[ci]]
}

TEST_CASE("EDR-LEADING knows the customer by provided_by, not by product name", "[policy][edr]") {
  const std::string estate = std::string(kEdrBase) + R"(
[[ci]]
id = "srv-1"
class = "server"
interfaces = [{ subnet = "app-a", ip = "10.0.0.5" }]
agents = [{ kind = "edr", product = "Some Other EDR", provided_by = "customer", state = "running", role = "leading" }]
[[ci]]
id = "srv-2"
class = "server"
interfaces = [{ subnet = "app-a", ip = "10.0.0.6" }]
agents = [{ kind = "edr", product = "Defender for Endpoint", provided_by = "contractor", state = "running", role = "leading" }]
)";
  CHECK(finding_lines(check_toml(estate, {"EDR-LEADING"})) ==
        Lines{"EDR-LEADING srv-2: a further edr agent, Defender for Endpoint (provided by contractor), "
              "is installed; only the customer's EDR may run",
              "EDR-LEADING srv-2: no EDR agent provided by the customer is installed"});
}

TEST_CASE("EDR-LEADING leaves out-of-scope classes and retired systems alone", "[policy][edr]") {
  const std::string estate = std::string(kEdrBase) + R"(
[[ci]]
id = "db-1"
class = "database"
[[ci]]
id = "old-1"
class = "server"
lifecycle = "retired"
)";
  CHECK(finding_lines(check_toml(estate, {"EDR-LEADING"})).empty());
}

TEST_CASE("PKI-TRUST passes a contractor system on the customer's PKI", "[policy][pki]") {
  CHECK(finding_lines(check_fixture("fixtures/rules/PKI-TRUST/pass", {"PKI-TRUST"})).empty());
}

TEST_CASE("PKI-TRUST reports a system that does not trust the customer root", "[policy][pki]") {
  const auto result = check_fixture("fixtures/rules/PKI-TRUST/fail-untrusted-root", {"PKI-TRUST"});
  REQUIRE(finding_lines(result) == Lines{"PKI-TRUST srv-01: does not trust the customer's root CA"});
  CHECK(result.findings[0].evidence[0].fact == "trusted roots: ca-an-root");
}

TEST_CASE("PKI-TRUST reports a certificate from a foreign CA", "[policy][pki]") {
  const auto result = check_fixture("fixtures/rules/PKI-TRUST/fail-foreign-issuer", {"PKI-TRUST"});
  REQUIRE(finding_lines(result) ==
          Lines{"PKI-TRUST srv-01: certificate cert-srv-01 (srv-01.example.de) does not chain to the "
                "customer's root CA"});
  CHECK(result.findings[0].evidence[0].fact == "issuer chain: ca-an-root");
}

TEST_CASE("PKI-TRUST reports revocation checking set to none or missing", "[policy][pki]") {
  const Lines expected{"PKI-TRUST srv-01: checks no certificate revocation status (no OCSP or CRL configured)"};
  CHECK(finding_lines(check_fixture("fixtures/rules/PKI-TRUST/fail-no-revocation", {"PKI-TRUST"})) == expected);
  CHECK(finding_lines(check_fixture("fixtures/rules/PKI-TRUST/fail-revocation-missing", {"PKI-TRUST"})) == expected);
}

TEST_CASE("PKI-TRUST reports an expired certificate as of the evaluation date", "[policy][pki]") {
  const auto result = check_fixture("fixtures/rules/PKI-TRUST/fail-expired", {"PKI-TRUST"});
  REQUIRE(finding_lines(result) ==
          Lines{"PKI-TRUST srv-01: certificate cert-srv-01 (srv-01.example.de) expired on 2026-06-30"});
  CHECK(result.findings[0].severity == topocheck::Severity::high);
  // Before it expired, the same estate is clean.
  CHECK(finding_lines(check_fixture("fixtures/rules/PKI-TRUST/fail-expired", {"PKI-TRUST"}, "2026-01-01")).empty());
}

TEST_CASE("PKI-TRUST warns of a certificate expiring within the warning period", "[policy][pki]") {
  const auto result = check_fixture("fixtures/rules/PKI-TRUST/fail-expiring-soon", {"PKI-TRUST"});
  REQUIRE(finding_lines(result) ==
          Lines{"PKI-TRUST srv-01: certificate cert-srv-01 (srv-01.example.de) expires in 17 day(s), on 2026-12-10"});
  CHECK(result.findings[0].severity == topocheck::Severity::medium);
  // A shorter warning period, set without editing the policy, silences it.
  const topocheck::SettingOverrides shorter{{"PKI-TRUST", {{"warning_days", int64_t{10}}}}};
  CHECK(finding_lines(check_fixture("fixtures/rules/PKI-TRUST/fail-expiring-soon", {"PKI-TRUST"}, "2026-11-23", shorter)).empty());
}

TEST_CASE("PKI-TRUST counts a certificate expiring on the evaluation day as expiring, not expired",
          "[policy][pki]") {
  // not_after is 2026-12-10T23:59:59Z: on 2026-12-10 it has 0 days left; a day later it expired.
  const auto on_the_day = check_fixture("fixtures/rules/PKI-TRUST/fail-expiring-soon", {"PKI-TRUST"}, "2026-12-10");
  REQUIRE(on_the_day.findings.size() == 1);
  CHECK(on_the_day.findings[0].message.find("expires in 0 day(s)") != std::string::npos);
  const auto after = check_fixture("fixtures/rules/PKI-TRUST/fail-expiring-soon", {"PKI-TRUST"}, "2026-12-11");
  REQUIRE(after.findings.size() == 1);
  CHECK(after.findings[0].message.find("expired on 2026-12-10") != std::string::npos);
}

TEST_CASE("PKI-TRUST leaves customer-provided systems to the customer", "[policy][pki]") {
  const std::string estate = std::string(kEdrBase) + R"(
[[ci]]
id = "ca-root"
class = "ca"
provided_by = "customer"
root = true
[[ci]]
id = "cust-srv"
class = "server"
provided_by = "customer"
trust = { roots = [], revocation = "none" }
)";
  CHECK(finding_lines(check_toml(estate, {"PKI-TRUST"})).empty());
}
