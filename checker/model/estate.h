// The typed estate: every table of the estate/1 format (ESTATE-FORMAT.md, docs/estate-format.md)
// as plain structs. The loader is the only writer; it validates once, so everything after it may
// trust the model: every reference is resolved to an index into the table it points at, every
// enum is known, every address and service is parsed. Each entity keeps where it came from
// (file, line, column) and where its fields were written, so findings can cite their evidence.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "checker/model/net.h"
#include "checker/model/time.h"

namespace topocheck {

// Index into one of the Estate's tables. kNoIndex marks an absent optional reference.
using Index = uint32_t;
inline constexpr Index kNoIndex = UINT32_MAX;

// Where something was written. `file` indexes Estate::files; line and column are 1-based.
struct SourceLoc {
  uint32_t file = 0;
  uint32_t line = 0;
  uint32_t column = 0;
};

// The location of one field of an entity, so evidence can point at the exact line
// ("agents" at servers.toml:42). `field` is the key as written in the format ("agents",
// "trust.revocation"); it points at a string literal owned by the loader's schema. The file is
// the entity's own (16 bytes instead of 24: a million CIs hold tens of millions of these).
struct FieldLoc {
  const char* field = nullptr;
  uint32_t line = 0;
  uint32_t column = 0;
};

struct Located {
  SourceLoc loc;                 // where the table ([[ci]], [[rule]] ...) starts
  std::vector<FieldLoc> fields;  // known fields that were present, in the order written

  // The location of `field`, or of the entity itself when the field was not written.
  SourceLoc where(std::string_view field) const;
};

// ---- enums -------------------------------------------------------------------------------

enum class ZoneKind : uint8_t { internet, dmz, internal, management, partner, transit };
enum class Environment : uint8_t { unset, prod, test, dev, dr };
enum class Lifecycle : uint8_t { unset, planned, building, operational, maintenance, retired };
enum class Provider : uint8_t { unset, customer, contractor, third_party };
enum class OsFamily : uint8_t { unset, windows, linux, unix, appliance };
enum class AgentKind : uint8_t { edr, av, siem, monitoring, vuln_scan, sam, backup, other };
enum class Revocation : uint8_t { unset, ocsp, crl, none };
enum class DirectoryKind : uint8_t { unset, ad, ldap, none, local };
enum class RuleAction : uint8_t { allow, deny };
enum class RelationType : uint8_t {
  forwards_to, runs_on, hosted_on, depends_on, replicates_to, dr_of, member_of, admin_via, manages
};
enum class ScanMethod : uint8_t { unset, authenticated, agent, port_only };
enum class VulnStatus : uint8_t { open, fixed, risk_accepted };
enum class AccountKind : uint8_t { admin, user, service };
enum class ChangeKind : uint8_t { unset, release, patch, config, emergency_fix };

// The CI classes the checker knows. Classes outside this list are carried through as `other`
// with their spelling kept in Ci::class_name.
enum class CiClass : uint8_t {
  server, vm, container_host, workstation, database, application, firewall, router,
  load_balancer, reverse_proxy, waf, cdn, ddos_protection, jump_server, pam, ca, swg, web_proxy,
  siem, log_server, edr_console, ids, dns, ntp, dhcp, directory, iga, firewall_manager,
  monitoring, vuln_scanner, sdwan_edge, saas, other
};

// Spellings as in the format ("third_party", "load_balancer"). Each enum has a table in
// estate.cpp; from_string returns std::nullopt for an unknown spelling.
std::string_view to_string(ZoneKind);
std::string_view to_string(Environment);
std::string_view to_string(Lifecycle);
std::string_view to_string(Provider);
std::string_view to_string(OsFamily);
std::string_view to_string(AgentKind);
std::string_view to_string(Revocation);
std::string_view to_string(DirectoryKind);
std::string_view to_string(RuleAction);
std::string_view to_string(RelationType);
std::string_view to_string(ScanMethod);
std::string_view to_string(VulnStatus);
std::string_view to_string(AccountKind);
std::string_view to_string(ChangeKind);
std::string_view to_string(CiClass);

template <typename E>
std::optional<E> enum_from_string(std::string_view);
// All spellings of an enum, for "expected one of ..." messages.
template <typename E>
std::vector<std::string_view> enum_spellings();

// ---- network -----------------------------------------------------------------------------

struct Zone : Located {
  std::string id;
  ZoneKind kind = ZoneKind::internal;
  Environment environment = Environment::unset;
  std::string site;
  std::vector<Index> ids_visibility;  // -> cis (class ids)
};

struct Subnet : Located {
  std::string id;
  Index zone = kNoIndex;  // -> zones
  Cidr cidr;
  std::optional<bool> agreed;
};

// One element of a rule's `from` or `to`.
struct Endpoint {
  enum class Kind : uint8_t { any, zone, subnet, ci, cidr };
  Kind kind = Kind::any;
  Index target = kNoIndex;  // zone, subnet or ci index for those kinds
  Cidr cidr;                // for Kind::cidr
};

struct Rule : Located {
  Index firewall = kNoIndex;  // -> cis (class firewall)
  int64_t order = 0;
  RuleAction action = RuleAction::deny;
  std::vector<Endpoint> from;
  std::vector<Endpoint> to;
  std::vector<Service> services;
  std::string ref;
};

struct Nat : Located {
  Index firewall = kNoIndex;  // -> cis
  IpAddress public_ip;
  std::optional<Service> service;
  Index to_ci = kNoIndex;           // -> cis; exactly one of to_ci / to_ip is set
  std::optional<IpAddress> to_ip;
};

// ---- configuration items -----------------------------------------------------------------

struct Interface {
  Index subnet = kNoIndex;  // -> subnets, or
  Index zone = kNoIndex;    // -> zones; always set (the subnet's zone when a subnet is given)
  std::optional<IpAddress> ip;
  SourceLoc loc;
};

struct Agent {
  AgentKind kind = AgentKind::other;
  std::string product;
  Provider provided_by = Provider::unset;
  std::string state;  // "running", "stopped", ... as exported
  std::string role;   // "leading", "passive", ... as exported
  SourceLoc loc;
};

struct LocalAccount {
  std::string name;
  std::string approval;  // empty when no approval reference was given
  SourceLoc loc;
};

struct Ci : Located {
  std::string id;
  CiClass cls = CiClass::other;
  std::string class_name;  // as written, also for known classes
  std::string name;
  Environment environment = Environment::unset;
  Lifecycle lifecycle = Lifecycle::unset;
  std::string operational_status;
  Provider provided_by = Provider::unset;
  std::string service;
  std::string site;
  std::string fire_zone;
  std::string owner;
  std::optional<Timestamp> updated_at;
  std::map<std::string, std::string> billing;   // cost_center, contract_item, ...
  std::map<std::string, std::string> hardware;  // manufacturer, model, serial
  struct Os {
    OsFamily family = OsFamily::unset;
    std::string name;
    std::string version;
  } os;
  std::vector<Interface> interfaces;
  std::vector<IpAddress> public_ips;
  std::vector<Service> listens;
  std::vector<Agent> agents;
  struct Trust {
    std::vector<Index> roots;  // -> cis (class ca)
    Revocation revocation = Revocation::unset;
  } trust;
  std::vector<Index> certificates;  // -> certificates
  struct Identity {
    DirectoryKind directory = DirectoryKind::unset;
    std::vector<LocalAccount> local_accounts;
  } identity;
  std::vector<Index> dns;           // -> cis
  std::vector<Index> ntp;           // -> cis
  std::vector<Index> log_targets;   // -> cis
  std::vector<Index> monitored_by;  // -> cis
  std::map<std::string, int64_t> log_retention_days;
  struct Scan {
    std::optional<Timestamp> last;
    ScanMethod method = ScanMethod::unset;
  } vuln_scan, sam_scan;

  // Class-specific fields (firewall, load balancer, CA).
  std::optional<bool> ips;
  Index managed_by = kNoIndex;  // -> cis
  std::vector<Index> log_to;    // -> cis
  std::optional<RuleAction> default_action;
  Index issuer = kNoIndex;      // CA: -> parent CA ci
  bool root = false;            // CA: a root CA
  // topocheck extension: an alternative administrative access path for PAM outages (003 §8.4.4).
  bool break_glass = false;
};

// ---- relations, certificates, vulnerabilities, accounts, changes, waivers ----------------

struct Relation : Located {
  Index from = kNoIndex;  // -> cis
  Index to = kNoIndex;    // -> cis
  RelationType type = RelationType::depends_on;
  std::optional<Service> on;      // forwards_to: listener; absent = all
  std::vector<Service> services;  // forwards_to: backend services; empty = same as listener
  std::string ruleset;
};

struct Certificate : Located {
  std::string id;
  std::string subject;
  Index issuer = kNoIndex;  // -> cis (class ca)
  std::optional<Timestamp> not_after;
};

struct Vulnerability : Located {
  Index ci = kNoIndex;  // -> cis
  std::string cve;
  double cvss = 0.0;
  bool kev = false;
  std::optional<Date> kev_added;
  std::optional<Date> first_seen;
  VulnStatus status = VulnStatus::open;
  std::optional<Date> fixed_at;
  std::string fixed_by_change;        // as written; may name a change outside the estate
  Index fixed_by_change_index = kNoIndex;  // -> changes, when it is in the estate
};

struct Account : Located {
  std::string id;
  AccountKind kind = AccountKind::user;
  DirectoryKind directory = DirectoryKind::unset;
  Provider owner = Provider::unset;
};

struct Change : Located {
  std::string id;
  Environment environment = Environment::unset;
  std::optional<Timestamp> start;
  std::optional<Timestamp> end;
  bool downtime = false;
  bool emergency = false;
  std::optional<Timestamp> announced_at;
  ChangeKind kind = ChangeKind::unset;
  std::string release;
  std::vector<Index> cis;  // -> cis
};

struct Waiver : Located {
  std::string rule;
  std::vector<std::string> cis;  // ids or globs ("sftp-*")
  std::string justification;
  std::string agreed_by;
  std::string reference;
  std::optional<Date> expires;
};

// One input file, with its [meta] table.
struct SourceFile {
  std::string path;  // as given on the command line or found in the directory walk
  std::string format;
  std::string source;
  std::optional<Timestamp> exported_at;
  std::string sha256;  // hex digest of the file's bytes, for reproducible reports
};

// id -> index. A hash map: a million-CI estate resolves millions of references, and a tree's
// string comparisons made that the loader's slowest step. Looked up with a string_view; nobody
// iterates it (its order is unspecified).
struct IdHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using IdMap = std::unordered_map<std::string, Index, IdHash, std::equal_to<>>;

struct Estate {
  std::vector<SourceFile> files;
  std::vector<Zone> zones;
  std::vector<Subnet> subnets;
  std::vector<Ci> cis;
  std::vector<Rule> rules;
  std::vector<Nat> nats;
  std::vector<Relation> relations;
  std::vector<Certificate> certificates;
  std::vector<Vulnerability> vulnerabilities;
  std::vector<Account> accounts;
  std::vector<Change> changes;
  std::vector<Waiver> waivers;

  // id -> index for the tables with ids. Built by the loader.
  IdMap zone_by_id, subnet_by_id, ci_by_id, certificate_by_id,
      account_by_id, change_by_id;

  Index find_ci(std::string_view id) const;
  Index find_zone(std::string_view id) const;
  Index find_subnet(std::string_view id) const;
  Index find_certificate(std::string_view id) const;
  Index find_change(std::string_view id) const;

  // "cmdb/servers.toml:12"
  std::string describe(const SourceLoc& loc) const;
};

}  // namespace topocheck
