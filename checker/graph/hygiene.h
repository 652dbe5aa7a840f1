// Firewall rule hygiene: the questions a network engineer asks of a rule base before any
// reachability. Which rules can never match because earlier rules of the same firewall decide all
// of their traffic (and which earlier rules those are), which allow rules are wider than a rule
// base should ever be (the whole internet as source, any service, any to any), and which
// firewalls let through what no rule matches.
//
// A rule is dead when every (source, destination, service) it names is matched first by earlier
// rules, first match wins, in the order reach.h evaluates them (`order`, then input position).
// The analysis is sound rather than complete: it calls a rule dead only when the estate proves it.
// Where coverage would depend on addresses the estate does not describe (a zone holds more than
// its exported subnets; a range may hold hosts nobody exported), the rule is assumed to match.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "checker/model/estate.h"

namespace topocheck {

enum class RuleIssueKind : uint8_t {
  default_allow,  // the firewall's default action is allow (no rule involved)
  shadowed,       // dead, and an earlier rule with the opposite action decides its traffic
  redundant,      // dead, and earlier rules with the same action decide all of it
  any_to_any,     // allow rule from any (or 0/0) to any (or 0/0)
  any_source_from_internet,  // allow rule from any, 0/0, ::/0 or an internet zone
  any_service,               // allow rule on service `any`
};

// "default_allow", "shadowed", ... as policies see them.
std::string_view to_string(RuleIssueKind kind);

struct RuleIssue {
  RuleIssueKind kind = RuleIssueKind::shadowed;
  Index firewall = kNoIndex;  // -> cis
  Index rule = kNoIndex;      // -> rules; kNoIndex for default_allow
  // shadowed / redundant: the earlier rules that decide the dead rule's traffic, in evaluation
  // order. For shadowed, at least one of them has the opposite action.
  std::vector<Index> covered_by;
  std::string message;  // one line, names the rule by order and ref
};

// Every issue of every firewall, ordered by firewall id, then rule evaluation order (the
// firewall's default_allow first). A dead rule is reported as shadowed or redundant only: what
// it would allow never happens, so it gets no any_* issue. Cost per firewall is O(rules²) cheap
// coverage checks in the worst case; most live rules are settled by one pass over earlier rules.
std::vector<RuleIssue> analyse_rules(const Estate& estate);

}  // namespace topocheck
