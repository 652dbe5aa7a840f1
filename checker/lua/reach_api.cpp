#include "checker/lua/reach_api.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
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

// The fields a path and a reaching_sources entry share about their source: source,
// source_kind, source_zone, source_size; set on the table on top of the stack.
void set_source_fields(lua_State* L, const ReachabilityIndex& reach, Index source_atom) {
  const SourceAtom& atom = reach.atoms()[source_atom];
  static constexpr const char* kKinds[] = {"internet", "subnet", "ci", "zone"};
  set_string(L, "source", atom.label);
  lua_pushstring(L, kKinds[static_cast<int>(atom.kind)]);
  lua_setfield(L, -2, "source_kind");
  if (atom.zone != kNoIndex) set_string(L, "source_zone", reach.estate().zones[atom.zone].id);
  lua_pushinteger(L, static_cast<lua_Integer>(reach.source_size(source_atom)));
  lua_setfield(L, -2, "source_size");
}

// A list of CI views.
void push_ci_list(lua_State* L, const std::vector<Index>& cis) {
  lua_createtable(L, static_cast<int>(cis.size()), 0);
  for (size_t i = 0; i < cis.size(); ++i) {
    push_ci(L, cis[i]);
    lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  }
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

// A path's hops and CIs, packed into one block of bytes that the path table keeps (a userdata
// without metatable, so the sandbox counts its memory and nothing needs finalising). Most paths
// go straight into report(), which reads the block; the tables for `hops`, `cis` and `firewalls`
// are made only when a policy reads one of them (path_index). A hop holds what its table would:
// no rule without a firewall, no location without a line.
//   u32 magic, u32 hop count, u32 CI count, per hop: node, service, via, firewall, rule_ref, nat,
//   file (each u32 length + bytes), i64 rule_order, u32 line; then u32 per CI index.
constexpr uint32_t kPathMagic = 0x70617468;  // "path"
const char kPathBlobKey = 0;                 // its address keys the block in the path table
constexpr const char* kPathMeta = "topocheck.path";

void put_u32(std::string& out, uint32_t v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); }
void put_str(std::string& out, const std::string& s) {
  put_u32(out, static_cast<uint32_t>(s.size()));
  out += s;
}

void push_path_blob(lua_State* L, const ReachPath& p) {
  static thread_local std::string out;
  out.clear();
  put_u32(out, kPathMagic);
  put_u32(out, static_cast<uint32_t>(p.hops.size()));
  put_u32(out, static_cast<uint32_t>(p.cis.size()));
  static const std::string kNone;
  for (const Hop& h : p.hops) {
    const bool rule = !h.firewall.empty();
    put_str(out, h.node);
    put_str(out, h.service);
    put_str(out, h.via);
    put_str(out, h.firewall);
    put_str(out, rule ? h.rule_ref : kNone);
    put_str(out, h.nat);
    put_str(out, h.where.line != 0 ? h.where.file : kNone);
    const int64_t order = rule ? h.rule_order : 0;
    out.append(reinterpret_cast<const char*>(&order), sizeof order);
    put_u32(out, h.where.line);
  }
  for (Index ci : p.cis) put_u32(out, static_cast<uint32_t>(ci));
  void* block = lua_newuserdatauv(L, out.size(), 0);
  std::memcpy(block, out.data(), out.size());
}

// Reads a packed path back, bounds-checked (a policy can move blocks between tables, not forge
// them, but a malformed block must not be read past its end).
class BlobReader {
 public:
  BlobReader(const char* data, size_t size) : p_(data), end_(data + size) {}
  bool u32(uint32_t& v) { return raw(&v, sizeof v); }
  bool i64(int64_t& v) { return raw(&v, sizeof v); }
  bool str(std::string& s) {
    uint32_t n = 0;
    if (!u32(n) || static_cast<size_t>(end_ - p_) < n) return false;
    s.assign(p_, n);
    p_ += n;
    return true;
  }

 private:
  bool raw(void* v, size_t n) {
    if (static_cast<size_t>(end_ - p_) < n) return false;
    std::memcpy(v, p_, n);
    p_ += n;
    return true;
  }
  const char* p_;
  const char* end_;
};

struct PathBlob {
  std::vector<Hop> hops;
  std::vector<Index> cis;
};

// The packed path of the table at `idx`, if it has one.
bool read_blob(lua_State* L, int idx, PathBlob& out, size_t max_hops) {
  idx = lua_absindex(L, idx);
  lua_rawgetp(L, idx, &kPathBlobKey);
  bool ok = false;
  if (lua_type(L, -1) == LUA_TUSERDATA && !lua_getmetatable(L, -1)) {
    BlobReader r(static_cast<const char*>(lua_touserdata(L, -1)), lua_rawlen(L, -1));
    uint32_t magic = 0, hops = 0, cis = 0;
    ok = r.u32(magic) && magic == kPathMagic && r.u32(hops) && r.u32(cis);
    for (uint32_t i = 0; ok && i < hops; ++i) {
      Hop h;
      ok = r.str(h.node) && r.str(h.service) && r.str(h.via) && r.str(h.firewall) &&
           r.str(h.rule_ref) && r.str(h.nat) && r.str(h.where.file) && r.i64(h.rule_order) &&
           r.u32(h.where.line);
      if (ok && i < max_hops) out.hops.push_back(std::move(h));
    }
    for (uint32_t i = 0; ok && i < cis; ++i) {
      uint32_t ci = 0;
      ok = r.u32(ci) && ci < context(L).estate->cis.size();
      if (ok) out.cis.push_back(static_cast<Index>(ci));
    }
  }
  lua_pop(L, 1);
  return ok;
}

// __index of a path table: makes `hops`, `cis` (CI views: proxies, then the target) or
// `firewalls` (firewall CI views crossed, in order) from the packed path on first use and keeps
// the table in the path.
int path_index(lua_State* L) {
  const std::string_view key = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : "";
  if (key != "hops" && key != "cis" && key != "firewalls") return 0;
  PathBlob blob;
  if (!read_blob(L, 1, blob, SIZE_MAX)) return 0;
  if (key == "hops") {
    lua_createtable(L, static_cast<int>(blob.hops.size()), 0);
    for (size_t i = 0; i < blob.hops.size(); ++i) {
      push_hop(L, blob.hops[i]);
      lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
    }
  } else if (key == "cis") {
    push_ci_list(L, blob.cis);
  } else {
    const Estate& e = *context(L).estate;
    lua_newtable(L);
    int n = 0;
    for (const Hop& h : blob.hops) {
      if (h.firewall.empty()) continue;
      push_ci(L, e.find_ci(h.firewall));
      lua_rawseti(L, -2, ++n);
    }
  }
  lua_pushvalue(L, 2);
  lua_pushvalue(L, -2);
  lua_rawset(L, 1);
  return 1;
}

// {source, source_kind, source_zone, source_ci, source_subnet, source_size, kind, service}, and
// hops, cis and firewalls on first use (path_index).
void push_path(lua_State* L, const ReachabilityIndex& reach, const ReachPath& p) {
  const Estate& e = reach.estate();
  const SourceAtom& atom = reach.atoms()[p.source_atom];
  lua_createtable(L, 0, 9);
  set_source_fields(L, reach, p.source_atom);
  if (atom.ci != kNoIndex) set_string(L, "source_ci", e.cis[atom.ci].id);
  if (atom.subnet != kNoIndex) set_string(L, "source_subnet", e.subnets[atom.subnet].id);
  if (atom.kind == SourceAtom::Kind::internet) {
    lua_pushstring(L, p.confirmed ? "confirmed" : "latent");
    lua_setfield(L, -2, "kind");
  }
  set_string(L, "service", to_string(p.service));
  push_path_blob(L, p);
  lua_rawsetp(L, -2, &kPathBlobKey);
  luaL_setmetatable(L, kPathMeta);
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
  lua_createtable(L, 0, 6);
  set_source_fields(L, reach, s.source_atom);
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
  push_ci_list(L, reach.atom_members(atom));
  return 1;
}

}  // namespace

bool read_packed_path(lua_State* L, int idx, std::vector<Hop>& hops, size_t max_hops) {
  idx = lua_absindex(L, idx);
  lua_pushliteral(L, "hops");
  const bool made = lua_rawget(L, idx) != LUA_TNIL;
  lua_pop(L, 1);
  if (made) return false;
  PathBlob blob;
  if (!read_blob(L, idx, blob, max_hops)) return false;
  hops = std::move(blob.hops);
  return true;
}

void add_reach_functions(lua_State* L) {
  if (luaL_newmetatable(L, kPathMeta)) {
    lua_pushcfunction(L, path_index);
    lua_setfield(L, -2, "__index");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");  // a policy cannot take the lazy fields away
  }
  lua_pop(L, 1);
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
