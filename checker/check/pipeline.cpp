#include "checker/check/pipeline.h"

#include "checker/graph/graph.h"
#include "checker/graph/reach.h"

namespace topocheck {

CheckResult evaluate_estate(const Estate& estate, const PolicyPack& pack, const RunOptions& options) {
  const EstateGraph graph(estate);
  const ReachabilityIndex reach(graph);
  return run_policies(pack, estate, graph, &reach, options);
}

}  // namespace topocheck
