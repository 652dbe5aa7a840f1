// The nested parts of a [[ci]].
#include "checker/load/ci_parts.h"

#include "checker/load/toml_values.h"
#include "checker/load/value_readers.h"

namespace topocheck {
namespace {

// A reader for the inline table at `key` of the CI, or nothing when absent or not a table.
std::optional<FieldReader> nested(FieldReader& r, const char* key, const std::string& prefix) {
  const doc::Table* table = r.table(key);
  if (table == nullptr) return std::nullopt;
  return std::optional<FieldReader>(std::in_place, r.context(), *table, Table::ci, r.entity(),
                                    nullptr, prefix + ".");
}

FieldReader element_reader(FieldReader& r, const char* key, uint32_t i, const doc::Table& t) {
  return FieldReader(r.context(), t, Table::ci, r.entity(), nullptr, indexed(key, i) + ".");
}

void read_interface(FieldReader& r, uint32_t i, const doc::Table& t, Interface& out) {
  FieldReader e = element_reader(r, "interfaces", i, t);
  read_reference(e, "subnet", RefSlot::ci_interface_subnet, i);
  read_reference(e, "zone", RefSlot::ci_interface_zone, i);
  out.ip = read_ip(e, "ip");
  if (!e.has("subnet") && !e.has("zone")) {
    r.field_error(indexed("interfaces", i), out.loc,
                  "an interface needs a 'subnet' or, where no subnet is exported, a 'zone'");
  }
  e.finish();
}

void read_agent(FieldReader& r, uint32_t i, const doc::Table& t, Agent& out) {
  FieldReader e = element_reader(r, "agents", i, t);
  if (auto kind = e.enumeration<AgentKind>("kind")) out.kind = *kind;
  if (auto product = e.string("product")) out.product = std::string(*product);
  out.provided_by = e.enumeration<Provider>("provided_by").value_or(Provider::unset);
  if (auto state = e.string("state")) out.state = std::string(*state);
  if (auto role = e.string("role")) out.role = std::string(*role);
  e.require({"kind"});
  e.finish();
}

void read_local_account(FieldReader& r, uint32_t i, const doc::Table& t, LocalAccount& out) {
  FieldReader e = element_reader(r, "identity.local_accounts", i, t);
  if (auto name = e.string("name")) out.name = std::string(*name);
  if (auto approval = e.string("approval")) out.approval = std::string(*approval);
  e.require({"name"});
  e.finish();
}

}  // namespace

void read_interfaces(FieldReader& r, Ci& ci) {
  const doc::Array* array = r.array("interfaces", "an array of tables");
  if (array == nullptr) return;
  // Sized first: references fill interfaces[i] in place, now or after all files are read.
  ci.interfaces.resize(array->size());
  r.each_table("interfaces", *array, [&](uint32_t i, const doc::Table& t, const SourceLoc& at) {
    ci.interfaces[i].loc = at;
    read_interface(r, i, t, ci.interfaces[i]);
  });
}

void read_agents(FieldReader& r, Ci& ci) {
  const doc::Array* array = r.array("agents", "an array of tables");
  if (array == nullptr) return;
  r.each_table("agents", *array, [&](uint32_t i, const doc::Table& t, const SourceLoc& at) {
    Agent& agent = ci.agents.emplace_back();
    agent.loc = at;
    read_agent(r, i, t, agent);
  });
}

void read_os(FieldReader& r, Ci& ci) {
  auto os = nested(r, "os", "os");
  if (!os) return;
  ci.os.family = os->enumeration<OsFamily>("family").value_or(OsFamily::unset);
  if (auto name = os->string("name")) ci.os.name = std::string(*name);
  if (auto version = os->string("version")) ci.os.version = std::string(*version);
  os->finish();
}

void read_trust(FieldReader& r, Ci& ci) {
  auto trust = nested(r, "trust", "trust");
  if (!trust) return;
  read_reference_list(*trust, "roots", RefSlot::ci_trust_root, ci.trust.roots);
  ci.trust.revocation = trust->enumeration<Revocation>("revocation").value_or(Revocation::unset);
  trust->finish();
}

void read_identity(FieldReader& r, Ci& ci) {
  auto identity = nested(r, "identity", "identity");
  if (!identity) return;
  ci.identity.directory =
      identity->enumeration<DirectoryKind>("directory").value_or(DirectoryKind::unset);
  if (const doc::Array* accounts = identity->array("local_accounts", "an array of tables")) {
    identity->each_table("local_accounts", *accounts,
                         [&](uint32_t i, const doc::Table& t, const SourceLoc& at) {
                           LocalAccount& account = ci.identity.local_accounts.emplace_back();
                           account.loc = at;
                           read_local_account(r, i, t, account);
                         });
  }
  identity->finish();
}

void read_scan(FieldReader& r, const char* key, Ci::Scan& out) {
  auto scan = nested(r, key, key);
  if (!scan) return;
  out.last = scan->timestamp("last");
  out.method = scan->enumeration<ScanMethod>("method").value_or(ScanMethod::unset);
  scan->finish();
}

void read_log_retention(FieldReader& r, Ci& ci) {
  auto retention = nested(r, "log_retention_days", "log_retention_days");
  if (!retention) return;
  // The log kinds of the retention table (004 §4); others are unknown keys (typos warn).
  for (const char* kind : {"infrastructure", "system", "audit", "application", "user_actions",
                           "usage", "connection", "billing"}) {
    auto days = retention->integer(kind);
    if (!days) continue;
    if (*days < 0) {
      retention->field_error(kind, retention->value_loc(kind),
                             std::to_string(*days) + " is negative; expected a number of days");
      continue;
    }
    ci.log_retention_days[kind] = *days;
  }
  retention->finish();
}

void read_open_string_map(FieldReader& r, const char* key,
                          std::map<std::string, std::string>& out) {
  const doc::Table* table = r.table(key);
  if (table == nullptr) return;
  for (const doc::Entry& entry : *table) {
    const doc::Node& value = entry.value;
    if (value.is_string()) {
      out[std::string(entry.key)] = std::string(value.string());
      continue;
    }
    r.field_error(std::string(key) + "." + std::string(entry.key), r.context().loc(value.source()),
                  "expected a string, got " + std::string(toml_type_name(value)));
  }
}

void read_hardware(FieldReader& r, Ci& ci) {
  auto hardware = nested(r, "hardware", "hardware");
  if (!hardware) return;
  for (const char* field : {"manufacturer", "model", "serial"}) {
    if (auto value = hardware->string(field)) ci.hardware[field] = std::string(*value);
  }
  hardware->finish();
}

}  // namespace topocheck
