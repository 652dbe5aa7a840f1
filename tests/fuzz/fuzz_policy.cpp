// Fuzz target: the policy runtime. The input is Lua source run inside the sandbox against a small
// estate (fixtures/compliant) with the real policy API: a whole policy file when it holds
// "check = function" (the seeds are the pack's policies), else the body of a check function.
// Whatever the source does, the run must end with findings or a policy error, never a crash,
// and within the sandbox's limits.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "checker/check/engine.h"
#include "checker/graph/graph.h"
#include "checker/graph/reach.h"
#include "checker/load/toml_loader.h"
#include "tests/fuzz/fuzz_support.h"

using namespace topocheck;

namespace {

struct World {
  LoadResult loaded;
  std::unique_ptr<EstateGraph> graph;
  std::unique_ptr<ReachabilityIndex> reach;
};

const World& world() {
  static const World* w = [] {
    auto* made = new World;
    made->loaded = load_estate({std::string(TOPOCHECK_SOURCE_DIR) + "/fixtures/compliant"});
    FUZZ_ASSERT(!made->loaded.diagnostics.has_errors());
    made->graph = std::make_unique<EstateGraph>(made->loaded.estate);
    made->reach = std::make_unique<ReachabilityIndex>(*made->graph);
    return made;
  }();
  return *w;
}

std::string policy_source(std::string_view input) {
  if (input.find("check = function") != std::string_view::npos) return std::string(input);
  return "return { id = \"FUZZ\", title = \"t\", severity = \"low\", clause = \"c\", rationale = "
         "\"r\",\n"
         "  remediation = \"m\", settings = { days = 30, ports = { \"tcp/22\" } },\n"
         "  check = function(estate, settings)\n" +
         std::string(input) + "\nend }\n";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return -1;  // long sources only slow the search down
  const World& w = world();
  PolicyPack pack;
  pack.dir = "fuzz";
  pack.lib_dir = std::string(TOPOCHECK_SOURCE_DIR) + "/policies/lib";
  pack.version = "fuzz";
  pack.policies.push_back(
      {"fuzz/FUZZ.lua", policy_source({reinterpret_cast<const char*>(data), size})});
  RunOptions options;
  options.as_of = *parse_date("2026-11-23");
  options.limits.instructions = 2'000'000;
  options.limits.memory_bytes = size_t{64} << 20;
  options.limits.wall_time = std::chrono::milliseconds(2'000);
  const CheckResult result = run_policies(pack, w.loaded.estate, *w.graph, w.reach.get(), options);
  for (const PolicyError& e : result.errors) FUZZ_ASSERT(!e.message.empty());
  return 0;
}
