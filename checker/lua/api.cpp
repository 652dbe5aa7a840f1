#include "checker/lua/api.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <lua.hpp>

#include "checker/lua/hygiene_api.h"
#include "checker/lua/reach_api.h"
#include "checker/lua/sandbox.h"
#include "checker/lua/views.h"

namespace topocheck {
namespace {

using namespace topocheck::lua;

// ---- iteration -----------------------------------------------------------------------------

using Pusher = void (*)(lua_State*, Index);

int iterator_step(lua_State* L) {
  const auto* indices = static_cast<const Index*>(lua_touserdata(L, lua_upvalueindex(1)));
  const lua_Integer count = lua_tointeger(L, lua_upvalueindex(2));
  const lua_Integer pos = lua_tointeger(L, lua_upvalueindex(3));
  auto push = reinterpret_cast<Pusher>(lua_touserdata(L, lua_upvalueindex(4)));
  if (pos >= count) return 0;
  lua_pushinteger(L, pos + 1);
  lua_replace(L, lua_upvalueindex(3));
  push(L, indices[pos]);
  return 1;
}

// Pushes an iterator function over `indices`; views are made one at a time as the loop asks.
void push_iterator(lua_State* L, const std::vector<Index>& indices, Pusher push) {
  auto* buffer = static_cast<Index*>(lua_newuserdatauv(L, sizeof(Index) * indices.size() + 1, 0));
  std::copy(indices.begin(), indices.end(), buffer);
  lua_pushinteger(L, static_cast<lua_Integer>(indices.size()));
  lua_pushinteger(L, 0);
  lua_pushlightuserdata(L, reinterpret_cast<void*>(push));
  lua_pushcclosure(L, iterator_step, 4);
}

std::vector<Index> all_of(size_t n) {
  std::vector<Index> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<Index>(i);
  return v;
}

// Reads filter.key as a set of accepted strings (a string or a list of strings).
std::vector<std::string> filter_values(lua_State* L, int filter, const char* key) {
  std::vector<std::string> values;
  if (lua_isnoneornil(L, filter)) return values;
  luaL_checktype(L, filter, LUA_TTABLE);
  lua_getfield(L, filter, key);
  if (lua_type(L, -1) == LUA_TSTRING) {
    values.emplace_back(lua_tostring(L, -1));
  } else if (lua_istable(L, -1)) {
    const lua_Integer n = luaL_len(L, -1);
    for (lua_Integer i = 1; i <= n; ++i) {
      lua_rawgeti(L, -1, i);
      if (lua_type(L, -1) != LUA_TSTRING) luaL_error(L, "filter '%s' must list strings", key);
      values.emplace_back(lua_tostring(L, -1));
      lua_pop(L, 1);
    }
  } else if (!lua_isnil(L, -1)) {
    luaL_error(L, "filter '%s' must be a string or a list of strings", key);
  }
  lua_pop(L, 1);
  return values;
}

bool accepts(const std::vector<std::string>& values, std::string_view v) {
  return values.empty() || std::find(values.begin(), values.end(), v) != values.end();
}

void check_filter_keys(lua_State* L, int filter, std::initializer_list<const char*> allowed) {
  if (lua_isnoneornil(L, filter)) return;
  luaL_checktype(L, filter, LUA_TTABLE);
  lua_pushnil(L);
  while (lua_next(L, filter) != 0) {
    lua_pop(L, 1);
    const char* key = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "?";
    const bool ok = std::any_of(allowed.begin(), allowed.end(),
                                [&](const char* a) { return std::string_view(a) == key; });
    if (!ok) luaL_error(L, "unknown filter '%s'", key);
  }
}

// estate.cis{class = "server" | {...}, provided_by = ..., environment = ...}
int estate_cis(lua_State* L) {
  check_filter_keys(L, 1, {"class", "provided_by", "environment"});
  const auto classes = filter_values(L, 1, "class");
  const auto providers = filter_values(L, 1, "provided_by");
  const auto environments = filter_values(L, 1, "environment");
  const PolicyContext& ctx = context(L);
  const Estate& e = *ctx.estate;
  std::vector<Index> candidates;
  if (!classes.empty()) {
    for (const auto& c : classes) {
      if (auto known = enum_from_string<CiClass>(c); known && *known != CiClass::other) {
        const auto span = ctx.graph->cis_of_class(*known);
        candidates.insert(candidates.end(), span.begin(), span.end());
      } else {
        for (Index i : ctx.graph->cis_of_class(CiClass::other)) {
          if (e.cis[i].class_name == c) candidates.push_back(i);
        }
      }
    }
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  } else {
    candidates = all_of(e.cis.size());
  }
  std::vector<Index> result;
  result.reserve(candidates.size());
  for (Index i : candidates) {
    const Ci& ci = e.cis[i];
    if (accepts(providers, to_string(ci.provided_by)) &&
        accepts(environments, to_string(ci.environment))) {
      result.push_back(i);
    }
  }
  push_iterator(L, result, push_ci);
  return 1;
}

template <typename T>
int iterate_all(lua_State* L, const std::vector<T>& table, Pusher push) {
  push_iterator(L, all_of(table.size()), push);
  return 1;
}

int estate_zones(lua_State* L) { return iterate_all(L, context(L).estate->zones, push_zone); }
int estate_subnets(lua_State* L) { return iterate_all(L, context(L).estate->subnets, push_subnet); }
int estate_nats(lua_State* L) { return iterate_all(L, context(L).estate->nats, push_nat); }
int estate_certificates(lua_State* L) {
  return iterate_all(L, context(L).estate->certificates, push_certificate);
}
int estate_accounts(lua_State* L) { return iterate_all(L, context(L).estate->accounts, push_account); }
int estate_changes(lua_State* L) { return iterate_all(L, context(L).estate->changes, push_change); }
int estate_waivers(lua_State* L) { return iterate_all(L, context(L).estate->waivers, push_waiver); }

// estate.rules{firewall = "fw-1"}: in evaluation order (order, then file position).
int estate_rules(lua_State* L) {
  check_filter_keys(L, 1, {"firewall"});
  const auto firewalls = filter_values(L, 1, "firewall");
  const Estate& e = *context(L).estate;
  std::vector<Index> result;
  for (Index i = 0; i < e.rules.size(); ++i) {
    if (accepts(firewalls, e.cis[e.rules[i].firewall].id)) result.push_back(i);
  }
  std::stable_sort(result.begin(), result.end(), [&](Index a, Index b) {
    const Rule& ra = e.rules[a];
    const Rule& rb = e.rules[b];
    if (ra.firewall != rb.firewall) return e.cis[ra.firewall].id < e.cis[rb.firewall].id;
    return ra.order < rb.order;
  });
  push_iterator(L, result, push_rule);
  return 1;
}

// estate.relations{type = "forwards_to"}
int estate_relations(lua_State* L) {
  check_filter_keys(L, 1, {"type"});
  const auto types = filter_values(L, 1, "type");
  const Estate& e = *context(L).estate;
  std::vector<Index> result;
  for (Index i = 0; i < e.relations.size(); ++i) {
    if (accepts(types, to_string(e.relations[i].type))) result.push_back(i);
  }
  push_iterator(L, result, push_relation);
  return 1;
}

// estate.vulnerabilities{ci = "app-01", status = "open"}
int estate_vulnerabilities(lua_State* L) {
  check_filter_keys(L, 1, {"ci", "status"});
  const auto cis = filter_values(L, 1, "ci");
  const auto statuses = filter_values(L, 1, "status");
  const Estate& e = *context(L).estate;
  std::vector<Index> result;
  for (Index i = 0; i < e.vulnerabilities.size(); ++i) {
    const Vulnerability& v = e.vulnerabilities[i];
    if (accepts(cis, e.cis[v.ci].id) && accepts(statuses, to_string(v.status))) result.push_back(i);
  }
  push_iterator(L, result, push_vulnerability);
  return 1;
}

template <Index (Estate::*Find)(std::string_view) const>
int lookup(lua_State* L, Pusher push) {
  const Index i = (context(L).estate->*Find)(luaL_checkstring(L, 1));
  push(L, i);
  return 1;
}

int estate_ci(lua_State* L) { return lookup<&Estate::find_ci>(L, push_ci); }
int estate_zone(lua_State* L) { return lookup<&Estate::find_zone>(L, push_zone); }
int estate_subnet(lua_State* L) { return lookup<&Estate::find_subnet>(L, push_subnet); }
int estate_certificate(lua_State* L) { return lookup<&Estate::find_certificate>(L, push_certificate); }
int estate_change(lua_State* L) { return lookup<&Estate::find_change>(L, push_change); }

// estate.count("ci") -> number of entries of that table
int estate_count(lua_State* L) {
  const Estate& e = *context(L).estate;
  const std::string_view table = luaL_checkstring(L, 1);
  const std::pair<std::string_view, size_t> sizes[] = {
      {"ci", e.cis.size()},           {"zone", e.zones.size()},
      {"subnet", e.subnets.size()},   {"rule", e.rules.size()},
      {"nat", e.nats.size()},         {"relation", e.relations.size()},
      {"certificate", e.certificates.size()}, {"vulnerability", e.vulnerabilities.size()},
      {"account", e.accounts.size()}, {"change", e.changes.size()},
      {"waiver", e.waivers.size()}};
  for (const auto& [name, n] : sizes) {
    if (name == table) {
      lua_pushinteger(L, static_cast<lua_Integer>(n));
      return 1;
    }
  }
  return luaL_argerror(L, 1, "unknown table");
}

// estate.service_overlaps("tcp/8000-8100", "tcp/8080") -> true
int estate_service_overlaps(lua_State* L) {
  const auto a = parse_service(luaL_checkstring(L, 1));
  const auto b = parse_service(luaL_checkstring(L, 2));
  if (!a) return luaL_argerror(L, 1, "expected a service such as \"tcp/22\"");
  if (!b) return luaL_argerror(L, 2, "expected a service such as \"tcp/22\"");
  lua_pushboolean(L, a->overlaps(*b));
  return 1;
}

// ---- dates -------------------------------------------------------------------------------

// Parses "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS[.fff](Z|+HH:MM|-HH:MM)" as produced by the views.
std::optional<Timestamp> parse_iso(std::string_view s) {
  auto num = [&](size_t pos, size_t len, int& out) {
    if (pos + len > s.size()) return false;
    out = 0;
    for (size_t k = pos; k < pos + len; ++k) {
      if (s[k] < '0' || s[k] > '9') return false;
      out = out * 10 + (s[k] - '0');
    }
    return true;
  };
  int y, mo, d;
  if (s.size() < 10 || !num(0, 4, y) || s[4] != '-' || !num(5, 2, mo) || s[7] != '-' ||
      !num(8, 2, d) || !valid_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d))) {
    return std::nullopt;
  }
  Timestamp t;
  const int64_t day_seconds = int64_t{days_from_civil(y, mo, d)} * 86400;
  if (s.size() == 10) {
    t.epoch_seconds = day_seconds;
    t.date_only = true;
    return t;
  }
  int h, mi, sec;
  if (s.size() < 19 || (s[10] != 'T' && s[10] != ' ') || !num(11, 2, h) || s[13] != ':' ||
      !num(14, 2, mi) || s[16] != ':' || !num(17, 2, sec)) {
    return std::nullopt;
  }
  size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
  }
  int offset = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!num(pos + 1, 2, oh) || s.size() < pos + 6 || s[pos + 3] != ':' || !num(pos + 4, 2, om)) {
      return std::nullopt;
    }
    offset = (oh * 60 + om) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  }
  if (pos != s.size()) return std::nullopt;
  t.offset_minutes = static_cast<int16_t>(offset);
  t.epoch_seconds = day_seconds + h * 3600 + mi * 60 + sec - int64_t{offset} * 60;
  return t;
}

Timestamp check_time(lua_State* L, int arg) {
  const char* text = luaL_checkstring(L, arg);
  const auto t = parse_iso(text);
  if (!t) luaL_argerror(L, arg, "expected an ISO date or date-time");
  return *t;
}

int64_t as_of_seconds(lua_State* L) { return int64_t{context(L).as_of.days} * 86400; }

int floor_div(int64_t a, int64_t b) {
  return static_cast<int>(a >= 0 ? a / b : -((-a + b - 1) / b));
}

// dates.days_until(t): whole days from the evaluation date (00:00 UTC) until t; negative when t
// lies before it.
int dates_days_until(lua_State* L) {
  lua_pushinteger(L, floor_div(check_time(L, 1).epoch_seconds - as_of_seconds(L), 86400));
  return 1;
}

int dates_days_since(lua_State* L) {
  lua_pushinteger(L, floor_div(as_of_seconds(L) - check_time(L, 1).epoch_seconds, 86400));
  return 1;
}

// dates.hours_between(a, b): hours from a to b (fractional).
int dates_hours_between(lua_State* L) {
  const auto a = check_time(L, 1);
  const auto b = check_time(L, 2);
  lua_pushnumber(L, static_cast<double>(b.epoch_seconds - a.epoch_seconds) / 3600.0);
  return 1;
}

// dates.add_days("2026-11-23", 3) -> "2026-11-26"
int dates_add_days(lua_State* L) {
  const auto t = check_time(L, 1);
  const lua_Integer n = luaL_checkinteger(L, 2);
  if (n < -1'000'000 || n > 1'000'000) return luaL_argerror(L, 2, "out of range");
  const Date d{static_cast<int32_t>(floor_div(t.epoch_seconds, 86400) + n)};
  const std::string text = to_string(d);
  lua_pushlstring(L, text.data(), text.size());
  return 1;
}

// dates.local_time(t) -> {year, month, day, hour, minute, weekday (1 = Monday), offset_minutes}
// in the offset t was written with.
int dates_local_time(lua_State* L) {
  const auto t = check_time(L, 1);
  const int64_t local = t.epoch_seconds + int64_t{t.offset_minutes} * 60;
  const int days = floor_div(local, 86400);
  const int64_t secs = local - int64_t{days} * 86400;
  const std::string date = to_string(Date{days});
  lua_createtable(L, 0, 7);
  lua_pushinteger(L, std::stoi(date.substr(0, 4)));
  lua_setfield(L, -2, "year");
  lua_pushinteger(L, std::stoi(date.substr(5, 2)));
  lua_setfield(L, -2, "month");
  lua_pushinteger(L, std::stoi(date.substr(8, 2)));
  lua_setfield(L, -2, "day");
  lua_pushinteger(L, secs / 3600);
  lua_setfield(L, -2, "hour");
  lua_pushinteger(L, (secs % 3600) / 60);
  lua_setfield(L, -2, "minute");
  lua_pushinteger(L, weekday(Date{days}) + 1);
  lua_setfield(L, -2, "weekday");
  lua_pushinteger(L, t.offset_minutes);
  lua_setfield(L, -2, "offset_minutes");
  return 1;
}

// ---- report and notice -------------------------------------------------------------------

std::string bounded_string(lua_State* L, int idx, size_t max) {
  size_t len = 0;
  const char* s = lua_tolstring(L, idx, &len);
  if (s == nullptr) return {};
  if (len <= max) return std::string(s, len);
  return std::string(s, max) + "... [truncated]";
}

FileLine file_line_from(lua_State* L, int idx) {
  idx = lua_absindex(L, idx);
  FileLine where;
  if (!lua_istable(L, idx)) return where;
  lua_getfield(L, idx, "file");
  if (lua_type(L, -1) == LUA_TSTRING) where.file = lua_tostring(L, -1);
  lua_getfield(L, idx, "line");
  where.line = static_cast<uint32_t>(std::max<lua_Integer>(0, lua_tointeger(L, -1)));
  lua_pop(L, 2);
  return where;
}

FileLine file_line_of(const Estate& e, const SourceLoc& loc) {
  FileLine where;
  if (loc.file < e.files.size()) where.file = e.files[loc.file].path;
  where.line = loc.line;
  return where;
}

void read_evidence(lua_State* L, int idx, Finding& f, size_t max_bytes) {
  if (lua_isnil(L, idx)) return;
  luaL_checktype(L, idx, LUA_TTABLE);
  const lua_Integer n = luaL_len(L, idx);
  for (lua_Integer i = 1; i <= n && i <= 1000; ++i) {
    lua_rawgeti(L, idx, i);
    Evidence ev;
    if (lua_type(L, -1) == LUA_TSTRING) {
      ev.fact = bounded_string(L, -1, max_bytes);
    } else if (lua_istable(L, -1)) {
      lua_getfield(L, -1, "fact");
      ev.fact = bounded_string(L, -1, max_bytes);
      lua_getfield(L, -2, "at");
      ev.where = file_line_from(L, -1);
      lua_pop(L, 2);
    } else {
      luaL_error(L, "report: evidence[%d] must be a string or {fact = ..., at = ...}",
                 static_cast<int>(i));
    }
    f.evidence.push_back(std::move(ev));
    lua_pop(L, 1);
  }
}

void read_data(lua_State* L, int idx, Finding& f) {
  if (lua_isnil(L, idx)) return;
  luaL_checktype(L, idx, LUA_TTABLE);
  lua_pushnil(L);
  while (lua_next(L, idx) != 0) {
    if (lua_type(L, -2) != LUA_TSTRING) luaL_error(L, "report: data keys must be strings");
    std::string key = lua_tostring(L, -2);
    static constexpr std::string_view kReserved[] = {
        "rule", "severity", "clause", "title", "ci", "message", "location", "evidence", "paths",
        "more_paths", "fingerprint", "waiver", "baseline", "status"};
    if (std::find(std::begin(kReserved), std::end(kReserved), key) != std::end(kReserved)) {
      luaL_error(L, "report: data key '%s' is reserved for the finding itself", key.c_str());
    }
    DataValue value;
    switch (lua_type(L, -1)) {
      case LUA_TBOOLEAN: value = static_cast<bool>(lua_toboolean(L, -1)); break;
      case LUA_TNUMBER:
        if (lua_isinteger(L, -1)) {
          value = static_cast<int64_t>(lua_tointeger(L, -1));
        } else {
          value = lua_tonumber(L, -1);
        }
        break;
      case LUA_TSTRING: value = bounded_string(L, -1, 4096); break;
      default: luaL_error(L, "report: data '%s' must be a string, number or boolean", key.c_str());
    }
    f.data.emplace_back(std::move(key), std::move(value));
    lua_pop(L, 1);
  }
  std::sort(f.data.begin(), f.data.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
}

std::string string_field(lua_State* L, int idx, const char* key) {
  idx = lua_absindex(L, idx);
  lua_getfield(L, idx, key);
  std::string s = lua_type(L, -1) == LUA_TSTRING || lua_type(L, -1) == LUA_TNUMBER
                      ? std::string(lua_tostring(L, -1))
                      : std::string();
  lua_pop(L, 1);
  return s;
}

void read_paths(lua_State* L, int idx, Finding& f) {
  if (lua_isnil(L, idx)) return;
  luaL_checktype(L, idx, LUA_TTABLE);
  const lua_Integer n = luaL_len(L, idx);
  for (lua_Integer i = 1; i <= n && i <= 100; ++i) {
    lua_rawgeti(L, idx, i);
    luaL_checktype(L, -1, LUA_TTABLE);
    const int path_idx = lua_gettop(L);
    Path path;
    path.kind = string_field(L, path_idx, "kind");
    if (read_packed_path(L, path_idx, path.hops, 256)) {
      lua_pop(L, 1);
      f.paths.push_back(std::move(path));
      continue;
    }
    lua_getfield(L, path_idx, "hops");
    const int hops_idx = lua_gettop(L);
    if (lua_istable(L, hops_idx)) {
      const lua_Integer hn = luaL_len(L, hops_idx);
      for (lua_Integer h = 1; h <= hn && h <= 256; ++h) {
        lua_rawgeti(L, hops_idx, h);
        const int hop_idx = lua_gettop(L);
        luaL_checktype(L, hop_idx, LUA_TTABLE);
        Hop hop;
        hop.node = string_field(L, hop_idx, "node");
        hop.service = string_field(L, hop_idx, "service");
        hop.firewall = string_field(L, hop_idx, "firewall");
        hop.rule_ref = string_field(L, hop_idx, "rule_ref");
        lua_getfield(L, hop_idx, "rule_order");
        hop.rule_order = lua_tointeger(L, -1);
        lua_pop(L, 1);
        hop.via = string_field(L, hop_idx, "via");
        hop.nat = string_field(L, hop_idx, "nat");
        lua_getfield(L, hop_idx, "where");
        hop.where = file_line_from(L, -1);
        lua_pop(L, 2);
        path.hops.push_back(std::move(hop));
      }
    }
    lua_pop(L, 2);
    f.paths.push_back(std::move(path));
  }
}

// report(ci, message [, opts]) or report{ci = ..., message = ..., ...}
// opts: evidence, data, key, severity, paths, more_paths, at (location when no ci).
int api_report(lua_State* L) {
  PolicyContext& ctx = context(L);
  const Estate& e = *ctx.estate;
  if (lua_istable(L, 1) && lua_gettop(L) == 1) {
    lua_getfield(L, 1, "ci");
    lua_getfield(L, 1, "message");
    lua_pushvalue(L, 1);
    lua_remove(L, 1);  // stack: ci, message, opts
  }
  lua_settop(L, 3);
  if (!lua_isnil(L, 3)) luaL_checktype(L, 3, LUA_TTABLE);
  if (ctx.findings.size() >= ctx.max_findings) {
    ctx.truncated = true;
    return luaL_error(L, "policy reported more than %d findings; stopped", static_cast<int>(ctx.max_findings));
  }
  Finding f;
  f.rule = ctx.policy_id;
  f.severity = ctx.default_severity;
  f.clause = ctx.clause;
  f.title = ctx.title;

  std::string meta;
  const Index view = to_view(L, 1, meta);
  if (view != kNoIndex) {
    const Index ci = to_ci(L, 1);
    if (ci != kNoIndex) f.ci = e.cis[ci].id;
    f.location = file_line_of(e, view_location(e, meta, view));
  } else if (lua_type(L, 1) == LUA_TSTRING) {
    const Index ci = e.find_ci(lua_tostring(L, 1));
    if (ci == kNoIndex) return luaL_error(L, "report: no ci \"%s\" in the estate", lua_tostring(L, 1));
    f.ci = e.cis[ci].id;
    f.location = file_line_of(e, e.cis[ci].loc);
  } else if (!lua_isnil(L, 1)) {
    return luaL_argerror(L, 1, "expected a ci view, a ci id or nil");
  }
  if (lua_type(L, 2) != LUA_TSTRING) return luaL_argerror(L, 2, "expected the finding's message");
  f.message = bounded_string(L, 2, ctx.max_message_bytes);

  std::string key = f.message;
  if (!lua_isnil(L, 3)) {
    lua_getfield(L, 3, "evidence");
    read_evidence(L, lua_gettop(L), f, ctx.max_message_bytes);
    lua_getfield(L, 3, "data");
    read_data(L, lua_gettop(L), f);
    lua_getfield(L, 3, "paths");
    read_paths(L, lua_gettop(L), f);
    lua_getfield(L, 3, "more_paths");
    f.more_paths = static_cast<size_t>(std::max<lua_Integer>(0, lua_tointeger(L, -1)));
    lua_getfield(L, 3, "at");
    if (lua_istable(L, -1)) f.location = file_line_from(L, lua_gettop(L));
    lua_pop(L, 5);
    if (std::string k = string_field(L, 3, "key"); !k.empty()) key = std::move(k);
    if (std::string sev = string_field(L, 3, "severity"); !sev.empty()) {
      const auto s = severity_from_string(sev);
      if (!s) return luaL_error(L, "report: unknown severity '%s'", sev.c_str());
      f.severity = *s;
    }
  }
  f.fingerprint = compute_fingerprint(f.rule, f.ci, key + path_signature(f.paths));
  ctx.findings.push_back(std::move(f));
  return 0;
}

// checked(ci, ...): the policy evaluated these CIs (views or ids); reports count a checked CI
// without findings as passed (JUnit test cases, the clause matrix).
int api_checked(lua_State* L) {
  PolicyContext& ctx = context(L);
  const Estate& e = *ctx.estate;
  if (ctx.checked.size() != e.cis.size()) ctx.checked.assign(e.cis.size(), false);
  for (int i = 1; i <= lua_gettop(L); ++i) {
    Index ci = to_ci(L, i);
    if (ci == kNoIndex && lua_type(L, i) == LUA_TSTRING) ci = e.find_ci(lua_tostring(L, i));
    if (ci == kNoIndex) return luaL_argerror(L, i, "expected a ci view or a ci id");
    ctx.checked[ci] = true;
  }
  return 0;
}

// notice(message): the rule could not be evaluated fully (e.g. the estate has no data for it).
int api_notice(lua_State* L) {
  PolicyContext& ctx = context(L);
  if (ctx.notices.size() < 1000) ctx.notices.push_back(bounded_string(L, 1, 4096));
  return 0;
}

// import(name): a shared helper module from policies/lib/NAME.lua, run once per policy.
int api_import(lua_State* L) {
  const std::string name = luaL_checkstring(L, 1);
  const bool valid = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
  if (!valid) return luaL_argerror(L, 1, "module names are lower-case letters, digits and _");
  lua_getfield(L, LUA_REGISTRYINDEX, "topocheck.imports");
  lua_getfield(L, -1, name.c_str());
  if (!lua_isnil(L, -1)) return 1;
  lua_pop(L, 1);
  const std::filesystem::path path = std::filesystem::path(context(L).lib_dir) / (name + ".lua");
  std::ifstream in(path, std::ios::binary);
  if (!in) return luaL_error(L, "import: no module '%s' (looked for %s)", name.c_str(), path.c_str());
  std::stringstream text;
  text << in.rdbuf();
  const std::string source = text.str();
  const std::string chunk = "@" + path.string();
  if (luaL_loadbufferx(L, source.data(), source.size(), chunk.c_str(), "t") != LUA_OK) {
    return lua_error(L);
  }
  lua_call(L, 0, 1);
  lua_pushvalue(L, -1);
  lua_setfield(L, -3, name.c_str());
  return 1;
}

// A read-only proxy table: reads go to `real`, writes raise.
void push_read_only(lua_State* L, const char* name) {
  // stack: real
  lua_newtable(L);  // proxy
  lua_newtable(L);  // metatable
  lua_pushvalue(L, -3);
  lua_setfield(L, -2, "__index");
  lua_pushfstring(L, "%s is read-only", name);
  lua_pushcclosure(L, [](lua_State* Ls) { return luaL_error(Ls, "%s", lua_tostring(Ls, lua_upvalueindex(1))); }, 1);
  lua_setfield(L, -2, "__newindex");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, -2);
  lua_remove(L, -2);
}

void set_functions(lua_State* L, std::initializer_list<std::pair<const char*, lua_CFunction>> fns) {
  for (const auto& [name, fn] : fns) {
    lua_pushcfunction(L, fn);
    lua_setfield(L, -2, name);
  }
}

}  // namespace

void install_policy_api(Sandbox& sandbox, PolicyContext& ctx) {
  lua_State* L = sandbox.state();
  *static_cast<PolicyContext**>(lua_getextraspace(L)) = &ctx;
  register_views(L);
  lua_newtable(L);
  lua_setfield(L, LUA_REGISTRYINDEX, "topocheck.imports");

  lua_newtable(L);
  set_functions(L, {{"cis", estate_cis},
                    {"ci", estate_ci},
                    {"zones", estate_zones},
                    {"zone", estate_zone},
                    {"subnets", estate_subnets},
                    {"subnet", estate_subnet},
                    {"rules", estate_rules},
                    {"nats", estate_nats},
                    {"relations", estate_relations},
                    {"certificates", estate_certificates},
                    {"certificate", estate_certificate},
                    {"vulnerabilities", estate_vulnerabilities},
                    {"accounts", estate_accounts},
                    {"changes", estate_changes},
                    {"change", estate_change},
                    {"waivers", estate_waivers},
                    {"count", estate_count},
                    {"service_overlaps", estate_service_overlaps}});
  add_reach_functions(L);
  add_hygiene_functions(L);
  push_read_only(L, "estate");
  sandbox.expose("estate");

  lua_newtable(L);
  set_functions(L, {{"days_until", dates_days_until},
                    {"days_since", dates_days_since},
                    {"hours_between", dates_hours_between},
                    {"add_days", dates_add_days},
                    {"local_time", dates_local_time}});
  const std::string as_of = to_string(ctx.as_of);
  lua_pushlstring(L, as_of.data(), as_of.size());
  lua_setfield(L, -2, "as_of");
  push_read_only(L, "dates");
  sandbox.expose("dates");

  lua_pushcfunction(L, api_report);
  sandbox.expose("report");
  lua_pushcfunction(L, api_notice);
  sandbox.expose("notice");
  lua_pushcfunction(L, api_checked);
  sandbox.expose("checked");
  lua_pushcfunction(L, api_import);
  sandbox.expose("import");
}

}  // namespace topocheck
