// Enum spellings of the estate model and the Estate's lookup helpers. Each enum has one table of
// spellings indexed by its value; an empty spelling marks `unset`, which is never written in an
// estate. enum_from_string and enum_spellings are defined once over these tables and explicitly
// instantiated for every model enum, so other translation units only need the declarations.
#include "checker/model/estate.h"

#include <array>
#include <string>

namespace topocheck {
namespace {

template <typename E>
struct EnumTable;

#define TOPOCHECK_ENUM_TABLE(E, ...)                           \
  template <>                                                  \
  struct EnumTable<E> {                                        \
    static constexpr std::string_view names[] = {__VA_ARGS__}; \
  };

TOPOCHECK_ENUM_TABLE(ZoneKind, "internet", "dmz", "internal", "management", "partner", "transit")
TOPOCHECK_ENUM_TABLE(Environment, "", "prod", "test", "dev", "dr")
TOPOCHECK_ENUM_TABLE(Lifecycle, "", "planned", "building", "operational", "maintenance", "retired")
TOPOCHECK_ENUM_TABLE(Provider, "", "customer", "contractor", "third_party")
TOPOCHECK_ENUM_TABLE(OsFamily, "", "windows", "linux", "unix", "appliance")
TOPOCHECK_ENUM_TABLE(AgentKind, "edr", "av", "siem", "monitoring", "vuln_scan", "sam", "backup",
                     "other")
TOPOCHECK_ENUM_TABLE(Revocation, "", "ocsp", "crl", "none")
TOPOCHECK_ENUM_TABLE(DirectoryKind, "", "ad", "ldap", "none", "local")
TOPOCHECK_ENUM_TABLE(RuleAction, "allow", "deny")
TOPOCHECK_ENUM_TABLE(RelationType, "forwards_to", "runs_on", "hosted_on", "depends_on",
                     "replicates_to", "dr_of", "member_of", "admin_via", "manages")
TOPOCHECK_ENUM_TABLE(ScanMethod, "", "authenticated", "agent", "port_only")
TOPOCHECK_ENUM_TABLE(VulnStatus, "open", "fixed", "risk_accepted")
TOPOCHECK_ENUM_TABLE(AccountKind, "admin", "user", "service")
TOPOCHECK_ENUM_TABLE(ChangeKind, "", "release", "patch", "config", "emergency_fix")
// `other` is what the loader assigns to classes outside this list; it is not a spelling an
// estate uses, so its entry is empty and to_string(CiClass::other) is handled below.
TOPOCHECK_ENUM_TABLE(CiClass, "server", "vm", "container_host", "workstation", "database",
                     "application", "firewall", "router", "load_balancer", "reverse_proxy", "waf",
                     "cdn", "ddos_protection", "jump_server", "pam", "ca", "swg", "web_proxy",
                     "siem", "log_server", "edr_console", "ids", "dns", "ntp", "dhcp", "directory",
                     "iga", "firewall_manager", "monitoring", "vuln_scanner", "sdwan_edge", "saas",
                     "")

#undef TOPOCHECK_ENUM_TABLE

template <typename E>
std::string_view spelling(E value) {
  const auto& names = EnumTable<E>::names;
  auto i = static_cast<size_t>(value);
  return i < std::size(names) ? names[i] : std::string_view{};
}

Index find_in(const IdMap& by_id, std::string_view id) {
  auto it = by_id.find(id);
  return it == by_id.end() ? kNoIndex : it->second;
}

}  // namespace

template <typename E>
std::optional<E> enum_from_string(std::string_view text) {
  const auto& names = EnumTable<E>::names;
  if (text.empty()) return std::nullopt;
  for (size_t i = 0; i < std::size(names); ++i) {
    if (names[i] == text) return static_cast<E>(i);
  }
  return std::nullopt;
}

template <typename E>
std::vector<std::string_view> enum_spellings() {
  std::vector<std::string_view> out;
  for (std::string_view name : EnumTable<E>::names) {
    if (!name.empty()) out.push_back(name);
  }
  return out;
}

#define TOPOCHECK_ENUM_FUNCTIONS(E)                                \
  template std::optional<E> enum_from_string<E>(std::string_view); \
  template std::vector<std::string_view> enum_spellings<E>();      \
  std::string_view to_string(E value) { return spelling(value); }

TOPOCHECK_ENUM_FUNCTIONS(ZoneKind)
TOPOCHECK_ENUM_FUNCTIONS(Environment)
TOPOCHECK_ENUM_FUNCTIONS(Lifecycle)
TOPOCHECK_ENUM_FUNCTIONS(Provider)
TOPOCHECK_ENUM_FUNCTIONS(OsFamily)
TOPOCHECK_ENUM_FUNCTIONS(AgentKind)
TOPOCHECK_ENUM_FUNCTIONS(Revocation)
TOPOCHECK_ENUM_FUNCTIONS(DirectoryKind)
TOPOCHECK_ENUM_FUNCTIONS(RuleAction)
TOPOCHECK_ENUM_FUNCTIONS(RelationType)
TOPOCHECK_ENUM_FUNCTIONS(ScanMethod)
TOPOCHECK_ENUM_FUNCTIONS(VulnStatus)
TOPOCHECK_ENUM_FUNCTIONS(AccountKind)
TOPOCHECK_ENUM_FUNCTIONS(ChangeKind)

#undef TOPOCHECK_ENUM_FUNCTIONS

template std::optional<CiClass> enum_from_string<CiClass>(std::string_view);
template std::vector<std::string_view> enum_spellings<CiClass>();

std::string_view to_string(CiClass value) {
  return value == CiClass::other ? std::string_view{"other"} : spelling(value);
}

SourceLoc Located::where(std::string_view field) const {
  for (const FieldLoc& f : fields) {
    if (f.field != nullptr && field == f.field) return SourceLoc{loc.file, f.line, f.column};
  }
  return loc;
}

Index Estate::find_ci(std::string_view id) const { return find_in(ci_by_id, id); }
Index Estate::find_zone(std::string_view id) const { return find_in(zone_by_id, id); }
Index Estate::find_subnet(std::string_view id) const { return find_in(subnet_by_id, id); }
Index Estate::find_certificate(std::string_view id) const { return find_in(certificate_by_id, id); }
Index Estate::find_change(std::string_view id) const { return find_in(change_by_id, id); }

std::string Estate::describe(const SourceLoc& loc) const {
  std::string path = loc.file < files.size() ? files[loc.file].path : std::string("<unknown>");
  return path + ":" + std::to_string(loc.line);
}

}  // namespace topocheck
