// The network tables: zones, subnets, firewall rules and NAT.
#include "checker/load/entity_readers.h"
#include "checker/load/value_readers.h"

namespace topocheck {
namespace {

constexpr std::string_view kEndpointForms = "any, zone:ID, subnet:ID, ci:ID or cidr:RANGE";

struct EndpointPrefix {
  std::string_view prefix;
  Endpoint::Kind kind;
};

constexpr EndpointPrefix kEndpointPrefixes[] = {
    {"zone:", Endpoint::Kind::zone},
    {"subnet:", Endpoint::Kind::subnet},
    {"ci:", Endpoint::Kind::ci},
    {"cidr:", Endpoint::Kind::cidr},
};

// One element of `from` or `to`. Zone, subnet and ci endpoints become references; the rule's
// endpoint list must already hold the element at `i`.
void read_endpoint(FieldReader& r, const char* key, uint32_t i, std::string_view text,
                   const SourceLoc& at, Endpoint& out) {
  if (text == "any") return;  // Endpoint{} is "any"
  for (const auto& [prefix, kind] : kEndpointPrefixes) {
    if (text.substr(0, prefix.size()) != prefix || text.size() == prefix.size()) continue;
    std::string_view value = text.substr(prefix.size());
    out.kind = kind;
    if (kind == Endpoint::Kind::cidr) {
      if (auto cidr = parse_cidr_field(r, indexed(key, i), value, at)) out.cidr = *cidr;
      return;
    }
    RefSlot slot = std::string_view(key) == "from" ? RefSlot::rule_from : RefSlot::rule_to;
    add_reference(r.context(), slot, r.entity(), i, value, at);
    return;
  }
  r.field_error(
      indexed(key, i), at,
      "invalid endpoint \"" + std::string(text) + "\"; expected " + std::string(kEndpointForms));
}

void read_endpoints(FieldReader& r, const char* key, std::vector<Endpoint>& out) {
  const doc::Array* array = r.array(key, "an array of endpoints");
  if (array == nullptr) return;
  if (array->empty()) {
    r.field_error(key, r.value_loc(key), "must name at least one endpoint (\"any\" for all)");
    return;
  }
  out.resize(array->size());
  r.each_string(key, *array, [&](uint32_t i, std::string_view text, const SourceLoc& at) {
    read_endpoint(r, key, i, text, at, out[i]);
  });
}

void read_rule_services(FieldReader& r, Rule& rule) {
  const doc::Array* array = r.array("services", "an array of services");
  if (array == nullptr) return;
  if (array->empty()) {
    r.field_error("services", r.value_loc("services"),
                  "must name at least one service (\"any\" for all)");
    return;
  }
  r.each_string("services", *array, [&](uint32_t i, std::string_view text, const SourceLoc& at) {
    if (auto s = parse_service_field(r, indexed("services", i), text, at)) {
      rule.services.push_back(*s);
    }
  });
}

}  // namespace

void read_zone(LoadContext& ctx, const doc::Table& table) {
  Index index = static_cast<Index>(ctx.estate.zones.size());
  Zone& zone = ctx.estate.zones.emplace_back();
  zone.loc = ctx.loc(table.source());
  FieldReader r(ctx, table, Table::zone, index, &zone);
  if (auto id = read_id(r, Table::zone, index)) zone.id = std::move(*id);
  if (auto kind = r.enumeration<ZoneKind>("kind")) zone.kind = *kind;
  zone.environment = r.enumeration<Environment>("environment").value_or(Environment::unset);
  if (auto site = r.string("site")) zone.site = std::string(*site);
  read_reference_list(r, "ids_visibility", RefSlot::zone_ids_visibility, zone.ids_visibility);
  r.require({"id", "kind"});
  r.finish();
}

void read_subnet(LoadContext& ctx, const doc::Table& table) {
  Index index = static_cast<Index>(ctx.estate.subnets.size());
  Subnet& subnet = ctx.estate.subnets.emplace_back();
  subnet.loc = ctx.loc(table.source());
  FieldReader r(ctx, table, Table::subnet, index, &subnet);
  if (auto id = read_id(r, Table::subnet, index)) subnet.id = std::move(*id);
  read_reference(r, "zone", RefSlot::subnet_zone);
  if (auto cidr = read_cidr(r, "cidr")) subnet.cidr = *cidr;
  subnet.agreed = r.boolean("agreed");
  r.require({"id", "zone", "cidr"});
  r.finish();
}

void read_rule(LoadContext& ctx, const doc::Table& table) {
  Index index = static_cast<Index>(ctx.estate.rules.size());
  Rule& rule = ctx.estate.rules.emplace_back();
  rule.loc = ctx.loc(table.source());
  ctx.rule_firewalls.emplace_back();
  FieldReader r(ctx, table, Table::rule, index, &rule);
  if (auto order = r.integer("order")) rule.order = *order;
  if (auto firewall = r.string("firewall")) {
    // Kept before the reference is resolved: messages about the rule name its firewall.
    ctx.rule_firewalls[index] = std::string(*firewall);
    add_reference(ctx, RefSlot::rule_firewall, index, 0, *firewall, r.value_loc("firewall"));
  }
  if (auto action = r.enumeration<RuleAction>("action")) rule.action = *action;
  read_endpoints(r, "from", rule.from);
  read_endpoints(r, "to", rule.to);
  read_rule_services(r, rule);
  if (auto ref = r.string("ref")) rule.ref = std::string(*ref);
  r.require({"firewall", "order", "action", "from", "to", "services"});
  r.finish();
}

void read_nat(LoadContext& ctx, const doc::Table& table) {
  Index index = static_cast<Index>(ctx.estate.nats.size());
  Nat& nat = ctx.estate.nats.emplace_back();
  nat.loc = ctx.loc(table.source());
  FieldReader r(ctx, table, Table::nat, index, &nat);
  read_reference(r, "firewall", RefSlot::nat_firewall);
  if (auto ip = read_ip(r, "public")) nat.public_ip = *ip;
  nat.service = read_service(r, "service");
  read_reference(r, "to_ci", RefSlot::nat_to_ci);
  nat.to_ip = read_ip(r, "to_ip");
  r.require({"firewall", "public"});
  if (!r.has("to_ci") && !r.has("to_ip")) {
    ctx.error(nat.loc, "nat.to_ci", r.owner() + " needs a target: set 'to_ci' or 'to_ip'");
  } else if (r.has("to_ci") && r.has("to_ip")) {
    r.field_error("to_ip", r.value_loc("to_ip"), "set only one of 'to_ci' and 'to_ip'");
  }
  r.finish();
}

}  // namespace topocheck
