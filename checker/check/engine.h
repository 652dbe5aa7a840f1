// The engine: runs every policy of a pack over one estate, each in its own sandbox, and
// collects findings, notices and policy errors. A policy that fails (Lua error, budget, memory)
// yields a PolicyError and no findings; the other policies run regardless.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "checker/check/finding.h"
#include "checker/check/policy.h"
#include "checker/graph/graph.h"
#include "checker/lua/sandbox.h"
#include "checker/model/estate.h"

namespace topocheck {

class ReachabilityIndex;

struct PolicyError {
  std::string policy;     // policy id, or the file name when the id could not be read
  std::string file;
  std::string message;    // "policies/X.lua:12: attempt to ..." or "... instruction budget ..."
  std::string traceback;
};

struct Notice {
  std::string policy;
  std::string message;
};

// Overrides of policy settings: policy id -> setting name -> value.
using SettingOverrides = std::map<std::string, std::map<std::string, SettingValue>>;

struct RunOptions {
  Date as_of;
  SandboxLimits limits;
  SettingOverrides settings;
  std::vector<std::string> only;  // run only these policy ids (empty: all)
  // Policies run at once, each in its own sandbox over the shared read-only estate (0: one per
  // core). Results do not depend on it.
  unsigned threads = 0;
  // Called after each policy's check (from the thread that ran it, one call at a time) with the
  // policy id (or file), how many have finished and how many there are.
  std::function<void(const std::string& policy, size_t done, size_t total)> on_policy_done;
  // Called by evaluate_estate (checker/check/pipeline.h) when the graph and the reachability
  // index are built, with what they hold ("reachability: 2601 source atoms ...").
  std::function<void(const std::string& message)> on_phase;
};

struct CheckResult {
  std::vector<PolicyMeta> policies;  // every policy whose metadata could be read, by id
  std::vector<std::string> pack_ids; // every policy id of the pack, also those not selected
  std::vector<Finding> findings;     // sorted (sort_findings)
  std::vector<Notice> notices;       // by policy, then message
  std::vector<PolicyError> errors;   // by policy
  // Per policy id: the CIs it evaluated (checked()), sorted by id. A checked CI without a
  // finding of that policy passed it.
  std::map<std::string, std::vector<std::string>> checked;
  // Per policy id: wall time of loading and checking it, in seconds (for benchmarks).
  std::map<std::string, double> seconds;
  // Per policy id: CPU time of its thread for the same, in seconds (unaffected by other load).
  std::map<std::string, double> cpu_seconds;
};

// Reads the metadata of every policy without running its check.
CheckResult read_policy_metadata(const PolicyPack& pack, const RunOptions& options);

// Runs the pack over the estate. `reach` may be null (policies asking for paths then error).
CheckResult run_policies(const PolicyPack& pack, const Estate& estate, const EstateGraph& graph,
                         const ReachabilityIndex* reach, const RunOptions& options);

}  // namespace topocheck
