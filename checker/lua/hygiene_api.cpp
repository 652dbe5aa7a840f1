#include "checker/lua/hygiene_api.h"

#include <new>
#include <string>
#include <vector>

#include "checker/graph/hygiene.h"
#include "checker/lua/views.h"

namespace topocheck::lua {
namespace {

constexpr const char* kIssuesKey = "topocheck.rule_issues";
constexpr const char* kIssuesMeta = "topocheck.rule_issues_cache";

using Issues = std::vector<RuleIssue>;

int destroy_issues(lua_State* L) {
  static_cast<Issues*>(luaL_checkudata(L, 1, kIssuesMeta))->~Issues();
  return 0;
}

// The estate's issues, analysed on the first call of a policy run and kept in the registry.
const Issues& issues_of(lua_State* L) {
  if (lua_getfield(L, LUA_REGISTRYINDEX, kIssuesKey) == LUA_TUSERDATA) {
    const auto* cached = static_cast<const Issues*>(lua_touserdata(L, -1));
    lua_pop(L, 1);
    return *cached;
  }
  lua_pop(L, 1);
  Issues computed = analyse_rules(*context(L).estate);
  void* memory = lua_newuserdatauv(L, sizeof(Issues), 0);
  auto* issues = new (memory) Issues(std::move(computed));
  if (luaL_newmetatable(L, kIssuesMeta)) {
    lua_pushcfunction(L, destroy_issues);
    lua_setfield(L, -2, "__gc");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
  }
  lua_setmetatable(L, -2);
  lua_setfield(L, LUA_REGISTRYINDEX, kIssuesKey);
  return *issues;
}

// {kind = "...", firewall = ci view, rule = rule view or nil, covered_by = {rule views}, message =
// "..."}
void push_issue(lua_State* L, const RuleIssue& issue) {
  lua_createtable(L, 0, 5);
  const std::string_view kind = to_string(issue.kind);
  lua_pushlstring(L, kind.data(), kind.size());
  lua_setfield(L, -2, "kind");
  push_ci(L, issue.firewall);
  lua_setfield(L, -2, "firewall");
  if (issue.rule != kNoIndex) {
    push_rule(L, issue.rule);
    lua_setfield(L, -2, "rule");
  }
  lua_createtable(L, static_cast<int>(issue.covered_by.size()), 0);
  for (size_t i = 0; i < issue.covered_by.size(); ++i) {
    push_rule(L, issue.covered_by[i]);
    lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  }
  lua_setfield(L, -2, "covered_by");
  lua_pushlstring(L, issue.message.data(), issue.message.size());
  lua_setfield(L, -2, "message");
}

// estate.rule_issues() -> { issue, ... } by firewall id, then rule evaluation order.
int rule_issues(lua_State* L) {
  const Issues& issues = issues_of(L);
  lua_createtable(L, static_cast<int>(issues.size()), 0);
  for (size_t i = 0; i < issues.size(); ++i) {
    push_issue(L, issues[i]);
    lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  }
  return 1;
}

}  // namespace

void add_hygiene_functions(lua_State* L) {
  lua_pushcfunction(L, rule_issues);
  lua_setfield(L, -2, "rule_issues");
}

}  // namespace topocheck::lua
