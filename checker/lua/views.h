// Read-only Lua views of estate entities: a userdata holding an index, whose metatable answers
// fields on demand from the shared Estate. Asking a view for a field it does not have is an
// error naming the field (a typo in a policy must not read as nil and pass silently); assigning
// to a view is an error. Internal to checker/lua.
#pragma once

#include <string>
#include <vector>

#include <lua.hpp>

#include "checker/lua/api.h"
#include "checker/model/estate.h"

namespace topocheck::lua {

PolicyContext& context(lua_State* L);

// Registers the metatables of every view type. Called once per sandbox.
void register_views(lua_State* L);

void push_ci(lua_State* L, Index ci);  // pushes nil for kNoIndex
void push_zone(lua_State* L, Index zone);
void push_subnet(lua_State* L, Index subnet);
void push_rule(lua_State* L, Index rule);
void push_nat(lua_State* L, Index nat);
void push_relation(lua_State* L, Index relation);
void push_certificate(lua_State* L, Index certificate);
void push_vulnerability(lua_State* L, Index vulnerability);
void push_account(lua_State* L, Index account);
void push_change(lua_State* L, Index change);
void push_waiver(lua_State* L, Index waiver);

// The CI index behind a Ci view at `arg`, or kNoIndex when it is not one.
Index to_ci(lua_State* L, int arg);
// The index and metatable name behind any view at `arg`; name is empty when it is not a view.
Index to_view(lua_State* L, int arg, std::string& meta_name);

// {file = "...", line = N, column = N}
void push_location(lua_State* L, const SourceLoc& loc);
void push_string_or_nil(lua_State* L, const std::string& s);
void push_service_list(lua_State* L, const std::vector<Service>& services);

// Source location of an entity of the view type `meta_name`, for findings without a CI.
SourceLoc view_location(const Estate& estate, const std::string& meta_name, Index index);

}  // namespace topocheck::lua
