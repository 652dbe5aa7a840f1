// What policies may call: the estate as read-only views, and the functions that report
// findings and notices. docs/policy-api.md is the reference for policy authors; this header is
// the C++ side. Views are userdata over the shared, immutable Estate (no copy per policy); every
// list a view returns is a fresh Lua table, so a policy that modifies one changes nothing else.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "checker/check/finding.h"
#include "checker/graph/graph.h"
#include "checker/model/estate.h"

namespace topocheck {

class Sandbox;
class ReachabilityIndex;

// Everything a policy run reads and writes, owned by the caller and alive for the whole run.
struct PolicyContext {
  const Estate* estate = nullptr;
  const EstateGraph* graph = nullptr;
  const ReachabilityIndex* reach = nullptr;  // may be null when reachability was not computed
  Date as_of;
  std::string policy_id;  // set once the policy's metadata is read
  Severity default_severity = Severity::medium;
  std::string clause;
  std::string title;
  std::vector<Finding> findings;
  std::vector<std::string> notices;
  std::vector<bool> checked;  // by CI index: the policy evaluated this CI (checked())
  std::string lib_dir;  // policies/lib: what `import(name)` loads
  size_t max_findings = 100'000;
  size_t max_message_bytes = 64 * 1024;
  bool truncated = false;  // max_findings was reached
};

// Installs `estate`, `report`, `notice`, `dates` and the view metatables into the sandbox.
// `ctx` must outlive the sandbox's use.
void install_policy_api(Sandbox& sandbox, PolicyContext& ctx);

}  // namespace topocheck
