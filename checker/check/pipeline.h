// The evaluation pipeline after loading: graph, reachability, policies. One function, so that
// check, clauses, the policy test runner and the diff all evaluate an estate the same way.
#pragma once

#include "checker/check/engine.h"
#include "checker/check/policy.h"
#include "checker/model/estate.h"

namespace topocheck {

// Builds the graph and the reachability index over a loaded (error-free) estate and runs the
// pack's policies on it.
CheckResult evaluate_estate(const Estate& estate, const PolicyPack& pack, const RunOptions& options);

}  // namespace topocheck
