// A sandboxed Lua 5.4 state for one untrusted policy. Policy code is written by users, so each
// policy gets its own state with:
//   - only the safe libraries (base without dofile/loadfile/require/collectgarbage, string,
//     table, math, utf8); no io, os, package, debug; `load` accepts text chunks only;
//   - a memory cap enforced by the allocator (allocation past the cap fails, Lua raises
//     "not enough memory", and the sandbox reports the cap);
//   - an instruction budget and a wall-clock deadline enforced by a count hook. Once either is
//     exceeded the sandbox stays aborted: every further hook and every pcall/xpcall return
//     re-raises, so a policy cannot swallow the abort;
//   - a globals table whose __newindex raises, so an undeclared global is an error, not a leak.
// Errors come back as SandboxError values with "policy.lua:LINE: message" and a traceback.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

struct lua_State;

namespace topocheck {

struct SandboxLimits {
  size_t memory_bytes = size_t{256} << 20;
  uint64_t instructions = 2'000'000'000;
  std::chrono::milliseconds wall_time{30'000};
  // Longest string a pattern function (find, match, gmatch, gsub) accepts as subject, to bound
  // Lua's backtracking matcher, which runs in C where the instruction hook cannot stop it.
  size_t max_pattern_subject = size_t{1} << 20;
};

enum class SandboxFailure : uint8_t { none, error, memory, instructions, time };

struct SandboxError {
  SandboxFailure kind = SandboxFailure::none;
  std::string message;    // "policies/x.lua:12: attempt to index a nil value (local 'ci')"
  std::string traceback;  // Lua's traceback, one frame a line; may be empty
  explicit operator bool() const { return kind != SandboxFailure::none; }
};

class Sandbox {
 public:
  explicit Sandbox(SandboxLimits limits = {});
  ~Sandbox();
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  lua_State* state() const { return L_; }
  const SandboxLimits& limits() const { return limits_; }

  // Compiles `source` as a text chunk named `chunk_name` (shown in errors, e.g. the file path)
  // and runs it with `nresults` results left on the stack. Returns an error value on failure.
  SandboxError run_chunk(std::string_view source, const std::string& chunk_name, int nresults);

  // Calls the function below `nargs` arguments on the stack (like lua_pcall), under the limits,
  // with a traceback handler.
  SandboxError call(int nargs, int nresults);

  // Makes `name` visible to policy code (the value on top of the stack, which is popped).
  void expose(const char* name);

  size_t memory_used() const;
  uint64_t instructions_used() const;

  struct State;  // the allocator's and hook's bookkeeping (sandbox.cpp)

 private:
  SandboxError failure_from_stack(int status);

  SandboxLimits limits_;
  std::unique_ptr<State> state_;
  lua_State* L_ = nullptr;
};

}  // namespace topocheck
