#include "checker/lua/sandbox.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <lua.hpp>

namespace topocheck {
namespace {

// How many VM instructions run between two hook calls. Small enough that an aborted policy stops
// quickly, large enough that the hook costs nothing measurable.
constexpr int kHookInterval = 1000;
// Head room granted once the memory cap is hit, so the error and traceback can still be built.
constexpr size_t kMemorySlack = size_t{4} << 20;

// Small blocks (most of a policy's strings, tables and closures) come from size classes of 16
// bytes up to 256, carved from 64 KiB slabs and recycled through one free list per class:
// glibc's malloc and free were a quarter of a path-heavy policy's time. The slabs go with the
// sandbox. Memory accounting is unchanged: `used` counts the sizes Lua asks for.
class SmallBlocks {
 public:
#if defined(__SANITIZE_ADDRESS__)
  static constexpr size_t kMax = 0;  // under ASan every block is malloc's, so ASan sees each one
#else
  static constexpr size_t kMax = 256;
#endif

  static bool small(size_t n) { return n != 0 && n <= kMax; }
  static bool same_class(size_t a, size_t b) { return index(a) == index(b); }

  void* take(size_t n) {
    const size_t c = index(n);
    if (void* p = free_[c]) {
      free_[c] = *static_cast<void**>(p);
      return p;
    }
    const size_t size = (c + 1) * kStep;
    if (left_ < size) {
      std::byte* slab = static_cast<std::byte*>(std::malloc(kSlab));
      if (slab == nullptr) return nullptr;
      slabs_.push_back(slab);
      next_ = slab;
      left_ = kSlab;
    }
    void* p = next_;
    next_ += size;
    left_ -= size;
    return p;
  }

  void give(void* p, size_t n) {
    const size_t c = index(n);
    *static_cast<void**>(p) = free_[c];
    free_[c] = p;
  }

  SmallBlocks() = default;
  SmallBlocks(const SmallBlocks&) = delete;
  SmallBlocks& operator=(const SmallBlocks&) = delete;
  ~SmallBlocks() {
    for (std::byte* slab : slabs_) std::free(slab);
  }

 private:
  static constexpr size_t kStep = 16;  // also the alignment Lua's objects need at most
  static constexpr size_t kSlab = size_t{64} << 10;
  static size_t index(size_t n) { return n == 0 ? 0 : (n - 1) / kStep; }

  std::array<void*, kMax / kStep + 1> free_{};
  std::vector<std::byte*> slabs_;
  std::byte* next_ = nullptr;
  size_t left_ = 0;
};

// Developer aid, on with TOPOCHECK_LUA_PROFILE=1: the wall time between two hook calls is charged
// to the line the policy is on at the second (so a slow API call shows on its line or one just
// after it), and each sandbox prints its slowest lines to stderr when it closes.
struct LineProfile {
  std::unordered_map<std::string, double> seconds;  // "policies/X.lua:42" -> seconds
  std::chrono::steady_clock::time_point last = std::chrono::steady_clock::now();

  void charge(lua_State* L, std::chrono::steady_clock::time_point now) {
    lua_Debug ar;
    if (lua_getstack(L, 0, &ar) && lua_getinfo(L, "Sl", &ar)) {
      seconds[fmt::format("{}:{}", ar.short_src, ar.currentline)] +=
          std::chrono::duration<double>(now - last).count();
    }
    last = now;
  }

  void print() const {
    std::vector<std::pair<double, std::string>> lines;
    double total = 0;
    for (const auto& [line, t] : seconds) {
      lines.emplace_back(t, line);
      total += t;
    }
    if (lines.empty()) return;
    std::sort(lines.rbegin(), lines.rend());
    if (lines.size() > 40) lines.resize(40);
    std::string text = fmt::format("lua profile: {:.3f} s in Lua code, slowest lines:\n", total);
    for (const auto& [t, line] : lines) text += fmt::format("  {:8.3f} s {:5.1f}%  {}\n", t, 100 * t / total, line);
    std::fputs(text.c_str(), stderr);
  }
};

}  // namespace

struct Sandbox::State {
  SmallBlocks blocks;
  std::unique_ptr<LineProfile> profile;  // TOPOCHECK_LUA_PROFILE=1
  size_t used = 0;
  size_t cap = 0;
  uint64_t instructions = 0;
  uint64_t budget = 0;
  std::chrono::steady_clock::time_point deadline;
  std::chrono::milliseconds wall_time{0};
  size_t max_pattern_subject = 0;
  SandboxFailure aborted = SandboxFailure::none;
};

namespace {

Sandbox::State* state_of(lua_State* L) {
  void* ud = nullptr;
  lua_getallocf(L, &ud);
  return static_cast<Sandbox::State*>(ud);
}

// Frees a block of `size` bytes (the size Lua gives back is the size it asked for).
void release(Sandbox::State* s, void* ptr, size_t size) {
  if (SmallBlocks::small(size)) {
    s->blocks.give(ptr, size);
  } else {
    std::free(ptr);
  }
}

// Moves a block to a new size: small blocks through the size classes, large ones by realloc.
void* resize(Sandbox::State* s, void* ptr, size_t old, size_t nsize) {
  if (ptr != nullptr && SmallBlocks::small(old) && SmallBlocks::small(nsize) &&
      SmallBlocks::same_class(old, nsize)) {
    return ptr;
  }
  if (ptr != nullptr && !SmallBlocks::small(old) && !SmallBlocks::small(nsize)) {
    return std::realloc(ptr, nsize);
  }
  void* p = SmallBlocks::small(nsize) ? s->blocks.take(nsize) : std::malloc(nsize);
  if (p == nullptr || ptr == nullptr) return p;
  std::memcpy(p, ptr, std::min(old, nsize));
  release(s, ptr, old);
  return p;
}

void* capped_alloc(void* ud, void* ptr, size_t osize, size_t nsize) {
  auto* s = static_cast<Sandbox::State*>(ud);
  const size_t old = ptr ? osize : 0;  // for a new block, osize encodes the object type
  if (nsize == 0) {
    if (ptr != nullptr) release(s, ptr, old);
    s->used -= old;
    return nullptr;
  }
  if (nsize > old && s->used + (nsize - old) > s->cap) {
    if (s->aborted == SandboxFailure::none) {
      s->aborted = SandboxFailure::memory;
      s->cap += kMemorySlack;
    }
    return nullptr;
  }
  void* p = resize(s, ptr, old, nsize);
  if (p != nullptr) s->used = s->used - old + nsize;
  return p;
}

// Raises the abort as a Lua error located at the line the policy was running (level 0: inside a
// hook, the interrupted function itself).
[[noreturn]] void raise_abort(lua_State* L, const Sandbox::State& s) {
  luaL_where(L, 0);
  switch (s.aborted) {
    case SandboxFailure::instructions:
      lua_pushfstring(L, "policy exceeded its instruction budget of %I instructions",
                      static_cast<lua_Integer>(s.budget));
      break;
    case SandboxFailure::time:
      lua_pushfstring(L, "policy exceeded its time limit of %I ms",
                      static_cast<lua_Integer>(s.wall_time.count()));
      break;
    case SandboxFailure::memory:
      lua_pushfstring(L, "policy exceeded its memory cap of %I MiB",
                      static_cast<lua_Integer>((s.cap - kMemorySlack) >> 20));
      break;
    default:
      lua_pushstring(L, "policy aborted");
  }
  lua_concat(L, 2);
  lua_error(L);
  std::abort();  // lua_error does not return
}

void budget_hook(lua_State* L, lua_Debug*) {
  auto* s = state_of(L);
  s->instructions += kHookInterval;
  const auto now = std::chrono::steady_clock::now();
  if (s->profile) s->profile->charge(L, now);
  if (s->aborted == SandboxFailure::none) {
    if (s->instructions > s->budget) {
      s->aborted = SandboxFailure::instructions;
    } else if (now > s->deadline) {
      s->aborted = SandboxFailure::time;
    }
  }
  if (s->aborted != SandboxFailure::none) raise_abort(L, *s);
}

// pcall and xpcall that cannot swallow an abort: after the protected call, an aborted sandbox
// re-raises instead of returning false.
int safe_pcall(lua_State* L) {
  luaL_checkany(L, 1);
  const int status = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);
  if (state_of(L)->aborted != SandboxFailure::none) return lua_error(L);
  lua_pushboolean(L, status == LUA_OK);
  lua_insert(L, 1);
  return lua_gettop(L);
}

int safe_xpcall(lua_State* L) {
  const int n = lua_gettop(L);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  lua_pushvalue(L, 1);
  lua_copy(L, 2, 1);
  lua_replace(L, 2);  // stack: handler, f, args...
  const int status = lua_pcall(L, n - 2, LUA_MULTRET, 1);
  if (state_of(L)->aborted != SandboxFailure::none) return lua_error(L);
  lua_pushboolean(L, status == LUA_OK);
  lua_replace(L, 1);
  return lua_gettop(L);
}

// load(chunk [, chunkname [, mode [, env]]]) restricted to text chunks given as strings: no
// bytecode (which can break the VM's invariants), no reader functions.
int safe_load(lua_State* L) {
  size_t len = 0;
  const char* text = luaL_checklstring(L, 1, &len);
  const char* name = luaL_optstring(L, 2, "=(load)");
  const char* mode = luaL_optstring(L, 3, "t");
  if (std::strcmp(mode, "t") != 0) {
    lua_pushnil(L);
    lua_pushstring(L, "load: only text chunks are allowed in policies (mode must be \"t\")");
    return 2;
  }
  if (luaL_loadbufferx(L, text, len, name, "t") != LUA_OK) {
    lua_pushnil(L);
    lua_insert(L, -2);
    return 2;
  }
  if (!lua_isnone(L, 4)) {
    lua_pushvalue(L, 4);
    if (lua_setupvalue(L, -2, 1) == nullptr) lua_pop(L, 1);
  }
  return 1;
}

// Rough cost bound of Lua's backtracking matcher: each unbounded quantifier can multiply the
// work by the subject length. Refuse combinations that could run for minutes in C code, where
// the instruction hook cannot stop them. An optional item ('?') at most doubles the work:
// "a?a?...a?aa...a" against "aa...a" takes 2^n steps however short the subject.
bool pattern_too_costly(size_t subject_len, std::string_view pattern) {
  int quantifiers = 0;
  int optionals = 0;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '%') {
      ++i;
      continue;
    }
    if (pattern[i] == '*' || pattern[i] == '-' || pattern[i] == '+') ++quantifiers;
    if (pattern[i] == '?') ++optionals;
  }
  if (subject_len < 2) return false;
  const double log_cost = (quantifiers + 1) * std::log10(static_cast<double>(subject_len)) +
                          optionals * std::log10(2.0);
  return log_cost > 9.0;
}

int guarded_pattern_call(lua_State* L) {
  size_t subject_len = 0;
  size_t pattern_len = 0;
  luaL_checklstring(L, 1, &subject_len);
  const char* pattern = luaL_checklstring(L, 2, &pattern_len);
  auto* s = state_of(L);
  if (subject_len > s->max_pattern_subject) {
    return luaL_error(L, "pattern matching on a %I-byte string exceeds the sandbox limit of %I bytes",
                      static_cast<lua_Integer>(subject_len),
                      static_cast<lua_Integer>(s->max_pattern_subject));
  }
  if (pattern_too_costly(subject_len, {pattern, pattern_len})) {
    return luaL_error(L, "pattern '%s' is too costly for a %I-byte subject (sandbox limit)",
                      pattern, static_cast<lua_Integer>(subject_len));
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

// table.move, table.insert and table.remove loop in C over a range the caller chooses (move's
// bounds, or a length that __len may invent), where the instruction hook cannot stop them:
// table.move({}, 1, 1e14, 2) would run for days. Ranges longer than any table the memory cap
// allows are refused.
constexpr lua_Integer kMaxTableRange = lua_Integer{1} << 24;

int guarded_table_call(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_Integer range = 0;
  if (lua_toboolean(L, lua_upvalueindex(2))) {  // move(a1, f, e, t [, a2])
    const lua_Integer first = luaL_checkinteger(L, 2);
    const lua_Integer last = luaL_checkinteger(L, 3);
    range = last >= first ? static_cast<lua_Integer>(static_cast<lua_Unsigned>(last) -
                                                     static_cast<lua_Unsigned>(first))
                          : 0;
  } else {
    range = luaL_len(L, 1);
  }
  if (range < 0 || range > kMaxTableRange) {
    return luaL_error(L, "table operation over %I elements exceeds the sandbox limit of %I",
                      static_cast<lua_Integer>(range), kMaxTableRange);
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

void guard_table_function(lua_State* L, const char* name, bool is_move) {
  lua_getglobal(L, "table");
  lua_getfield(L, -1, name);
  lua_pushboolean(L, is_move);
  lua_pushcclosure(L, guarded_table_call, 2);
  lua_setfield(L, -2, name);
  lua_pop(L, 1);
}

void guard_string_function(lua_State* L, const char* name) {
  lua_getglobal(L, "string");
  lua_getfield(L, -1, name);
  lua_pushcclosure(L, guarded_pattern_call, 1);
  lua_setfield(L, -2, name);
  lua_pop(L, 1);
}

// Lua runs __gc metamethods with hooks disabled, so a finalizer that loops would escape the
// instruction budget and the time limit (during any collection, or in lua_close). Only
// setmetatable can mark a table for finalization, and only when the metatable already holds
// __gc then; a __gc added later is never called.
int safe_setmetatable(lua_State* L) {
  if (lua_istable(L, 2)) {
    lua_pushstring(L, "__gc");
    const bool has_gc = lua_rawget(L, 2) != LUA_TNIL;
    lua_pop(L, 1);
    if (has_gc) return luaL_error(L, "__gc metamethods are not allowed in policies");
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

int refuse_global_assignment(lua_State* L) {
  const char* key = lua_tostring(L, 2);
  return luaL_error(L, "assignment to undeclared global '%s' (declare it local)",
                    key ? key : "?");
}

int traceback_handler(lua_State* L) {
  const char* msg = lua_tostring(L, 1);
  if (msg == nullptr) {
    msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
  }
  luaL_traceback(L, L, msg, 1);
  return 1;
}

void open_safe_libraries(lua_State* L) {
  luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
  luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
  luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
  luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
  luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 1);
  lua_pop(L, 5);
  for (const char* name : {"dofile", "loadfile", "require", "collectgarbage", "print", "warn",
                           "rawset"}) {
    lua_pushnil(L);
    lua_setglobal(L, name);
  }
  lua_pushcfunction(L, safe_pcall);
  lua_setglobal(L, "pcall");
  lua_pushcfunction(L, safe_xpcall);
  lua_setglobal(L, "xpcall");
  lua_pushcfunction(L, safe_load);
  lua_setglobal(L, "load");
  lua_getglobal(L, "setmetatable");
  lua_pushcclosure(L, safe_setmetatable, 1);
  lua_setglobal(L, "setmetatable");
  for (const char* name : {"find", "match", "gmatch", "gsub"}) guard_string_function(L, name);
  guard_table_function(L, "move", true);
  guard_table_function(L, "insert", false);
  guard_table_function(L, "remove", false);
  // Deterministic math.random: the same estate and policies give the same output.
  luaL_dostring(L, "math.randomseed(0)");
  // The loaded table would let a policy reach the libraries' originals; drop it.
  lua_pushnil(L);
  lua_setfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
}

void freeze_globals(lua_State* L) {
  lua_pushglobaltable(L);
  lua_newtable(L);
  lua_pushcfunction(L, refuse_global_assignment);
  lua_setfield(L, -2, "__newindex");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, -2);
  lua_pop(L, 1);
}

}  // namespace

Sandbox::Sandbox(SandboxLimits limits) : limits_(limits), state_(std::make_unique<State>()) {
  state_->cap = limits_.memory_bytes;
  state_->budget = limits_.instructions;
  state_->wall_time = limits_.wall_time;
  state_->max_pattern_subject = limits_.max_pattern_subject;
  state_->deadline = std::chrono::steady_clock::now() + limits_.wall_time;
  if (const char* env = std::getenv("TOPOCHECK_LUA_PROFILE"); env != nullptr && std::string_view(env) == "1") {
    state_->profile = std::make_unique<LineProfile>();
  }
  L_ = lua_newstate(capped_alloc, state_.get());
  if (L_ == nullptr) throw std::bad_alloc();
  open_safe_libraries(L_);
  freeze_globals(L_);
  // Policies build many short-lived tables (views, paths, entries) next to long-lived caches of a
  // size proportional to the estate: the generational collector leaves the old ones alone in
  // minor collections (tests/bench: up to a fifth less time for the policies that route many
  // sources, no loss for the others).
  lua_gc(L_, LUA_GCGEN, 0, 0);
  lua_sethook(L_, budget_hook, LUA_MASKCOUNT, kHookInterval);
}

Sandbox::~Sandbox() {
  // Finalizers (__gc) of policy objects run here under the same hook; an aborted sandbox stops
  // them at once.
  if (L_ != nullptr) lua_close(L_);
  if (state_->profile) state_->profile->print();
}

void Sandbox::expose(const char* name) {
  lua_pushglobaltable(L_);
  lua_insert(L_, -2);
  lua_pushstring(L_, name);
  lua_insert(L_, -2);
  lua_rawset(L_, -3);
  lua_pop(L_, 1);
}

SandboxError Sandbox::run_chunk(std::string_view source, const std::string& chunk_name,
                                int nresults) {
  const std::string name = "@" + chunk_name;
  const int status = luaL_loadbufferx(L_, source.data(), source.size(), name.c_str(), "t");
  if (status != LUA_OK) return failure_from_stack(status);
  return call(0, nresults);
}

SandboxError Sandbox::call(int nargs, int nresults) {
  const int base = lua_gettop(L_) - nargs;
  lua_pushcfunction(L_, traceback_handler);
  lua_insert(L_, base);
  const int status = lua_pcall(L_, nargs, nresults, base);
  lua_remove(L_, base);
  if (status != LUA_OK) return failure_from_stack(status);
  return {};
}

SandboxError Sandbox::failure_from_stack(int status) {
  SandboxError err;
  const char* text = lua_tostring(L_, -1);
  std::string full = text ? text : "(error object is not a string)";
  lua_pop(L_, 1);
  const auto tb = full.find("\nstack traceback:");
  if (tb != std::string::npos) {
    err.traceback = full.substr(tb + 1);
    full.resize(tb);
  }
  // error(string.rep("x", 1e8)) must not become a 100 MB line in every report.
  constexpr size_t kMaxMessageBytes = 64 * 1024;
  if (full.size() > kMaxMessageBytes) {
    full = fmt::format("{} ... ({} bytes cut)", full.substr(0, kMaxMessageBytes),
                       full.size() - kMaxMessageBytes);
  }
  err.message = std::move(full);
  err.kind = state_->aborted != SandboxFailure::none ? state_->aborted : SandboxFailure::error;
  if (status == LUA_ERRMEM && err.kind == SandboxFailure::error) err.kind = SandboxFailure::memory;
  if (err.kind == SandboxFailure::memory && err.message.find("memory cap") == std::string::npos) {
    err.message += fmt::format(" (policy exceeded its memory cap of {} MiB)",
                               limits_.memory_bytes >> 20);
  }
  return err;
}

size_t Sandbox::memory_used() const { return state_->used; }
uint64_t Sandbox::instructions_used() const { return state_->instructions; }

}  // namespace topocheck
