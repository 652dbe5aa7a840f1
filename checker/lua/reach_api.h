// The reachability part of the policy API (docs/policy-api.md, "Reachability"): internet
// exposure and the sources that reach a CI's services, with paths as tables that report() takes
// as evidence. Internal to checker/lua.
#pragma once

#include <cstddef>
#include <vector>

#include <lua.hpp>

#include "checker/check/finding.h"

namespace topocheck::lua {

// Adds the reachability functions to the table on top of the stack (the `estate` table).
void add_reach_functions(lua_State* L);

// The hops (at most `max_hops`) of the path table at `idx`, read from the packed path it was made
// with, when the policy has neither read nor set its `hops`. False otherwise: then the table's
// fields say what the path is.
bool read_packed_path(lua_State* L, int idx, std::vector<Hop>& hops, size_t max_hops);

}  // namespace topocheck::lua
