// Fuzz target: the estate loader on one document (TOML parse, conversion into the model, the
// whole-estate checks). Any input must give a model or diagnostics, never a crash; an estate
// without errors must also build its graph and reachability index.
#include <cstddef>
#include <cstdint>
#include <string>

#include "checker/graph/graph.h"
#include "checker/graph/reach.h"
#include "checker/load/toml_loader.h"
#include "tests/fuzz/fuzz_support.h"

using namespace topocheck;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const LoadResult loaded = load_estate_from_strings({{"estate.toml", text}});
  fuzz::check_diagnostics(loaded.diagnostics);
  if (!loaded.diagnostics.has_errors()) {
    const EstateGraph graph(loaded.estate);
    const ReachabilityIndex reach(graph);
  }
  return 0;
}
