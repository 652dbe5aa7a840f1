#include "checker/lua/views.h"

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <unordered_map>

namespace topocheck::lua {
namespace {

constexpr const char* kCiMeta = "topocheck.ci";
constexpr const char* kZoneMeta = "topocheck.zone";
constexpr const char* kCertificateMeta = "topocheck.certificate";

template <typename T>
using Getter = void (*)(lua_State*, const Estate&, const T&, Index);

template <typename T>
using FieldMap = std::unordered_map<std::string_view, Getter<T>>;

// One view type: its metatable name, the noun used in messages, its table in the estate, its
// fields.
template <typename T>
struct ViewType;

void push_str(lua_State* L, std::string_view s) { lua_pushlstring(L, s.data(), s.size()); }

template <typename E>
void push_enum(lua_State* L, E value) {
  const std::string_view s = to_string(value);
  if (s.empty() || s == "unset") {
    lua_pushnil(L);
  } else {
    push_str(L, s);
  }
}

void push_ts(lua_State* L, const std::optional<Timestamp>& t) {
  if (t) {
    push_str(L, to_string(*t));
  } else {
    lua_pushnil(L);
  }
}

void push_date(lua_State* L, const std::optional<Date>& d) {
  if (d) {
    push_str(L, to_string(*d));
  } else {
    lua_pushnil(L);
  }
}

template <typename Pusher>
void push_index_list(lua_State* L, const std::vector<Index>& list, Pusher push) {
  lua_createtable(L, static_cast<int>(list.size()), 0);
  for (size_t i = 0; i < list.size(); ++i) {
    push(L, list[i]);
    lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  }
}

void push_string_map(lua_State* L, const std::map<std::string, std::string>& m) {
  lua_createtable(L, 0, static_cast<int>(m.size()));
  for (const auto& [k, v] : m) {
    push_str(L, v);
    lua_setfield(L, -2, k.c_str());
  }
}

void push_optional_bool(lua_State* L, const std::optional<bool>& b) {
  if (b) {
    lua_pushboolean(L, *b);
  } else {
    lua_pushnil(L);
  }
}

std::string endpoint_text(const Estate& e, const Endpoint& ep) {
  switch (ep.kind) {
    case Endpoint::Kind::any: return "any";
    case Endpoint::Kind::zone: return "zone:" + e.zones[ep.target].id;
    case Endpoint::Kind::subnet: return "subnet:" + e.subnets[ep.target].id;
    case Endpoint::Kind::ci: return "ci:" + e.cis[ep.target].id;
    case Endpoint::Kind::cidr: return "cidr:" + to_string(ep.cidr);
  }
  return "?";
}

void push_endpoints(lua_State* L, const Estate& e, const std::vector<Endpoint>& eps) {
  lua_createtable(L, static_cast<int>(eps.size()), 0);
  for (size_t i = 0; i < eps.size(); ++i) {
    push_str(L, endpoint_text(e, eps[i]));
    lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  }
}

// ---- methods shared by every view --------------------------------------------------------

template <typename T>
const T& entity_at(lua_State* L, int arg);

template <typename T>
int where_method(lua_State* L) {
  const T& entity = entity_at<T>(L, 1);
  const char* field = luaL_optstring(L, 2, "");
  push_location(L, entity.where(field));
  return 1;
}

// ci:related(type [, "out"|"in"]) -> { {ci = view, relation = view}, ... }
int related_method(lua_State* L) {
  std::string meta;
  const Index ci = to_view(L, 1, meta);
  if (meta != kCiMeta) return luaL_argerror(L, 1, "expected a ci");
  const char* type_name = luaL_checkstring(L, 2);
  const auto type = enum_from_string<RelationType>(type_name);
  if (!type) return luaL_argerror(L, 2, "unknown relation type");
  const std::string_view direction = luaL_optstring(L, 3, "out");
  if (direction != "out" && direction != "in") return luaL_argerror(L, 3, "expected 'out' or 'in'");
  const EstateGraph& graph = *context(L).graph;
  const auto neighbours = direction == "out" ? graph.related_out(ci, *type) : graph.related_in(ci, *type);
  lua_createtable(L, static_cast<int>(neighbours.size()), 0);
  for (size_t i = 0; i < neighbours.size(); ++i) {
    lua_createtable(L, 0, 2);
    push_ci(L, neighbours[i].ci);
    lua_setfield(L, -2, "ci");
    push_relation(L, neighbours[i].relation);
    lua_setfield(L, -2, "relation");
    lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  }
  return 1;
}

// ci.relation_count: relations naming the CI, either way. Counted for every CI on first use and
// kept in the registry (a policy asking for one CI is likely to ask for all of them), so a policy
// need not walk every relation to learn which CIs have one.
uint32_t relation_count(lua_State* L, const Estate& e, Index ci) {
  static const char* const kKey = "topocheck.relation_counts";
  if (lua_getfield(L, LUA_REGISTRYINDEX, kKey) != LUA_TUSERDATA) {
    lua_pop(L, 1);
    auto* counts = static_cast<uint32_t*>(lua_newuserdatauv(L, sizeof(uint32_t) * e.cis.size() + 1, 0));
    std::fill(counts, counts + e.cis.size(), 0u);
    for (const Relation& r : e.relations) {
      ++counts[r.from];
      if (r.to != r.from) ++counts[r.to];
    }
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, kKey);
  }
  const uint32_t n = static_cast<const uint32_t*>(lua_touserdata(L, -1))[ci];
  lua_pop(L, 1);
  return n;
}

// cert:chain() -> { ca view, ... } from the issuer up to the root
int chain_method(lua_State* L) {
  std::string meta;
  const Index cert = to_view(L, 1, meta);
  if (meta != kCertificateMeta) return luaL_argerror(L, 1, "expected a certificate");
  push_index_list(L, context(L).graph->issuer_chain(cert), push_ci);
  return 1;
}

// zone:cis() -> { ci view, ... } with an interface in the zone
int zone_cis_method(lua_State* L) {
  std::string meta;
  const Index zone = to_view(L, 1, meta);
  if (meta != kZoneMeta) return luaL_argerror(L, 1, "expected a zone");
  const auto members = context(L).graph->cis_in_zone(zone);
  push_index_list(L, std::vector<Index>(members.begin(), members.end()), push_ci);
  return 1;
}

#define FIELD(name, ...)                                                \
  {                                                                     \
    name, [](lua_State* L, const Estate& e, const auto& x, Index i) {   \
      (void)e;                                                          \
      (void)x;                                                          \
      (void)i;                                                          \
      __VA_ARGS__;                                                      \
    }                                                                   \
  }

// ---- the view types ----------------------------------------------------------------------

template <>
struct ViewType<Ci> {
  static constexpr const char* meta = kCiMeta;
  static constexpr const char* noun = "ci";
  static const std::vector<Ci>& table(const Estate& e) { return e.cis; }
  static const std::string& label(const Ci& c) { return c.id; }
  static const FieldMap<Ci>& fields() {
    static const FieldMap<Ci> map = {
        FIELD("id", push_str(L, x.id)),
        FIELD("class", push_str(L, x.class_name)),
        FIELD("name", push_string_or_nil(L, x.name)),
        FIELD("environment", push_enum(L, x.environment)),
        FIELD("lifecycle", push_enum(L, x.lifecycle)),
        FIELD("operational_status", push_string_or_nil(L, x.operational_status)),
        FIELD("provided_by", push_enum(L, x.provided_by)),
        FIELD("service", push_string_or_nil(L, x.service)),
        FIELD("site", push_string_or_nil(L, x.site)),
        FIELD("fire_zone", push_string_or_nil(L, x.fire_zone)),
        FIELD("owner", push_string_or_nil(L, x.owner)),
        FIELD("updated_at", push_ts(L, x.updated_at)),
        FIELD("billing", push_string_map(L, x.billing)),
        FIELD("hardware", push_string_map(L, x.hardware)),
        FIELD("os", {
          lua_createtable(L, 0, 3);
          push_enum(L, x.os.family);
          lua_setfield(L, -2, "family");
          push_string_or_nil(L, x.os.name);
          lua_setfield(L, -2, "name");
          push_string_or_nil(L, x.os.version);
          lua_setfield(L, -2, "version");
        }),
        FIELD("interfaces", {
          lua_createtable(L, static_cast<int>(x.interfaces.size()), 0);
          for (size_t k = 0; k < x.interfaces.size(); ++k) {
            const Interface& itf = x.interfaces[k];
            lua_createtable(L, 0, 4);
            if (itf.subnet != kNoIndex) push_str(L, e.subnets[itf.subnet].id); else lua_pushnil(L);
            lua_setfield(L, -2, "subnet");
            if (itf.zone != kNoIndex) push_str(L, e.zones[itf.zone].id); else lua_pushnil(L);
            lua_setfield(L, -2, "zone");
            if (itf.ip) push_str(L, to_string(*itf.ip)); else lua_pushnil(L);
            lua_setfield(L, -2, "ip");
            push_location(L, itf.loc);
            lua_setfield(L, -2, "where");
            lua_rawseti(L, -2, static_cast<lua_Integer>(k + 1));
          }
        }),
        FIELD("zones", push_index_list(L, context(L).graph->zones_of(i), push_zone)),
        FIELD("public_ips", {
          lua_createtable(L, static_cast<int>(x.public_ips.size()), 0);
          for (size_t k = 0; k < x.public_ips.size(); ++k) {
            push_str(L, to_string(x.public_ips[k]));
            lua_rawseti(L, -2, static_cast<lua_Integer>(k + 1));
          }
        }),
        FIELD("listens", push_service_list(L, x.listens)),
        FIELD("agents", {
          lua_createtable(L, static_cast<int>(x.agents.size()), 0);
          for (size_t k = 0; k < x.agents.size(); ++k) {
            const Agent& a = x.agents[k];
            lua_createtable(L, 0, 6);
            push_enum(L, a.kind);
            lua_setfield(L, -2, "kind");
            push_string_or_nil(L, a.product);
            lua_setfield(L, -2, "product");
            push_enum(L, a.provided_by);
            lua_setfield(L, -2, "provided_by");
            push_string_or_nil(L, a.state);
            lua_setfield(L, -2, "state");
            push_string_or_nil(L, a.role);
            lua_setfield(L, -2, "role");
            push_location(L, a.loc);
            lua_setfield(L, -2, "where");
            lua_rawseti(L, -2, static_cast<lua_Integer>(k + 1));
          }
        }),
        FIELD("trust", {
          lua_createtable(L, 0, 2);
          push_index_list(L, x.trust.roots, push_ci);
          lua_setfield(L, -2, "roots");
          push_enum(L, x.trust.revocation);
          lua_setfield(L, -2, "revocation");
        }),
        FIELD("certificates", push_index_list(L, x.certificates, push_certificate)),
        FIELD("identity", {
          lua_createtable(L, 0, 2);
          push_enum(L, x.identity.directory);
          lua_setfield(L, -2, "directory");
          const auto& accounts = x.identity.local_accounts;
          lua_createtable(L, static_cast<int>(accounts.size()), 0);
          for (size_t k = 0; k < accounts.size(); ++k) {
            lua_createtable(L, 0, 3);
            push_str(L, accounts[k].name);
            lua_setfield(L, -2, "name");
            push_string_or_nil(L, accounts[k].approval);
            lua_setfield(L, -2, "approval");
            push_location(L, accounts[k].loc);
            lua_setfield(L, -2, "where");
            lua_rawseti(L, -2, static_cast<lua_Integer>(k + 1));
          }
          lua_setfield(L, -2, "local_accounts");
        }),
        FIELD("dns", push_index_list(L, x.dns, push_ci)),
        FIELD("ntp", push_index_list(L, x.ntp, push_ci)),
        FIELD("log_targets", push_index_list(L, x.log_targets, push_ci)),
        FIELD("monitored_by", push_index_list(L, x.monitored_by, push_ci)),
        FIELD("log_retention_days", {
          lua_createtable(L, 0, static_cast<int>(x.log_retention_days.size()));
          for (const auto& [k, v] : x.log_retention_days) {
            lua_pushinteger(L, v);
            lua_setfield(L, -2, k.c_str());
          }
        }),
        FIELD("vuln_scan", {
          lua_createtable(L, 0, 2);
          push_ts(L, x.vuln_scan.last);
          lua_setfield(L, -2, "last");
          push_enum(L, x.vuln_scan.method);
          lua_setfield(L, -2, "method");
        }),
        FIELD("sam_scan", {
          lua_createtable(L, 0, 1);
          push_ts(L, x.sam_scan.last);
          lua_setfield(L, -2, "last");
        }),
        FIELD("ips", push_optional_bool(L, x.ips)),
        FIELD("managed_by", push_ci(L, x.managed_by)),
        FIELD("log_to", push_index_list(L, x.log_to, push_ci)),
        FIELD("default_action", {
          if (x.default_action) push_enum(L, *x.default_action); else lua_pushnil(L);
        }),
        FIELD("issuer", push_ci(L, x.issuer)),
        FIELD("root", lua_pushboolean(L, x.root)),
        FIELD("break_glass", lua_pushboolean(L, x.break_glass)),
        FIELD("where", lua_pushcfunction(L, where_method<Ci>)),
        FIELD("related", lua_pushcfunction(L, related_method)),
        FIELD("relation_count", lua_pushinteger(L, relation_count(L, e, i))),
        FIELD("interface_count", lua_pushinteger(L, static_cast<lua_Integer>(x.interfaces.size()))),
    };
    return map;
  }
};

template <>
struct ViewType<Zone> {
  static constexpr const char* meta = kZoneMeta;
  static constexpr const char* noun = "zone";
  static const std::vector<Zone>& table(const Estate& e) { return e.zones; }
  static const std::string& label(const Zone& z) { return z.id; }
  static const FieldMap<Zone>& fields() {
    static const FieldMap<Zone> map = {
        FIELD("id", push_str(L, x.id)),
        FIELD("kind", push_enum(L, x.kind)),
        FIELD("environment", push_enum(L, x.environment)),
        FIELD("site", push_string_or_nil(L, x.site)),
        FIELD("ids_visibility", push_index_list(L, x.ids_visibility, push_ci)),
        FIELD("cis", lua_pushcfunction(L, zone_cis_method)),
        FIELD("where", lua_pushcfunction(L, where_method<Zone>)),
    };
    return map;
  }
};

template <>
struct ViewType<Subnet> {
  static constexpr const char* meta = "topocheck.subnet";
  static constexpr const char* noun = "subnet";
  static const std::vector<Subnet>& table(const Estate& e) { return e.subnets; }
  static const std::string& label(const Subnet& s) { return s.id; }
  static const FieldMap<Subnet>& fields() {
    static const FieldMap<Subnet> map = {
        FIELD("id", push_str(L, x.id)),
        FIELD("zone", push_zone(L, x.zone)),
        FIELD("cidr", push_str(L, to_string(x.cidr))),
        FIELD("agreed", push_optional_bool(L, x.agreed)),
        FIELD("where", lua_pushcfunction(L, where_method<Subnet>)),
    };
    return map;
  }
};

template <>
struct ViewType<Rule> {
  static constexpr const char* meta = "topocheck.rule";
  static constexpr const char* noun = "rule";
  static const std::vector<Rule>& table(const Estate& e) { return e.rules; }
  static std::string label(const Rule& r) { return r.ref.empty() ? "order " + std::to_string(r.order) : r.ref; }
  static const FieldMap<Rule>& fields() {
    static const FieldMap<Rule> map = {
        FIELD("firewall", push_ci(L, x.firewall)),
        FIELD("order", lua_pushinteger(L, x.order)),
        FIELD("action", push_enum(L, x.action)),
        FIELD("from", push_endpoints(L, e, x.from)),
        FIELD("to", push_endpoints(L, e, x.to)),
        FIELD("services", push_service_list(L, x.services)),
        FIELD("ref", push_string_or_nil(L, x.ref)),
        FIELD("where", lua_pushcfunction(L, where_method<Rule>)),
    };
    return map;
  }
};

template <>
struct ViewType<Nat> {
  static constexpr const char* meta = "topocheck.nat";
  static constexpr const char* noun = "nat";
  static const std::vector<Nat>& table(const Estate& e) { return e.nats; }
  static std::string label(const Nat& n) { return to_string(n.public_ip); }
  static const FieldMap<Nat>& fields() {
    static const FieldMap<Nat> map = {
        FIELD("firewall", push_ci(L, x.firewall)),
        FIELD("public", push_str(L, to_string(x.public_ip))),
        FIELD("service", { if (x.service) push_str(L, to_string(*x.service)); else lua_pushnil(L); }),
        FIELD("to_ci", push_ci(L, x.to_ci)),
        FIELD("to_ip", { if (x.to_ip) push_str(L, to_string(*x.to_ip)); else lua_pushnil(L); }),
        FIELD("where", lua_pushcfunction(L, where_method<Nat>)),
    };
    return map;
  }
};

template <>
struct ViewType<Relation> {
  static constexpr const char* meta = "topocheck.relation";
  static constexpr const char* noun = "relation";
  static const std::vector<Relation>& table(const Estate& e) { return e.relations; }
  static std::string label(const Relation& r) { return std::string(to_string(r.type)); }
  static const FieldMap<Relation>& fields() {
    static const FieldMap<Relation> map = {
        FIELD("from", push_ci(L, x.from)),
        FIELD("to", push_ci(L, x.to)),
        FIELD("type", push_enum(L, x.type)),
        FIELD("on", { if (x.on) push_str(L, to_string(*x.on)); else lua_pushnil(L); }),
        FIELD("services", push_service_list(L, x.services)),
        FIELD("ruleset", push_string_or_nil(L, x.ruleset)),
        FIELD("where", lua_pushcfunction(L, where_method<Relation>)),
    };
    return map;
  }
};

template <>
struct ViewType<Certificate> {
  static constexpr const char* meta = kCertificateMeta;
  static constexpr const char* noun = "certificate";
  static const std::vector<Certificate>& table(const Estate& e) { return e.certificates; }
  static const std::string& label(const Certificate& c) { return c.id; }
  static const FieldMap<Certificate>& fields() {
    static const FieldMap<Certificate> map = {
        FIELD("id", push_str(L, x.id)),
        FIELD("subject", push_string_or_nil(L, x.subject)),
        FIELD("issuer", push_ci(L, x.issuer)),
        FIELD("not_after", push_ts(L, x.not_after)),
        FIELD("chain", lua_pushcfunction(L, chain_method)),
        FIELD("where", lua_pushcfunction(L, where_method<Certificate>)),
    };
    return map;
  }
};

template <>
struct ViewType<Vulnerability> {
  static constexpr const char* meta = "topocheck.vulnerability";
  static constexpr const char* noun = "vulnerability";
  static const std::vector<Vulnerability>& table(const Estate& e) { return e.vulnerabilities; }
  static const std::string& label(const Vulnerability& v) { return v.cve; }
  static const FieldMap<Vulnerability>& fields() {
    static const FieldMap<Vulnerability> map = {
        FIELD("ci", push_ci(L, x.ci)),
        FIELD("cve", push_str(L, x.cve)),
        FIELD("cvss", lua_pushnumber(L, x.cvss)),
        FIELD("kev", lua_pushboolean(L, x.kev)),
        FIELD("kev_added", push_date(L, x.kev_added)),
        FIELD("first_seen", push_date(L, x.first_seen)),
        FIELD("status", push_enum(L, x.status)),
        FIELD("fixed_at", push_date(L, x.fixed_at)),
        FIELD("fixed_by_change", push_string_or_nil(L, x.fixed_by_change)),
        FIELD("change", push_change(L, x.fixed_by_change_index)),
        FIELD("where", lua_pushcfunction(L, where_method<Vulnerability>)),
    };
    return map;
  }
};

template <>
struct ViewType<Account> {
  static constexpr const char* meta = "topocheck.account";
  static constexpr const char* noun = "account";
  static const std::vector<Account>& table(const Estate& e) { return e.accounts; }
  static const std::string& label(const Account& a) { return a.id; }
  static const FieldMap<Account>& fields() {
    static const FieldMap<Account> map = {
        FIELD("id", push_str(L, x.id)),
        FIELD("kind", push_enum(L, x.kind)),
        FIELD("directory", push_enum(L, x.directory)),
        FIELD("owner", push_enum(L, x.owner)),
        FIELD("where", lua_pushcfunction(L, where_method<Account>)),
    };
    return map;
  }
};

template <>
struct ViewType<Change> {
  static constexpr const char* meta = "topocheck.change";
  static constexpr const char* noun = "change";
  static const std::vector<Change>& table(const Estate& e) { return e.changes; }
  static const std::string& label(const Change& c) { return c.id; }
  static const FieldMap<Change>& fields() {
    static const FieldMap<Change> map = {
        FIELD("id", push_str(L, x.id)),
        FIELD("environment", push_enum(L, x.environment)),
        FIELD("start", push_ts(L, x.start)),
        FIELD("end", push_ts(L, x.end)),
        FIELD("downtime", lua_pushboolean(L, x.downtime)),
        FIELD("emergency", lua_pushboolean(L, x.emergency)),
        FIELD("announced_at", push_ts(L, x.announced_at)),
        FIELD("kind", push_enum(L, x.kind)),
        FIELD("release", push_string_or_nil(L, x.release)),
        FIELD("cis", push_index_list(L, x.cis, push_ci)),
        FIELD("where", lua_pushcfunction(L, where_method<Change>)),
    };
    return map;
  }
};

template <>
struct ViewType<Waiver> {
  static constexpr const char* meta = "topocheck.waiver";
  static constexpr const char* noun = "waiver";
  static const std::vector<Waiver>& table(const Estate& e) { return e.waivers; }
  static std::string label(const Waiver& w) { return w.rule; }
  static const FieldMap<Waiver>& fields() {
    static const FieldMap<Waiver> map = {
        FIELD("rule", push_str(L, x.rule)),
        FIELD("cis", {
          lua_createtable(L, static_cast<int>(x.cis.size()), 0);
          for (size_t k = 0; k < x.cis.size(); ++k) {
            push_str(L, x.cis[k]);
            lua_rawseti(L, -2, static_cast<lua_Integer>(k + 1));
          }
        }),
        FIELD("justification", push_string_or_nil(L, x.justification)),
        FIELD("agreed_by", push_string_or_nil(L, x.agreed_by)),
        FIELD("reference", push_string_or_nil(L, x.reference)),
        FIELD("expires", push_date(L, x.expires)),
        FIELD("where", lua_pushcfunction(L, where_method<Waiver>)),
    };
    return map;
  }
};

#undef FIELD

template <typename T>
const T& entity_at(lua_State* L, int arg) {
  const auto* index = static_cast<const Index*>(luaL_checkudata(L, arg, ViewType<T>::meta));
  return ViewType<T>::table(*context(L).estate)[*index];
}

// The getters of a view type in the order of its field map: the __index closure's upvalue maps
// each field name to its position there (a Lua table lookup of an interned string costs less than
// hashing the key again here).
template <typename T>
const std::vector<Getter<T>>& getters() {
  static const std::vector<Getter<T>> list = [] {
    std::vector<Getter<T>> v;
    for (const auto& field : ViewType<T>::fields()) v.push_back(field.second);
    return v;
  }();
  return list;
}

template <typename T>
int view_index(lua_State* L) {
  // Only reachable as the __index of this view type's metatable, which policies cannot get at
  // (__metatable is set): argument 1 is one of its views.
  const Index index = *static_cast<const Index*>(lua_touserdata(L, 1));
  lua_pushvalue(L, 2);
  const lua_Integer field = lua_rawget(L, lua_upvalueindex(1)) == LUA_TNUMBER ? lua_tointeger(L, -1) : 0;
  lua_pop(L, 1);
  const Estate& estate = *context(L).estate;
  const T& entity = ViewType<T>::table(estate)[index];
  if (field == 0) {
    const char* key = luaL_checkstring(L, 2);
    return luaL_error(L, "%s \"%s\" has no field '%s'", ViewType<T>::noun,
                      std::string(ViewType<T>::label(entity)).c_str(), key);
  }
  getters<T>()[static_cast<size_t>(field - 1)](L, estate, entity, index);
  return 1;
}

int view_newindex(lua_State* L) { return luaL_error(L, "estate views are read-only"); }

template <typename T>
int view_tostring(lua_State* L) {
  const T& entity = entity_at<T>(L, 1);
  const std::string text =
      std::string(ViewType<T>::noun) + " " + std::string(ViewType<T>::label(entity));
  push_str(L, text);
  return 1;
}

template <typename T>
int view_eq(lua_State* L) {
  const auto* a = static_cast<const Index*>(luaL_testudata(L, 1, ViewType<T>::meta));
  const auto* b = static_cast<const Index*>(luaL_testudata(L, 2, ViewType<T>::meta));
  lua_pushboolean(L, a != nullptr && b != nullptr && *a == *b);
  return 1;
}

template <typename T>
void register_view(lua_State* L) {
  luaL_newmetatable(L, ViewType<T>::meta);
  const auto& fields = ViewType<T>::fields();
  lua_createtable(L, 0, static_cast<int>(fields.size()));
  lua_Integer position = 0;
  for (const auto& field : fields) {  // the order of getters<T>()
    lua_pushlstring(L, field.first.data(), field.first.size());
    lua_pushinteger(L, ++position);
    lua_rawset(L, -3);
  }
  lua_pushcclosure(L, view_index<T>, 1);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, view_newindex);
  lua_setfield(L, -2, "__newindex");
  lua_pushcfunction(L, view_tostring<T>);
  lua_setfield(L, -2, "__tostring");
  lua_pushcfunction(L, view_eq<T>);
  lua_setfield(L, -2, "__eq");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");  // getmetatable(view) reveals nothing to change
  lua_pop(L, 1);
}

template <typename T>
void push_view(lua_State* L, Index index) {
  if (index == kNoIndex) {
    lua_pushnil(L);
    return;
  }
  auto* slot = static_cast<Index*>(lua_newuserdatauv(L, sizeof(Index), 0));
  *slot = index;
  luaL_setmetatable(L, ViewType<T>::meta);
}

template <typename T>
bool try_view(lua_State* L, int arg, Index& index, std::string& meta_name) {
  const auto* slot = static_cast<const Index*>(luaL_testudata(L, arg, ViewType<T>::meta));
  if (slot == nullptr) return false;
  index = *slot;
  meta_name = ViewType<T>::meta;
  return true;
}

template <typename T>
bool try_location(const Estate& e, const std::string& meta_name, Index index, SourceLoc& loc) {
  if (meta_name != ViewType<T>::meta) return false;
  loc = ViewType<T>::table(e)[index].loc;
  return true;
}

}  // namespace

PolicyContext& context(lua_State* L) {
  return **static_cast<PolicyContext**>(lua_getextraspace(L));
}

void register_views(lua_State* L) {
  register_view<Ci>(L);
  register_view<Zone>(L);
  register_view<Subnet>(L);
  register_view<Rule>(L);
  register_view<Nat>(L);
  register_view<Relation>(L);
  register_view<Certificate>(L);
  register_view<Vulnerability>(L);
  register_view<Account>(L);
  register_view<Change>(L);
  register_view<Waiver>(L);
}

void push_ci(lua_State* L, Index i) { push_view<Ci>(L, i); }
void push_zone(lua_State* L, Index i) { push_view<Zone>(L, i); }
void push_subnet(lua_State* L, Index i) { push_view<Subnet>(L, i); }
void push_rule(lua_State* L, Index i) { push_view<Rule>(L, i); }
void push_nat(lua_State* L, Index i) { push_view<Nat>(L, i); }
void push_relation(lua_State* L, Index i) { push_view<Relation>(L, i); }
void push_certificate(lua_State* L, Index i) { push_view<Certificate>(L, i); }
void push_vulnerability(lua_State* L, Index i) { push_view<Vulnerability>(L, i); }
void push_account(lua_State* L, Index i) { push_view<Account>(L, i); }
void push_change(lua_State* L, Index i) { push_view<Change>(L, i); }
void push_waiver(lua_State* L, Index i) { push_view<Waiver>(L, i); }

Index to_ci(lua_State* L, int arg) {
  const auto* slot = static_cast<const Index*>(luaL_testudata(L, arg, ViewType<Ci>::meta));
  return slot ? *slot : kNoIndex;
}

Index to_view(lua_State* L, int arg, std::string& meta_name) {
  Index index = kNoIndex;
  meta_name.clear();
  try_view<Ci>(L, arg, index, meta_name) || try_view<Zone>(L, arg, index, meta_name) ||
      try_view<Subnet>(L, arg, index, meta_name) || try_view<Rule>(L, arg, index, meta_name) ||
      try_view<Nat>(L, arg, index, meta_name) || try_view<Relation>(L, arg, index, meta_name) ||
      try_view<Certificate>(L, arg, index, meta_name) ||
      try_view<Vulnerability>(L, arg, index, meta_name) ||
      try_view<Account>(L, arg, index, meta_name) || try_view<Change>(L, arg, index, meta_name) ||
      try_view<Waiver>(L, arg, index, meta_name);
  return index;
}

SourceLoc view_location(const Estate& e, const std::string& meta_name, Index index) {
  SourceLoc loc;
  try_location<Ci>(e, meta_name, index, loc) || try_location<Zone>(e, meta_name, index, loc) ||
      try_location<Subnet>(e, meta_name, index, loc) ||
      try_location<Rule>(e, meta_name, index, loc) || try_location<Nat>(e, meta_name, index, loc) ||
      try_location<Relation>(e, meta_name, index, loc) ||
      try_location<Certificate>(e, meta_name, index, loc) ||
      try_location<Vulnerability>(e, meta_name, index, loc) ||
      try_location<Account>(e, meta_name, index, loc) ||
      try_location<Change>(e, meta_name, index, loc) ||
      try_location<Waiver>(e, meta_name, index, loc);
  return loc;
}

void push_location(lua_State* L, const SourceLoc& loc) {
  const Estate& e = *context(L).estate;
  lua_createtable(L, 0, 3);
  if (loc.file < e.files.size()) {
    push_str(L, e.files[loc.file].path);
    lua_setfield(L, -2, "file");
  }
  lua_pushinteger(L, loc.line);
  lua_setfield(L, -2, "line");
  lua_pushinteger(L, loc.column);
  lua_setfield(L, -2, "column");
}

void push_string_or_nil(lua_State* L, const std::string& s) {
  if (s.empty()) {
    lua_pushnil(L);
  } else {
    push_str(L, s);
  }
}

void push_service_list(lua_State* L, const std::vector<Service>& services) {
  lua_createtable(L, static_cast<int>(services.size()), 0);
  for (size_t k = 0; k < services.size(); ++k) {
    push_str(L, to_string(services[k]));
    lua_rawseti(L, -2, static_cast<lua_Integer>(k + 1));
  }
}

}  // namespace topocheck::lua
