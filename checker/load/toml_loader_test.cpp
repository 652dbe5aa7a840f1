#include "checker/load/toml_loader.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace topocheck {
namespace {

using Docs = std::vector<std::pair<std::string, std::string>>;

LoadResult load(const std::string& text) { return load_estate_from_strings({{"t.toml", text}}); }

// "t.toml:3:9: error: message", one line per diagnostic, in the loader's (sorted) order.
std::string line_of(const Diagnostic& d) {
  std::string level = d.level == DiagLevel::error ? "error" : "warning";
  return d.file + ":" + std::to_string(d.line) + ":" + std::to_string(d.column) + ": " + level +
         ": " + d.message;
}

std::vector<std::string> lines(const LoadResult& r) {
  std::vector<std::string> out;
  for (const Diagnostic& d : r.diagnostics.items()) out.push_back(line_of(d));
  return out;
}

// The one diagnostic a document produces.
std::string only(const LoadResult& r) {
  auto all = lines(r);
  INFO(Catch::Detail::stringify(all));
  REQUIRE(all.size() == 1);
  return all[0];
}

// A small valid network the error tests build on.
const std::string kBase = R"([[zone]]
id = "internet"
kind = "internet"
[[zone]]
id = "app"
kind = "internal"
[[subnet]]
id = "app-a"
zone = "app"
cidr = "10.30.1.0/24"
[[ci]]
id = "fw-1"
class = "firewall"
[[ci]]
id = "ca-root"
class = "ca"
root = true
[[ci]]
id = "app-01"
class = "server"
)";
constexpr int kBaseLines = 20;

// Loads kBase followed by `text` as one file; `text` starts on line kBaseLines + 1.
LoadResult load_on_base(const std::string& text) { return load(kBase + text); }

std::string at(int line_in_extra, int column) {
  return "t.toml:" + std::to_string(kBaseLines + line_in_extra) + ":" + std::to_string(column);
}

// ---- reading every field ------------------------------------------------------------------

const std::string kFullCi = R"([[ci]]
id = "app-01"
class = "server"
name = "Portal application node 1"
environment = "prod"
lifecycle = "operational"
operational_status = "operational"
provided_by = "contractor"
service = "portal"
site = "fra-1"
fire_zone = "fra-1-b"
owner = "ops-team-portal"
updated_at = 2026-11-21T05:10:00Z
billing = { cost_center = "4711", contract_item = "IaaS-VM-M" }
hardware = { manufacturer = "Dell", model = "R650", serial = "ABC123" }
os = { family = "linux", name = "RHEL", version = "9.4" }
interfaces = [ { subnet = "app-a", ip = "10.30.1.11" }, { zone = "internet", ip = "2001:db8::5" } ]
public_ips = ["203.0.113.7"]
listens = ["tcp/8443", "tcp/22"]
agents = [
  { kind = "edr", product = "Defender for Endpoint", provided_by = "customer", state = "running", role = "leading" },
  { kind = "siem", product = "Splunk UF", provided_by = "customer", state = "running" },
]
trust = { roots = ["ca-cust-root"], revocation = "ocsp" }
certificates = ["cert-portal-tls"]
identity = { directory = "ad", local_accounts = [ { name = "svc-backup", approval = "AG-2026-17" } ] }
dns = ["dns-cust-1"]
ntp = ["ntp-cust-1"]
log_targets = ["siem-cust"]
log_retention_days = { system = 30, audit = 365, application = 90 }
vuln_scan = { last = 2026-11-21T02:00:00Z, method = "authenticated" }
sam_scan = { last = 2026-11-21T03:00:00Z }
monitored_by = ["mon-cust"]

[[zone]]
id = "internet"
kind = "internet"
[[zone]]
id = "app"
kind = "internal"
environment = "prod"
site = "fra-1"
ids_visibility = ["ids-1"]
[[subnet]]
id = "app-a"
zone = "app"
cidr = "10.30.1.0/24"
agreed = true
[[ci]]
id = "ca-cust-root"
class = "ca"
root = true
[[ci]]
id = "ca-cust-issuing-1"
class = "ca"
issuer = "ca-cust-root"
[[certificate]]
id = "cert-portal-tls"
subject = "portal.example.de"
issuer = "ca-cust-issuing-1"
not_after = 2027-03-01T00:00:00Z
)"
                            R"([[ci]]
id = "dns-cust-1"
class = "dns"
[[ci]]
id = "ntp-cust-1"
class = "ntp"
[[ci]]
id = "siem-cust"
class = "siem"
[[ci]]
id = "mon-cust"
class = "monitoring"
[[ci]]
id = "ids-1"
class = "ids"
)";

TEST_CASE("a ci reads every field of the format", "[loader]") {
  LoadResult r = load(kFullCi);
  INFO(Catch::Detail::stringify(lines(r)));
  REQUIRE(r.diagnostics.items().empty());
  const Estate& e = r.estate;
  const Ci& ci = e.cis[e.find_ci("app-01")];
  CHECK(ci.cls == CiClass::server);
  CHECK(ci.class_name == "server");
  CHECK(ci.name == "Portal application node 1");
  CHECK(ci.environment == Environment::prod);
  CHECK(ci.lifecycle == Lifecycle::operational);
  CHECK(ci.operational_status == "operational");
  CHECK(ci.provided_by == Provider::contractor);
  CHECK(ci.service == "portal");
  CHECK(ci.site == "fra-1");
  CHECK(ci.fire_zone == "fra-1-b");
  CHECK(ci.owner == "ops-team-portal");
  REQUIRE(ci.updated_at);
  CHECK(to_string(*ci.updated_at) == "2026-11-21T05:10:00Z");
  CHECK(ci.billing == std::map<std::string, std::string>{{"contract_item", "IaaS-VM-M"},
                                                         {"cost_center", "4711"}});
  CHECK(ci.hardware.at("serial") == "ABC123");
  CHECK(ci.os.family == OsFamily::linux);
  CHECK(ci.os.name == "RHEL");
  CHECK(ci.os.version == "9.4");
  REQUIRE(ci.interfaces.size() == 2);
  CHECK(ci.interfaces[0].subnet == e.find_subnet("app-a"));
  CHECK(ci.interfaces[0].zone == e.find_zone("app"));
  CHECK(to_string(*ci.interfaces[0].ip) == "10.30.1.11");
  CHECK(ci.interfaces[1].subnet == kNoIndex);
  CHECK(ci.interfaces[1].zone == e.find_zone("internet"));
  CHECK(to_string(*ci.interfaces[1].ip) == "2001:db8::5");
  REQUIRE(ci.public_ips.size() == 1);
  CHECK(to_string(ci.public_ips[0]) == "203.0.113.7");
  REQUIRE(ci.listens.size() == 2);
  CHECK(to_string(ci.listens[1]) == "tcp/22");
  REQUIRE(ci.agents.size() == 2);
  CHECK(ci.agents[0].kind == AgentKind::edr);
  CHECK(ci.agents[0].product == "Defender for Endpoint");
  CHECK(ci.agents[0].provided_by == Provider::customer);
  CHECK(ci.agents[0].state == "running");
  CHECK(ci.agents[0].role == "leading");
  CHECK(ci.agents[1].kind == AgentKind::siem);
  CHECK(ci.agents[1].role.empty());
  CHECK(ci.agents[1].loc.line == 22);
  CHECK(ci.trust.roots == std::vector<Index>{e.find_ci("ca-cust-root")});
  CHECK(ci.trust.revocation == Revocation::ocsp);
  CHECK(ci.certificates == std::vector<Index>{e.find_certificate("cert-portal-tls")});
  CHECK(ci.identity.directory == DirectoryKind::ad);
  REQUIRE(ci.identity.local_accounts.size() == 1);
  CHECK(ci.identity.local_accounts[0].name == "svc-backup");
  CHECK(ci.identity.local_accounts[0].approval == "AG-2026-17");
  CHECK(ci.dns == std::vector<Index>{e.find_ci("dns-cust-1")});
  CHECK(ci.ntp == std::vector<Index>{e.find_ci("ntp-cust-1")});
  CHECK(ci.log_targets == std::vector<Index>{e.find_ci("siem-cust")});
  CHECK(ci.monitored_by == std::vector<Index>{e.find_ci("mon-cust")});
  CHECK(ci.log_retention_days ==
        std::map<std::string, int64_t>{{"application", 90}, {"audit", 365}, {"system", 30}});
  CHECK(ci.vuln_scan.method == ScanMethod::authenticated);
  CHECK(to_string(*ci.vuln_scan.last) == "2026-11-21T02:00:00Z");
  CHECK(ci.sam_scan.method == ScanMethod::unset);
  CHECK(ci.sam_scan.last.has_value());
}

TEST_CASE("zones, subnets, CAs and certificates read with their references resolved", "[loader]") {
  LoadResult r = load(kFullCi);
  REQUIRE_FALSE(r.diagnostics.has_errors());
  const Estate& e = r.estate;
  const Zone& zone = e.zones[e.find_zone("app")];
  CHECK(zone.kind == ZoneKind::internal);
  CHECK(zone.environment == Environment::prod);
  CHECK(zone.site == "fra-1");
  CHECK(zone.ids_visibility == std::vector<Index>{e.find_ci("ids-1")});
  const Subnet& subnet = e.subnets[e.find_subnet("app-a")];
  CHECK(subnet.zone == e.find_zone("app"));
  CHECK(to_string(subnet.cidr) == "10.30.1.0/24");
  CHECK(subnet.agreed == true);
  const Ci& issuing = e.cis[e.find_ci("ca-cust-issuing-1")];
  CHECK(issuing.issuer == e.find_ci("ca-cust-root"));
  CHECK_FALSE(issuing.root);
  CHECK(e.cis[e.find_ci("ca-cust-root")].root);
  const Certificate& cert = e.certificates[e.find_certificate("cert-portal-tls")];
  CHECK(cert.subject == "portal.example.de");
  CHECK(cert.issuer == e.find_ci("ca-cust-issuing-1"));
  CHECK(to_string(*cert.not_after) == "2027-03-01T00:00:00Z");
}

TEST_CASE("rules and nat read with endpoints, services and firewall", "[loader]") {
  LoadResult r = load_on_base(R"([[rule]]
firewall = "fw-1"
order = 100
action = "allow"
from = ["zone:internet", "any", "cidr:2001:db8::/32"]
to = ["ci:app-01", "subnet:app-a", "zone:app"]
services = ["tcp/443", "udp/any", "icmp"]
ref = "CHG0012345"
[[nat]]
firewall = "fw-1"
public = "203.0.113.10"
service = "tcp/443"
to_ci = "app-01"
[[nat]]
firewall = "fw-1"
public = "203.0.113.11"
to_ip = "10.30.1.5"
[[ci]]
id = "fw-2"
class = "firewall"
ips = true
managed_by = "fw-1"
log_to = ["app-01"]
default_action = "allow"
)");
  INFO(Catch::Detail::stringify(lines(r)));
  REQUIRE(r.diagnostics.items().empty());
  const Estate& e = r.estate;
  REQUIRE(e.rules.size() == 1);
  const Rule& rule = e.rules[0];
  CHECK(rule.firewall == e.find_ci("fw-1"));
  CHECK(rule.order == 100);
  CHECK(rule.action == RuleAction::allow);
  REQUIRE(rule.from.size() == 3);
  CHECK(rule.from[0].kind == Endpoint::Kind::zone);
  CHECK(rule.from[0].target == e.find_zone("internet"));
  CHECK(rule.from[1].kind == Endpoint::Kind::any);
  CHECK(rule.from[2].kind == Endpoint::Kind::cidr);
  CHECK(to_string(rule.from[2].cidr) == "2001:db8::/32");
  REQUIRE(rule.to.size() == 3);
  CHECK(rule.to[0].kind == Endpoint::Kind::ci);
  CHECK(rule.to[0].target == e.find_ci("app-01"));
  CHECK(rule.to[1].kind == Endpoint::Kind::subnet);
  CHECK(rule.to[1].target == e.find_subnet("app-a"));
  CHECK(rule.to[2].target == e.find_zone("app"));
  REQUIRE(rule.services.size() == 3);
  CHECK(to_string(rule.services[1]) == "udp/any");
  CHECK(rule.ref == "CHG0012345");
  REQUIRE(e.nats.size() == 2);
  CHECK(e.nats[0].firewall == e.find_ci("fw-1"));
  CHECK(to_string(e.nats[0].public_ip) == "203.0.113.10");
  CHECK(to_string(*e.nats[0].service) == "tcp/443");
  CHECK(e.nats[0].to_ci == e.find_ci("app-01"));
  CHECK_FALSE(e.nats[0].to_ip);
  CHECK(e.nats[1].to_ci == kNoIndex);
  CHECK(to_string(*e.nats[1].to_ip) == "10.30.1.5");
  const Ci& fw2 = e.cis[e.find_ci("fw-2")];
  CHECK(fw2.ips == true);
  CHECK(fw2.managed_by == e.find_ci("fw-1"));
  CHECK(fw2.log_to == std::vector<Index>{e.find_ci("app-01")});
  CHECK(fw2.default_action == RuleAction::allow);
}

TEST_CASE("relations, vulnerabilities, accounts, changes and waivers read into the model",
          "[loader]") {
  LoadResult r = load_on_base(R"([[relation]]
from = "fw-1"
to = "app-01"
type = "forwards_to"
on = "tcp/443"
services = ["tcp/8443"]
ruleset = "waf-portal-v3"
[[vulnerability]]
ci = "app-01"
cve = "CVE-2024-3400"
cvss = 10.0
kev = true
kev_added = 2024-04-12
first_seen = 2026-11-02
status = "fixed"
fixed_at = 2026-11-20
fixed_by_change = "CHG0012345"
[[vulnerability]]
ci = "app-01"
cve = "CVE-2024-0001"
cvss = 7
fixed_by_change = "CHG-not-exported"
[[account]]
id = "adm-mueller"
kind = "admin"
directory = "ad"
owner = "customer"
[[change]]
id = "CHG0012345"
environment = "prod"
start = 2026-11-28T18:00:00+01:00
end = 2026-11-28T21:00:00+01:00
downtime = true
emergency = false
announced_at = 2026-11-24T09:00:00+01:00
kind = "emergency_fix"
release = "4.2.0"
cis = ["app-01", "fw-1"]
[[waiver]]
rule = "EXPOSURE"
cis = ["sftp-*"]
justification = "Partner file exchange, IP-restricted"
agreed_by = "AG security officer"
reference = "AG-2026-0042"
expires = 2027-06-30
)");
  INFO(Catch::Detail::stringify(lines(r)));
  REQUIRE(r.diagnostics.items().empty());
  const Estate& e = r.estate;
  const Relation& rel = e.relations.at(0);
  CHECK(rel.from == e.find_ci("fw-1"));
  CHECK(rel.to == e.find_ci("app-01"));
  CHECK(rel.type == RelationType::forwards_to);
  CHECK(to_string(*rel.on) == "tcp/443");
  CHECK(to_string(rel.services.at(0)) == "tcp/8443");
  CHECK(rel.ruleset == "waf-portal-v3");
  const Vulnerability& v = e.vulnerabilities.at(0);
  CHECK(v.ci == e.find_ci("app-01"));
  CHECK(v.cve == "CVE-2024-3400");
  CHECK(v.cvss == 10.0);
  CHECK(v.kev);
  CHECK(to_string(*v.kev_added) == "2024-04-12");
  CHECK(to_string(*v.first_seen) == "2026-11-02");
  CHECK(v.status == VulnStatus::fixed);
  CHECK(to_string(*v.fixed_at) == "2026-11-20");
  CHECK(v.fixed_by_change == "CHG0012345");
  CHECK(v.fixed_by_change_index == e.find_change("CHG0012345"));
  // A fix may name a change outside the estate: kept as written, no index, no error.
  CHECK(e.vulnerabilities.at(1).cvss == 7.0);
  CHECK(e.vulnerabilities.at(1).fixed_by_change == "CHG-not-exported");
  CHECK(e.vulnerabilities.at(1).fixed_by_change_index == kNoIndex);
  CHECK(e.vulnerabilities.at(1).status == VulnStatus::open);
  const Account& a = e.accounts.at(0);
  CHECK(a.kind == AccountKind::admin);
  CHECK(a.directory == DirectoryKind::ad);
  CHECK(a.owner == Provider::customer);
  CHECK(e.account_by_id.at("adm-mueller") == 0);
  const Change& c = e.changes.at(0);
  CHECK(c.environment == Environment::prod);
  CHECK(to_string(*c.start) == "2026-11-28T18:00:00+01:00");
  CHECK(c.start->offset_minutes == 60);
  CHECK(to_string(*c.end) == "2026-11-28T21:00:00+01:00");
  CHECK(c.downtime);
  CHECK_FALSE(c.emergency);
  CHECK(c.kind == ChangeKind::emergency_fix);
  CHECK(c.release == "4.2.0");
  CHECK(c.cis == std::vector<Index>{e.find_ci("app-01"), e.find_ci("fw-1")});
  const Waiver& w = e.waivers.at(0);
  CHECK(w.rule == "EXPOSURE");
  CHECK(w.cis == std::vector<std::string>{"sftp-*"});
  CHECK(w.agreed_by == "AG security officer");
  CHECK(w.reference == "AG-2026-0042");
  CHECK(to_string(*w.expires) == "2027-06-30");
}

TEST_CASE("[meta] records format, source and export time for its file", "[loader]") {
  LoadResult r = load_estate_from_strings({{"a.toml", R"([meta]
format = "estate/1"
source = "servicenow"
exported_at = 2026-11-21T06:00:00Z
)"},
                                           {"b.toml", "[meta]\nsource = \"tufin\"\n"}});
  REQUIRE(r.diagnostics.items().empty());
  REQUIRE(r.estate.files.size() == 2);
  CHECK(r.estate.files[0].path == "a.toml");
  CHECK(r.estate.files[0].format == "estate/1");
  CHECK(r.estate.files[0].source == "servicenow");
  CHECK(to_string(*r.estate.files[0].exported_at) == "2026-11-21T06:00:00Z");
  CHECK(r.estate.files[1].format.empty());
  CHECK(r.estate.files[1].source == "tufin");
}

TEST_CASE("each file's sha256 is the digest of its bytes", "[loader]") {
  LoadResult r = load_estate_from_strings({{"a.toml", "abc"}});
  // "abc" is not valid TOML, but its digest is still recorded.
  CHECK(r.estate.files[0].sha256 ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("entities and their fields remember where they were written", "[loader]") {
  LoadResult r = load(R"([[ci]]
class = "server"
agents = []
id = "app-01"

[[ci]]
id = "app-02"
class = "server"
)");
  REQUIRE(r.diagnostics.items().empty());
  const Ci& ci = r.estate.cis[0];
  CHECK(ci.loc.line == 1);
  CHECK(ci.loc.column == 1);
  REQUIRE(ci.fields.size() == 3);
  // In the order written, not the order read.
  CHECK(std::string(ci.fields[0].field) == "class");
  CHECK(std::string(ci.fields[2].field) == "id");
  CHECK(ci.where("agents").line == 3);
  CHECK(ci.where("id").line == 4);
  CHECK(ci.where("trust").line == 1);  // not written: the entity's own line
  CHECK(r.estate.describe(r.estate.cis[1].loc) == "t.toml:6");
}

TEST_CASE("timestamps: offsets kept, local date-times read as UTC, dates are date-only",
          "[loader]") {
  LoadResult r = load(R"([[change]]
id = "a"
start = 2026-11-28T18:00:00
end = 2026-11-29
announced_at = 2026-11-24T09:00:00-02:30
)");
  REQUIRE(r.diagnostics.items().empty());
  const Change& c = r.estate.changes[0];
  CHECK(to_string(*c.start) == "2026-11-28T18:00:00Z");
  CHECK(c.end->date_only);
  CHECK(to_string(*c.end) == "2026-11-29");
  CHECK(c.announced_at->offset_minutes == -150);
  CHECK(c.announced_at->epoch_seconds ==
        int64_t{days_from_civil(2026, 11, 24)} * 86400 + 11 * 3600 + 30 * 60);
}

TEST_CASE("files merge: references may point forward and into other files", "[loader]") {
  LoadResult r = load_estate_from_strings({
      {"cmdb/servers.toml", R"([[ci]]
id = "app-01"
class = "server"
interfaces = [ { subnet = "app-a", ip = "10.30.1.11" } ]
dns = ["dns-1"]
)"},
      {"network/zones.toml", R"([[subnet]]
id = "app-a"
zone = "app"
cidr = "10.30.1.0/24"
[[zone]]
id = "app"
kind = "internal"
[[ci]]
id = "dns-1"
class = "dns"
)"},
  });
  INFO(Catch::Detail::stringify(lines(r)));
  REQUIRE(r.diagnostics.items().empty());
  const Estate& e = r.estate;
  CHECK(e.cis.size() == 2);
  CHECK(e.cis[0].dns == std::vector<Index>{1});
  CHECK(e.cis[0].interfaces[0].zone == e.find_zone("app"));
  CHECK(e.describe(e.cis[1].loc) == "network/zones.toml:8");
  CHECK(e.find_ci("nope") == kNoIndex);
}

TEST_CASE("an interface on a subnet takes the subnet's zone; one on a zone only the zone",
          "[loader]") {
  LoadResult r = load_on_base(R"([[ci]]
id = "web"
class = "server"
interfaces = [ { subnet = "app-a" }, { zone = "internet", ip = "198.51.100.1" } ]
)");
  REQUIRE(r.diagnostics.items().empty());
  const Ci& web = r.estate.cis[r.estate.find_ci("web")];
  CHECK(web.interfaces[0].zone == r.estate.find_zone("app"));
  CHECK_FALSE(web.interfaces[0].ip);
  CHECK(web.interfaces[1].subnet == kNoIndex);
  CHECK(web.interfaces[1].zone == r.estate.find_zone("internet"));
}

TEST_CASE("a class outside the known list is carried through as other", "[loader]") {
  LoadResult r = load("[[ci]]\nid = \"x\"\nclass = \"mainframe\"\n");
  CHECK(r.diagnostics.items().empty());
  CHECK(r.estate.cis[0].cls == CiClass::other);
  CHECK(r.estate.cis[0].class_name == "mainframe");
}

TEST_CASE("every enum spelling round-trips through enum_from_string", "[loader]") {
  auto round_trips = [](auto tag) {
    using E = decltype(tag);
    for (std::string_view s : enum_spellings<E>()) {
      auto value = enum_from_string<E>(s);
      REQUIRE(value);
      CHECK(to_string(*value) == s);
    }
    CHECK_FALSE(enum_from_string<E>(""));
    CHECK_FALSE(enum_from_string<E>("unset"));
  };
  round_trips(ZoneKind{});
  round_trips(Environment{});
  round_trips(Lifecycle{});
  round_trips(Provider{});
  round_trips(OsFamily{});
  round_trips(AgentKind{});
  round_trips(Revocation{});
  round_trips(DirectoryKind{});
  round_trips(RuleAction{});
  round_trips(RelationType{});
  round_trips(ScanMethod{});
  round_trips(VulnStatus{});
  round_trips(AccountKind{});
  round_trips(ChangeKind{});
  round_trips(CiClass{});
  CHECK(enum_spellings<CiClass>().size() == 32);
  CHECK(to_string(CiClass::other) == "other");
  CHECK(to_string(Provider::third_party) == "third_party");
  CHECK(to_string(CiClass::load_balancer) == "load_balancer");
  CHECK(to_string(ChangeKind::emergency_fix) == "emergency_fix");
  CHECK(to_string(ScanMethod::port_only) == "port_only");
  CHECK(to_string(VulnStatus::risk_accepted) == "risk_accepted");
}

// ---- input errors -------------------------------------------------------------------------

TEST_CASE("a TOML syntax error names line and column", "[loader][errors]") {
  CHECK(only(load("[[ci]]\nid = \"a\"\nclass = \n")) ==
        "t.toml:3:9: error: invalid key-value pair: expected value, saw '\\n'");
  CHECK(only(load("[[ci]]\nid = \"a\"\nid = \"b\"\n")) ==
        "t.toml:3:6: error: invalid key-value pair: cannot redefine existing string 'id'");
}

TEST_CASE("a date that does not exist is a syntax error", "[loader][errors]") {
  CHECK(only(load("[[waiver]]\nrule = \"X\"\ncis = [\"a\"]\nexpires = 2026-02-30\n")) ==
        "t.toml:4:21: error: invalid date: expected day between 1 and 28 (inclusive), saw 30");
}

TEST_CASE("invalid UTF-8 is refused with its position", "[loader][errors]") {
  CHECK(only(load("[[ci]]\nid = \"a\xff\"\n")) ==
        "t.toml:2:7: error: encountered invalid utf-8 sequence");
}

TEST_CASE("an empty file is valid but warned about", "[loader][errors]") {
  LoadResult r = load("");
  CHECK(only(r) == "t.toml:0:0: warning: file is empty");
  CHECK_FALSE(r.diagnostics.has_errors());
}

TEST_CASE("a file above max_file_bytes is refused unread", "[loader][errors]") {
  LoadOptions options;
  options.max_file_bytes = 10;
  LoadResult r = load_estate_from_strings({{"big.toml", "[[ci]]\nid = \"a-long-id\"\n"}}, options);
  CHECK(only(r) == "big.toml:0:0: error: file has 24 bytes, more than the limit of 10 bytes");
  CHECK(r.estate.cis.empty());
}

TEST_CASE("a value of the wrong type names the entity, the field and both types",
          "[loader][errors]") {
  CHECK(only(load("[[ci]]\nid = \"app-01\"\nclass = 42\n")) ==
        "t.toml:3:9: error: field 'class' of ci \"app-01\": expected a string, got an integer");
  CHECK(only(load_on_base("[[ci]]\nid = \"x\"\nclass = \"server\"\ndns = \"dns-1\"\n")) ==
        at(4, 7) + ": error: field 'dns' of ci \"x\": expected an array of ids, got a string");
  CHECK(only(load_on_base("[[ci]]\nid = \"x\"\nclass = \"server\"\ndns = [1]\n")) ==
        at(4, 8) + ": error: field 'dns[0]' of ci \"x\": expected a string, got an integer");
  CHECK(only(load("[[ci]]\nid = \"x\"\nclass = \"server\"\nos = \"linux\"\n")) ==
        "t.toml:4:6: error: field 'os' of ci \"x\": expected a table, got a string");
  CHECK(only(load("[[ci]]\nid = \"x\"\nclass = \"server\"\nos = { family = 1 }\n")) ==
        "t.toml:4:17: error: field 'os.family' of ci \"x\": expected a string, got an integer");
  CHECK(only(load("[[ci]]\nid = \"x\"\nclass = \"server\"\nupdated_at = \"2026-01-01\"\n")) ==
        "t.toml:4:14: error: field 'updated_at' of ci \"x\": expected a date-time, got a string");
  CHECK(only(load("[[ci]]\nid = \"x\"\nclass = \"server\"\nbilling = { cost_center = 4711 }\n")) ==
        "t.toml:4:27: error: field 'billing.cost_center' of ci \"x\": expected a string, got an "
        "integer");
  CHECK(only(load("[[waiver]]\nrule = \"X\"\ncis = [\"a\"]\nexpires = 12:00:00\n")) ==
        "t.toml:4:11: error: field 'expires' of waiver at t.toml:1: expected a date, got a time");
  CHECK(only(load("[[zone]]\nid = \"z\"\nkind = \"dmz\"\nsite = true\n")) ==
        "t.toml:4:8: error: field 'site' of zone \"z\": expected a string, got a boolean");
  CHECK(only(load("[[vulnerability]]\nci = \"x\"\ncve = \"C\"\ncvss = \"high\"\n"
                  "[[ci]]\nid = \"x\"\nclass = \"server\"\n")) ==
        "t.toml:4:8: error: field 'cvss' of vulnerability C at t.toml:1: expected a number, got a "
        "string");
}

TEST_CASE("a wrongly typed element of an array of tables names its index", "[loader][errors]") {
  CHECK(only(load("[[ci]]\nid = \"x\"\nclass = \"server\"\nagents = [\"edr\"]\n")) ==
        "t.toml:4:11: error: field 'agents[0]' of ci \"x\": expected a table, got a string");
  CHECK(only(load("[[ci]]\nid = \"x\"\nclass = \"server\"\n"
                  "agents = [ { kind = \"edr\", state = 1 } ]\n")) ==
        "t.toml:4:36: error: field 'agents[0].state' of ci \"x\": expected a string, got an "
        "integer");
}

TEST_CASE("a table written as [ci] instead of [[ci]] is an error", "[loader][errors]") {
  CHECK(only(load("[ci]\nid = \"x\"\nclass = \"server\"\n")) ==
        "t.toml:1:1: error: 'ci' must be an array of tables ([[ci]]), got a table");
  CHECK(only(load("ci = [1]\n")) ==
        "t.toml:1:7: error: element 0 of 'ci' must be a table, got an integer");
  CHECK(only(load("[[meta]]\n")) ==
        "t.toml:1:1: error: 'meta' must be a table ([meta]), got an array");
}

TEST_CASE("a missing required field is an error at the table's header", "[loader][errors]") {
  struct Case {
    std::string doc;
    std::string error;
  };
  std::vector<Case> cases = {
      {"[[ci]]\nclass = \"server\"\n", "ci at t.toml:1 is missing required field 'id'"},
      {"[[ci]]\nid = \"a\"\n", "ci \"a\" is missing required field 'class'"},
      {"[[zone]]\nkind = \"dmz\"\n", "zone at t.toml:1 is missing required field 'id'"},
      {"[[zone]]\nid = \"z\"\n", "zone \"z\" is missing required field 'kind'"},
      {"[[subnet]]\nid = \"s\"\nzone = \"z\"\n[[zone]]\nid = \"z\"\nkind = \"dmz\"\n",
       "subnet \"s\" is missing required field 'cidr'"},
      {"[[relation]]\nfrom = \"a\"\nto = \"a\"\n[[ci]]\nid = \"a\"\nclass = \"vm\"\n",
       "relation at t.toml:1 is missing required field 'type'"},
      {"[[certificate]]\nid = \"c\"\n", "certificate \"c\" is missing required field 'issuer'"},
      {"[[vulnerability]]\nci = \"a\"\n[[ci]]\nid = \"a\"\nclass = \"vm\"\n",
       "vulnerability at t.toml:1 is missing required field 'cve'"},
      {"[[account]]\nid = \"adm\"\n", "account \"adm\" is missing required field 'kind'"},
      {"[[change]]\nkind = \"patch\"\n", "change at t.toml:1 is missing required field 'id'"},
      {"[[waiver]]\nrule = \"X\"\n", "waiver at t.toml:1 is missing required field 'cis'"},
      {"[[nat]]\nfirewall = \"fw-1\"\nto_ip = \"10.0.0.1\"\n[[ci]]\nid = \"fw-1\"\n"
       "class = \"firewall\"\n",
       "nat at t.toml:1 is missing required field 'public'"},
  };
  for (const Case& c : cases) {
    INFO(c.doc);
    CHECK(only(load(c.doc)) == "t.toml:1:1: error: " + c.error);
  }
}

TEST_CASE("a rule without its fields reports every missing one", "[loader][errors]") {
  auto all = lines(load_on_base("[[rule]]\nfirewall = \"fw-1\"\n"));
  CHECK(all == std::vector<std::string>{
                   at(1, 1) + ": error: rule of firewall \"fw-1\" at t.toml:21 is missing "
                              "required field 'action'",
                   at(1, 1) + ": error: rule of firewall \"fw-1\" at t.toml:21 is missing "
                              "required field 'from'",
                   at(1, 1) + ": error: rule of firewall \"fw-1\" at t.toml:21 is missing "
                              "required field 'order'",
                   at(1, 1) + ": error: rule of firewall \"fw-1\" at t.toml:21 is missing "
                              "required field 'services'",
                   at(1, 1) + ": error: rule of firewall \"fw-1\" at t.toml:21 is missing "
                              "required field 'to'",
               });
}

TEST_CASE("nested tables report their own missing fields", "[loader][errors]") {
  CHECK(only(load("[[ci]]\nid = \"x\"\nclass = \"server\"\nagents = [ { product = \"AV\" } ]\n")) ==
        "t.toml:4:12: error: agents[0] of ci \"x\" is missing required field 'kind'");
  CHECK(only(load("[[ci]]\nid = \"x\"\nclass = \"server\"\n"
                  "identity = { local_accounts = [ { approval = \"A-1\" } ] }\n")) ==
        "t.toml:4:33: error: identity.local_accounts[0] of ci \"x\" is missing required field "
        "'name'");
  CHECK(only(load(
            "[[ci]]\nid = \"x\"\nclass = \"server\"\ninterfaces = [ { ip = \"10.0.0.1\" } ]\n")) ==
        "t.toml:4:16: error: field 'interfaces[0]' of ci \"x\": an interface needs a 'subnet' "
        "or, where no subnet is exported, a 'zone'");
}

TEST_CASE("an unknown enum value lists the allowed spellings", "[loader][errors]") {
  CHECK(only(load("[[zone]]\nid = \"dmz\"\nkind = \"dmzz\"\n")) ==
        "t.toml:3:8: error: field 'kind' of zone \"dmz\": unknown value \"dmzz\"; expected one "
        "of internet, dmz, internal, management, partner, transit");
  CHECK(only(load("[[ci]]\nid = \"x\"\nclass = \"server\"\nprovided_by = \"thirdparty\"\n")) ==
        "t.toml:4:15: error: field 'provided_by' of ci \"x\": unknown value \"thirdparty\"; "
        "expected one of customer, contractor, third_party");
  CHECK(only(load("[[ci]]\nid = \"x\"\nclass = \"server\"\n"
                  "vuln_scan = { method = \"ports\" }\n")) ==
        "t.toml:4:24: error: field 'vuln_scan.method' of ci \"x\": unknown value \"ports\"; "
        "expected one of authenticated, agent, port_only");
  CHECK(only(load("[[account]]\nid = \"a\"\nkind = \"root\"\n")) ==
        "t.toml:3:8: error: field 'kind' of account \"a\": unknown value \"root\"; expected one "
        "of admin, user, service");
}

TEST_CASE("a duplicate ci id across two files names both locations", "[loader][errors]") {
  LoadResult r = load_estate_from_strings({
      {"a.toml", "[[ci]]\nid = \"app-01\"\nclass = \"server\"\n"},
      {"b.toml", "\n[[ci]]\nid = \"app-01\"\nclass = \"vm\"\n"},
  });
  CHECK(only(r) == "b.toml:3:6: error: duplicate ci id \"app-01\" (first defined at a.toml:1)");
  CHECK(r.diagnostics.items()[0].field == "ci.id");
  // References resolve to the first definition.
  CHECK(r.estate.find_ci("app-01") == 0);
}

TEST_CASE("duplicate ids are checked per table", "[loader][errors]") {
  CHECK(only(load("[[zone]]\nid = \"x\"\nkind = \"dmz\"\n[[zone]]\nid = \"x\"\nkind = \"dmz\"\n"
                  "[[ci]]\nid = \"x\"\nclass = \"vm\"\n")) ==
        "t.toml:5:6: error: duplicate zone id \"x\" (first defined at t.toml:1)");
  CHECK(only(load("[[change]]\nid = \"C\"\n[[change]]\nid = \"C\"\n")) ==
        "t.toml:4:6: error: duplicate change id \"C\" (first defined at t.toml:1)");
}

TEST_CASE("an empty id is an error", "[loader][errors]") {
  CHECK(only(load("[[ci]]\nid = \"\"\nclass = \"vm\"\n")) ==
        "t.toml:2:6: error: field 'id' of ci at t.toml:1: must not be empty");
}

TEST_CASE("every kind of dangling reference names the field and the missing id",
          "[loader][errors]") {
  struct Case {
    std::string doc;  // appended to kBase
    std::string error;
  };
  std::vector<Case> cases = {
      {"[[zone]]\nid = \"z\"\nkind = \"dmz\"\nids_visibility = [\"ids-9\"]\n",
       at(4, 19) + ": error: field 'ids_visibility[0]' of zone \"z\": no ci with id \"ids-9\""},
      {"[[subnet]]\nid = \"s\"\nzone = \"nowhere\"\ncidr = \"10.0.0.0/8\"\n",
       at(3, 8) + ": error: field 'zone' of subnet \"s\": no zone with id \"nowhere\""},
      {"[[rule]]\nfirewall = \"fw-9\"\norder = 1\naction = \"deny\"\nfrom = [\"any\"]\n"
       "to = [\"any\"]\nservices = [\"any\"]\n",
       at(2, 12) + ": error: field 'firewall' of rule #1 of firewall \"fw-9\": no ci with id "
                   "\"fw-9\""},
      {"[[rule]]\nfirewall = \"fw-1\"\norder = 1\naction = \"deny\"\n"
       "from = [\"zone:internt\"]\nto = [\"subnet:app-a\"]\nservices = [\"any\"]\n",
       at(5, 9) + ": error: field 'from[0]' of rule #1 of firewall \"fw-1\": no zone with id "
                  "\"internt\""},
      {"[[rule]]\nfirewall = \"fw-1\"\norder = 1\naction = \"deny\"\n"
       "from = [\"any\"]\nto = [\"any\", \"ci:web-9\"]\nservices = [\"any\"]\n",
       at(6, 14) + ": error: field 'to[1]' of rule #1 of firewall \"fw-1\": no ci with id "
                   "\"web-9\""},
      {"[[nat]]\nfirewall = \"fw-1\"\npublic = \"203.0.113.1\"\nto_ci = \"web-9\"\n",
       at(4, 9) + ": error: field 'to_ci' of nat at t.toml:21: no ci with id \"web-9\""},
      {"[[ci]]\nid = \"x\"\nclass = \"vm\"\ninterfaces = [ { subnet = \"app-b\" } ]\n",
       at(4, 27) + ": error: field 'interfaces[0].subnet' of ci \"x\": no subnet with id "
                   "\"app-b\""},
      {"[[ci]]\nid = \"x\"\nclass = \"vm\"\ninterfaces = [ { zone = \"dmz\" } ]\n",
       at(4, 25) + ": error: field 'interfaces[0].zone' of ci \"x\": no zone with id \"dmz\""},
      {"[[ci]]\nid = \"x\"\nclass = \"vm\"\ntrust = { roots = [\"ca-9\"] }\n",
       at(4, 20) + ": error: field 'trust.roots[0]' of ci \"x\": no ci with id \"ca-9\""},
      {"[[ci]]\nid = \"x\"\nclass = \"vm\"\ncertificates = [\"cert-9\"]\n",
       at(4, 17) + ": error: field 'certificates[0]' of ci \"x\": no certificate with id "
                   "\"cert-9\""},
      {"[[ci]]\nid = \"x\"\nclass = \"vm\"\nntp = [\"ntp-9\"]\n",
       at(4, 8) + ": error: field 'ntp[0]' of ci \"x\": no ci with id \"ntp-9\""},
      {"[[ci]]\nid = \"x\"\nclass = \"vm\"\nlog_targets = [\"app-01\", \"siem-9\"]\n",
       at(4, 26) + ": error: field 'log_targets[1]' of ci \"x\": no ci with id \"siem-9\""},
      {"[[ci]]\nid = \"x\"\nclass = \"vm\"\nmonitored_by = [\"mon-9\"]\n",
       at(4, 17) + ": error: field 'monitored_by[0]' of ci \"x\": no ci with id \"mon-9\""},
      {"[[ci]]\nid = \"x\"\nclass = \"firewall\"\nmanaged_by = \"fwm-9\"\n",
       at(4, 14) + ": error: field 'managed_by' of ci \"x\": no ci with id \"fwm-9\""},
      {"[[ci]]\nid = \"x\"\nclass = \"firewall\"\nlog_to = [\"log-9\"]\n",
       at(4, 11) + ": error: field 'log_to[0]' of ci \"x\": no ci with id \"log-9\""},
      {"[[ci]]\nid = \"x\"\nclass = \"ca\"\nissuer = \"ca-9\"\n",
       at(4, 10) + ": error: field 'issuer' of ci \"x\": no ci with id \"ca-9\""},
      {"[[relation]]\nfrom = \"app-01\"\nto = \"db-9\"\ntype = \"depends_on\"\n",
       at(3, 6) + ": error: field 'to' of relation at t.toml:21: no ci with id \"db-9\""},
      {"[[relation]]\nfrom = \"lb-9\"\nto = \"app-01\"\ntype = \"depends_on\"\n",
       at(2, 8) + ": error: field 'from' of relation at t.toml:21: no ci with id \"lb-9\""},
      {"[[certificate]]\nid = \"c\"\nissuer = \"ca-9\"\n",
       at(3, 10) + ": error: field 'issuer' of certificate \"c\": no ci with id \"ca-9\""},
      {"[[vulnerability]]\nci = \"app-9\"\ncve = \"CVE-1\"\n",
       at(2, 6) + ": error: field 'ci' of vulnerability CVE-1 at t.toml:21: no ci with id "
                  "\"app-9\""},
      {"[[change]]\nid = \"C\"\ncis = [\"app-01\", \"app-9\"]\n",
       at(3, 18) + ": error: field 'cis[1]' of change \"C\": no ci with id \"app-9\""},
  };
  for (const Case& c : cases) {
    INFO(c.doc);
    CHECK(only(load_on_base(c.doc)) == c.error);
  }
}

TEST_CASE("a dangling reference sets the field's diagnostic name", "[loader][errors]") {
  LoadResult r =
      load_on_base("[[ci]]\nid = \"x\"\nclass = \"vm\"\ninterfaces = [ { subnet = \"nope\" } ]\n");
  REQUIRE(r.diagnostics.items().size() == 1);
  CHECK(r.diagnostics.items()[0].field == "ci.interfaces[0].subnet");
}

TEST_CASE("references that need a class refuse targets of another class", "[loader][errors]") {
  struct Case {
    std::string doc;
    std::string error;
  };
  std::vector<Case> cases = {
      {"[[rule]]\nfirewall = \"app-01\"\norder = 5\naction = \"deny\"\nfrom = [\"any\"]\n"
       "to = [\"any\"]\nservices = [\"any\"]\n",
       at(2, 12) + ": error: field 'firewall' of rule #5 of firewall \"app-01\": ci \"app-01\" "
                   "has class server, expected a ci of class firewall"},
      {"[[nat]]\nfirewall = \"app-01\"\npublic = \"203.0.113.1\"\nto_ip = \"10.0.0.1\"\n",
       at(2, 12) + ": error: field 'firewall' of nat at t.toml:21: ci \"app-01\" has class "
                   "server, expected a ci of class firewall"},
      {"[[certificate]]\nid = \"c\"\nissuer = \"fw-1\"\n",
       at(3, 10) + ": error: field 'issuer' of certificate \"c\": ci \"fw-1\" has class "
                   "firewall, expected a ci of class ca"},
      {"[[ci]]\nid = \"x\"\nclass = \"vm\"\ntrust = { roots = [\"ca-root\", \"app-01\"] }\n",
       at(4, 31) + ": error: field 'trust.roots[1]' of ci \"x\": ci \"app-01\" has class "
                   "server, expected a ci of class ca"},
      {"[[ci]]\nid = \"x\"\nclass = \"ca\"\nissuer = \"app-01\"\n",
       at(4, 10) + ": error: field 'issuer' of ci \"x\": ci \"app-01\" has class server, "
                   "expected a ci of class ca"},
  };
  for (const Case& c : cases) {
    INFO(c.doc);
    CHECK(only(load_on_base(c.doc)) == c.error);
  }
}

TEST_CASE("a class check also applies to a target defined in a later file", "[loader][errors]") {
  LoadResult r = load_estate_from_strings({
      {"rules.toml",
       "[[rule]]\nfirewall = \"r1\"\norder = 1\naction = \"allow\"\n"
       "from = [\"any\"]\nto = [\"any\"]\nservices = [\"any\"]\n"},
      {"cis.toml", "[[ci]]\nid = \"r1\"\nclass = \"router\"\n"},
  });
  CHECK(only(r) ==
        "rules.toml:2:12: error: field 'firewall' of rule #1 of firewall \"r1\": ci \"r1\" has "
        "class router, expected a ci of class firewall");
  CHECK(r.estate.rules[0].firewall == kNoIndex);
}

TEST_CASE("invalid addresses, ranges and services say why", "[loader][errors]") {
  CHECK(only(load("[[subnet]]\nid = \"s\"\nzone = \"z\"\ncidr = \"10.0.0.0/33\"\n"
                  "[[zone]]\nid = \"z\"\nkind = \"dmz\"\n")) ==
        "t.toml:4:8: error: field 'cidr' of subnet \"s\": invalid range \"10.0.0.0/33\": prefix "
        "33 is longer than 32 bits");
  CHECK(only(load("[[subnet]]\nid = \"s\"\nzone = \"z\"\ncidr = \"::/129\"\n"
                  "[[zone]]\nid = \"z\"\nkind = \"dmz\"\n")) ==
        "t.toml:4:8: error: field 'cidr' of subnet \"s\": invalid range \"::/129\": prefix 129 "
        "is longer than 128 bits");
  CHECK(only(load_on_base(
            "[[ci]]\nid = \"x\"\nclass = \"vm\"\npublic_ips = [\"203.0.113.300\"]\n")) ==
        at(4, 15) +
            ": error: field 'public_ips[0]' of ci \"x\": invalid address "
            "\"203.0.113.300\"; expected an IPv4 or IPv6 address");
  CHECK(only(load_on_base("[[ci]]\nid = \"x\"\nclass = \"vm\"\ninterfaces = [ { subnet = "
                          "\"app-a\", ip = \"fe80::1%eth0\" } ]\n")) ==
        at(4, 41) +
            ": error: field 'interfaces[0].ip' of ci \"x\": invalid address "
            "\"fe80::1%eth0\"; expected an IPv4 or IPv6 address");
  CHECK(only(load_on_base("[[ci]]\nid = \"x\"\nclass = \"vm\"\nlistens = [\"tcp/65536\"]\n")) ==
        at(4, 12) +
            ": error: field 'listens[0]' of ci \"x\": invalid service \"tcp/65536\": "
            "port 65536 is not a valid port (1-65535)");
  CHECK(only(load_on_base("[[relation]]\nfrom = \"fw-1\"\nto = \"app-01\"\ntype = \"forwards_to\"\n"
                          "on = \"tcp/0\"\n")) ==
        at(5, 6) +
            ": error: field 'on' of relation at t.toml:21: invalid service \"tcp/0\": "
            "port 0 is not a valid port (1-65535)");
  CHECK(only(load_on_base("[[nat]]\nfirewall = \"fw-1\"\npublic = \"203.0.113.1\"\n"
                          "service = \"tcp/443-80\"\nto_ci = \"app-01\"\n")) ==
        at(4, 11) +
            ": error: field 'service' of nat at t.toml:21: invalid service "
            "\"tcp/443-80\": port range 443-80 is reversed");
}

TEST_CASE("rule endpoints and services are checked one by one", "[loader][errors]") {
  auto all = lines(load_on_base(R"([[rule]]
firewall = "fw-1"
order = 7
action = "allow"
from = ["internet", "cidr:10.0.0.1/8", "zone:"]
to = ["ci:app-01"]
services = ["tcp/443", "http"]
)"));
  CHECK(all == std::vector<std::string>{
                   at(5, 9) + ": error: field 'from[0]' of rule #7 of firewall \"fw-1\": invalid "
                              "endpoint \"internet\"; expected any, zone:ID, subnet:ID, ci:ID or "
                              "cidr:RANGE",
                   at(5, 21) + ": error: field 'from[1]' of rule #7 of firewall \"fw-1\": "
                               "invalid range \"10.0.0.1/8\": host bits are set; the range is "
                               "10.0.0.0/8",
                   at(5, 40) + ": error: field 'from[2]' of rule #7 of firewall \"fw-1\": "
                               "invalid endpoint \"zone:\"; expected any, zone:ID, subnet:ID, "
                               "ci:ID or cidr:RANGE",
                   at(7, 24) + ": error: field 'services[1]' of rule #7 of firewall \"fw-1\": "
                               "invalid service \"http\": unknown protocol 'http'; expected tcp, "
                               "udp, icmp or any",
               });
}

TEST_CASE("a rule must name at least one source, destination and service", "[loader][errors]") {
  auto all =
      lines(load_on_base("[[rule]]\nfirewall = \"fw-1\"\norder = 7\naction = \"allow\"\n"
                         "from = []\nto = []\nservices = []\n"));
  CHECK(all == std::vector<std::string>{
                   at(5, 8) + ": error: field 'from' of rule #7 of firewall \"fw-1\": must name "
                              "at least one endpoint (\"any\" for all)",
                   at(6, 6) + ": error: field 'to' of rule #7 of firewall \"fw-1\": must name at "
                              "least one endpoint (\"any\" for all)",
                   at(7, 12) + ": error: field 'services' of rule #7 of firewall \"fw-1\": must "
                               "name at least one service (\"any\" for all)",
               });
}

TEST_CASE("a nat needs exactly one of to_ci and to_ip", "[loader][errors]") {
  CHECK(only(load_on_base("[[nat]]\nfirewall = \"fw-1\"\npublic = \"203.0.113.1\"\n")) ==
        at(1, 1) + ": error: nat at t.toml:21 needs a target: set 'to_ci' or 'to_ip'");
  CHECK(only(load_on_base("[[nat]]\nfirewall = \"fw-1\"\npublic = \"203.0.113.1\"\n"
                          "to_ci = \"app-01\"\nto_ip = \"10.30.1.5\"\n")) ==
        at(5, 9) +
            ": error: field 'to_ip' of nat at t.toml:21: set only one of 'to_ci' and "
            "'to_ip'");
}

TEST_CASE("numbers out of their range are errors", "[loader][errors]") {
  CHECK(only(load("[[ci]]\nid = \"x\"\nclass = \"vm\"\nlog_retention_days = { audit = -5 }\n")) ==
        "t.toml:4:32: error: field 'log_retention_days.audit' of ci \"x\": -5 is negative; "
        "expected a number of days");
  CHECK(only(load("[[vulnerability]]\nci = \"x\"\ncve = \"CVE-1\"\ncvss = 11.5\n"
                  "[[ci]]\nid = \"x\"\nclass = \"vm\"\n")) ==
        "t.toml:4:8: error: field 'cvss' of vulnerability CVE-1 at t.toml:1: 11.5 is out of "
        "range; a CVSS score is 0.0 to 10.0");
  CHECK(only(load("[[rule]]\norder = 99999999999999999999\n")) ==
        "t.toml:2:29: error: invalid decimal integer: '99999999999999999999' is not "
        "representable in 64 bits");
}

TEST_CASE("a file that names another format version is refused", "[loader][errors]") {
  CHECK(only(load("[meta]\nformat = \"estate/2\"\n")) ==
        "t.toml:2:10: error: field 'format' of [meta]: unsupported format \"estate/2\"; this "
        "checker reads \"estate/1\"");
}

TEST_CASE("an interface address must lie inside its subnet", "[loader][errors]") {
  CHECK(only(load_on_base("[[ci]]\nid = \"x\"\nclass = \"vm\"\n"
                          "interfaces = [ { subnet = \"app-a\", ip = \"10.30.2.1\" } ]\n")) ==
        at(4, 16) +
            ": error: field 'interfaces[0].ip' of ci \"x\": 10.30.2.1 is not inside "
            "subnet \"app-a\" (10.30.1.0/24)");
  CHECK(
      only(load_on_base("[[ci]]\nid = \"x\"\nclass = \"vm\"\n"
                        "interfaces = [ { subnet = \"app-a\", ip = \"::ffff:10.30.1.1\" } ]\n")) ==
      at(4, 16) +
          ": error: field 'interfaces[0].ip' of ci \"x\": ::ffff:10.30.1.1 is not "
          "inside subnet \"app-a\" (10.30.1.0/24)");
}

TEST_CASE("an interface's zone must agree with its subnet's zone", "[loader][errors]") {
  CHECK(only(load_on_base("[[ci]]\nid = \"x\"\nclass = \"vm\"\n"
                          "interfaces = [ { subnet = \"app-a\", zone = \"internet\" } ]\n")) ==
        at(4, 16) +
            ": error: field 'interfaces[0].zone' of ci \"x\": zone \"internet\" differs "
            "from zone \"app\" of subnet \"app-a\"");
}

TEST_CASE("a CA that issues itself is an error", "[loader][errors]") {
  CHECK(only(load("[[ci]]\nid = \"ca-a\"\nclass = \"ca\"\nissuer = \"ca-a\"\n")) ==
        "t.toml:4:1: error: field 'issuer' of ci \"ca-a\": a CA cannot be its own issuer; a root "
        "CA sets 'root = true' instead");
}

TEST_CASE("an issuer cycle among CAs is reported once, naming the cycle", "[loader][errors]") {
  LoadResult r = load_estate_from_strings({
      {"a.toml",
       "[[ci]]\nid = \"ca-b\"\nclass = \"ca\"\nissuer = \"ca-c\"\n"
       "[[ci]]\nid = \"ca-leaf\"\nclass = \"ca\"\nissuer = \"ca-b\"\n"},
      {"b.toml",
       "[[ci]]\nid = \"ca-c\"\nclass = \"ca\"\nissuer = \"ca-d\"\n"
       "[[ci]]\nid = \"ca-d\"\nclass = \"ca\"\nissuer = \"ca-b\"\n"},
  });
  CHECK(only(r) ==
        "a.toml:4:1: error: field 'issuer' of ci \"ca-b\": issuer cycle among CAs: "
        "\"ca-b\" -> \"ca-c\" -> \"ca-d\" -> \"ca-b\"");
}

TEST_CASE("a root CA must not name an issuer", "[loader][errors]") {
  CHECK(only(load_on_base("[[ci]]\nid = \"ca-x\"\nclass = \"ca\"\nroot = true\n"
                          "issuer = \"ca-root\"\n")) ==
        at(4, 1) +
            ": error: field 'root' of ci \"ca-x\": a root CA has no issuer, but 'issuer' "
            "names \"ca-root\"");
}

TEST_CASE("a change must not end before it starts", "[loader][errors]") {
  CHECK(only(load("[[change]]\nid = \"C\"\nstart = 2026-11-28T18:00:00+01:00\n"
                  "end = 2026-11-28T17:30:00+01:00\n")) ==
        "t.toml:4:7: error: field 'end' of change \"C\": ends (2026-11-28T17:30:00+01:00) before "
        "it starts (2026-11-28T18:00:00+01:00)");
}

TEST_CASE("a waiver must name at least one ci", "[loader][errors]") {
  CHECK(only(load("[[waiver]]\nrule = \"X\"\ncis = []\n")) ==
        "t.toml:3:7: error: field 'cis' of waiver at t.toml:1: must name at least one ci id or "
        "glob");
}

TEST_CASE("loading continues past errors and reports all of them, across files",
          "[loader][errors]") {
  LoadResult r = load_estate_from_strings({
      {"a.toml", "[[ci]]\nid = \"a\"\nclass = 1\n[[ci]]\nid = \"b\"\nclass = \"vm\"\n"},
      {"b.toml", "[[ci\n"},
      {"c.toml", "[[ci]]\nid = \"c\"\nclass = \"vm\"\ndns = [\"zz\"]\n"},
  });
  auto all = lines(r);
  CHECK(all.size() == 3);
  CHECK(r.diagnostics.error_count() == 3);
  CHECK(r.estate.find_ci("b") != kNoIndex);
  CHECK(r.estate.find_ci("c") != kNoIndex);
  CHECK(all[0].rfind("a.toml:3:9: error:", 0) == 0);
  CHECK(all[1].rfind("b.toml:1:5: error:", 0) == 0);
  CHECK(all[2] == "c.toml:4:8: error: field 'dns[0]' of ci \"c\": no ci with id \"zz\"");
}

// ---- warnings -----------------------------------------------------------------------------

TEST_CASE("an unknown key is a warning with a did-you-mean", "[loader][warnings]") {
  LoadResult r = load("[[ci]]\nid = \"app-01\"\nclass = \"vm\"\nclas = \"server\"\n");
  CHECK(only(r) ==
        "t.toml:4:1: warning: unknown key 'clas' in ci \"app-01\"; did you mean 'class'?");
  CHECK(r.diagnostics.items()[0].field == "ci.clas");
  CHECK_FALSE(r.diagnostics.has_errors());
}

TEST_CASE("unknown keys are found in nested tables and at the top level", "[loader][warnings]") {
  CHECK(only(load("[[ci]]\nid = \"x\"\nclass = \"vm\"\nos = { familly = \"linux\" }\n")) ==
        "t.toml:4:8: warning: unknown key 'familly' in 'os' of ci \"x\"; did you mean 'family'?");
  CHECK(only(load("[[ci]]\nid = \"x\"\nclass = \"vm\"\n"
                  "agents = [ { kind = \"edr\", prodcut = \"X\" } ]\n")) ==
        "t.toml:4:28: warning: unknown key 'prodcut' in 'agents[0]' of ci \"x\"; did you mean "
        "'product'?");
  CHECK(only(load("[[cis]]\nid = \"x\"\n")) ==
        "t.toml:1:3: warning: unknown table 'cis'; did you mean 'ci'?");
  CHECK(only(load("generated_by = \"exporter\"\n")) ==
        "t.toml:1:1: warning: unknown key 'generated_by'");
  CHECK(only(load("[meta]\nformt = \"estate/1\"\n")) ==
        "t.toml:2:1: warning: unknown key 'formt' in [meta]; did you mean 'format'?");
  CHECK(only(load("[[zone]]\nid = \"z\"\nkind = \"dmz\"\ncost_center = \"4711\"\n")) ==
        "t.toml:4:1: warning: unknown key 'cost_center' in zone \"z\"");
}

TEST_CASE("a class that is a near miss of a known class is a warning", "[loader][warnings]") {
  LoadResult r = load("[[ci]]\nid = \"x\"\nclass = \"sever\"\n");
  CHECK(only(r) ==
        "t.toml:3:9: warning: field 'class' of ci \"x\": unknown class \"sever\" is "
        "carried through as 'other'; did you mean 'server'?");
  CHECK(r.estate.cis[0].cls == CiClass::other);
}

TEST_CASE("a class-specific field on another class is a warning", "[loader][warnings]") {
  CHECK(only(load("[[ci]]\nid = \"x\"\nclass = \"server\"\nips = true\n")) ==
        "t.toml:4:7: warning: field 'ips' of ci \"x\": applies to class firewall, not server");
  CHECK(only(load("[[ci]]\nid = \"x\"\nclass = \"server\"\nroot = true\n")) ==
        "t.toml:4:8: warning: field 'root' of ci \"x\": applies to class ca, not server");
  CHECK(lines(load("[[ci]]\nid = \"fwm\"\nclass = \"firewall_manager\"\n[[ci]]\nid = \"x\"\n"
                   "class = \"load_balancer\"\nmanaged_by = \"fwm\"\n"))
            .empty());
}

TEST_CASE("diagnostics come sorted: errors first, then by file and position",
          "[loader][warnings]") {
  LoadResult r = load_estate_from_strings({
      {"b.toml", "[[ci]]\nid = \"b\"\nclass = \"vm\"\nx = 1\ndns = [\"nope\"]\n"},
      {"a.toml", "[[ci]]\nid = \"a\"\nclass = 2\ny = 1\n"},
  });
  auto all = lines(r);
  REQUIRE(all.size() == 4);
  CHECK(all[0].rfind("a.toml:3:9: error", 0) == 0);
  CHECK(all[1].rfind("b.toml:5:8: error", 0) == 0);
  CHECK(all[2].rfind("a.toml:4:1: warning", 0) == 0);
  CHECK(all[3].rfind("b.toml:4:1: warning", 0) == 0);
}

}  // namespace
}  // namespace topocheck
