// A finding: one violation of one contract rule by one CI (or by the estate as a whole), with the
// evidence that made it fire. Findings are self-contained values (file paths are strings, not
// indices into an Estate), so report writers need nothing but findings and the run's metadata.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace topocheck {

enum class Severity : uint8_t { info, low, medium, high, critical };
std::string_view to_string(Severity s);
std::optional<Severity> severity_from_string(std::string_view text);

struct FileLine {
  std::string file;  // path of the estate file
  uint32_t line = 0;
  friend auto operator<=>(const FileLine&, const FileLine&) = default;
};

// One fact behind a finding: "agents: Sophos Endpoint (av, contractor) installed beside the
// customer EDR", at servers.toml:42.
struct Evidence {
  std::string fact;
  FileLine where;
};

// One hop of a network path: the node reached (a CI or a zone), the service used, and what let
// the traffic through: a firewall rule, a forwarding relation, or nothing (inside a zone).
struct Hop {
  std::string node;       // CI id, or "zone:ID" for a zone (the internet is "zone:internet")
  std::string service;    // "tcp/443"
  std::string firewall;   // firewall CI id whose rule allowed the hop; empty if none crossed
  std::string rule_ref;   // the rule's `ref`, or "order N" when it has none
  int64_t rule_order = 0;
  std::string via;        // "rule", "default_action", "forwards_to", "zone", "router", "start"
  std::string nat;        // "203.0.113.10 -> 10.20.1.5" when a NAT rewrote the destination
  FileLine where;         // file:line of the rule or relation behind the hop
};

struct Path {
  std::vector<Hop> hops;
  std::string kind;  // free classification, e.g. "confirmed" / "latent" for internet paths
};

// Extra machine-readable data of a finding, emitted as JSON fields under "data"
// (PATCH-SLA: due, days_overdue; EXPOSURE: exposure).
using DataValue = std::variant<std::string, int64_t, double, bool>;

struct Finding {
  std::string rule;  // policy id, "EDR-LEADING"
  Severity severity = Severity::medium;
  std::string clause;  // "003 §7.2"
  std::string title;   // the policy's title
  std::string ci;      // offending CI id; empty for estate-wide findings
  std::string message;
  std::vector<Evidence> evidence;
  std::vector<Path> paths;
  size_t more_paths = 0;  // paths found beyond those listed
  std::vector<std::pair<std::string, DataValue>> data;
  FileLine location;    // where the offending CI (or fact) is written
  std::string fingerprint;  // stable across runs, file order and unrelated edits

  // Set after the policies ran (checker/check/waivers.h, baseline.h).
  std::string waiver;    // reference of the waiver that suppresses it; "" = not waived
  std::string baseline;  // "" (no baseline given), "new" or "unchanged"

  // A finding fails the run unless it is waived or already in the baseline.
  bool counts() const { return waiver.empty() && baseline != "unchanged"; }
};

// Fingerprint: SHA-256 (hex, first 32 chars) over rule, ci and the finding's `key` (a policy may
// set it to what identifies the finding's substance, e.g. the vulnerability; default: the
// message) plus, for path findings, the paths' hops (nodes, firewalls, rule refs). File names and
// line numbers are deliberately not part of it.
std::string compute_fingerprint(const std::string& rule, const std::string& ci,
                                const std::string& key);

// The substance of a finding's paths for its fingerprint: nodes, services and rules per hop.
std::string path_signature(const std::vector<Path>& paths);

// Sort by rule, ci, message, fingerprint: the order of every output.
void sort_findings(std::vector<Finding>& findings);

}  // namespace topocheck
