// [[ci]]: configuration items, with their class-specific fields.
#include <algorithm>

#include "checker/load/ci_parts.h"
#include "checker/load/entity_readers.h"
#include "checker/load/suggest.h"
#include "checker/load/value_readers.h"

namespace topocheck {
namespace {

// Classes outside the known list are carried through as `other`; one that is a near miss of a
// known class is most likely a typo, and a typo must not pass silently.
void read_class(FieldReader& r, Ci& ci) {
  auto cls = r.string("class");
  if (!cls) return;
  if (cls->empty()) {
    r.field_error("class", r.value_loc("class"), "must not be empty");
    return;
  }
  ci.class_name = std::string(*cls);
  if (auto known = enum_from_string<CiClass>(*cls)) {
    ci.cls = *known;
    return;
  }
  ci.cls = CiClass::other;
  if (auto near = closest_spelling(*cls, enum_spellings<CiClass>())) {
    r.field_warning("class", r.value_loc("class"),
                    "unknown class \"" + ci.class_name + "\" is carried through as 'other'; " +
                        "did you mean '" + std::string(*near) + "'?");
  }
}

void read_string(FieldReader& r, const char* key, std::string& out) {
  if (auto value = r.string(key)) out = std::string(*value);
}

void read_description(FieldReader& r, Ci& ci) {
  read_string(r, "name", ci.name);
  ci.environment = r.enumeration<Environment>("environment").value_or(Environment::unset);
  ci.lifecycle = r.enumeration<Lifecycle>("lifecycle").value_or(Lifecycle::unset);
  read_string(r, "operational_status", ci.operational_status);
  ci.provided_by = r.enumeration<Provider>("provided_by").value_or(Provider::unset);
  read_string(r, "service", ci.service);
  read_string(r, "site", ci.site);
  read_string(r, "fire_zone", ci.fire_zone);
  read_string(r, "owner", ci.owner);
  ci.updated_at = r.timestamp("updated_at");
  read_open_string_map(r, "billing", ci.billing);
  read_hardware(r, ci);
  read_os(r, ci);
}

void read_operations(FieldReader& r, Ci& ci) {
  read_reference_list(r, "dns", RefSlot::ci_dns, ci.dns);
  read_reference_list(r, "ntp", RefSlot::ci_ntp, ci.ntp);
  read_reference_list(r, "log_targets", RefSlot::ci_log_target, ci.log_targets);
  read_reference_list(r, "monitored_by", RefSlot::ci_monitored_by, ci.monitored_by);
  read_log_retention(r, ci);
  read_scan(r, "vuln_scan", ci.vuln_scan);
  read_scan(r, "sam_scan", ci.sam_scan);
}

// Fields the format defines for some classes only. They are read for every CI (exports may
// carry them anyway), with a warning where the class does not match.
struct ClassField {
  const char* key;
  std::initializer_list<CiClass> classes;
};

void warn_misplaced_class_fields(FieldReader& r, const Ci& ci) {
  static const ClassField kClassFields[] = {
      {"ips", {CiClass::firewall}},
      {"log_to", {CiClass::firewall}},
      {"default_action", {CiClass::firewall}},
      {"managed_by", {CiClass::firewall, CiClass::load_balancer}},
      {"issuer", {CiClass::ca}},
      {"root", {CiClass::ca}},
  };
  if (ci.class_name.empty()) return;
  for (const ClassField& f : kClassFields) {
    if (!r.has(f.key)) continue;
    if (std::find(f.classes.begin(), f.classes.end(), ci.cls) != f.classes.end()) continue;
    std::string classes;
    for (CiClass c : f.classes)
      classes += (classes.empty() ? "" : " or ") + std::string(to_string(c));
    r.field_warning(f.key, r.value_loc(f.key),
                    "applies to class " + classes + ", not " + ci.class_name);
  }
}

void read_class_fields(FieldReader& r, Ci& ci) {
  ci.ips = r.boolean("ips");
  read_reference(r, "managed_by", RefSlot::ci_managed_by);
  read_reference_list(r, "log_to", RefSlot::ci_log_to, ci.log_to);
  ci.default_action = r.enumeration<RuleAction>("default_action");
  read_reference(r, "issuer", RefSlot::ci_issuer);
  ci.root = r.boolean("root").value_or(false);
  // topocheck extension (docs/estate-format.md): an alternative admin path for PAM outages.
  ci.break_glass = r.boolean("break_glass").value_or(false);
  warn_misplaced_class_fields(r, ci);
}

}  // namespace

void read_ci(LoadContext& ctx, const doc::Table& table) {
  Index index = static_cast<Index>(ctx.estate.cis.size());
  Ci& ci = ctx.estate.cis.emplace_back();
  ci.loc = ctx.loc(table.source());
  FieldReader r(ctx, table, Table::ci, index, &ci);
  if (auto id = read_id(r, Table::ci, index)) ci.id = std::move(*id);
  read_class(r, ci);  // before any reference: a CI may name itself, and targets' classes matter
  read_description(r, ci);
  read_interfaces(r, ci);
  ci.public_ips = read_ip_list(r, "public_ips");
  ci.listens = read_service_list(r, "listens");
  read_agents(r, ci);
  read_trust(r, ci);
  read_reference_list(r, "certificates", RefSlot::ci_certificate, ci.certificates);
  read_identity(r, ci);
  read_operations(r, ci);
  read_class_fields(r, ci);
  r.require({"id", "class"});
  r.finish();
}

}  // namespace topocheck
