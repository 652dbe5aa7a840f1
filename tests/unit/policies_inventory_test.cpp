// The identity, inventory and operations rules (AD-JOIN, LDAP-BIND, LOCAL-ACCOUNTS, CMDB-COMPLETE,
// SAM-SCAN, MONITORED, SIEM, VULN-SCAN, DNS-NTP, FW-MGMT, IDS-IPS, LOG-RETENTION, DR-FIRE-ZONE) on
// their fixtures: the exact findings, the boundaries, the settings, and the one notice each gives
// when the estate carries no data for it.
#include <catch2/catch.hpp>

#include "tests/unit/support.h"

using topocheck::CheckResult;
using topocheck::SettingOverrides;
using topocheck::SettingValue;
using topocheck::Severity;
using topocheck::testing::check_fixture;
using topocheck::testing::check_toml;
using topocheck::testing::finding_lines;
using Lines = std::vector<std::string>;

namespace {

const std::string kRules = "fixtures/rules/";

CheckResult run(const std::string& rule, const std::string& fixture,
                const std::string& as_of = "2026-11-23", const SettingOverrides& settings = {}) {
  return check_fixture(kRules + rule + "/" + fixture, {rule}, as_of, settings);
}

Lines lines(const std::string& rule, const std::string& fixture) {
  return finding_lines(run(rule, fixture));
}

// The notices of a run as "POLICY: message".
Lines notice_lines(const CheckResult& result) {
  Lines out;
  for (const auto& n : result.notices) out.push_back(n.policy + ": " + n.message);
  return out;
}

const topocheck::DataValue* data_of(const topocheck::Finding& f, const std::string& key) {
  for (const auto& [k, v] : f.data) {
    if (k == key) return &v;
  }
  return nullptr;
}

SettingOverrides set(const std::string& rule, const std::string& key, const std::string& json) {
  return {{rule, {{key, SettingValue::parse(json)}}}};
}

}  // namespace

// ---- AD-JOIN -----------------------------------------------------------------------------

TEST_CASE("AD-JOIN passes joined Windows systems and leaves Linux, customer and retired ones alone",
          "[policy][inventory]") {
  const auto result = run("AD-JOIN", "pass");
  CHECK(finding_lines(result).empty());
  CHECK(result.notices.empty());
  CHECK(result.checked.at("AD-JOIN") == Lines{"srv-win-01", "ws-01"});
}

TEST_CASE("AD-JOIN reports a Windows system in no directory", "[policy][inventory]") {
  const auto result = run("AD-JOIN", "fail-not-joined");
  REQUIRE(
      finding_lines(result) ==
      Lines{
          "AD-JOIN vm-win-02: is not joined to the customer's Active Directory (directory: none)"});
  const auto& f = result.findings[0];
  CHECK(f.severity == Severity::high);
  CHECK(f.clause == "003_43a5403071fef7fe.txt §8.2");
  CHECK(f.evidence[0].fact == "identity.directory: none");
  CHECK(f.evidence[0].where.line > f.location.line);
}

TEST_CASE("AD-JOIN reports a Windows system joined to the contractor's own directory",
          "[policy][inventory]") {
  CHECK(lines("AD-JOIN", "fail-foreign-directory") ==
        Lines{"AD-JOIN srv-win-01: is joined to an Active Directory not provided by the customer: "
              "dir-an-ad "
              "(contractor)"});
}

TEST_CASE("AD-JOIN gives one notice, not a finding per system, when no directory data exists",
          "[policy][inventory]") {
  const auto result = check_toml(R"(
[[ci]]
id = "srv-1"
class = "server"
provided_by = "contractor"
os = { family = "windows" }
[[ci]]
id = "srv-2"
class = "server"
provided_by = "contractor"
os = { family = "windows" }
)",
                                 {"AD-JOIN"});
  CHECK(result.findings.empty());
  CHECK(notice_lines(result) == Lines{"AD-JOIN: none of the 2 Windows system(s) in scope records "
                                      "its directory (identity.directory); "
                                      "the estate carries no data on domain membership"});
}

// ---- LDAP-BIND ---------------------------------------------------------------------------

TEST_CASE("LDAP-BIND passes Linux and Unix systems bound to LDAP with customer accounts",
          "[policy][inventory]") {
  const auto result = run("LDAP-BIND", "pass");
  CHECK(finding_lines(result).empty());
  CHECK(result.checked.at("LDAP-BIND") == Lines{"srv-aix-01", "vm-lnx-01"});
}

TEST_CASE("LDAP-BIND reports a Linux system not bound to the directory", "[policy][inventory]") {
  CHECK(
      lines("LDAP-BIND", "fail-not-bound") ==
      Lines{"LDAP-BIND srv-lnx-02: is not bound to the LDAP directory service (directory: none)"});
}

TEST_CASE("LDAP-BIND reports an LDAP account the contractor created itself",
          "[policy][inventory]") {
  const auto result = run("LDAP-BIND", "fail-contractor-account");
  REQUIRE(finding_lines(result) == Lines{"LDAP-BIND : LDAP account svc-an-backup belongs to the "
                                         "contractor, not provisioned through "
                                         "the customer's IGA"});
  CHECK(result.findings[0].location.line > 0);
  CHECK(result.findings[0].evidence[0].fact ==
        "account svc-an-backup: directory ldap, owner contractor");
}

TEST_CASE("LDAP-BIND gives one notice when no Linux system records its directory",
          "[policy][inventory]") {
  const auto result = check_toml(R"(
[[ci]]
id = "vm-1"
class = "vm"
provided_by = "contractor"
os = { family = "linux" }
)",
                                 {"LDAP-BIND"});
  CHECK(result.findings.empty());
  REQUIRE(result.notices.size() == 1);
  CHECK(result.notices[0].message.find("none of the 1 Linux/Unix system(s) in scope") == 0);
}

// ---- LOCAL-ACCOUNTS ----------------------------------------------------------------------

TEST_CASE("LOCAL-ACCOUNTS passes approved local accounts and leaves customer systems alone",
          "[policy][inventory]") {
  const auto result = run("LOCAL-ACCOUNTS", "pass");
  CHECK(finding_lines(result).empty());
  CHECK(result.checked.at("LOCAL-ACCOUNTS") == Lines{"db-srv-01", "vm-01"});
}

TEST_CASE("LOCAL-ACCOUNTS reports a local account without approval", "[policy][inventory]") {
  const auto result = run("LOCAL-ACCOUNTS", "fail-unapproved");
  REQUIRE(
      finding_lines(result) ==
      Lines{"LOCAL-ACCOUNTS app-01: has local account svc-backup without the customer's approval"});
  CHECK(result.findings[0].severity == Severity::high);
  CHECK(result.findings[0].evidence[0].where.line == 17);  // the account's own line
}

TEST_CASE("LOCAL-ACCOUNTS checks approval references against a configured pattern",
          "[policy][inventory]") {
  CHECK(finding_lines(run("LOCAL-ACCOUNTS", "pass", "2026-11-23",
                          set("LOCAL-ACCOUNTS", "approval_pattern", R"("^AG%-%d%d%d%d%-%d+$")")))
            .empty());
  CHECK(
      finding_lines(run("LOCAL-ACCOUNTS", "pass", "2026-11-23",
                        set("LOCAL-ACCOUNTS", "approval_pattern", R"("^SEC%-")"))) ==
      Lines{
          "LOCAL-ACCOUNTS db-srv-01: has local account postgres whose approval AG-2026-17 is not a "
          "customer approval reference"});
}

// ---- CMDB-COMPLETE -----------------------------------------------------------------------

TEST_CASE("CMDB-COMPLETE passes complete CIs, one updated exactly a day before the evaluation date",
          "[policy][inventory]") {
  const auto result = run("CMDB-COMPLETE", "pass");
  CHECK(finding_lines(result).empty());
  CHECK(result.notices.empty());
  CHECK(result.checked.at("CMDB-COMPLETE") == Lines{"app-01", "fw-01", "host-01", "vm-01"});
}

TEST_CASE("CMDB-COMPLETE reports each missing or stale piece of CMDB data", "[policy][inventory]") {
  CHECK(lines("CMDB-COMPLETE", "fail-no-status") ==
        Lines{"CMDB-COMPLETE vm-01: has no operational status"});
  CHECK(lines("CMDB-COMPLETE", "fail-no-lifecycle") ==
        Lines{"CMDB-COMPLETE vm-01: has no lifecycle state"});
  CHECK(lines("CMDB-COMPLETE", "fail-no-provider") ==
        Lines{"CMDB-COMPLETE vm-01: does not say who provides it (provided_by)"});
  CHECK(lines("CMDB-COMPLETE", "fail-billing") ==
        Lines{"CMDB-COMPLETE vm-01: lacks billing-relevant fields: contract_item"});
  CHECK(
      lines("CMDB-COMPLETE", "fail-hardware") ==
      Lines{"CMDB-COMPLETE host-01: lacks the manufacturer's identifiers of its hardware: serial"});
  CHECK(lines("CMDB-COMPLETE", "fail-no-relations") ==
        Lines{"CMDB-COMPLETE vm-02: has no relation to its infrastructure or to other CIs"});
}

TEST_CASE("CMDB-COMPLETE reports a record not updated within a day", "[policy][inventory]") {
  const auto result = run("CMDB-COMPLETE", "fail-stale");
  REQUIRE(
      finding_lines(result) ==
      Lines{
          "CMDB-COMPLETE vm-01: was last updated in the CMDB 2 days before the evaluation date, on "
          "2026-11-21; status and lifecycle must be delivered daily"});
  CHECK(result.findings[0].severity == Severity::low);
  CHECK(std::get<int64_t>(*data_of(result.findings[0], "days_since_update")) == 2);
  // A day earlier the same record is exactly one day old: still daily.
  CHECK(finding_lines(run("CMDB-COMPLETE", "fail-stale", "2026-11-22")).empty());
}

TEST_CASE("CMDB-COMPLETE gives one notice for data the export does not carry at all",
          "[policy][inventory]") {
  const auto result = check_toml(R"(
[[ci]]
id = "vm-1"
class = "vm"
provided_by = "contractor"
lifecycle = "operational"
operational_status = "operational"
updated_at = 2026-11-22T05:00:00Z
[[ci]]
id = "vm-2"
class = "vm"
provided_by = "contractor"
lifecycle = "operational"
operational_status = "operational"
updated_at = 2026-11-22T05:00:00Z
[[relation]]
from = "vm-1"
to = "vm-2"
type = "depends_on"
)",
                                 {"CMDB-COMPLETE"});
  CHECK(result.findings.empty());
  CHECK(notice_lines(result) == Lines{"CMDB-COMPLETE: no CI of the 2 in scope has billing fields "
                                      "(billing); the export carries no such "
                                      "data, so it is not checked"});
}

// ---- SAM-SCAN ----------------------------------------------------------------------------

TEST_CASE("SAM-SCAN passes daily inventories, one exactly a day old", "[policy][inventory]") {
  const auto result = run("SAM-SCAN", "pass");
  CHECK(finding_lines(result).empty());
  CHECK(result.checked.at("SAM-SCAN") == Lines{"fw-01", "srv-01", "vm-01"});
}

TEST_CASE("SAM-SCAN reports an inventory two days old", "[policy][inventory]") {
  const auto result = run("SAM-SCAN", "fail-stale");
  REQUIRE(finding_lines(result) == Lines{"SAM-SCAN vm-02: was last inventoried 2 days before the "
                                         "evaluation date, on 2026-11-20; the "
                                         "contract requires a daily software scan"});
  CHECK(result.findings[0].severity == Severity::medium);
}

TEST_CASE("SAM-SCAN reports a system never inventoried", "[policy][inventory]") {
  CHECK(lines("SAM-SCAN", "fail-missing") ==
        Lines{"SAM-SCAN ws-01: has no software inventory scan or external query on record"});
}

TEST_CASE("SAM-SCAN counts whole days before the evaluation date: one day passes, two do not",
          "[policy][inventory]") {
  const auto result = check_toml(R"(
[[ci]]
id = "one-day"
class = "server"
provided_by = "contractor"
sam_scan = { last = 2026-11-21T00:00:01Z }
[[ci]]
id = "two-days"
class = "server"
provided_by = "contractor"
sam_scan = { last = 2026-11-21T00:00:00Z }
)",
                                 {"SAM-SCAN"});
  CHECK(topocheck::testing::finding_cis(result) == Lines{"SAM-SCAN two-days"});
}

TEST_CASE("SAM-SCAN gives one notice when no system records an inventory scan",
          "[policy][inventory]") {
  const auto result = check_toml(R"(
[[ci]]
id = "srv-1"
class = "server"
provided_by = "contractor"
[[ci]]
id = "srv-2"
class = "server"
provided_by = "contractor"
)",
                                 {"SAM-SCAN"});
  CHECK(result.findings.empty());
  CHECK(notice_lines(result) == Lines{"SAM-SCAN: none of the 2 system(s) in scope records a "
                                      "software inventory scan (sam_scan); the "
                                      "estate carries no scan data to check"});
}

// ---- VULN-SCAN ---------------------------------------------------------------------------

TEST_CASE("VULN-SCAN passes daily authenticated and agent scans, one exactly a day old",
          "[policy][inventory]") {
  const auto result = run("VULN-SCAN", "pass");
  CHECK(finding_lines(result).empty());
  CHECK(result.checked.at("VULN-SCAN") == Lines{"fw-01", "srv-01"});
}

TEST_CASE("VULN-SCAN reports a missed daily scan with the lower severity", "[policy][inventory]") {
  const auto result = run("VULN-SCAN", "fail-daily");
  REQUIRE(finding_lines(result) == Lines{"VULN-SCAN vm-01: was last scanned for vulnerabilities 2 "
                                         "days before the evaluation date, on "
                                         "2026-11-20; the contract requires a daily scan"});
  CHECK(result.findings[0].severity == Severity::medium);
  CHECK(std::get<int64_t>(*data_of(result.findings[0], "days_since_scan")) == 2);
  CHECK(std::get<std::string>(*data_of(result.findings[0], "last_scan")) == "2026-11-20T02:00:00Z");
  // A more tolerant daily limit, set without editing the policy, silences it.
  CHECK(finding_lines(
            run("VULN-SCAN", "fail-daily", "2026-11-23", set("VULN-SCAN", "daily_max_days", "2")))
            .empty());
}

TEST_CASE(
    "VULN-SCAN reports a missed weekly scan as high, and seven days as only a missed daily one",
    "[policy][inventory]") {
  const auto eight = run("VULN-SCAN", "fail-weekly");
  REQUIRE(finding_lines(eight) ==
          Lines{"VULN-SCAN vm-01: was last scanned for vulnerabilities 8 days before the "
                "evaluation date, on "
                "2026-11-15; the contract requires at least a weekly scan"});
  CHECK(eight.findings[0].severity == Severity::high);
  const auto seven = run("VULN-SCAN", "fail-weekly", "2026-11-22");
  REQUIRE(finding_lines(seven) == Lines{"VULN-SCAN vm-01: was last scanned for vulnerabilities 7 "
                                        "days before the evaluation date, on "
                                        "2026-11-15; the contract requires a daily scan"});
  CHECK(seven.findings[0].severity == Severity::medium);
}

TEST_CASE("VULN-SCAN reports a port scan as insufficient", "[policy][inventory]") {
  const auto result = run("VULN-SCAN", "fail-port-only");
  REQUIRE(finding_lines(result) == Lines{"VULN-SCAN lb-01: is scanned by port scan only; an "
                                         "authenticated scan or an endpoint agent is "
                                         "required"});
  CHECK(result.findings[0].severity == Severity::high);
  CHECK(result.findings[0].clause == "003_43a5403071fef7fe.txt §7.4, §7.9");
  CHECK(result.findings[0].evidence[0].where.line == 15);  // the vuln_scan line, not the [[ci]]
}

TEST_CASE("VULN-SCAN reports a system never scanned", "[policy][inventory]") {
  CHECK(lines("VULN-SCAN", "fail-missing") ==
        Lines{"VULN-SCAN jump-01: has no vulnerability scan on record"});
}

TEST_CASE("VULN-SCAN gives one notice, not a finding per CI, when no CI has scan data",
          "[policy][inventory]") {
  const auto result = check_toml(R"(
[[ci]]
id = "srv-1"
class = "server"
provided_by = "contractor"
[[ci]]
id = "vm-1"
class = "vm"
provided_by = "contractor"
[[ci]]
id = "fw-1"
class = "firewall"
provided_by = "contractor"
)",
                                 {"VULN-SCAN"});
  CHECK(result.findings.empty());
  CHECK(notice_lines(result) == Lines{"VULN-SCAN: none of the 3 system(s) in scope records a "
                                      "vulnerability scan (vuln_scan); the estate "
                                      "carries no scan data to check"});
  const auto checked = result.checked.find("VULN-SCAN");
  CHECK((checked == result.checked.end() || checked->second.empty()));
}

// ---- MONITORED ---------------------------------------------------------------------------

TEST_CASE(
    "MONITORED passes systems whose events reach the customer, directly or through the "
    "contractor's tools",
    "[policy][inventory]") {
  const auto result = run("MONITORED", "pass");
  CHECK(finding_lines(result).empty());
  CHECK(result.checked.at("MONITORED") == Lines{"app-01", "db-01", "srv-01", "vm-01"});
}

TEST_CASE("MONITORED reports a system no monitoring watches", "[policy][inventory]") {
  CHECK(lines("MONITORED", "fail-unmonitored") == Lines{"MONITORED lb-01: is not monitored"});
}

TEST_CASE("MONITORED reports monitoring whose events stay with the contractor",
          "[policy][inventory]") {
  CHECK(lines("MONITORED", "fail-not-forwarded") ==
        Lines{"MONITORED srv-01: is monitored by mon-an, whose events do not reach the customer's "
              "central event "
              "management"});
}

TEST_CASE("MONITORED says once that it cannot trace events without the customer's event management",
          "[policy][inventory]") {
  const auto result = check_toml(R"(
[[ci]]
id = "mon-an"
class = "monitoring"
provided_by = "contractor"
[[ci]]
id = "srv-1"
class = "server"
provided_by = "contractor"
monitored_by = ["mon-an"]
[[ci]]
id = "srv-2"
class = "server"
provided_by = "contractor"
)",
                                 {"MONITORED"});
  CHECK(finding_lines(result) == Lines{"MONITORED srv-2: is not monitored"});
  CHECK(notice_lines(result) ==
        Lines{"MONITORED: the estate names no central event management of the customer (class "
              "monitoring, "
              "provided by the customer); whether events reach it is not checked"});
}

// ---- SIEM --------------------------------------------------------------------------------

TEST_CASE("SIEM passes the customer's agent, and syslog to the customer where no agent runs",
          "[policy][inventory]") {
  const auto result = run("SIEM", "pass");
  CHECK(finding_lines(result).empty());
  CHECK(result.checked.at("SIEM") == Lines{"fw-01", "srv-01", "vm-01"});
}

TEST_CASE("SIEM reports a system whose events reach only the contractor", "[policy][inventory]") {
  const auto result = run("SIEM", "fail-missing");
  REQUIRE(finding_lines(result) == Lines{"SIEM vm-01: neither runs the customer's SIEM agent nor "
                                         "forwards its events to the customer's "
                                         "SIEM or log server"});
  CHECK(result.findings[0].evidence[1].fact == "log_targets: log-an-1 (contractor)");
}

TEST_CASE("SIEM reports a stopped customer SIEM agent", "[policy][inventory]") {
  CHECK(lines("SIEM", "fail-stopped") ==
        Lines{"SIEM srv-01: the customer's SIEM agent Splunk UF is stopped, not running"});
}

// ---- DNS-NTP -----------------------------------------------------------------------------

TEST_CASE("DNS-NTP passes the customer's DNS, NTP and DHCP on agreed ranges",
          "[policy][inventory]") {
  const auto result = run("DNS-NTP", "pass");
  CHECK(finding_lines(result).empty());
  CHECK(result.notices.empty());
  CHECK(result.checked.at("DNS-NTP") == Lines{"fw-01", "vm-01"});
}

TEST_CASE("DNS-NTP reports a resolver or time source that is not the customer's",
          "[policy][inventory]") {
  CHECK(lines("DNS-NTP", "fail-foreign-dns") ==
        Lines{"DNS-NTP srv-01: uses DNS dns-an-1 (provided by the contractor), not the customer's "
              "DNS service"});
  CHECK(lines("DNS-NTP", "fail-foreign-ntp") ==
        Lines{"DNS-NTP vm-01: uses NTP ntp-pool (provided by a third party), not the customer's "
              "NTP service"});
}

TEST_CASE("DNS-NTP reports a DHCP service of the contractor", "[policy][inventory]") {
  CHECK(lines("DNS-NTP", "fail-dhcp") == Lines{"DNS-NTP dhcp-an-1: is a DHCP service provided by "
                                               "the contractor; DHCP comes only from the "
                                               "customer's DDI system"});
}

TEST_CASE("DNS-NTP reports a private range not agreed with the customer", "[policy][inventory]") {
  const auto result = run("DNS-NTP", "fail-unagreed-range");
  REQUIRE(finding_lines(result) == Lines{"DNS-NTP : private address range 172.20.5.0/24 (subnet "
                                         "batch-a) has not been agreed with the "
                                         "customer"});
  CHECK(result.findings[0].location.line == 21);  // the [[subnet]]
}

TEST_CASE("DNS-NTP knows private IPv6 ranges and needs no agreement for public ones",
          "[policy][inventory]") {
  const auto result = check_toml(R"(
[[zone]]
id = "z"
kind = "internal"
[[subnet]]
id = "ula"
zone = "z"
cidr = "fd00:1:2::/64"
[[subnet]]
id = "public"
zone = "z"
cidr = "198.51.100.0/24"
agreed = false
[[subnet]]
id = "cgnat"
zone = "z"
cidr = "100.64.10.0/24"
agreed = true
)",
                                 {"DNS-NTP"});
  CHECK(finding_lines(result) == Lines{"DNS-NTP : private address range fd00:1:2::/64 (subnet ula) "
                                       "has no record of being agreed with the "
                                       "customer"});
}

TEST_CASE("DNS-NTP gives one notice per base service the estate says nothing about",
          "[policy][inventory]") {
  const auto result = check_toml(R"(
[[ci]]
id = "dns-cust"
class = "dns"
provided_by = "customer"
[[ci]]
id = "srv-1"
class = "server"
provided_by = "contractor"
dns = ["dns-cust"]
[[ci]]
id = "srv-2"
class = "server"
provided_by = "contractor"
)",
                                 {"DNS-NTP"});
  CHECK(finding_lines(result) ==
        Lines{"DNS-NTP srv-2: names no DNS server; it must use the customer's DNS service"});
  CHECK(notice_lines(result) == Lines{"DNS-NTP: none of the 2 system(s) in scope names its NTP "
                                      "servers (ntp); NTP use is not checked"});
}

// ---- FW-MGMT -----------------------------------------------------------------------------

TEST_CASE("FW-MGMT passes firewalls and load balancers attached to the customer's tool",
          "[policy][inventory]") {
  const auto result = run("FW-MGMT", "pass");
  CHECK(finding_lines(result).empty());
  CHECK(result.checked.at("FW-MGMT") == Lines{"fw-01", "lb-01"});
}

TEST_CASE("FW-MGMT reports an unattached device and one managed by the contractor's tool",
          "[policy][inventory]") {
  CHECK(lines("FW-MGMT", "fail-unmanaged") ==
        Lines{"FW-MGMT lb-01: is not attached to the customer's central firewall management"});
  CHECK(lines("FW-MGMT", "fail-foreign-manager") ==
        Lines{"FW-MGMT fw-01: is managed by fwmgr-an (firewall_manager, provided by the "
              "contractor), not by the "
              "customer's firewall management tool"});
}

TEST_CASE("FW-MGMT says once when the estate names no customer firewall management",
          "[policy][inventory]") {
  const auto result = check_toml(R"(
[[ci]]
id = "lb-1"
class = "load_balancer"
provided_by = "contractor"
)",
                                 {"FW-MGMT"});
  CHECK(finding_lines(result) ==
        Lines{"FW-MGMT lb-1: is not attached to the customer's central firewall management"});
  CHECK(result.notices.size() == 1);
}

// ---- IDS-IPS -----------------------------------------------------------------------------

TEST_CASE(
    "IDS-IPS passes IPS on firewalls, an IDS-watched DMZ and a zone covered by endpoint agents",
    "[policy][inventory]") {
  const auto result = run("IDS-IPS", "pass");
  CHECK(finding_lines(result).empty());
  CHECK(result.checked.at("IDS-IPS") == Lines{"fw-01"});
}

TEST_CASE("IDS-IPS reports a firewall with its IPS module off", "[policy][inventory]") {
  const auto result = run("IDS-IPS", "fail-ips-off");
  REQUIRE(finding_lines(result) == Lines{"IDS-IPS fw-01: does not run its IPS module"});
  CHECK(result.findings[0].severity == Severity::high);
}

TEST_CASE("IDS-IPS reports a segment without IDS visibility", "[policy][inventory]") {
  CHECK(lines("IDS-IPS", "fail-no-ids") == Lines{"IDS-IPS : network segment db (internal) has no "
                                                 "IDS visibility into its lateral traffic"});
}

TEST_CASE("IDS-IPS accepts endpoint agents only while the setting allows them",
          "[policy][inventory]") {
  CHECK(finding_lines(
            run("IDS-IPS", "pass", "2026-11-23", set("IDS-IPS", "endpoint_agent_kinds", "[]"))) ==
        Lines{"IDS-IPS : network segment app (internal) has no IDS visibility into its lateral "
              "traffic"});
}

TEST_CASE("IDS-IPS gives notices when firewalls and zones carry no IPS or IDS data",
          "[policy][inventory]") {
  const auto result = check_toml(R"(
[[zone]]
id = "app"
kind = "internal"
[[ci]]
id = "fw-1"
class = "firewall"
provided_by = "contractor"
)",
                                 {"IDS-IPS"});
  CHECK(result.findings.empty());
  CHECK(notice_lines(result) == Lines{"IDS-IPS: no zone records IDS visibility (ids_visibility); "
                                      "network segments are not checked",
                                      "IDS-IPS: none of the 1 firewall(s) in scope records whether "
                                      "its IPS module is active (ips); IPS "
                                      "is not checked"});
}

// ---- LOG-RETENTION -----------------------------------------------------------------------

TEST_CASE("LOG-RETENTION passes retention exactly at the table's periods", "[policy][inventory]") {
  const auto result = run("LOG-RETENTION", "pass");
  CHECK(finding_lines(result).empty());
  CHECK(result.checked.at("LOG-RETENTION") == Lines{"app-01", "srv-01"});
}

TEST_CASE("LOG-RETENTION reports logs kept longer than the table as a data-protection violation",
          "[policy][inventory]") {
  const auto result = run("LOG-RETENTION", "fail-too-long");
  REQUIRE(finding_lines(result) == Lines{"LOG-RETENTION srv-01: keeps audit logs for 730 days, "
                                         "longer than the 365 days of the retention "
                                         "table (data-protection violation)"});
  const auto& f = result.findings[0];
  CHECK(f.severity == Severity::high);
  CHECK(f.clause == "004_d83fd7519f0bbbd8.txt §4");
  CHECK(std::get<int64_t>(*data_of(f, "retention_days")) == 730);
  CHECK(std::get<int64_t>(*data_of(f, "required_days")) == 365);
}

TEST_CASE("LOG-RETENTION reports logs deleted sooner than the table as an audit gap",
          "[policy][inventory]") {
  const auto result = run("LOG-RETENTION", "fail-too-short");
  REQUIRE(finding_lines(result) == Lines{"LOG-RETENTION vm-01: keeps system logs for 7 days, "
                                         "shorter than the 30 days of the retention "
                                         "table (audit gap)"});
  CHECK(result.findings[0].severity == Severity::medium);
}

TEST_CASE("LOG-RETENTION reads its table from the settings; a kind missing from it is a notice",
          "[policy][inventory]") {
  const auto week =
      set("LOG-RETENTION", "retention_days", R"({"system": 7, "audit": 365, "application": 90})");
  CHECK(finding_lines(run("LOG-RETENTION", "fail-too-short", "2026-11-23", week)).empty());
  const auto partial = set("LOG-RETENTION", "retention_days", R"({"system": 7})");
  const auto result = run("LOG-RETENTION", "fail-too-short", "2026-11-23", partial);
  CHECK(result.findings.empty());
  CHECK(notice_lines(result) ==
        Lines{"LOG-RETENTION: log kind 'application' has no period in the retention table "
              "(LOG-RETENTION.retention_days); it is not checked",
              "LOG-RETENTION: log kind 'audit' has no period in the retention table "
              "(LOG-RETENTION.retention_days); "
              "it is not checked"});
}

TEST_CASE("LOG-RETENTION counts one day over the table as too long", "[policy][inventory]") {
  const auto result = check_toml(R"(
[[ci]]
id = "srv-1"
class = "server"
provided_by = "contractor"
log_retention_days = { system = 31 }
)",
                                 {"LOG-RETENTION"});
  CHECK(finding_lines(result) == Lines{"LOG-RETENTION srv-1: keeps system logs for 31 days, longer "
                                       "than the 30 days of the retention table "
                                       "(data-protection violation)"});
}

// ---- DR-FIRE-ZONE ------------------------------------------------------------------------

TEST_CASE("DR-FIRE-ZONE passes DR instances in other fire zones", "[policy][inventory]") {
  const auto result = run("DR-FIRE-ZONE", "pass");
  CHECK(finding_lines(result).empty());
  CHECK(result.notices.empty());
  CHECK(result.checked.at("DR-FIRE-ZONE") == Lines{"app-dr", "db-srv-dr"});
}

TEST_CASE("DR-FIRE-ZONE reports a DR instance in the production's fire zone",
          "[policy][inventory]") {
  const auto result = run("DR-FIRE-ZONE", "fail-same-zone");
  REQUIRE(finding_lines(result) == Lines{"DR-FIRE-ZONE db-srv-dr: runs in fire protection zone "
                                         "fra-1-a, the same as the production instance "
                                         "db-srv-01 it takes over for"});
  CHECK(result.findings[0].severity == Severity::high);
  CHECK(result.findings[0].clause == "001_7ec376e99bc09a3c.txt §C.8");
  CHECK(result.findings[0].evidence.size() == 3);
}

TEST_CASE("DR-FIRE-ZONE reports a DR instance whose fire zone is unknown", "[policy][inventory]") {
  const auto result = run("DR-FIRE-ZONE", "fail-unknown-zone");
  REQUIRE(finding_lines(result) == Lines{"DR-FIRE-ZONE app-dr: cannot be shown to run in a "
                                         "different fire protection zone from app-01: "
                                         "app-dr records none"});
  CHECK(result.findings[0].severity == Severity::medium);
}

TEST_CASE("DR-FIRE-ZONE requires a DR instance for the services a setting names",
          "[policy][inventory]") {
  const auto result = run("DR-FIRE-ZONE", "pass", "2026-11-23",
                          set("DR-FIRE-ZONE", "services", R"(["portal", "reporting", "billing"])"));
  CHECK(finding_lines(result) == Lines{"DR-FIRE-ZONE : service reporting has no disaster-recovery "
                                       "instance (no dr_of relation to any of "
                                       "its CIs)"});
  CHECK(
      notice_lines(result) ==
      Lines{
          "DR-FIRE-ZONE: service 'billing' (DR-FIRE-ZONE.services) has no live CI in the estate"});
}

TEST_CASE("DR-FIRE-ZONE gives one notice when the estate records no DR instance",
          "[policy][inventory]") {
  const auto result = check_toml(R"(
[[ci]]
id = "srv-1"
class = "server"
fire_zone = "a"
)",
                                 {"DR-FIRE-ZONE"});
  CHECK(result.findings.empty());
  CHECK(notice_lines(result) == Lines{"DR-FIRE-ZONE: the estate records no disaster-recovery "
                                      "instance (no dr_of relation); fire zones "
                                      "are not checked"});
}

// ---- rules without data ------------------------------------------------------------------

TEST_CASE("a rule whose data the estate lacks says so in one notice, not a finding per system",
          "[policy][inventory]") {
  const auto [rule, notice] = GENERATE(table<std::string, std::string>({
      {"LOCAL-ACCOUNTS", "LOCAL-ACCOUNTS: none of the 2 CI(s) in scope records its identity set-up (identity); "
                         "the estate carries no data on local accounts"},
      {"SIEM", "SIEM: none of the 2 system(s) in scope records agents or log targets; the estate carries no "
               "data on SIEM connection"},
      {"LOG-RETENTION", "LOG-RETENTION: none of the 2 CI(s) in scope records its log retention "
                        "(log_retention_days); retention is not checked"},
      {"MONITORED", "MONITORED: none of the 2 CI(s) in scope records its monitoring (monitored_by); the estate "
                    "carries no monitoring data to check"},
  }));
  CAPTURE(rule);
  const auto result = check_toml(R"(
[[ci]]
id = "srv-1"
class = "server"
provided_by = "contractor"
[[ci]]
id = "srv-2"
class = "server"
provided_by = "contractor"
)",
                                 {rule});
  CHECK(result.findings.empty());
  CHECK(notice_lines(result) == Lines{notice});
}
