#include "checker/lua/reach_api.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "checker/graph/reach.h"
#include "checker/lua/views.h"

namespace topocheck::lua {
namespace {

const ReachabilityIndex& reach_of(lua_State* L) {
  const ReachabilityIndex* reach = context(L).reach;
  if (reach == nullptr) luaL_error(L, "reachability was not computed for this run");
  return *reach;
}

void set_string(lua_State* L, const char* key, const std::string& value) {
  lua_pushlstring(L, value.data(), value.size());
  lua_setfield(L, -2, key);
}

void push_hop(lua_State* L, const Hop& h) {
  lua_createtable(L, 0, 8);
  set_string(L, "node", h.node);
  set_string(L, "service", h.service);
  set_string(L, "via", h.via);
  if (!h.firewall.empty()) {
    set_string(L, "firewall", h.firewall);
    set_string(L, "rule_ref", h.rule_ref);
    lua_pushinteger(L, h.rule_order);
    lua_setfield(L, -2, "rule_order");
  }
  if (!h.nat.empty()) set_string(L, "nat", h.nat);
  if (h.where.line != 0) {
    lua_createtable(L, 0, 2);
    set_string(L, "file", h.where.file);
    lua_pushinteger(L, h.where.line);
    lua_setfield(L, -2, "line");
    lua_setfield(L, -2, "where");
  }
}

// {source, source_kind, source_zone, kind, service, hops = {...}, cis = {ids}}
void push_path(lua_State* L, const ReachabilityIndex& reach, const ReachPath& p) {
  const Estate& e = reach.estate();
  const SourceAtom& atom = reach.atoms()[p.source_atom];
  static constexpr const char* kKinds[] = {"internet", "subnet", "ci", "zone"};
  lua_createtable(L, 0, 8);
  set_string(L, "source", atom.label);
  set_string(L, "source_kind", kKinds[static_cast<int>(atom.kind)]);
  if (atom.zone != kNoIndex) set_string(L, "source_zone", e.zones[atom.zone].id);
  if (atom.ci != kNoIndex) set_string(L, "source_ci", e.cis[atom.ci].id);
  if (atom.subnet != kNoIndex) set_string(L, "source_subnet", e.subnets[atom.subnet].id);
  lua_pushinteger(L, static_cast<lua_Integer>(reach.source_size(p.source_atom)));
  lua_setfield(L, -2, "source_size");
  if (atom.kind == SourceAtom::Kind::internet) set_string(L, "kind", p.confirmed ? "confirmed" : "latent");
  set_string(L, "service", to_string(p.service));
  lua_createtable(L, static_cast<int>(p.hops.size()), 0);
  for (size_t i = 0; i < p.hops.size(); ++i) {
    push_hop(L, p.hops[i]);
    lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  }
  lua_setfield(L, -2, "hops");
  lua_createtable(L, static_cast<int>(p.cis.size()), 0);
  for (size_t i = 0; i < p.cis.size(); ++i) {
    push_ci(L, p.cis[i]);
    lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  }
  lua_setfield(L, -2, "cis");
  // Firewalls crossed, in order (CI views).
  lua_newtable(L);
  int n = 0;
  for (const Hop& h : p.hops) {
    if (h.firewall.empty()) continue;
    push_ci(L, e.find_ci(h.firewall));
    lua_rawseti(L, -2, ++n);
  }
  lua_setfield(L, -2, "firewalls");
}

void push_paths(lua_State* L, const ReachabilityIndex& reach, const std::vector<ReachPath>& paths) {
  lua_createtable(L, static_cast<int>(paths.size()), 0);
  for (size_t i = 0; i < paths.size(); ++i) {
    push_path(L, reach, paths[i]);
    lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  }
}

// estate.internet_paths(ci) -> nil | {confirmed = bool, paths = {...}, more_paths = N}
int internet_paths(lua_State* L) {
  const Index ci = to_ci(L, 1);
  if (ci == kNoIndex) return luaL_argerror(L, 1, "expected a ci");
  const ReachabilityIndex& reach = reach_of(L);
  const InternetExposure* ex = reach.internet_exposure(ci);
  if (ex == nullptr) {
    lua_pushnil(L);
    return 1;
  }
  lua_createtable(L, 0, 3);
  lua_pushboolean(L, ex->confirmed());
  lua_setfield(L, -2, "confirmed");
  push_paths(L, reach, ex->paths);
  lua_setfield(L, -2, "paths");
  lua_pushinteger(L, static_cast<lua_Integer>(ex->more_paths));
  lua_setfield(L, -2, "more_paths");
  return 1;
}

int exposures_step(lua_State* L) {
  const ReachabilityIndex& reach = reach_of(L);
  const lua_Integer pos = lua_tointeger(L, lua_upvalueindex(1));
  const auto& all = reach.internet_exposures();
  if (pos >= static_cast<lua_Integer>(all.size())) return 0;
  lua_pushinteger(L, pos + 1);
  lua_replace(L, lua_upvalueindex(1));
  push_ci(L, all[pos].ci);
  return 1;
}

// for ci in estate.exposed() do ... end: every CI the internet reaches, in CI order.
int exposed(lua_State* L) {
  reach_of(L);
  lua_pushinteger(L, 0);
  lua_pushcclosure(L, exposures_step, 1);
  return 1;
}

// A source in one of the CI's own zones whose path crosses no firewall: a peer.
bool is_peer(const SourceAtom& atom, uint32_t firewalls, const std::vector<Index>& ci_zones) {
  return firewalls == 0 && std::find(ci_zones.begin(), ci_zones.end(), atom.zone) != ci_zones.end();
}

uint32_t firewalls_of(const ReachPath& p) {
  return static_cast<uint32_t>(std::count_if(p.hops.begin(), p.hops.end(), [](const Hop& h) { return !h.firewall.empty(); }));
}

// The options of sources_reaching and reaching_sources: {peers = false, sources = {label, ...}}.
struct ReachOptions {
  bool peers = true;
  std::optional<std::vector<Index>> only;  // atoms named by `sources`, ascending
};

std::vector<Index> read_sources(lua_State* L, int list, const ReachabilityIndex& reach) {
  luaL_checktype(L, list, LUA_TTABLE);
  std::vector<Index> atoms;
  const lua_Integer n = luaL_len(L, list);
  for (lua_Integer i = 1; i <= n; ++i) {
    lua_rawgeti(L, list, i);
    if (lua_type(L, -1) != LUA_TSTRING) luaL_error(L, "option 'sources' must list source labels");
    // A CI that rules name has one atom per interface, all with its label, made one after the
    // other: find_atom gives the first.
    const std::string label = lua_tostring(L, -1);
    lua_pop(L, 1);
    for (Index atom = reach.find_atom(label); atom < reach.atoms().size() && reach.atoms()[atom].label == label; ++atom) {
      atoms.push_back(atom);
    }
  }
  std::sort(atoms.begin(), atoms.end());
  atoms.erase(std::unique(atoms.begin(), atoms.end()), atoms.end());
  return atoms;
}

ReachOptions read_options(lua_State* L, int arg, const ReachabilityIndex& reach, bool sources_allowed) {
  ReachOptions options;
  if (lua_isnoneornil(L, arg)) return options;
  luaL_checktype(L, arg, LUA_TTABLE);
  lua_pushnil(L);
  while (lua_next(L, arg) != 0) {
    lua_pop(L, 1);
    const bool known = lua_type(L, -1) == LUA_TSTRING &&
                       (std::string_view(lua_tostring(L, -1)) == "peers" ||
                        (sources_allowed && std::string_view(lua_tostring(L, -1)) == "sources"));
    if (!known) luaL_error(L, "unknown option '%s'", lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "?");
  }
  lua_getfield(L, arg, "peers");
  options.peers = lua_isnil(L, -1) || lua_toboolean(L, -1);
  lua_pop(L, 1);
  lua_getfield(L, arg, "sources");
  if (!lua_isnil(L, -1)) options.only = read_sources(L, lua_gettop(L), reach);
  lua_pop(L, 1);
  return options;
}

std::optional<Service> optional_service(lua_State* L, int arg) {
  if (lua_isnoneornil(L, arg)) return std::nullopt;
  auto service = parse_service(luaL_checkstring(L, arg));
  if (!service) luaL_argerror(L, arg, "expected a service such as \"tcp/22\"");
  return service;
}

// {zone id = {source label, ...}}: each source once, in atom order; the internet aside.
void push_peer_sources(lua_State* L, const ReachabilityIndex& reach, std::vector<Index> atoms) {
  std::sort(atoms.begin(), atoms.end());
  atoms.erase(std::unique(atoms.begin(), atoms.end()), atoms.end());
  const Estate& e = reach.estate();
  std::map<std::string, std::vector<const std::string*>> by_zone;
  for (Index a : atoms) {
    const SourceAtom& atom = reach.atoms()[a];
    if (atom.kind != SourceAtom::Kind::internet) by_zone[e.zones[atom.zone].id].push_back(&atom.label);
  }
  lua_createtable(L, 0, static_cast<int>(by_zone.size()));
  for (const auto& [zone, labels] : by_zone) {
    lua_createtable(L, static_cast<int>(labels.size()), 0);
    for (size_t i = 0; i < labels.size(); ++i) {
      lua_pushlstring(L, labels[i]->data(), labels[i]->size());
      lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
    }
    lua_setfield(L, -2, zone.c_str());
  }
}

// estate.sources_reaching(ci [, service [, {peers = false, sources = {label, ...}}]]) -> { path,
// ... } one per (source, service). With peers = false, the paths from sources in the CI's own
// zones that cross no firewall are left out, and a second result names those sources by zone,
// each once ({zone id = {source label, ...}}; the internet aside): a zone's peers are many and
// alike, and routing them and making tables for their paths would cost more than the rest of the
// answer. With `sources`, only the paths of those sources (the evidence for what
// reaching_sources found).
int sources_reaching(lua_State* L) {
  const Index ci = to_ci(L, 1);
  if (ci == kNoIndex) return luaL_argerror(L, 1, "expected a ci");
  const std::optional<Service> service = optional_service(L, 2);
  const ReachabilityIndex& reach = reach_of(L);
  const ReachOptions options = read_options(L, 3, reach, true);
  const std::vector<Index>* only = options.only ? &*options.only : nullptr;
  if (options.peers) {
    push_paths(L, reach, reach.sources_reaching(ci, service, nullptr, only));
    return 1;
  }
  std::vector<Index> peer_atoms;
  std::vector<ReachPath> paths = reach.sources_reaching(ci, service, &peer_atoms, only);
  const std::vector<Index> ci_zones = context(L).graph->zones_of(ci);
  std::vector<ReachPath> others;
  for (ReachPath& p : paths) {
    if (is_peer(reach.atoms()[p.source_atom], firewalls_of(p), ci_zones)) {
      peer_atoms.push_back(p.source_atom);
    } else {
      others.push_back(std::move(p));
    }
  }
  push_paths(L, reach, others);
  push_peer_sources(L, reach, std::move(peer_atoms));
  return 2;
}

// {source, source_kind, source_zone, source_size, service, firewall_count}: a path's source
// fields without the path.
void push_source_reach(lua_State* L, const ReachabilityIndex& reach, const SourceReach& s) {
  const SourceAtom& atom = reach.atoms()[s.source_atom];
  static constexpr const char* kKinds[] = {"internet", "subnet", "ci", "zone"};
  lua_createtable(L, 0, 6);
  set_string(L, "source", atom.label);
  lua_pushstring(L, kKinds[static_cast<int>(atom.kind)]);
  lua_setfield(L, -2, "source_kind");
  if (atom.zone != kNoIndex) set_string(L, "source_zone", reach.estate().zones[atom.zone].id);
  lua_pushinteger(L, static_cast<lua_Integer>(reach.source_size(s.source_atom)));
  lua_setfield(L, -2, "source_size");
  set_string(L, "service", to_string(s.service));
  lua_pushinteger(L, s.firewalls);
  lua_setfield(L, -2, "firewall_count");
}

// estate.reaching_sources(ci [, service [, {peers = false}]]) -> { entry, ... }: what
// sources_reaching answers, one entry per path, without the hops (a fraction of the cost). A
// policy judges the entries and asks sources_reaching{sources = ...} for the paths it reports.
int reaching_sources(lua_State* L) {
  const Index ci = to_ci(L, 1);
  if (ci == kNoIndex) return luaL_argerror(L, 1, "expected a ci");
  const std::optional<Service> service = optional_service(L, 2);
  const ReachabilityIndex& reach = reach_of(L);
  const ReachOptions options = read_options(L, 3, reach, false);
  std::vector<Index> peer_atoms;
  std::vector<SourceReach> found = reach.reaching_sources(ci, service, options.peers ? nullptr : &peer_atoms);
  const std::vector<Index> ci_zones = options.peers ? std::vector<Index>{} : context(L).graph->zones_of(ci);
  lua_createtable(L, static_cast<int>(found.size()), 0);
  lua_Integer n = 0;
  for (const SourceReach& s : found) {
    if (!options.peers && is_peer(reach.atoms()[s.source_atom], s.firewalls, ci_zones)) {
      peer_atoms.push_back(s.source_atom);
      continue;
    }
    push_source_reach(L, reach, s);
    lua_rawseti(L, -2, ++n);
  }
  if (options.peers) return 1;
  push_peer_sources(L, reach, std::move(peer_atoms));
  return 2;
}

// estate.reach_class(ci) -> integer or nil: CIs of one class get the same reaching_sources answer
// (ReachabilityIndex::reach_class); nil for a CI that is a class of its own.
int reach_class(lua_State* L) {
  const Index ci = to_ci(L, 1);
  if (ci == kNoIndex) return luaL_argerror(L, 1, "expected a ci");
  const Index c = reach_of(L).reach_class(ci);
  if (c == kNoIndex) {
    lua_pushnil(L);
  } else {
    lua_pushinteger(L, static_cast<lua_Integer>(c) + 1);
  }
  return 1;
}

// estate.source_members(label) -> { ci view, ... }: the CIs whose traffic a source stands for.
int source_members(lua_State* L) {
  const ReachabilityIndex& reach = reach_of(L);
  const Index atom = reach.find_atom(luaL_checkstring(L, 1));
  if (atom == kNoIndex) return luaL_argerror(L, 1, "no such source");
  const auto& list = reach.atom_members(atom);
  lua_createtable(L, static_cast<int>(list.size()), 0);
  for (size_t i = 0; i < list.size(); ++i) {
    push_ci(L, list[i]);
    lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  }
  return 1;
}

}  // namespace

void add_reach_functions(lua_State* L) {
  lua_pushcfunction(L, internet_paths);
  lua_setfield(L, -2, "internet_paths");
  lua_pushcfunction(L, exposed);
  lua_setfield(L, -2, "exposed");
  lua_pushcfunction(L, sources_reaching);
  lua_setfield(L, -2, "sources_reaching");
  lua_pushcfunction(L, reaching_sources);
  lua_setfield(L, -2, "reaching_sources");
  lua_pushcfunction(L, reach_class);
  lua_setfield(L, -2, "reach_class");
  lua_pushcfunction(L, source_members);
  lua_setfield(L, -2, "source_members");
}

}  // namespace topocheck::lua
