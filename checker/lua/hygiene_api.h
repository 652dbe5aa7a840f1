// The rule hygiene part of the policy API (docs/policy-api.md, "Rule hygiene"): dead rules
// (shadowed or redundant, with the earlier rules that decide their traffic), over-wide allow
// rules and firewalls that allow by default, from graph/hygiene.h. Internal to checker/lua.
#pragma once

#include <lua.hpp>

namespace topocheck::lua {

// Adds the rule hygiene functions to the table on top of the stack (the `estate` table).
void add_hygiene_functions(lua_State* L);

}  // namespace topocheck::lua
