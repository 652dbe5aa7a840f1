// The reachability part of the policy API (docs/policy-api.md, "Reachability"): internet
// exposure and the sources that reach a CI's services, with paths as tables that report() takes
// as evidence. Internal to checker/lua.
#pragma once

#include <lua.hpp>

namespace topocheck::lua {

// Adds the reachability functions to the table on top of the stack (the `estate` table).
void add_reach_functions(lua_State* L);

}  // namespace topocheck::lua
