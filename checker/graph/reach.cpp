#include "checker/graph/reach.h"

#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <tuple>
#include <unordered_map>

#include <fmt/format.h>

#include "checker/graph/port_set.h"

namespace topocheck {
namespace {

constexpr size_t kVirtualInterface = SIZE_MAX;  // a public_ips address of a CI without interfaces
constexpr size_t kPathCountCap = 1000;
constexpr uint8_t kFar = UINT8_MAX;              // zone distance: unreachable or not tabulated
constexpr size_t kMaxTabulatedZones = 4096;      // zone distances take zones² bytes

// One address a flow can be sent to: a CI's interface.
struct Destination {
  Index ci = kNoIndex;
  size_t itf = 0;
  Index zone = kNoIndex;
  Index subnet = kNoIndex;
  std::optional<IpAddress> ip;
};

// A firewall's rules in evaluation order, indexed by what their `to` names, so a flow is tested
// only against the rules that can match its destination.
struct FirewallRules {
  std::vector<Index> ordered;  // rule indices sorted by (order, position in the input)
  std::unordered_map<Index, std::vector<uint32_t>> by_ci, by_subnet, by_zone;
  std::vector<uint32_t> generic;  // `any` and `cidr:` destinations
};

struct Link {
  Index next_zone = kNoIndex;
  Index device = kNoIndex;
  bool filters = true;
};

// One crossing of a zone boundary on a path.
struct Step {
  Index device = kNoIndex;
  Index to_zone = kNoIndex;
  Index rule = kNoIndex;  // kNoIndex with filters: the firewall's default action allowed it
  bool filters = true;
};

struct Route {
  std::vector<Step> steps;
  PortSet ports;  // the part of the flow that arrives
};

bool is_private(const IpAddress& a) {
  static const std::vector<Cidr> kPrivate = [] {
    std::vector<Cidr> v;
    for (const char* text : {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10",
                             "127.0.0.0/8", "169.254.0.0/16", "fc00::/7", "fe80::/10", "::1/128"}) {
      v.push_back(*parse_cidr(text));
    }
    return v;
  }();
  return std::any_of(kPrivate.begin(), kPrivate.end(), [&](const Cidr& c) { return c.contains(a); });
}

// A range counts as internet address space when it is not entirely private.
bool is_public_range(const Cidr& c) {
  if (c.is_default_route()) return true;
  return !is_private(c.base) || c.prefix < (c.base.v4 ? 8 : 7);
}

bool rule_service_covers(const Service& rule_service, Protocol flow_protocol, PortSet& covered) {
  if (rule_service.protocol == Protocol::any) {
    covered = PortSet(0, 65535);
    return true;
  }
  if (flow_protocol == Protocol::any || rule_service.protocol != flow_protocol) return false;
  covered = PortSet::of(rule_service);
  return true;
}

// "tcp/8000-8079, tcp/8081-8100"
std::string services_text(const PortSet& ports, Protocol protocol) {
  std::string text;
  for (const Service& s : ports.as_services(protocol)) text += (text.empty() ? "" : ", ") + to_string(s);
  return text;
}

std::string rule_label(const Rule& r) {
  return r.ref.empty() ? fmt::format("order {}", r.order) : r.ref;
}

}  // namespace

bool InternetExposure::confirmed() const {
  return std::any_of(paths.begin(), paths.end(), [](const ReachPath& p) { return p.confirmed; });
}

struct ReachabilityIndex::Impl {
  const EstateGraph& graph;
  const Estate& e;
  std::vector<Index> internet_zones;
  std::vector<std::vector<Link>> adjacency;  // by zone
  std::vector<ZoneLink> links;
  std::unordered_map<Index, FirewallRules> firewall_rules;
  std::vector<std::vector<Destination>> destinations;  // by CI
  std::vector<SourceAtom> atoms;
  std::vector<Index> internet_atoms;
  std::map<std::pair<Index, size_t>, Index> ci_atom;       // (ci, interface) -> atom
  std::vector<Index> subnet_atom;                          // by subnet
  std::map<Index, std::vector<Index>> subrange_atoms;      // subnet -> atoms of ranges inside it
  std::map<Index, Index> zone_atom;                        // zone (no subnets) -> atom
  std::vector<InternetExposure> exposures;
  std::vector<Index> exposure_of_ci;
  std::vector<std::vector<Index>> members;  // by atom
  std::vector<uint32_t> source_sizes;       // by atom: members other than firewalls and routers
  // Atoms by what a rule's `from` may name, to find the few sources that can reach a CI.
  std::vector<Index> all_atoms;
  std::vector<std::vector<Index>> atoms_by_zone, atoms_by_subnet;
  std::unordered_map<Index, std::vector<Index>> atoms_by_ci;
  std::unordered_map<const Endpoint*, std::vector<Index>> atoms_by_range;  // non-default `cidr:` sources
  std::unordered_map<std::string, Index> atom_by_label;
  // Fewest zone crossings from zone a to zone b (zone_hops[a * zones + b]), ignoring rules; kFar
  // when there is no way or the estate has too many zones to tabulate them.
  std::vector<uint8_t> zone_hops;

  // By CI: its reach class (ReachabilityIndex::reach_class), made on first use.
  mutable std::once_flag classes_once;
  mutable std::vector<Index> reach_classes;

  explicit Impl(const EstateGraph& g) : graph(g), e(g.estate()) {
    build_zone_graph();
    build_zone_hops();
    build_rule_index();
    build_destinations();
    build_atoms();
    build_members();
    build_atom_index();
    compute_internet_exposures();
  }

  void build_zone_hops() {
    const size_t n = e.zones.size();
    if (n == 0 || n > kMaxTabulatedZones) return;
    zone_hops.assign(n * n, kFar);
    std::vector<Index> queue;
    for (Index from = 0; from < n; ++from) {
      uint8_t* row = &zone_hops[from * n];
      row[from] = 0;
      queue.assign(1, from);
      for (size_t head = 0; head < queue.size(); ++head) {
        const Index z = queue[head];
        if (row[z] + 1 >= kFar) break;
        for (const Link& link : adjacency[z]) {
          if (row[link.next_zone] != kFar) continue;
          row[link.next_zone] = static_cast<uint8_t>(row[z] + 1);
          queue.push_back(link.next_zone);
        }
      }
    }
  }

  uint8_t crossings(Index from, Index to) const {
    return zone_hops.empty() ? kFar : zone_hops[from * e.zones.size() + to];
  }

  void build_atom_index() {
    all_atoms.resize(atoms.size());
    atoms_by_zone.resize(e.zones.size());
    atoms_by_subnet.resize(e.subnets.size());
    for (Index a = 0; a < atoms.size(); ++a) {
      const SourceAtom& atom = atoms[a];
      all_atoms[a] = a;
      if (atom.zone != kNoIndex) atoms_by_zone[atom.zone].push_back(a);
      if (atom.subnet != kNoIndex) atoms_by_subnet[atom.subnet].push_back(a);
      if (atom.kind == SourceAtom::Kind::ci) atoms_by_ci[atom.ci].push_back(a);
      atom_by_label.emplace(atom.label, a);  // the first atom of a label, as a scan finds it
    }
    for (const Rule& r : e.rules) {
      for (const Endpoint& ep : r.from) {
        if (ep.kind != Endpoint::Kind::cidr || ep.cidr.is_default_route()) continue;
        auto& list = atoms_by_range[&ep];
        for (Index a = 0; a < atoms.size(); ++a) {
          if (source_matches(atoms[a], ep)) list.push_back(a);
        }
      }
    }
    source_sizes.assign(atoms.size(), 0);
    for (Index a = 0; a < atoms.size(); ++a) {
      for (Index c : members[a]) {
        if (e.cis[c].cls != CiClass::firewall && e.cis[c].cls != CiClass::router) ++source_sizes[a];
      }
    }
  }

  // Adds the atoms a rule's `from` endpoint matches; false when that is every atom (or too many
  // to be worth listing).
  bool add_matching_atoms(const Endpoint& ep, std::vector<Index>& out) const {
    auto add = [&](const std::vector<Index>& list) { out.insert(out.end(), list.begin(), list.end()); };
    switch (ep.kind) {
      case Endpoint::Kind::any: return false;
      case Endpoint::Kind::zone:
        add(atoms_by_zone[ep.target]);
        if (is_internet_zone(ep.target)) add(internet_atoms);
        return true;
      case Endpoint::Kind::subnet: add(atoms_by_subnet[ep.target]); return true;
      case Endpoint::Kind::ci:
        if (auto it = atoms_by_ci.find(ep.target); it != atoms_by_ci.end()) add(it->second);
        return true;
      case Endpoint::Kind::cidr:
        if (ep.cidr.is_default_route()) return false;
        if (auto it = atoms_by_range.find(&ep); it != atoms_by_range.end()) add(it->second);
        return true;
    }
    return false;
  }

  // The atoms that may reach `d` on one of `flows`, ascending: those that start in its zone, and
  // those an allow rule for one of the flows names as a source on a firewall into its zone.
  // Every route ends by crossing into `d`'s zone, so no other atom gets there. Every atom when a
  // router, or a firewall that allows by default, leads into the zone.
  // Returns false (and leaves `result` alone) for every atom.
  bool possible_sources(const Destination& d, const std::vector<Service>& flows, std::vector<Index>& result) const {
    result = atoms_by_zone[d.zone];
    if (is_internet_zone(d.zone)) result.insert(result.end(), internet_atoms.begin(), internet_atoms.end());
    Index previous = kNoIndex;
    for (const Link& link : adjacency[d.zone]) {
      if (link.device == previous) continue;  // links are grouped by device
      previous = link.device;
      if (!link.filters || e.cis[link.device].default_action == RuleAction::allow) return false;
      const auto it = firewall_rules.find(link.device);
      if (it == firewall_rules.end()) continue;
      for (uint32_t pos : candidate_rules(it->second, d)) {
        const Rule& rule = e.rules[it->second.ordered[pos]];
        if (rule.action != RuleAction::allow) continue;
        const bool carries = std::any_of(rule.services.begin(), rule.services.end(), [&](const Service& s) {
          return std::any_of(flows.begin(), flows.end(), [&](const Service& f) { return s.overlaps(f); });
        });
        if (!carries) continue;
        for (const Endpoint& ep : rule.from) {
          if (!add_matching_atoms(ep, result)) return false;
        }
      }
    }
    std::sort(result.begin(), result.end());
    result.erase(std::unique(result.begin(), result.end()), result.end());
    return true;
  }

  void build_members() {
    members.resize(atoms.size());
    for (Index c = 0; c < e.cis.size(); ++c) {
      for (size_t i = 0; i < e.cis[c].interfaces.size(); ++i) {
        const Index a = atom_of(c, i);
        if (a == kNoIndex) continue;
        auto& list = members[a];
        if (list.empty() || list.back() != c) list.push_back(c);
      }
    }
  }

  bool is_internet_zone(Index z) const {
    return z != kNoIndex && e.zones[z].kind == ZoneKind::internet;
  }

  void build_zone_graph() {
    adjacency.resize(e.zones.size());
    for (Index z = 0; z < e.zones.size(); ++z) {
      if (e.zones[z].kind == ZoneKind::internet) internet_zones.push_back(z);
    }
    for (CiClass cls : {CiClass::firewall, CiClass::router}) {
      for (Index device : graph.cis_of_class(cls)) {
        const std::vector<Index> zones = graph.zones_of(device);
        for (size_t i = 0; i < zones.size(); ++i) {
          for (size_t j = 0; j < zones.size(); ++j) {
            if (i == j) continue;
            adjacency[zones[i]].push_back({zones[j], device, cls == CiClass::firewall});
            if (i < j) links.push_back({zones[i], zones[j], device, cls == CiClass::firewall});
          }
        }
      }
    }
    for (auto& list : adjacency) {
      std::sort(list.begin(), list.end(), [&](const Link& a, const Link& b) {
        return std::tie(e.cis[a.device].id, a.next_zone) < std::tie(e.cis[b.device].id, b.next_zone);
      });
    }
  }

  void build_rule_index() {
    for (Index r = 0; r < e.rules.size(); ++r) firewall_rules[e.rules[r].firewall].ordered.push_back(r);
    for (auto& [fw, rules] : firewall_rules) {
      std::stable_sort(rules.ordered.begin(), rules.ordered.end(),
                       [&](Index a, Index b) { return e.rules[a].order < e.rules[b].order; });
      for (uint32_t pos = 0; pos < rules.ordered.size(); ++pos) {
        bool generic = false;
        for (const Endpoint& to : e.rules[rules.ordered[pos]].to) {
          switch (to.kind) {
            case Endpoint::Kind::ci: rules.by_ci[to.target].push_back(pos); break;
            case Endpoint::Kind::subnet: rules.by_subnet[to.target].push_back(pos); break;
            case Endpoint::Kind::zone: rules.by_zone[to.target].push_back(pos); break;
            default: generic = true;
          }
        }
        if (generic) rules.generic.push_back(pos);
      }
    }
  }

  void build_destinations() {
    destinations.resize(e.cis.size());
    for (Index c = 0; c < e.cis.size(); ++c) {
      const Ci& ci = e.cis[c];
      for (size_t i = 0; i < ci.interfaces.size(); ++i) {
        const Interface& itf = ci.interfaces[i];
        destinations[c].push_back({c, i, itf.zone, itf.subnet, itf.ip});
      }
      // A CI known only by public addresses (a CDN, a SaaS endpoint) sits on the internet.
      if (ci.interfaces.empty() && !internet_zones.empty()) {
        for (const IpAddress& ip : ci.public_ips) {
          destinations[c].push_back({c, kVirtualInterface, internet_zones.front(), kNoIndex, ip});
        }
      }
    }
  }

  Index add_atom(SourceAtom atom) {
    atoms.push_back(std::move(atom));
    return static_cast<Index>(atoms.size() - 1);
  }

  void build_atoms() {
    // The internet: each public range a rule names is an atom of its own (CIDR ranges nest or
    // are disjoint, so matching by containment is exact), plus the rest of the internet.
    if (!internet_zones.empty()) {
      const Index zone = internet_zones.front();
      std::vector<Cidr> ranges;
      for (const Rule& r : e.rules) {
        for (const Endpoint& ep : r.from) {
          if (ep.kind != Endpoint::Kind::cidr || ep.cidr.is_default_route() || !is_public_range(ep.cidr)) continue;
          // A public range inside one of the estate's subnets (a DMZ on public addresses, an
          // internal IPv6 subnet on global addresses) is the estate's own, not the internet.
          const bool own = std::any_of(e.subnets.begin(), e.subnets.end(),
                                       [&](const Subnet& sn) { return sn.cidr.contains(ep.cidr); });
          if (!own) ranges.push_back(ep.cidr);
        }
      }
      std::sort(ranges.begin(), ranges.end(), [](const Cidr& a, const Cidr& b) {
        return std::tie(a.base, a.prefix) < std::tie(b.base, b.prefix);
      });
      ranges.erase(std::unique(ranges.begin(), ranges.end()), ranges.end());
      // Named after the internet zone; "internet" when several zones are the internet (uplinks).
      const std::string name = internet_zones.size() == 1 ? "zone:" + e.zones[zone].id : "internet";
      internet_atoms.push_back(add_atom({SourceAtom::Kind::internet, zone, kNoIndex, kNoIndex, std::nullopt, name}));
      for (const Cidr& c : ranges) {
        internet_atoms.push_back(add_atom({SourceAtom::Kind::internet, zone, kNoIndex, kNoIndex, c,
                                           fmt::format("{} cidr:{}", name, to_string(c))}));
      }
    }
    subnet_atom.resize(e.subnets.size(), kNoIndex);
    for (Index s = 0; s < e.subnets.size(); ++s) {
      const Subnet& sn = e.subnets[s];
      subnet_atom[s] = add_atom({SourceAtom::Kind::subnet, sn.zone, s, kNoIndex, sn.cidr, "subnet:" + sn.id});
    }
    // Ranges a rule names strictly inside a subnet.
    std::set<std::pair<Index, std::string>> seen_ranges;
    for (const Rule& r : e.rules) {
      for (const Endpoint& ep : r.from) {
        if (ep.kind != Endpoint::Kind::cidr) continue;
        for (Index s = 0; s < e.subnets.size(); ++s) {
          const Subnet& sn = e.subnets[s];
          if (sn.cidr.contains(ep.cidr) && !(sn.cidr == ep.cidr) &&
              seen_ranges.insert({s, to_string(ep.cidr)}).second) {
            subrange_atoms[s].push_back(add_atom({SourceAtom::Kind::subnet, sn.zone, s, kNoIndex, ep.cidr,
                                                  fmt::format("subnet:{} cidr:{}", sn.id, to_string(ep.cidr))}));
          }
        }
      }
    }
    // CIs that rules name as sources, and every firewall-crossing proxy's interfaces are found
    // through their subnet atoms.
    std::set<Index> named;
    for (const Rule& r : e.rules) {
      for (const Endpoint& ep : r.from) {
        if (ep.kind == Endpoint::Kind::ci) named.insert(ep.target);
      }
    }
    for (Index c : named) {
      const Ci& ci = e.cis[c];
      for (size_t i = 0; i < ci.interfaces.size(); ++i) {
        const Interface& itf = ci.interfaces[i];
        std::optional<Cidr> range;
        if (itf.ip) range = Cidr{*itf.ip, static_cast<uint8_t>(itf.ip->v4 ? 32 : 128)};
        ci_atom[{c, i}] = add_atom({SourceAtom::Kind::ci, itf.zone, itf.subnet, c, range, "ci:" + ci.id});
      }
    }
    // Zones whose members are exported without subnets.
    for (Index c = 0; c < e.cis.size(); ++c) {
      for (const Interface& itf : e.cis[c].interfaces) {
        if (itf.subnet == kNoIndex && !is_internet_zone(itf.zone) && !zone_atom.count(itf.zone)) {
          zone_atom[itf.zone] = add_atom({SourceAtom::Kind::zone, itf.zone, kNoIndex, kNoIndex,
                                          std::nullopt, "zone:" + e.zones[itf.zone].id});
        }
      }
    }
  }

  // The atom a CI's traffic from interface `itf` belongs to.
  Index atom_of(Index ci, size_t itf) const {
    if (auto it = ci_atom.find({ci, itf}); it != ci_atom.end()) return it->second;
    if (itf == kVirtualInterface || itf >= e.cis[ci].interfaces.size()) {
      return internet_atoms.empty() ? kNoIndex : internet_atoms.front();
    }
    const Interface& i = e.cis[ci].interfaces[itf];
    if (is_internet_zone(i.zone)) return internet_atoms.empty() ? kNoIndex : internet_atoms.front();
    if (i.subnet != kNoIndex) {
      // Named ranges nest: the address belongs to the most specific one, which every rule
      // naming an enclosing range matches too.
      Index best = subnet_atom[i.subnet];
      if (auto it = subrange_atoms.find(i.subnet); it != subrange_atoms.end() && i.ip) {
        for (Index a : it->second) {
          if (atoms[a].range->contains(*i.ip) && (best == subnet_atom[i.subnet] || atoms[a].range->prefix > atoms[best].range->prefix)) best = a;
        }
      }
      return best;
    }
    if (auto it = zone_atom.find(i.zone); it != zone_atom.end()) return it->second;
    return kNoIndex;
  }

  bool source_matches(const SourceAtom& a, const Endpoint& ep) const {
    switch (ep.kind) {
      case Endpoint::Kind::any: return true;
      case Endpoint::Kind::zone:
        return a.zone == ep.target || (a.kind == SourceAtom::Kind::internet && is_internet_zone(ep.target));
      case Endpoint::Kind::subnet: return a.subnet == ep.target;
      case Endpoint::Kind::ci: return a.kind == SourceAtom::Kind::ci && a.ci == ep.target;
      case Endpoint::Kind::cidr:
        if (ep.cidr.is_default_route()) {
          // 0.0.0.0/0 and ::/0 include the internet and every address of their family; a source
          // without known addresses (the rest of the internet, a zone) may use either family.
          return !a.range || a.range->base.v4 == ep.cidr.base.v4;
        }
        return a.range && ep.cidr.contains(*a.range);
    }
    return false;
  }

  bool destination_matches(const Destination& d, const Endpoint& ep) const {
    switch (ep.kind) {
      case Endpoint::Kind::any: return true;
      case Endpoint::Kind::zone: return d.zone == ep.target;
      case Endpoint::Kind::subnet: return d.subnet == ep.target;
      case Endpoint::Kind::ci: return d.ci == ep.target;
      case Endpoint::Kind::cidr: {
        // A rule may name the CI's public address (public_ips: no NAT, so the firewall sees it).
        const auto& public_ips = e.cis[d.ci].public_ips;
        if (std::any_of(public_ips.begin(), public_ips.end(), [&](const IpAddress& ip) { return ep.cidr.contains(ip); })) {
          return true;
        }
        if (d.ip) return ep.cidr.contains(*d.ip);
        if (d.subnet != kNoIndex) return ep.cidr.contains(e.subnets[d.subnet].cidr);
        return ep.cidr.is_default_route();  // address unknown, but every address is in range
      }
    }
    return false;
  }

  std::vector<uint32_t> candidate_rules(const FirewallRules& fr, const Destination& d) const {
    std::vector<uint32_t> positions = fr.generic;
    auto add = [&](const auto& map, Index key) {
      if (auto it = map.find(key); it != map.end()) positions.insert(positions.end(), it->second.begin(), it->second.end());
    };
    add(fr.by_ci, d.ci);
    if (d.subnet != kNoIndex) add(fr.by_subnet, d.subnet);
    add(fr.by_zone, d.zone);
    std::sort(positions.begin(), positions.end());
    positions.erase(std::unique(positions.begin(), positions.end()), positions.end());
    return positions;
  }

  // Applies a firewall's ordered rules to a flow. Returns the allowed part; `deciding` is the
  // rule that allowed its first span (kNoIndex for the default action), or, when nothing is
  // allowed, the rule that denied the first port (kNoIndex for the default deny).
  PortSet evaluate(Index fw, const SourceAtom& a, const Destination& d, Protocol p,
                   const PortSet& ports, Index& deciding) const {
    deciding = kNoIndex;
    PortSet remaining = ports;
    PortSet allowed;
    Index first_deny = kNoIndex;
    if (auto it = firewall_rules.find(fw); it != firewall_rules.end()) {
      const FirewallRules& fr = it->second;
      for (uint32_t pos : candidate_rules(fr, d)) {
        const Index r = fr.ordered[pos];
        const Rule& rule = e.rules[r];
        const bool from_ok = std::any_of(rule.from.begin(), rule.from.end(),
                                         [&](const Endpoint& ep) { return source_matches(a, ep); });
        if (!from_ok) continue;
        const bool to_ok = std::any_of(rule.to.begin(), rule.to.end(),
                                       [&](const Endpoint& ep) { return destination_matches(d, ep); });
        if (!to_ok) continue;
        PortSet covered;
        for (const Service& s : rule.services) {
          PortSet part;
          if (rule_service_covers(s, p, part)) covered = covered.unite(part);
        }
        covered = covered.intersect(remaining);
        if (covered.empty()) continue;
        if (rule.action == RuleAction::allow) {
          if (allowed.empty()) deciding = r;
          allowed = allowed.unite(covered);
        } else if (first_deny == kNoIndex) {
          first_deny = r;
        }
        remaining = remaining.subtract(covered);
        if (remaining.empty()) break;
      }
    }
    const Ci& device = e.cis[fw];
    if (!remaining.empty() && device.default_action == RuleAction::allow) {
      allowed = allowed.unite(remaining);
    }
    if (allowed.empty()) deciding = first_deny;
    return allowed;
  }

  // The zones a flow from `a` starts in: its own, or every internet zone for the internet.
  std::vector<Index> start_zones(const SourceAtom& a) const {
    if (a.kind == SourceAtom::Kind::internet) return internet_zones;
    return {a.zone};
  }

  bool starts_in(const SourceAtom& a, Index zone) const {
    const std::vector<Index> starts = start_zones(a);
    return std::find(starts.begin(), starts.end(), zone) != starts.end();
  }

  // Shortest route through the zone graph on which every firewall allows (part of) the flow.
  // `first_device` forces the first crossing (a NAT firewall).
  std::optional<Route> route(Index atom, const Destination& d, Protocol p, const PortSet& ports,
                             Index first_device = kNoIndex) const {
    const SourceAtom& a = atoms[atom];
    if (first_device == kNoIndex && starts_in(a, d.zone)) return Route{{}, ports};
    // Most flows that get through take one of the shortest ways: try those first (a zone graph
    // of hundreds of zones is not searched for a flow that crosses one firewall), then all ways.
    uint8_t fewest = kFar;
    for (Index z : start_zones(a)) fewest = std::min(fewest, crossings(z, d.zone));
    if (fewest != kFar) {
      if (auto r = search_route(a, d, p, ports, first_device, fewest)) return r;
    }
    return search_route(a, d, p, ports, first_device, kFar);
  }

  // Breadth-first search for a route of at most `max_crossings` crossings (kFar: any number).
  // Zones too far from the destination to arrive within the bound are not entered; the routes
  // that remain are met in the same order as in the unbounded search, so the first one found
  // is the same.
  std::optional<Route> search_route(const SourceAtom& a, const Destination& d, Protocol p,
                                    const PortSet& ports, Index first_device, uint8_t max_crossings) const {
    struct Node {
      Index zone;
      PortSet ports;
      size_t parent;
      Step step;
      uint32_t crossed;
    };
    std::vector<Node> nodes;
    std::set<std::pair<Index, PortSet>> visited;
    for (Index z : start_zones(a)) {
      nodes.push_back({z, ports, SIZE_MAX, {}, 0});
      visited.insert({z, ports});
    }
    for (size_t head = 0; head < nodes.size(); ++head) {
      const Node current = nodes[head];
      const bool at_start = current.parent == SIZE_MAX;
      if (current.zone == d.zone && !at_start) {
        Route r;
        r.ports = current.ports;
        for (size_t n = head; nodes[n].parent != SIZE_MAX; n = nodes[n].parent) r.steps.push_back(nodes[n].step);
        std::reverse(r.steps.begin(), r.steps.end());
        return r;
      }
      for (const Link& link : adjacency[current.zone]) {
        if (at_start && first_device != kNoIndex && link.device != first_device) continue;
        if (max_crossings != kFar && current.crossed + 1 + crossings(link.next_zone, d.zone) > max_crossings) continue;
        Step step{link.device, link.next_zone, kNoIndex, link.filters};
        PortSet passed = current.ports;
        if (link.filters) {
          passed = evaluate(link.device, a, d, p, current.ports, step.rule);
          if (passed.empty()) continue;
        }
        if (!visited.insert({link.next_zone, passed}).second) continue;
        nodes.push_back({link.next_zone, passed, head, step, current.crossed + 1});
      }
    }
    return std::nullopt;
  }

  // Routes that together carry every part of the flow that arrives: the shortest for the first
  // part, then the shortest for what it does not carry, and so on (parallel firewalls may each
  // admit a different part of a port range).
  std::vector<Route> routes(Index atom, const Destination& d, Protocol p, PortSet ports,
                            Index first_device = kNoIndex) const {
    std::vector<Route> result;
    while (!ports.empty()) {
      auto r = route(atom, d, p, ports, first_device);
      if (!r) break;
      ports = ports.subtract(r->ports);
      result.push_back(std::move(*r));
    }
    return result;
  }

  // Number of routes that carry (part of) the flow, up to kPathCountCap; `first_device` as for
  // route(). A route enters each zone and crosses each device at most once: going out through a
  // firewall into a side zone and back in through the same firewall is the same way in, not
  // another one (the firewall's rules decide by destination, whichever interface it leaves by).
  size_t count_routes(Index atom, const Destination& d, Protocol p, const PortSet& ports,
                      Index first_device = kNoIndex) const {
    const SourceAtom& a = atoms[atom];
    if (first_device == kNoIndex && starts_in(a, d.zone)) return 1;
    size_t count = 0;
    size_t budget = 100'000;
    std::vector<bool> zone_used(e.zones.size(), false);
    std::vector<bool> device_used(e.cis.size(), false);
    for (Index z : start_zones(a)) zone_used[z] = true;
    std::function<void(Index, const PortSet&, bool)> walk = [&](Index zone, const PortSet& current, bool at_start) {
      if (count >= kPathCountCap || budget == 0) return;
      --budget;
      if (zone == d.zone && !at_start) {
        ++count;
        return;
      }
      for (const Link& link : adjacency[zone]) {
        if (zone_used[link.next_zone] || device_used[link.device]) continue;
        if (at_start && first_device != kNoIndex && link.device != first_device) continue;
        PortSet passed = current;
        if (link.filters) {
          Index ignored;
          passed = evaluate(link.device, a, d, p, current, ignored);
          if (passed.empty()) continue;
        }
        zone_used[link.next_zone] = true;
        device_used[link.device] = true;
        walk(link.next_zone, passed, false);
        zone_used[link.next_zone] = false;
        device_used[link.device] = false;
      }
    };
    for (Index z : start_zones(a)) walk(z, ports, true);
    return count;
  }

  Hop start_hop(Index atom) const {
    Hop h;
    h.node = atoms[atom].label;
    h.via = "start";
    return h;
  }

  FileLine where(const SourceLoc& loc) const {
    FileLine w;
    if (loc.file < e.files.size()) w.file = e.files[loc.file].path;
    w.line = loc.line;
    return w;
  }

  // Hops for a route's crossings; the last one arrives at `target` (a CI) when given.
  void append_route_hops(std::vector<Hop>& hops, const Route& route, const std::string& service,
                         Index target, const std::string& final_via, const FileLine& final_where,
                         const std::string& nat) const {
    for (size_t i = 0; i < route.steps.size(); ++i) {
      const Step& s = route.steps[i];
      Hop h;
      const bool last = i + 1 == route.steps.size();
      h.node = last && target != kNoIndex ? e.cis[target].id : "zone:" + e.zones[s.to_zone].id;
      h.service = service;
      if (s.filters) {
        h.firewall = e.cis[s.device].id;
        if (s.rule != kNoIndex) {
          const Rule& r = e.rules[s.rule];
          h.rule_ref = rule_label(r);
          h.rule_order = r.order;
          h.via = "rule";
          h.where = where(r.loc);
        } else {
          h.rule_ref = "default_action allow";
          h.via = "default_action";
          h.where = where(e.cis[s.device].loc);
        }
      } else {
        h.via = "router " + e.cis[s.device].id;
      }
      if (i == 0 && !nat.empty()) h.nat = nat;
      if (last && !final_via.empty() && h.via != "rule") {
        h.via = final_via;
        h.where = final_where;
      }
      hops.push_back(std::move(h));
    }
    if (route.steps.empty() && target != kNoIndex) {
      Hop h;
      h.node = e.cis[target].id;
      h.service = service;
      h.via = final_via.empty() ? "zone" : final_via;
      h.where = final_where;
      hops.push_back(std::move(h));
    }
  }

  // The NATs that publish `d`, with the ports of `listened` each one publishes, in input order.
  std::vector<std::pair<Index, PortSet>> nats_for(const Destination& d, const Service& listened) const {
    std::vector<std::pair<Index, PortSet>> result;
    for (Index n = 0; n < e.nats.size(); ++n) {
      const Nat& nat = e.nats[n];
      const bool target = nat.to_ci == d.ci || (nat.to_ip && d.ip && *nat.to_ip == *d.ip);
      if (!target || (nat.service && !nat.service->overlaps(listened))) continue;
      PortSet ports = PortSet::of(listened);
      if (nat.service && nat.service->protocol != Protocol::any) ports = ports.intersect(PortSet::of(*nat.service));
      result.push_back({n, ports});
    }
    return result;
  }

  bool has_interface_in(Index ci, Index zone) const {
    const auto& itfs = e.cis[ci].interfaces;
    return std::any_of(itfs.begin(), itfs.end(), [&](const Interface& i) { return i.zone == zone; });
  }

  bool publicly_addressed(const Destination& d) const {
    return is_internet_zone(d.zone) || !e.cis[d.ci].public_ips.empty();
  }

  // Routes beyond the one a path shows (the count stops early on huge zone graphs).
  static size_t other_routes(size_t total) { return total > 1 ? total - 1 : 0; }

  // The paths a route gives from `atom` to `d`: one per span of the ports that arrive, so that a
  // path's service is exactly what arrives (a deny for tcp/8080 inside an allowed tcp/8000-8100
  // leaves tcp/8000-8079 and tcp/8081-8100).
  void add_paths(Index atom, const Destination& d, const Route& r, Protocol protocol, bool confirmed,
                 const std::string& nat_text, std::vector<ReachPath>& out) const {
    for (const Service& service : r.ports.as_services(protocol)) {
      ReachPath path;
      path.source_atom = atom;
      path.target = d.ci;
      path.service = service;
      path.confirmed = confirmed;
      path.hops.push_back(start_hop(atom));
      append_route_hops(path.hops, r, to_string(service), d.ci, "", {}, nat_text);
      path.cis.push_back(d.ci);
      out.push_back(std::move(path));
    }
  }

  // Direct internet paths (no forwarding) into one destination on one listened service. What a
  // NAT publishes is reached through the NAT firewall (confirmed); the rest of the service only
  // where the rules alone admit it (confirmed only if the destination has a public address).
  void internet_paths_into(const Destination& d, const Service& listened, std::vector<ReachPath>& out,
                           size_t& more) const {
    const Protocol protocol = listened.protocol;
    std::vector<ReachPath> whole_internet;  // the paths of internet_atoms.front()
    // A named part of the internet (a partner range) that gets in exactly as the rest of the
    // internet does adds no evidence: its path is left out.
    auto emit = [&](Index atom, const Route& r, bool confirmed, const std::string& nat_text, Index first_device) {
      std::vector<ReachPath> paths;
      add_paths(atom, d, r, protocol, confirmed, nat_text, paths);
      const bool whole = atom == internet_atoms.front();
      if (!whole) {
        std::erase_if(paths, [&](const ReachPath& p) {
          return std::any_of(whole_internet.begin(), whole_internet.end(),
                             [&](const ReachPath& w) { return same_way_in(w, p); });
        });
      }
      if (paths.empty()) return;
      more += other_routes(count_routes(atom, d, protocol, r.ports, first_device));
      if (whole) whole_internet.insert(whole_internet.end(), paths.begin(), paths.end());
      for (auto& p : paths) out.push_back(std::move(p));
    };
    // Most CIs are closed to the internet: no rule into their zone admits it.
    std::vector<Index> possible;
    const bool everyone = !possible_sources(d, {listened}, possible);
    for (Index atom : internet_atoms) {
      if (!everyone && !std::binary_search(possible.begin(), possible.end(), atom)) continue;
      PortSet rest = PortSet::of(listened);
      for (const auto& [nat, published] : nats_for(d, listened)) {
        const PortSet ports = published.intersect(rest);
        if (ports.empty()) continue;
        const Index firewall = e.nats[nat].firewall;
        const std::string nat_text = fmt::format("{} -> {}", to_string(e.nats[nat].public_ip),
                                                 d.ip ? to_string(*d.ip) : e.cis[d.ci].id);
        for (const Route& r : routes(atom, d, protocol, ports, firewall)) {
          rest = rest.subtract(r.ports);
          emit(atom, r, true, nat_text, firewall);
        }
      }
      for (const Route& r : routes(atom, d, protocol, rest)) emit(atom, r, publicly_addressed(d), "", kNoIndex);
    }
  }

  // Two paths from different sources that take the same way: same service, kind and hops.
  static bool same_way_in(const ReachPath& a, const ReachPath& b) {
    if (a.service != b.service || a.confirmed != b.confirmed || a.hops.size() != b.hops.size()) return false;
    for (size_t i = 1; i < a.hops.size(); ++i) {
      const Hop& x = a.hops[i];
      const Hop& y = b.hops[i];
      if (std::tie(x.node, x.service, x.firewall, x.rule_ref, x.rule_order, x.via, x.nat, x.where) !=
          std::tie(y.node, y.service, y.firewall, y.rule_ref, y.rule_order, y.via, y.nat, y.where)) {
        return false;
      }
    }
    return true;
  }

  // (CI reached, service, the CI the internet enters at): forwarding reaches each CI once per
  // entry point, so a CI reached both through the customer's WAF and around it keeps both paths,
  // whichever chain is shorter; a forwarding loop ends when it comes back to a CI.
  using ReachedKey = std::tuple<Index, Service, Index>;

  // Extends `base` (a path that reaches a proxy on `base.service`) through the proxy's
  // forwards_to relations. New paths go to `queue`.
  void forward(const ReachPath& base, std::set<ReachedKey>& reached, std::deque<ReachPath>& queue) const {
    const Index proxy = base.target;
    const Index entry = base.cis.front();
    for (const Neighbour& n : graph.related_out(proxy, RelationType::forwards_to)) {
      const Relation& rel = e.relations[n.relation];
      if (rel.on && !rel.on->overlaps(base.service)) continue;
      const std::vector<Service> services = rel.services.empty() ? std::vector<Service>{base.service} : rel.services;
      for (const Service& s : services) {
        if (reached.count({n.ci, s, entry})) continue;
        if (forward_hop(base, rel, n.ci, s, queue)) reached.insert({n.ci, s, entry});
      }
    }
  }

  // One forwarding hop from the proxy `base` reaches to `target` on `service`, from the first of
  // the proxy's interfaces that the network lets reach one of the target's; false if none does.
  bool forward_hop(const ReachPath& base, const Relation& rel, Index target, const Service& service,
                   std::deque<ReachPath>& queue) const {
    const Index proxy = base.target;
    const size_t interfaces = e.cis[proxy].interfaces.size();
    for (size_t from_itf = 0; from_itf < std::max<size_t>(1, interfaces); ++from_itf) {
      const Index atom = atom_of(proxy, interfaces == 0 ? kVirtualInterface : from_itf);
      if (atom == kNoIndex) continue;
      for (const Destination& d : destinations[target]) {
        const std::vector<Route> found = routes(atom, d, service.protocol, PortSet::of(service));
        for (const Route& r : found) {
          for (const Service& arrived : r.ports.as_services(service.protocol)) {
            ReachPath path = base;
            path.target = target;
            path.service = arrived;
            append_route_hops(path.hops, r, to_string(arrived), target, "forwards_to", where(rel.loc), "");
            // The relation itself is the evidence of the forwarding: name it on the last hop.
            path.hops.back().via = path.hops.back().via == "rule" ? "forwards_to+rule" : "forwards_to";
            if (path.hops.back().via == "forwards_to") path.hops.back().where = where(rel.loc);
            path.cis.push_back(target);
            queue.push_back(std::move(path));
          }
        }
        if (!found.empty()) return true;
      }
    }
    return false;
  }

  void compute_internet_exposures() {
    exposure_of_ci.assign(e.cis.size(), kNoIndex);
    if (internet_atoms.empty()) return;
    std::vector<std::vector<ReachPath>> by_ci(e.cis.size());
    std::vector<size_t> more(e.cis.size(), 0);
    std::deque<ReachPath> queue;
    std::set<ReachedKey> reached;
    for (Index c = 0; c < e.cis.size(); ++c) {
      for (const Destination& d : destinations[c]) {
        for (const Service& listened : e.cis[c].listens) {
          std::vector<ReachPath> paths;
          internet_paths_into(d, listened, paths, more[c]);
          for (auto& p : paths) {
            reached.insert({c, listened, c});
            queue.push_back(std::move(p));
          }
        }
      }
    }
    // Breadth-first through forwarding: shorter chains are found first.
    while (!queue.empty()) {
      ReachPath p = std::move(queue.front());
      queue.pop_front();
      if (p.cis.size() <= 16) forward(p, reached, queue);
      by_ci[p.target].push_back(std::move(p));
    }
    for (Index c = 0; c < e.cis.size(); ++c) {
      if (by_ci[c].empty()) continue;
      InternetExposure ex;
      ex.ci = c;
      ex.paths = std::move(by_ci[c]);
      ex.more_paths = more[c];
      exposure_of_ci[c] = static_cast<Index>(exposures.size());
      exposures.push_back(std::move(ex));
    }
  }

  // Trace lines for one zone crossing.
  std::string allow_line(Index device, Index rule, const std::string& into, const std::string& only) const {
    const std::string& fw = e.cis[device].id;
    if (rule == kNoIndex) {
      return fmt::format("  {} allows{} by its default action (default_action = \"allow\") into {}", fw, only, into);
    }
    const Rule& r = e.rules[rule];
    return fmt::format("  {} rule {} ({}) allows{} into {}  ({})", fw, r.order, rule_label(r), only, into,
                       e.describe(r.loc));
  }

  std::string router_line(Index device, const std::string& into) const {
    return fmt::format("  router {} into {}", e.cis[device].id, into);
  }

  std::string deny_line(Index device, Index rule) const {
    if (rule == kNoIndex) return fmt::format("  {} denies by default (no rule matches)", e.cis[device].id);
    const Rule& r = e.rules[rule];
    return fmt::format("  {} rule {} ({}) denies  ({})", e.cis[device].id, r.order, rule_label(r), e.describe(r.loc));
  }

  // For a flow that reaches nothing: every crossing it can make, breadth-first from where it
  // starts, and the rule (or default deny) of each firewall that stops it.
  void explain_stop(const SourceAtom& a, const Destination& d, Protocol p, const PortSet& ports,
                    std::vector<std::string>& lines) const {
    std::vector<std::pair<Index, PortSet>> queue;
    std::set<Index> seen_zones;
    for (Index z : start_zones(a)) {
      queue.push_back({z, ports});
      seen_zones.insert(z);
    }
    std::set<std::pair<Index, PortSet>> decided;  // (device, ports)
    bool any_link = false;
    for (size_t head = 0; head < queue.size(); ++head) {
      const auto [zone, current] = queue[head];
      const auto& links = adjacency[zone];
      // Links are sorted by device: one decision per device, towards all its other zones.
      for (size_t i = 0; i < links.size();) {
        const Index device = links[i].device;
        std::vector<Index> next;
        for (; i < links.size() && links[i].device == device; ++i) {
          if (!seen_zones.count(links[i].next_zone)) next.push_back(links[i].next_zone);
        }
        any_link = true;
        if (!decided.insert({device, current}).second) continue;
        const bool filters = e.cis[device].cls == CiClass::firewall;
        Index deciding = kNoIndex;
        const PortSet passed = filters ? evaluate(device, a, d, p, current, deciding) : current;
        if (passed.empty()) {
          lines.push_back(deny_line(device, deciding));
          continue;
        }
        if (next.empty()) continue;
        std::string into;
        for (Index z : next) {
          into += (into.empty() ? "zone:" : ", zone:") + e.zones[z].id;
          seen_zones.insert(z);
          queue.push_back({z, passed});
        }
        const std::string only = passed == current ? "" : " " + services_text(passed, p);
        lines.push_back(filters ? allow_line(device, deciding, into, only) : router_line(device, into));
      }
    }
    if (!any_link) {
      lines.push_back(fmt::format("  zone:{} has no firewall or router to other zones", e.zones[a.zone].id));
    }
  }

  // An internet flow to `d` on `flow` starts at a routable address: `d` has one, or a NAT
  // publishes it and its firewall lets the flow through.
  bool published(Index atom, const Destination& d, const Service& flow) const {
    if (publicly_addressed(d)) return true;
    for (const auto& [nat, ports] : nats_for(d, flow)) {
      if (route(atom, d, flow.protocol, ports, e.nats[nat].firewall)) return true;
    }
    return false;
  }

  // The atoms a trace source names: an atom label, "internet", "zone:ID" (the internet's atoms
  // for an internet zone), "subnet:ID" (with the ranges and CIs inside it), "ci:ID".
  std::vector<Index> trace_sources(const std::string& source) const {
    std::vector<Index> chosen;
    const bool zone_source = source.rfind("zone:", 0) == 0;
    const bool internet_source = source == "internet" || (zone_source && is_internet_zone(e.find_zone(source.substr(5))));
    for (Index a = 0; a < atoms.size(); ++a) {
      const SourceAtom& atom = atoms[a];
      const bool match = atom.label == source || (internet_source && atom.kind == SourceAtom::Kind::internet) ||
                         (zone_source && atom.zone != kNoIndex && "zone:" + e.zones[atom.zone].id == source) ||
                         (source.rfind("subnet:", 0) == 0 && atom.subnet != kNoIndex &&
                          "subnet:" + e.subnets[atom.subnet].id == source);
      if (match) chosen.push_back(a);
    }
    if (source.rfind("ci:", 0) == 0) {
      const Index src = e.find_ci(source.substr(3));
      if (src != kNoIndex) {
        for (size_t i = 0; i < std::max<size_t>(1, e.cis[src].interfaces.size()); ++i) {
          const Index a = atom_of(src, e.cis[src].interfaces.empty() ? kVirtualInterface : i);
          if (a != kNoIndex) chosen.push_back(a);
        }
      }
    }
    std::sort(chosen.begin(), chosen.end());
    chosen.erase(std::unique(chosen.begin(), chosen.end()), chosen.end());
    return chosen;
  }

  // The flows a trace follows: each service the CI listens on, narrowed to `service` if given.
  std::vector<Service> traced_flows(Index ci, const std::optional<Service>& service) const {
    std::vector<Service> flows;
    for (const Service& l : e.cis[ci].listens) {
      if (service && !service->overlaps(l)) continue;
      Service flow = l;
      if (service && service->protocol != Protocol::any && l.protocol == service->protocol) {
        flow.port_low = std::max(l.port_low, service->port_low);
        flow.port_high = std::min(l.port_high, service->port_high);
      } else if (service && l.protocol == Protocol::any) {
        flow = *service;
      }
      if (std::find(flows.begin(), flows.end(), flow) == flows.end()) flows.push_back(flow);
    }
    if (flows.empty() && service) flows.push_back(*service);
    return flows;
  }

  // One flow of a trace: the routes that carry it (each crossing and its rule), then, for what
  // they do not carry, where it stops.
  void trace_flow(Index a, const Destination& d, const Service& s, FlowTrace& t) const {
    const SourceAtom& atom = atoms[a];
    t.lines.push_back(fmt::format("flow {} -> {} (zone:{}{}) on {}", atom.label, e.cis[d.ci].id, e.zones[d.zone].id,
                                  d.ip ? " " + to_string(*d.ip) : "", to_string(s)));
    PortSet stopped = PortSet::of(s);
    const std::vector<Route> found = routes(a, d, s.protocol, stopped);
    for (const Route& r : found) {
      t.reached = true;
      add_paths(a, d, r, s.protocol, atom.kind == SourceAtom::Kind::internet && published(a, d, s), "", t.paths);
      if (found.size() > 1 || !(r.ports == stopped)) t.lines.push_back("  on " + services_text(r.ports, s.protocol) + ":");
      if (r.steps.empty()) t.lines.push_back("  same zone: not filtered");
      for (const Step& st : r.steps) {
        const std::string into = "zone:" + e.zones[st.to_zone].id;
        t.lines.push_back(st.filters ? allow_line(st.device, st.rule, into, "") : router_line(st.device, into));
      }
      t.lines.push_back("  reached");
    }
    for (const Route& r : found) stopped = stopped.subtract(r.ports);
    if (stopped.empty()) return;
    if (!found.empty()) t.lines.push_back("  on " + services_text(stopped, s.protocol) + ":");
    explain_stop(atom, d, s.protocol, stopped, t.lines);
    t.lines.push_back("  not reached");
  }

  // CIs a destination rule, a NAT or a public address singles out: each is a class of its own.
  std::vector<bool> singled_out() const {
    std::vector<bool> single(e.cis.size(), false);
    for (const Rule& r : e.rules) {
      for (const Endpoint& ep : r.to) {
        if (ep.kind == Endpoint::Kind::ci) single[ep.target] = true;
      }
    }
    for (Index c = 0; c < e.cis.size(); ++c) {
      const Ci& ci = e.cis[c];
      single[c] = single[c] || ci.interfaces.size() != 1 || !ci.public_ips.empty();
    }
    for (const Nat& n : e.nats) {
      if (n.to_ci != kNoIndex) single[n.to_ci] = true;
      if (!n.to_ip) continue;
      for (Index c = 0; c < e.cis.size(); ++c) {
        const auto& ip = e.cis[c].interfaces.empty() ? std::nullopt : e.cis[c].interfaces[0].ip;
        if (ip && *ip == *n.to_ip) single[c] = true;
      }
    }
    return single;
  }

  // The `cidr:` destinations (other than a default route) that contain an address, as an id.
  // Without an address, rules match the subnet's range instead: a set of its own.
  uint32_t cidr_set(const std::vector<const Endpoint*>& cidrs, const std::optional<IpAddress>& ip,
                    std::map<std::vector<uint32_t>, uint32_t>& ids) const {
    if (!ip) return UINT32_MAX;
    std::vector<uint32_t> inside;
    for (uint32_t k = 0; k < cidrs.size(); ++k) {
      if (ip && cidrs[k]->cidr.contains(*ip)) inside.push_back(k);
    }
    return ids.emplace(std::move(inside), static_cast<uint32_t>(ids.size())).first->second;
  }

  void build_reach_classes() const {
    std::vector<const Endpoint*> cidrs;
    for (const Rule& r : e.rules) {
      for (const Endpoint& ep : r.to) {
        if (ep.kind == Endpoint::Kind::cidr && !ep.cidr.is_default_route()) cidrs.push_back(&ep);
      }
    }
    const std::vector<bool> single = singled_out();
    std::map<std::vector<Service>, uint32_t> listen_sets;
    std::map<std::vector<uint32_t>, uint32_t> cidr_sets;
    std::map<std::tuple<uint32_t, Index, Index, uint32_t>, Index> classes;
    reach_classes.assign(e.cis.size(), kNoIndex);
    for (Index c = 0; c < e.cis.size(); ++c) {
      if (single[c]) continue;
      const Ci& ci = e.cis[c];
      const Interface& itf = ci.interfaces[0];
      const uint32_t listens = listen_sets.emplace(ci.listens, static_cast<uint32_t>(listen_sets.size())).first->second;
      const auto key = std::make_tuple(listens, itf.zone, itf.subnet, cidr_set(cidrs, itf.ip, cidr_sets));
      reach_classes[c] = classes.emplace(key, static_cast<Index>(classes.size())).first->second;
    }
  }

  Index reach_class(Index ci) const {
    std::call_once(classes_once, [this] { build_reach_classes(); });
    return reach_classes[ci];
  }

  // The flow of a listened service narrowed to `wanted`.
  static Service narrowed(const Service& listened, const std::optional<Service>& wanted) {
    if (!wanted || wanted->protocol == Protocol::any || listened.protocol != wanted->protocol) return listened;
    return Service{listened.protocol, std::max(listened.port_low, wanted->port_low),
                   std::min(listened.port_high, wanted->port_high)};
  }

  // Every route from a source atom to `ci` on a listened service overlapping `wanted`, as
  // visit(atom, destination, route, flow). Atoms ascending; each atom is routed on its own, so the
  // routes of an atom do not depend on which other atoms are asked for. `peers`, `only`: see
  // ReachabilityIndex::sources_reaching.
  template <typename Visit>
  void for_each_reaching_route(Index ci, const std::optional<Service>& wanted, std::vector<Index>* peers,
                               const std::vector<Index>* only, Visit visit) const {
    const auto& dests = destinations[ci];
    const auto& listens = e.cis[ci].listens;
    const bool any_flow = !dests.empty() && std::any_of(listens.begin(), listens.end(), [&](const Service& l) {
      return !wanted || wanted->overlaps(l);
    });
    // A source in the zone of every interface reaches each of them directly, with no firewall.
    auto peer_only = [&](Index atom) {
      return std::all_of(dests.begin(), dests.end(), [&](const Destination& d) { return atoms[atom].zone == d.zone; });
    };
    std::vector<Service> flows;
    for (const Service& listened : listens) {
      if (!wanted || wanted->overlaps(listened)) flows.push_back(narrowed(listened, wanted));
    }
    std::vector<std::vector<Index>> possible(dests.size());
    std::vector<bool> everyone(dests.size(), false);  // every atom may reach this destination
    std::vector<Index> any_possible;
    for (size_t i = 0; i < dests.size(); ++i) {
      everyone[i] = !possible_sources(dests[i], flows, possible[i]);
      const std::vector<Index>& these = everyone[i] ? all_atoms : possible[i];
      any_possible.insert(any_possible.end(), these.begin(), these.end());
    }
    std::sort(any_possible.begin(), any_possible.end());
    any_possible.erase(std::unique(any_possible.begin(), any_possible.end()), any_possible.end());
    if (only != nullptr) {
      std::vector<Index> kept;
      std::set_intersection(any_possible.begin(), any_possible.end(), only->begin(), only->end(),
                            std::back_inserter(kept));
      any_possible = std::move(kept);
    }
    // The same per flow: an atom no rule admits for a flow has no route for it, and looking for
    // one would search the whole zone graph in vain.
    std::vector<std::vector<std::vector<Index>>> possible_for(dests.size(), std::vector<std::vector<Index>>(flows.size()));
    std::vector<std::vector<bool>> everyone_for(dests.size(), std::vector<bool>(flows.size(), false));
    for (size_t i = 0; i < dests.size(); ++i) {
      for (size_t k = 0; k < flows.size(); ++k) everyone_for[i][k] = !possible_sources(dests[i], {flows[k]}, possible_for[i][k]);
    }
    for (Index atom : any_possible) {
      if (peers != nullptr && peer_only(atom)) {
        if (any_flow) peers->push_back(atom);
        continue;
      }
      for (size_t i = 0; i < dests.size(); ++i) {
        const Destination& d = dests[i];
        if (!everyone[i] && !std::binary_search(possible[i].begin(), possible[i].end(), atom)) continue;
        // A multi-homed source CI with an interface in the target's zone talks to it directly.
        if (atoms[atom].kind == SourceAtom::Kind::ci && atoms[atom].zone != d.zone &&
            has_interface_in(atoms[atom].ci, d.zone)) {
          continue;
        }
        for (size_t k = 0; k < flows.size(); ++k) {
          const std::vector<Index>& these = possible_for[i][k];
          if (!everyone_for[i][k] && !std::binary_search(these.begin(), these.end(), atom)) continue;
          for (const Route& r : routes(atom, d, flows[k].protocol, PortSet::of(flows[k]))) visit(atom, d, r, flows[k]);
        }
      }
    }
  }

  std::vector<ReachPath> sources_reaching(Index ci, const std::optional<Service>& wanted,
                                          std::vector<Index>* peers, const std::vector<Index>* only) const {
    std::vector<ReachPath> result;
    for_each_reaching_route(ci, wanted, peers, only, [&](Index atom, const Destination& d, const Route& r, const Service& flow) {
      const bool confirmed = atoms[atom].kind == SourceAtom::Kind::internet && published(atom, d, flow);
      add_paths(atom, d, r, flow.protocol, confirmed, "", result);
    });
    // One path per (atom, service): the shortest.
    std::stable_sort(result.begin(), result.end(), [](const ReachPath& a, const ReachPath& b) {
      return std::make_tuple(a.source_atom, a.service, a.hops.size()) <
             std::make_tuple(b.source_atom, b.service, b.hops.size());
    });
    std::vector<ReachPath> unique;
    for (auto& p : result) {
      if (!unique.empty() && unique.back().source_atom == p.source_atom && unique.back().service == p.service) continue;
      unique.push_back(std::move(p));
    }
    return unique;
  }

  // What add_paths would make of a route, without the hops.
  std::vector<SourceReach> reaching_sources(Index ci, const std::optional<Service>& wanted,
                                            std::vector<Index>* peers) const {
    std::vector<SourceReach> result;
    for_each_reaching_route(ci, wanted, peers, nullptr, [&](Index atom, const Destination&, const Route& r, const Service& flow) {
      const auto hops = static_cast<uint32_t>(1 + std::max<size_t>(r.steps.size(), 1));
      const auto firewalls = static_cast<uint32_t>(
          std::count_if(r.steps.begin(), r.steps.end(), [](const Step& s) { return s.filters; }));
      for (const Service& service : r.ports.as_services(flow.protocol)) result.push_back({atom, service, hops, firewalls});
    });
    std::stable_sort(result.begin(), result.end(), [](const SourceReach& a, const SourceReach& b) {
      return std::tie(a.source_atom, a.service, a.hops) < std::tie(b.source_atom, b.service, b.hops);
    });
    std::vector<SourceReach> unique;
    for (const SourceReach& s : result) {
      if (!unique.empty() && unique.back().source_atom == s.source_atom && unique.back().service == s.service) continue;
      unique.push_back(s);
    }
    return unique;
  }
};

ReachabilityIndex::ReachabilityIndex(const EstateGraph& graph) : impl_(std::make_unique<Impl>(graph)) {}
ReachabilityIndex::~ReachabilityIndex() = default;

const Estate& ReachabilityIndex::estate() const { return impl_->e; }
const std::vector<SourceAtom>& ReachabilityIndex::atoms() const { return impl_->atoms; }
const std::vector<Index>& ReachabilityIndex::atom_members(Index atom) const {
  return impl_->members[atom];
}

size_t ReachabilityIndex::source_size(Index atom) const { return impl_->source_sizes[atom]; }

Index ReachabilityIndex::find_atom(const std::string& label) const {
  const auto it = impl_->atom_by_label.find(label);
  return it == impl_->atom_by_label.end() ? kNoIndex : it->second;
}

const std::vector<InternetExposure>& ReachabilityIndex::internet_exposures() const { return impl_->exposures; }

const InternetExposure* ReachabilityIndex::internet_exposure(Index ci) const {
  if (ci >= impl_->exposure_of_ci.size() || impl_->exposure_of_ci[ci] == kNoIndex) return nullptr;
  return &impl_->exposures[impl_->exposure_of_ci[ci]];
}

std::vector<ReachPath> ReachabilityIndex::sources_reaching(Index ci, const std::optional<Service>& service,
                                                           std::vector<Index>* peers,
                                                           const std::vector<Index>* only) const {
  return impl_->sources_reaching(ci, service, peers, only);
}

std::vector<SourceReach> ReachabilityIndex::reaching_sources(Index ci, const std::optional<Service>& service,
                                                             std::vector<Index>* peers) const {
  return impl_->reaching_sources(ci, service, peers);
}

RuleDecision ReachabilityIndex::decide(Index firewall, Index atom, Index ci, size_t itf,
                                       const Service& service) const {
  RuleDecision decision;
  decision.firewall = firewall;
  const auto& dests = impl_->destinations[ci];
  if (itf >= dests.size()) return decision;
  const PortSet allowed = impl_->evaluate(firewall, impl_->atoms[atom], dests[itf], service.protocol,
                                          PortSet::of(service), decision.rule);
  decision.allowed = !allowed.empty();
  return decision;
}

Index ReachabilityIndex::reach_class(Index ci) const { return impl_->reach_class(ci); }

const std::vector<ReachabilityIndex::ZoneLink>& ReachabilityIndex::zone_links() const {
  return impl_->links;
}

FlowTrace ReachabilityIndex::trace(const std::string& source, Index ci,
                                   const std::optional<Service>& service) const {
  const Impl& m = *impl_;
  FlowTrace t;
  const std::vector<Index> chosen = m.trace_sources(source);
  if (chosen.empty()) {
    t.lines.push_back(fmt::format("no source matches '{}' (use internet, zone:ID, subnet:ID or ci:ID)", source));
    return t;
  }
  for (Index a : chosen) {
    for (const Destination& d : m.destinations[ci]) {
      for (const Service& s : m.traced_flows(ci, service)) m.trace_flow(a, d, s, t);
    }
  }
  return t;
}

}  // namespace topocheck
