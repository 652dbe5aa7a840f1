// The policy sandbox: hostile policies are stopped with a clear policy error naming the policy,
// while every other policy of the pack still produces its findings.
#include <algorithm>
#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>

#include "checker/check/engine.h"
#include "checker/graph/graph.h"
#include "checker/graph/reach.h"
#include "checker/load/toml_loader.h"
#include "tests/unit/support.h"

namespace fs = std::filesystem;
using namespace topocheck;

namespace {

const char* kEstate = R"(
[[zone]]
id = "app"
kind = "internal"
[[ci]]
id = "srv-1"
class = "server"
)";

// A policy pack in a temporary directory: a well-behaved policy GOOD plus the hostile one.
struct Pack {
  fs::path dir;
  explicit Pack(const std::string& hostile_check) {
    static int counter = 0;
    dir = fs::temp_directory_path() / ("topocheck-sandbox-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::create_directories(dir);
    write("GOOD.lua", R"(return { id = "GOOD", title = "t", severity = "low", clause = "c", rationale = "r",
      remediation = "m", check = function(estate) for ci in estate.cis() do report(ci, "seen") end end })");
    write("HOSTILE.lua", "return { id = \"HOSTILE\", title = \"t\", severity = \"low\", clause = \"c\", "
                         "rationale = \"r\", remediation = \"m\", check = function(estate, settings)\n" +
                             hostile_check + "\nend }");
  }
  ~Pack() { fs::remove_all(dir); }
  void write(const std::string& name, const std::string& text) const { std::ofstream(dir / name) << text; }
};

struct Outcome {
  CheckResult result;
  std::string error;  // HOSTILE's policy error, "" when none
  bool good_ran = false;
};

Outcome run_hostile(const std::string& check_body, SandboxLimits limits = {}, const std::string& estate = kEstate) {
  Pack pack(check_body);
  RunOptions options = testing::options_as_of();
  options.limits = limits;
  Outcome out;
  out.result = testing::run_pack_over_toml(pack.dir.string(), estate, options);
  for (const PolicyError& e : out.result.errors) {
    if (e.policy == "HOSTILE") out.error = e.message;
  }
  for (const Finding& f : out.result.findings) {
    if (f.rule == "GOOD" && f.ci == "srv-1") out.good_ran = true;
  }
  return out;
}

SandboxLimits small_limits() {
  SandboxLimits l;
  l.instructions = 5'000'000;
  l.memory_bytes = size_t{32} << 20;
  l.wall_time = std::chrono::milliseconds(10'000);
  return l;
}

// An estate of `n` servers.
std::string servers(int n) {
  std::string toml = "[[zone]]\nid = \"app\"\nkind = \"internal\"\n";
  for (int i = 1; i <= n; ++i) toml += "[[ci]]\nid = \"srv-" + std::to_string(i) + "\"\nclass = \"server\"\n";
  return toml;
}

// Limits below what 20 000 CIs earn (1 KiB memory, 10 000 instructions per CI): 8 MiB, 1 000.
SandboxLimits floor_limits() {
  SandboxLimits l = small_limits();
  l.memory_bytes = size_t{8} << 20;
  l.instructions = 1'000;
  return l;
}

}  // namespace

TEST_CASE("on a large estate a policy gets memory and instructions per CI beyond the configured floor", "[sandbox]") {
  // 12 MiB at its peak (string.rep builds the string in a buffer, then copies it).
  const auto out = run_hostile("local s = string.rep('x', 6 << 20) report(nil, 'allocated ' .. #s)", floor_limits(),
                               servers(20'000));
  CHECK(out.error.empty());
  CHECK(std::count_if(out.result.findings.begin(), out.result.findings.end(),
                      [](const Finding& f) { return f.message == "allocated 6291456"; }) == 1);
  CHECK(out.good_ran);
}

TEST_CASE("the per-CI limits of a large estate still stop a hostile policy", "[sandbox]") {
  const auto loop = run_hostile("while true do end", floor_limits(), servers(20'000));
  CHECK_THAT(loop.error, Catch::Contains("instruction budget of 200000000"));
  const auto bomb = run_hostile("local t = {} local i = 0 while true do i = i + 1 t[i] = {i, i, i} end", floor_limits(),
                                servers(20'000));
  CHECK_THAT(bomb.error, Catch::Contains("memory cap of 19 MiB"));
  CHECK(bomb.good_ran);
  SandboxLimits roomy = floor_limits();
  roomy.instructions = 2'000'000'000;
  const auto flood = run_hostile("while true do report(nil, 'again') end", roomy, servers(20'000));
  CHECK_THAT(flood.error, Catch::Contains("more than 200000 findings"));
}

TEST_CASE("a policy that loops forever is stopped by its instruction budget", "[sandbox]") {
  const auto out = run_hostile("while true do end", small_limits());
  CHECK_THAT(out.error, Catch::Contains("HOSTILE.lua:2:") && Catch::Contains("instruction budget of 5000000"));
  CHECK(out.good_ran);
}

TEST_CASE("a policy cannot swallow the budget abort with pcall", "[sandbox]") {
  const auto out = run_hostile(R"(
    for i = 1, 100 do pcall(function() while true do end end) end
    report(nil, "escaped the budget"))", small_limits());
  CHECK_THAT(out.error, Catch::Contains("instruction budget"));
  for (const Finding& f : out.result.findings) CHECK(f.rule != "HOSTILE");
  CHECK(out.good_ran);
}

TEST_CASE("a policy that allocates without end hits its memory cap", "[sandbox]") {
  const auto out = run_hostile("local t = {} local i = 0 while true do i = i + 1 t[i] = {i, i, i} end",
                               small_limits());
  CHECK_THAT(out.error, Catch::Contains("memory cap of 32 MiB"));
  CHECK(out.good_ran);
}

TEST_CASE("a string.rep bomb hits the memory cap", "[sandbox]") {
  const auto out = run_hostile("local s = string.rep('x', 1 << 30) report(nil, s)", small_limits());
  CHECK_THAT(out.error, Catch::Contains("memory cap"));
  CHECK(out.good_ran);
}

TEST_CASE("os.execute and io.open are not there", "[sandbox]") {
  CHECK_THAT(run_hostile("os.execute('touch /tmp/pwned')").error,
             Catch::Contains("HOSTILE.lua:2:") && Catch::Contains("global 'os'"));
  CHECK_THAT(run_hostile("io.open('/etc/passwd')").error, Catch::Contains("global 'io'"));
  CHECK_THAT(run_hostile("debug.sethook()").error, Catch::Contains("global 'debug'"));
  CHECK_THAT(run_hostile("package.loadlib('x', 'y')").error, Catch::Contains("global 'package'"));
  CHECK_THAT(run_hostile("require('os')").error, Catch::Contains("global 'require'"));
  CHECK_THAT(run_hostile("dofile('/etc/passwd')").error, Catch::Contains("global 'dofile'"));
  CHECK_THAT(run_hostile("collectgarbage('stop')").error, Catch::Contains("global 'collectgarbage'"));
}

TEST_CASE("loading bytecode is refused", "[sandbox]") {
  const auto out = run_hostile(R"(
    local bytecode = string.dump(function() return 1 end)
    local f, err = load(bytecode)
    if f then report(nil, "bytecode loaded") end
    local g, err2 = load(bytecode, "x", "b")
    if g then report(nil, "bytecode loaded in mode b") end
    error("refused: " .. tostring(err) .. " / " .. tostring(err2)))");
  CHECK_THAT(out.error, Catch::Contains("attempt to load a binary chunk") &&
                            Catch::Contains("only text chunks are allowed"));
}

TEST_CASE("a policy cannot create globals or modify the estate views", "[sandbox]") {
  CHECK_THAT(run_hostile("leaked = 1").error, Catch::Contains("assignment to undeclared global 'leaked'"));
  CHECK_THAT(run_hostile("estate.cis = nil").error, Catch::Contains("estate is read-only"));
  CHECK_THAT(run_hostile("local ci = estate.ci('srv-1') ci.class = 'router'").error,
             Catch::Contains("estate views are read-only"));
  CHECK_THAT(run_hostile("local ci = estate.ci('srv-1') local x = ci.clas").error,
             Catch::Contains("ci \"srv-1\" has no field 'clas'"));
  CHECK_THAT(run_hostile("getmetatable(estate.ci('srv-1')).__index = nil").error,
             Catch::Contains("attempt to index a boolean value"));
}

TEST_CASE("a catastrophic pattern is refused before it runs", "[sandbox]") {
  const auto out = run_hostile("string.find(string.rep('a', 100000), '.-.-.-.-b')");
  CHECK_THAT(out.error, Catch::Contains("too costly"));
  CHECK(out.good_ran);
}

TEST_CASE("a 100 MB finding message is truncated, not stored", "[sandbox]") {
  const auto out = run_hostile("report(nil, string.rep('x', 100 * 1024 * 1024))");
  CHECK(out.error.empty());
  for (const Finding& f : out.result.findings) {
    if (f.rule == "HOSTILE") CHECK(f.message.size() < 70 * 1024);
  }
}

TEST_CASE("a policy reporting a million findings is stopped at the cap", "[sandbox]") {
  const auto out = run_hostile("for i = 1, 1000000 do report(nil, 'f' .. i) end");
  CHECK_THAT(out.error, Catch::Contains("more than 100000 findings"));
  CHECK(out.good_ran);
}

TEST_CASE("a Lua error is reported with file, line and traceback", "[sandbox]") {
  const auto out = run_hostile("local ci = nil\nlocal x = ci.id");
  CHECK_THAT(out.error, Catch::Contains("HOSTILE.lua:3: attempt to index a nil value (local 'ci')"));
  bool has_traceback = false;
  for (const PolicyError& e : out.result.errors) has_traceback |= e.traceback.find("stack traceback") != std::string::npos;
  CHECK(has_traceback);
}

TEST_CASE("math.random is deterministic across runs", "[sandbox]") {
  const auto a = run_hostile("report(nil, tostring(math.random(1, 1000000)))");
  const auto b = run_hostile("report(nil, tostring(math.random(1, 1000000)))");
  std::string ma, mb;
  for (const Finding& f : a.result.findings) if (f.rule == "HOSTILE") ma = f.message;
  for (const Finding& f : b.result.findings) if (f.rule == "HOSTILE") mb = f.message;
  CHECK_FALSE(ma.empty());
  CHECK(ma == mb);
}
