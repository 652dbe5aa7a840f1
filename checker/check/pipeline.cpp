#include "checker/check/pipeline.h"

#include <fmt/format.h>

#include "checker/graph/graph.h"
#include "checker/graph/reach.h"

namespace topocheck {

CheckResult evaluate_estate(const Estate& estate, const PolicyPack& pack, const RunOptions& options) {
  const EstateGraph graph(estate);
  if (options.on_phase) {
    options.on_phase(fmt::format("graph: {} vertices, {} edges", boost::num_vertices(graph.graph()),
                                 boost::num_edges(graph.graph())));
  }
  const ReachabilityIndex reach(graph);
  if (options.on_phase) {
    options.on_phase(fmt::format("reachability: {} source atoms, {} CIs exposed to the internet",
                                 reach.atoms().size(), reach.internet_exposures().size()));
  }
  return run_policies(pack, estate, graph, &reach, options);
}

}  // namespace topocheck
