// Network reachability with path evidence. Follows traffic from sources (the internet, subnets,
// CIs, zones) to the services a CI listens on: across zones only through firewalls (ordered
// rules, first match wins, default deny) and routers (no filtering), through destination NAT,
// and onward through proxies along `forwards_to` relations. Every answer carries its paths: each
// hop names the node, the service, and the firewall rule (order, ref, file:line) or relation
// that let the traffic through.
//
// Exactness: sources are split into atoms that every rule treats alike (each subnet; each CI a
// rule names; each CIDR range a rule names inside a subnet or in public address space; the rest
// of the internet), so a rule that admits part of a subnet or part of the internet is evaluated
// for exactly that part. Port ranges are evaluated as interval sets, so a deny for part of a
// range shadows only that part.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "checker/check/finding.h"
#include "checker/graph/graph.h"
#include "checker/model/estate.h"

namespace topocheck {

// A class of traffic sources that every rule of the estate treats alike.
struct SourceAtom {
  enum class Kind : uint8_t { internet, subnet, ci, zone };
  Kind kind = Kind::subnet;
  Index zone = kNoIndex;    // the zone the traffic starts in (internet: the first internet zone;
                            // its traffic starts in every internet zone)
  Index subnet = kNoIndex;  // for subnet atoms and CI atoms in a subnet
  Index ci = kNoIndex;      // for CI atoms
  std::optional<Cidr> range;  // addresses it stands for (internet ranges, sub-ranges of subnets)
  // "zone:internet", "zone:internet cidr:198.51.100.0/24" ("internet ..." when several zones are
  // of kind internet), "subnet:office-a", "subnet:office-a cidr:10.1.0.0/26", "ci:pam-1", "zone:partner"
  std::string label;
};

// How a flow was decided at one firewall.
struct RuleDecision {
  bool allowed = false;
  Index rule = kNoIndex;         // the deciding rule; kNoIndex = the firewall's default action
  Index firewall = kNoIndex;
};

// One way traffic gets from a source to a CI's service, hop by hop.
struct ReachPath {
  Index source_atom = kNoIndex;
  Index target = kNoIndex;        // the CI reached
  Service service;                // on the target
  bool confirmed = false;         // internet paths: starts at a routable public address
  std::vector<Hop> hops;          // the first hop is the source, the last the target
  std::vector<Index> cis;         // CIs on the path in order (proxies, then the target)
};

// One source that reaches a CI on one service, without the hops: what sources_reaching answers
// minus its evidence. A policy judges many sources and reports few; it asks for the paths of
// those it reports (sources_reaching with `only`).
struct SourceReach {
  Index source_atom = kNoIndex;
  Service service;          // the part of the service that arrives
  uint32_t hops = 0;        // as ReachPath::hops.size() of the same path
  uint32_t firewalls = 0;   // firewalls crossed on it
};

// Every internet path into one CI: the direct ones (one per internet atom, interface and listened
// service; a port-specific NAT splits a service into its published and its unpublished part),
// then those through forwarding proxies (one per entry point and service). `more_paths` counts
// further zone routes that carry the same direct flows.
struct InternetExposure {
  Index ci = kNoIndex;
  std::vector<ReachPath> paths;
  size_t more_paths = 0;
  bool confirmed() const;
};

// A traced flow: every hop, and where it stopped.
struct FlowTrace {
  bool reached = false;
  std::vector<std::string> lines;  // human-readable, one per step
  std::vector<ReachPath> paths;    // the paths that reach the target
};

class ReachabilityIndex {
 public:
  explicit ReachabilityIndex(const EstateGraph& graph);
  ~ReachabilityIndex();
  ReachabilityIndex(const ReachabilityIndex&) = delete;
  ReachabilityIndex& operator=(const ReachabilityIndex&) = delete;

  const Estate& estate() const;
  const std::vector<SourceAtom>& atoms() const;
  // The CIs whose traffic belongs to an atom (by their interfaces), in index order.
  const std::vector<Index>& atom_members(Index atom) const;
  // How many CIs an atom stands for, firewalls and routers aside (they carry traffic, they do
  // not originate it).
  size_t source_size(Index atom) const;
  // The atom with this label, or kNoIndex.
  Index find_atom(const std::string& label) const;

  // Internet reachability of every CI (including through forwarding proxies); computed once.
  const std::vector<InternetExposure>& internet_exposures() const;
  const InternetExposure* internet_exposure(Index ci) const;

  // Every source atom that reaches `ci` on a service overlapping `service` (all services when
  // nullopt), with the shortest path per (atom, service). Direct network paths only: forwarding
  // through proxies is followed for the internet (internet_exposure), not here.
  // With `peers`, the atoms that start in the zone of each of the CI's interfaces (which reach
  // it directly, crossing nothing) get no path: they are appended to `peers`, ascending. A zone
  // holds many of them, and a caller asking who crosses a firewall need not route each one.
  // With `only` (ascending atoms), just the paths of those atoms: exactly the entries of the full
  // answer that they source, in the same order.
  std::vector<ReachPath> sources_reaching(Index ci, const std::optional<Service>& service,
                                          std::vector<Index>* peers = nullptr,
                                          const std::vector<Index>* only = nullptr) const;

  // sources_reaching without the paths: one entry per (atom, service), in the same order, each
  // describing the path sources_reaching gives for it. Builds no hops, so it costs a fraction.
  std::vector<SourceReach> reaching_sources(Index ci, const std::optional<Service>& service,
                                            std::vector<Index>* peers = nullptr) const;

  // The CIs that every rule, NAT and listened service treat alike as a destination share a reach
  // class: one interface in the same zone and subnet, the same listened services, inside the same
  // `cidr:` destinations, named by no rule's `to` and by no NAT, no public address. CIs of one
  // class get the same reaching_sources answer, so a policy may judge a class once. kNoIndex for a
  // CI that is a class of its own. Worked out on first use (thread-safe).
  Index reach_class(Index ci) const;

  // Paths from one source (an atom label, "zone:ID", "subnet:ID", "ci:ID" or "internet") to a
  // CI, and the reason when there is none: each firewall the flow meets on its way, with the rule
  // (or the default deny) that stops it.
  FlowTrace trace(const std::string& source, Index ci, const std::optional<Service>& service) const;

  // How a firewall decides a flow from `atom` to `ci`'s interface `itf` on `port`/`protocol`.
  RuleDecision decide(Index firewall, Index atom, Index ci, size_t itf, const Service& service) const;

  // Firewalls and routers a flow between two zones may cross (adjacency of the zone graph).
  struct ZoneLink {
    Index zone_a = kNoIndex;
    Index zone_b = kNoIndex;
    Index device = kNoIndex;  // the firewall or router CI
    bool filters = true;      // false for routers
  };
  const std::vector<ZoneLink>& zone_links() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace topocheck
