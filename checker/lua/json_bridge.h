// Lua values <-> JSON values (nlohmann::ordered_json), for policy settings: declared as Lua
// tables in a policy, overridden from a settings file or the command line, and listed by
// `topocheck policies`. Internal to the policy runtime.
#pragma once

#include <string>

#include <lua.hpp>
#include <nlohmann/json.hpp>

namespace topocheck::lua {

// Pushes a JSON value: objects become tables with string keys, arrays become sequences.
void push_json(lua_State* L, const nlohmann::ordered_json& value);

// The value at `idx` as JSON: a table with keys 1..n is a list, a table with string keys an
// object (keys sorted); functions, userdata and mixed tables are refused with `problem` set.
nlohmann::ordered_json to_json(lua_State* L, int idx, std::string& problem);

}  // namespace topocheck::lua
