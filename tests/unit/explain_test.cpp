// `topocheck explain` end to end: every path into a CI, and one flow traced like a packet tracer,
// on the network fixtures under fixtures/reach and fixtures/rules (whose headers say what they
// show). Outputs are compared whole: a network engineer reads them line by line.
#include <catch2/catch.hpp>

#include "tests/unit/support.h"

using topocheck::testing::run_topocheck;

TEST_CASE("explain traces a flow through two firewalls, naming each allowing rule", "[explain][cli]") {
  const auto r = run_topocheck({"explain", "fixtures/reach/two-firewalls", "--from", "internet", "--to", "app-open"});
  CHECK(r.exit_code == 0);
  CHECK(r.out ==
        "flow zone:internet -> app-open (zone:app 10.30.1.12) on tcp/443\n"
        "  fw-outer rule 100 (CHG-outer) allows into zone:dmz  (fixtures/reach/two-firewalls/estate.toml:55)\n"
        "  fw-inner rule 100 (CHG-inner) allows into zone:app  (fixtures/reach/two-firewalls/estate.toml:64)\n"
        "  reached\n");
}

TEST_CASE("explain says which firewall and rule stop a flow, with exit 1", "[explain][cli]") {
  const auto r = run_topocheck({"explain", "fixtures/reach/two-firewalls", "--from", "internet", "--to",
                                "app-blocked", "--service", "tcp/443"});
  CHECK(r.exit_code == 1);
  CHECK(r.out ==
        "flow zone:internet -> app-blocked (zone:app 10.30.1.11) on tcp/443\n"
        "  fw-outer rule 100 (CHG-outer) allows into zone:dmz  (fixtures/reach/two-firewalls/estate.toml:55)\n"
        "  fw-inner rule 900 (inner-cleanup) denies  (fixtures/reach/two-firewalls/estate.toml:73)\n"
        "  not reached\n");
}

TEST_CASE("explain names the default deny when no rule matches", "[explain][cli]") {
  const auto r = run_topocheck({"explain", "fixtures/reach/two-firewalls", "--from", "internet", "--to",
                                "app-open", "--service", "udp/53"});
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.out, Catch::Contains("  fw-outer denies by default (no rule matches)\n  not reached\n"));
}

TEST_CASE("explain --ci lists internet paths with NAT and confirmed/latent, then other sources", "[explain][cli]") {
  const auto r = run_topocheck({"explain", "fixtures/reach/nat-port", "--ci", "web-01"});
  CHECK(r.exit_code == 0);
  CHECK(r.out ==
        "web-01 (server; zone:dmz 10.20.1.10; listens on tcp/443, tcp/8080, tcp/22)\n"
        "\n"
        "From the internet: reachable (confirmed), 2 path(s)\n"
        "  confirmed on tcp/443:\n"
        "      zone:internet\n"
        "      -> web-01 on tcp/443  [fw-edge rule 100 \"CHG-web\"]  NAT 203.0.113.10 -> 10.20.1.10  "
        "(fixtures/reach/nat-port/estate.toml:46)\n"
        "  latent on tcp/8080:\n"
        "      zone:internet\n"
        "      -> web-01 on tcp/8080  [fw-edge rule 100 \"CHG-web\"]  (fixtures/reach/nat-port/estate.toml:46)\n"
        "\n"
        "From other sources:\n"
        "  tcp/22 from 1 source(s):\n"
        "      subnet:dmz-a\n"
        "      -> web-01 on tcp/22  [zone]\n"
        "  tcp/443 from 1 source(s):\n"
        "      subnet:dmz-a\n"
        "      -> web-01 on tcp/443  [zone]\n"
        "  tcp/8080 from 1 source(s):\n"
        "      subnet:dmz-a\n"
        "      -> web-01 on tcp/8080  [zone]\n");
}

TEST_CASE("explain --ci shows a proxy chain hop by hop, each forwarded hop with its rule", "[explain][cli]") {
  const auto r = run_topocheck({"explain", "fixtures/rules/WAF-DMZ/pass", "--ci", "app-01"});
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains(
                        "From the internet: reachable (confirmed), 1 path(s)\n"
                        "  confirmed on tcp/8443:\n"
                        "      zone:internet\n"
                        "      -> waf-1 on tcp/443  [fw-edge rule 100 \"CHG-waf-publish\"]  NAT 203.0.113.10 -> 10.20.0.5  "
                        "(fixtures/rules/WAF-DMZ/pass/estate.toml:97)\n"
                        "      -> lb-1 on tcp/443  [forwarded, fw-edge rule 110 \"CHG-waf-to-lb\"]  "
                        "(fixtures/rules/WAF-DMZ/pass/estate.toml:106)\n"
                        "      -> app-01 on tcp/8443  [forwarded, fw-int rule 100 \"CHG-lb-to-app\"]  "
                        "(fixtures/rules/WAF-DMZ/pass/estate.toml:124)\n"));
}

TEST_CASE("a flow the firewall stops but a proxy carries is reported as reached through forwarding",
          "[explain][cli]") {
  const auto r = run_topocheck({"explain", "fixtures/rules/WAF-DMZ/pass", "--from", "internet", "--to", "app-01"});
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::StartsWith(
                        "flow zone:internet -> app-01 (zone:app 10.30.1.11) on tcp/8443\n"
                        "  fw-edge rule 9999 (edge-cleanup) denies  (fixtures/rules/WAF-DMZ/pass/estate.toml:115)\n"
                        "  not reached\n"
                        "  but reached through forwarding:\n"
                        "  confirmed on tcp/8443:\n"
                        "      zone:internet\n"
                        "      -> waf-1 on tcp/443"));
}

TEST_CASE("explain refuses unknown CIs, sources and services with exit 2", "[explain][cli]") {
  const auto no_ci = run_topocheck({"explain", "fixtures/reach/two-firewalls", "--ci", "nope"});
  CHECK(no_ci.exit_code == 2);
  CHECK_THAT(no_ci.err, Catch::Contains("no ci \"nope\" in the estate"));
  const auto no_source = run_topocheck({"explain", "fixtures/reach/two-firewalls", "--from", "subnet:nope", "--to", "app-open"});
  CHECK(no_source.exit_code == 2);
  CHECK_THAT(no_source.err, Catch::Contains("--from: no source \"subnet:nope\" in the estate"));
  const auto bad_service = run_topocheck({"explain", "fixtures/reach/two-firewalls", "--from", "internet", "--to",
                                          "app-open", "--service", "tcp/70000"});
  CHECK(bad_service.exit_code == 2);
  CHECK_THAT(bad_service.err, Catch::Contains("--service"));
  const auto both = run_topocheck({"explain", "fixtures/reach/two-firewalls", "--ci", "app-open", "--from", "internet"});
  CHECK(both.exit_code == 2);
}
