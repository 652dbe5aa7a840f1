#include "checker/lua/json_bridge.h"

#include <algorithm>
#include <vector>

namespace topocheck::lua {
namespace {

constexpr int kMaxDepth = 16;

nlohmann::ordered_json table_to_json(lua_State* L, int idx, std::string& problem, int depth);

nlohmann::ordered_json value_to_json(lua_State* L, int idx, std::string& problem, int depth) {
  switch (lua_type(L, idx)) {
    case LUA_TBOOLEAN: return static_cast<bool>(lua_toboolean(L, idx));
    case LUA_TNUMBER:
      if (lua_isinteger(L, idx)) return static_cast<int64_t>(lua_tointeger(L, idx));
      return lua_tonumber(L, idx);
    case LUA_TSTRING: return std::string(lua_tostring(L, idx));
    case LUA_TTABLE: return table_to_json(L, idx, problem, depth + 1);
    default:
      problem = std::string("a ") + luaL_typename(L, idx) + " cannot be a setting";
      return nullptr;
  }
}

nlohmann::ordered_json table_to_json(lua_State* L, int idx, std::string& problem, int depth) {
  idx = lua_absindex(L, idx);
  if (depth > kMaxDepth) {
    problem = "settings nested too deeply";
    return nullptr;
  }
  const lua_Integer n = static_cast<lua_Integer>(lua_rawlen(L, idx));
  std::vector<std::string> keys;
  size_t count = 0;
  lua_pushnil(L);
  while (lua_next(L, idx) != 0) {
    ++count;
    if (lua_type(L, -2) == LUA_TSTRING) keys.emplace_back(lua_tostring(L, -2));
    lua_pop(L, 1);
  }
  if (count == 0) return nlohmann::ordered_json::array();
  if (keys.empty() && static_cast<lua_Integer>(count) == n) {
    auto list = nlohmann::ordered_json::array();
    for (lua_Integer i = 1; i <= n && problem.empty(); ++i) {
      lua_rawgeti(L, idx, i);
      list.push_back(value_to_json(L, -1, problem, depth));
      lua_pop(L, 1);
    }
    return list;
  }
  if (keys.size() != count) {
    problem = "a settings table mixes list entries and named keys";
    return nullptr;
  }
  std::sort(keys.begin(), keys.end());
  auto object = nlohmann::ordered_json::object();
  for (const std::string& key : keys) {
    if (!problem.empty()) break;
    lua_getfield(L, idx, key.c_str());
    object[key] = value_to_json(L, -1, problem, depth);
    lua_pop(L, 1);
  }
  return object;
}

}  // namespace

void push_json(lua_State* L, const nlohmann::ordered_json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::boolean: lua_pushboolean(L, value.get<bool>()); break;
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned: lua_pushinteger(L, value.get<int64_t>()); break;
    case nlohmann::json::value_t::number_float: lua_pushnumber(L, value.get<double>()); break;
    case nlohmann::json::value_t::string: {
      const auto& s = value.get_ref<const std::string&>();
      lua_pushlstring(L, s.data(), s.size());
      break;
    }
    case nlohmann::json::value_t::array:
      lua_createtable(L, static_cast<int>(value.size()), 0);
      for (size_t i = 0; i < value.size(); ++i) {
        push_json(L, value[i]);
        lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
      }
      break;
    case nlohmann::json::value_t::object:
      lua_createtable(L, 0, static_cast<int>(value.size()));
      for (const auto& [k, v] : value.items()) {
        push_json(L, v);
        lua_setfield(L, -2, k.c_str());
      }
      break;
    default: lua_pushnil(L);
  }
}

nlohmann::ordered_json to_json(lua_State* L, int idx, std::string& problem) {
  return value_to_json(L, idx, problem, 0);
}

}  // namespace topocheck::lua
