// Hostile policies beyond tests/unit/sandbox_test.cpp: the escapes that run in C, where the
// instruction hook cannot stop them (finalizers, backtracking patterns, table functions over
// invented ranges), deep recursion, and reaching into what other policies see. End to end, a
// pack of hostile policies and one good policy: each hostile one ends with a clear policy error,
// the good one's finding still appears, and the run exits 2.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "checker/check/engine.h"
#include "checker/graph/graph.h"
#include "checker/graph/reach.h"
#include "checker/load/toml_loader.h"
#include "tests/unit/support.h"

namespace fs = std::filesystem;
using namespace topocheck;

namespace {

const char* kEstate = "[[ci]]\nid = \"srv-1\"\nclass = \"server\"\n";

std::string policy(const std::string& id, const std::string& check_body) {
  return "return { id = \"" + id +
         "\", title = \"t\", severity = \"low\", clause = \"c\", rationale = \"r\", remediation = "
         "\"m\",\n  check = function(estate, settings)\n" +
         check_body + "\nend }\n";
}

// A pack directory: the hostile policies (ids starting with A-, so they run before the good one)
// and Z-GOOD, which reports every CI.
struct PackDir {
  fs::path dir;
  PackDir() {
    static int counter = 0;
    dir = fs::temp_directory_path() / ("topocheck-hostile-pack-" + std::to_string(::getpid()) +
                                       "-" + std::to_string(counter++));
    fs::remove_all(dir);
    fs::create_directories(dir);
    add("Z-GOOD", "for ci in estate.cis() do report(ci, \"seen by the good policy\") end");
  }
  ~PackDir() { fs::remove_all(dir); }
  void add(const std::string& id, const std::string& body) const {
    std::ofstream(dir / (id + ".lua")) << policy(id, body);
  }
};

struct Run {
  CheckResult result;
  std::chrono::milliseconds took{0};
  std::string error_of(const std::string& id) const {
    for (const PolicyError& e : result.errors) {
      if (e.policy == id) return e.message;
    }
    return {};
  }
  bool good_ran() const {
    for (const Finding& f : result.findings) {
      if (f.rule == "Z-GOOD" && f.ci == "srv-1") return true;
    }
    return false;
  }
};

SandboxLimits test_limits() {
  SandboxLimits l;
  l.instructions = 20'000'000;
  l.memory_bytes = size_t{64} << 20;
  l.wall_time = std::chrono::milliseconds(10'000);
  return l;
}

Run run_pack(const PackDir& pack, SandboxLimits limits = test_limits()) {
  RunOptions options = testing::options_as_of();
  options.limits = limits;
  Run run;
  const auto start = std::chrono::steady_clock::now();
  run.result = testing::run_pack_over_toml(pack.dir.string(), kEstate, options);
  run.took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  return run;
}

// One hostile policy A-HOSTILE with the good one.
Run run_hostile(const std::string& body, SandboxLimits limits = test_limits()) {
  PackDir pack;
  pack.add("A-HOSTILE", body);
  return run_pack(pack, limits);
}

}  // namespace

TEST_CASE("a finalizer cannot run outside the sandbox's limits", "[hostile][sandbox]") {
  // Lua runs __gc with hooks off: a looping finalizer would hang the checker in lua_close.
  const Run run = run_hostile("setmetatable({}, {__gc = function() while true do end end})");
  CHECK_THAT(run.error_of("A-HOSTILE"),
             Catch::EndsWith("/A-HOSTILE.lua:3: __gc metamethods are not allowed in policies"));
  CHECK(run.good_ran());
  CHECK(run.took < std::chrono::seconds(10));
  // A __gc added after setmetatable is never called (Lua marks objects for finalization only in
  // setmetatable), so it needs no refusal.
  const Run later =
      run_hostile("local mt = {} setmetatable({}, mt) mt.__gc = function() while true do end end");
  CHECK(later.error_of("A-HOSTILE").empty());
  CHECK(later.good_ran());
}

TEST_CASE("deep recursion ends in a stack overflow error", "[hostile][sandbox]") {
  SandboxLimits roomy = test_limits();
  roomy.memory_bytes = size_t{256} << 20;
  const Run lua = run_hostile("local function f(n) return f(n + 1) + 1 end\nf(1)", roomy);
  CHECK_THAT(lua.error_of("A-HOSTILE"), Catch::EndsWith("/A-HOSTILE.lua:3: stack overflow"));
  CHECK(lua.good_ran());
  // Recursion through a metamethod runs on the C stack; Lua caps it.
  const Run meta = run_hostile(
      "local t = setmetatable({}, {__index = function(t, k) return t[k] end})\nlocal x = t.a");
  CHECK_THAT(meta.error_of("A-HOSTILE"), Catch::Contains("stack overflow"));
  CHECK(meta.good_ran());
}

TEST_CASE("optional items in a pattern count toward its cost", "[hostile][sandbox]") {
  // 2^26 backtracking steps in C on a 26-byte subject: over a minute before this was refused.
  const Run run = run_hostile(
      "local s = string.rep('a', 26)\n"
      "string.find(s, string.rep('a?', 26) .. string.rep('a', 26) .. 'b')");
  CHECK_THAT(run.error_of("A-HOSTILE"),
             Catch::Contains("/A-HOSTILE.lua:4: pattern '") &&
                 Catch::EndsWith("' is too costly for a 26-byte subject (sandbox limit)"));
  CHECK(run.good_ran());
  CHECK(run.took < std::chrono::seconds(10));
  // Ordinary patterns with optional items still work.
  const Run ok =
      run_hostile("local h, m = ('7:30'):match('^(%d%d?):(%d%d)$')\nreport(nil, h .. m)");
  CHECK(ok.error_of("A-HOSTILE").empty());
}

TEST_CASE("table functions cannot loop over a range the policy invents", "[hostile][sandbox]") {
  const Run move = run_hostile("table.move({}, 1, 1e14, 2)");
  CHECK_THAT(
      move.error_of("A-HOSTILE"),
      Catch::EndsWith("/A-HOSTILE.lua:3: table operation over 99999999999999 elements exceeds the "
                      "sandbox limit of 16777216"));
  CHECK(move.good_ran());
  const Run remove = run_hostile(
      "local t = setmetatable({}, {__len = function() return math.maxinteger "
      "end})\ntable.remove(t, 1)");
  CHECK_THAT(
      remove.error_of("A-HOSTILE"),
      Catch::Contains("/A-HOSTILE.lua:4: table operation over 9223372036854775807 elements"));
  const Run insert = run_hostile(
      "local t = setmetatable({}, {__len = function() return 1e15 end})\ntable.insert(t, 1, 'x')");
  CHECK_THAT(insert.error_of("A-HOSTILE"), Catch::Contains("exceeds the sandbox limit"));
  CHECK(insert.good_ran());
  // Ordinary use is unaffected.
  const Run ok = run_hostile(
      "local t = {1, 2, 3} table.insert(t, 1, 0) table.remove(t) local u = table.move(t, 1, 3, 1, "
      "{})\n"
      "report(nil, table.concat(u, ','))");
  CHECK(ok.error_of("A-HOSTILE").empty());
  bool found = false;
  for (const Finding& f : ok.result.findings)
    found |= f.rule == "A-HOSTILE" && f.message == "0,1,2";
  CHECK(found);
}

TEST_CASE("string.rep bombs with a separator hit the memory cap", "[hostile][sandbox]") {
  const Run run = run_hostile("local s = string.rep('x', 1 << 24, string.rep('y', 64))");
  CHECK_THAT(run.error_of("A-HOSTILE"), Catch::Contains("memory cap of 64 MiB"));
  CHECK(run.good_ran());
}

TEST_CASE("a huge error message is cut, not carried into every report", "[hostile][sandbox]") {
  SandboxLimits roomy = test_limits();
  roomy.memory_bytes = size_t{256} << 20;
  const Run run = run_hostile("error(string.rep('x', 20 * 1024 * 1024))", roomy);
  const std::string error = run.error_of("A-HOSTILE");
  CHECK(error.size() < 70 * 1024);
  CHECK_THAT(error, Catch::Contains("/A-HOSTILE.lua:3: xxxx") && Catch::EndsWith(" bytes cut)"));
  CHECK(run.good_ran());
}

TEST_CASE("a policy's changes to its globals and libraries do not reach the next policy",
          "[hostile][sandbox]") {
  // Each policy has its own Lua state: overwriting report, estate or string.format is local.
  const Run run = run_hostile(
      "report = function() end\nstring.format = nil\ntable.concat = nil\n"
      "getmetatable('').__index = {}\nestate = nil");
  CHECK(run.error_of("A-HOSTILE").empty());
  CHECK(run.good_ran());
  // Nor can it reach the globals table's metatable or the raw setters.
  CHECK_THAT(run_hostile("setmetatable(_G, nil)").error_of("A-HOSTILE"),
             Catch::Contains("cannot change a protected metatable"));
  CHECK_THAT(run_hostile("rawset(_G, 'x', 1)").error_of("A-HOSTILE"),
             Catch::Contains("global 'rawset'"));
  CHECK_THAT(run_hostile("coroutine.wrap(function() end)").error_of("A-HOSTILE"),
             Catch::Contains("global 'coroutine'"));
}

TEST_CASE("hostile policies fail one by one while the good policy reports, end to end",
          "[hostile][sandbox][cli]") {
  PackDir pack;
  pack.add("A-LOOP", "while true do end");
  pack.add("A-ALLOC", "local t = {} while true do t[#t + 1] = string.rep('x', 1024) end");
  pack.add("A-RECURSE", "local function f() return 1 + f() end\nf()");
  pack.add("A-REP", "local s = string.rep('x', 1 << 40)");
  pack.add("A-PATTERN", "string.find(string.rep('a', 100000), '.-.-.-.-b')");
  pack.add("A-BYTECODE",
           "local f = load(string.dump(function() end), 'x', 'b')\nassert(f, 'no bytecode')");
  pack.add("A-IO", "io.open('/etc/passwd')");
  pack.add("A-OS", "os.execute('true')");
  pack.add("A-PACKAGE", "package.loadlib('x', 'y')");
  pack.add("A-DEBUG", "debug.sethook()");
  pack.add("A-GC", "collectgarbage('stop')");
  pack.add("A-VIEW", "local ci = estate.ci('srv-1')\nci.class = 'router'");
  pack.add("A-GLOBALS", "report = nil\nestate = nil");
  pack.add("A-FINALIZER", "setmetatable({}, {__gc = function() while true do end end})");
  pack.add("A-MOVE", "table.move({}, 1, 1e14, 2)");
  const std::string estate = (pack.dir / "estate.toml").string();
  std::ofstream(estate) << kEstate;

  const auto start = std::chrono::steady_clock::now();
  const auto r = testing::run_topocheck(
      {"check", estate, "--policies", pack.dir.string(), "--as-of", "2026-11-23", "--no-color"});
  const auto took = std::chrono::steady_clock::now() - start;
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Catch::Contains("srv-1 seen by the good policy"));
  const std::string d = pack.dir.string() + "/";
  for (const std::string& expected : {
           d + "A-ALLOC.lua:3: policy exceeded its memory cap of 256 MiB",
           d + "A-BYTECODE.lua:4: no bytecode",
           d + "A-DEBUG.lua:3: attempt to index a nil value (global 'debug')",
           d + "A-FINALIZER.lua:3: __gc metamethods are not allowed in policies",
           d + "A-GC.lua:3: attempt to call a nil value (global 'collectgarbage')",
           d + "A-IO.lua:3: attempt to index a nil value (global 'io')",
           d + "A-MOVE.lua:3: table operation over 99999999999999 elements exceeds the sandbox "
               "limit of 16777216",
           d + "A-OS.lua:3: attempt to index a nil value (global 'os')",
           d + "A-PACKAGE.lua:3: attempt to index a nil value (global 'package')",
           d + "A-PATTERN.lua:3: pattern '.-.-.-.-b' is too costly for a 100000-byte subject "
               "(sandbox limit)",
           d + "A-VIEW.lua:4: estate views are read-only",
       }) {
    CHECK_THAT(r.err, Catch::Contains("policy error: " + expected + "\n"));
  }
  // The instruction budget or, on a loaded machine, the 30 s time limit, whichever comes first.
  CHECK_THAT(r.err, Catch::Contains("policy error: " + d + "A-LOOP.lua:3: policy exceeded its "));
  CHECK_THAT(r.err, Catch::Contains("policy error: " + d + "A-RECURSE.lua:3: stack overflow\n"));
  CHECK_THAT(r.err,
             Catch::Contains("policy error: " + d + "A-REP.lua:3: resulting string too large\n"));
  // Every hostile policy but A-GLOBALS, whose changes stay in its own state, is an error.
  CHECK_THAT(r.out + r.err,
             Catch::Contains("1 finding (1 low) from 16 policies; 14 policy errors"));
  CHECK(took < std::chrono::seconds(120));
}
