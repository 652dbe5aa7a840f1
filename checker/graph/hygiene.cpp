// Rule hygiene. Each rule is split into places (the pieces of what its endpoints name that
// coverage is judged on as a whole: a CI is its interfaces, a subnet, a zone, a range) and into
// ports per protocol slot. A rule is dead when, for every (source place, destination place, slot),
// walking the earlier rules first match wins consumes all of its ports; the rules that consumed
// them are the ones that decide its traffic.
#include "checker/graph/hygiene.h"

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <tuple>
#include <utility>

#include "checker/graph/port_set.h"

namespace topocheck {
namespace {

enum class Side : uint8_t { source, destination };

// One piece of what an endpoint names, covered by another endpoint as a whole or not at all.
struct Place {
  enum class Kind : uint8_t { any, zone, subnet, interface, range, ci };
  Kind kind = Kind::any;
  Index zone = kNoIndex;        // zone; the subnet's or interface's zone; a range's home zone
  Index subnet = kNoIndex;      // subnet; the interface's subnet; a range's home subnet
  Index ci = kNoIndex;          // interface; ci (a CI without interfaces)
  std::optional<IpAddress> ip;  // interface
  Cidr range;                   // range; a subnet's cidr
  bool internet = false;        // range: public space that no subnet or internal interface claims
};

// Flows per protocol: tcp and udp by port; icmp and all other IP protocols as one point each.
// Only the service `any` covers "other", so tcp/any + udp/any + icmp never add up to `any`.
enum Slot : uint8_t { kTcp, kUdp, kIcmp, kOther, kSlots };
using SlotPorts = std::array<PortSet, kSlots>;

SlotPorts ports_of(const std::vector<Service>& services) {
  SlotPorts out;
  auto add = [&](Slot slot, const PortSet& ports) { out[slot] = out[slot].unite(ports); };
  for (const Service& s : services) {
    switch (s.protocol) {
      case Protocol::any:
        add(kTcp, PortSet(1, 65535));
        add(kUdp, PortSet(1, 65535));
        add(kIcmp, PortSet(0, 0));
        add(kOther, PortSet(0, 0));
        break;
      case Protocol::tcp:
        add(kTcp, PortSet::of(s));
        break;
      case Protocol::udp:
        add(kUdp, PortSet::of(s));
        break;
      case Protocol::icmp:
        add(kIcmp, PortSet(0, 0));
        break;
    }
  }
  return out;
}

bool ranges_overlap(const Cidr& a, const Cidr& b) { return a.contains(b) || b.contains(a); }

// Address space the internet cannot route to. Kept in step with the list in reach.cpp.
bool overlaps_private(const Cidr& c) {
  static const std::vector<Cidr> kPrivate = [] {
    std::vector<Cidr> v;
    for (const char* text : {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10",
                             "127.0.0.0/8", "169.254.0.0/16", "fc00::/7", "fe80::/10", "::1/128"}) {
      v.push_back(*parse_cidr(text));
    }
    return v;
  }();
  return std::any_of(kPrivate.begin(), kPrivate.end(),
                     [&](const Cidr& p) { return ranges_overlap(p, c); });
}

// Which places an endpoint stands for, and whether an endpoint covers a place. Mirrors how
// reach.cpp matches sources and destinations, restricted to what holds for every address.
class Coverage {
 public:
  explicit Coverage(const Estate& e) : e_(e) {}

  std::vector<Place> places(const Endpoint& ep) {
    Place p;
    switch (ep.kind) {
      case Endpoint::Kind::any:
        return {p};
      case Endpoint::Kind::zone:
        p.kind = Place::Kind::zone;
        p.zone = ep.target;
        return {p};
      case Endpoint::Kind::subnet:
        p.kind = Place::Kind::subnet;
        p.subnet = ep.target;
        p.zone = e_.subnets[ep.target].zone;
        p.range = e_.subnets[ep.target].cidr;
        return {p};
      case Endpoint::Kind::ci:
        return ci_places(ep.target);
      case Endpoint::Kind::cidr:
        return {range_place(ep.cidr)};
    }
    return {p};
  }

  bool covers(const Endpoint& ep, const Place& p, Side side) const {
    using K = Place::Kind;
    switch (ep.kind) {
      case Endpoint::Kind::any:
        return true;
      case Endpoint::Kind::zone: {
        const Index z = ep.target;
        // Every internet zone is the same internet to a source match (reach.cpp does the same).
        const bool internet_source = side == Side::source && is_internet(z);
        switch (p.kind) {
          case K::zone:
            return p.zone == z || (internet_source && is_internet(p.zone));
          case K::subnet:
          case K::interface:
            return p.zone == z;
          case K::range:
            return p.zone == z || (internet_source && p.internet);
          default:
            return false;
        }
      }
      case Endpoint::Kind::subnet:
        return (p.kind == K::subnet || p.kind == K::interface || p.kind == K::range) &&
               p.subnet == ep.target;
      case Endpoint::Kind::ci:
        return (p.kind == K::interface || p.kind == K::ci) && p.ci == ep.target;
      case Endpoint::Kind::cidr:
        switch (p.kind) {
          case K::range:
          case K::subnet:
            return ep.cidr.contains(p.range);
          case K::interface:
            return p.ip && ep.cidr.contains(*p.ip);
          // 0.0.0.0/0 and ::/0 include the internet (ESTATE-FORMAT.md).
          case K::zone:
            return side == Side::source && ep.cidr.is_default_route() && is_internet(p.zone);
          default:
            return false;
        }
    }
    return false;
  }

 private:
  bool is_internet(Index zone) const {
    return zone != kNoIndex && e_.zones[zone].kind == ZoneKind::internet;
  }

  // A CI is exactly its interfaces. One without interfaces is covered only by itself or `any`.
  std::vector<Place> ci_places(Index c) const {
    const Ci& ci = e_.cis[c];
    std::vector<Place> out;
    for (const Interface& itf : ci.interfaces) {
      Place p;
      p.kind = Place::Kind::interface;
      p.ci = c;
      p.zone = itf.zone;
      p.subnet = itf.subnet;
      p.ip = itf.ip;
      out.push_back(p);
    }
    if (out.empty()) {
      Place p;
      p.kind = Place::Kind::ci;
      p.ci = c;
      out.push_back(p);
    }
    return out;
  }

  // A range belongs to a subnet (and its zone) only when that subnet is the one subnet it
  // overlaps, contains it, and holds every interface address inside it. Otherwise it belongs to
  // the internet when it is public and only internet-side addresses lie in it; else to nothing,
  // and only ranges cover it.
  const Place& range_place(const Cidr& q) {
    const auto key = std::make_pair(q.base, q.prefix);
    if (auto it = ranges_.find(key); it != ranges_.end()) return it->second;
    Place p;
    p.kind = Place::Kind::range;
    p.range = q;
    bool clash = false;
    for (Index s = 0; s < e_.subnets.size() && !clash; ++s) {
      const Cidr& c = e_.subnets[s].cidr;
      if (!ranges_overlap(c, q)) continue;
      if (c.contains(q) && p.subnet == kNoIndex) {
        p.subnet = s;
      } else {
        clash = true;
      }
    }
    for (const Ci& ci : e_.cis) {
      for (const Interface& itf : ci.interfaces) {
        if (!itf.ip || !q.contains(*itf.ip)) continue;
        const bool fits = p.subnet != kNoIndex ? itf.subnet == p.subnet
                                               : itf.subnet == kNoIndex && is_internet(itf.zone);
        clash = clash || !fits;
      }
      if (ci.interfaces.empty()) {  // known by public addresses only: it sits on the internet
        for (const IpAddress& ip : ci.public_ips)
          clash = clash || (q.contains(ip) && p.subnet != kNoIndex);
      }
    }
    if (clash) {
      p.subnet = kNoIndex;
    } else if (p.subnet != kNoIndex) {
      p.zone = e_.subnets[p.subnet].zone;
    } else {
      p.internet = !overlaps_private(q);
    }
    return ranges_.emplace(key, p).first->second;
  }

  const Estate& e_;
  std::map<std::pair<IpAddress, uint8_t>, Place> ranges_;
};

// A rule as the analysis sees it.
struct RuleShape {
  Index rule = kNoIndex;
  std::vector<Place> from, to;
  SlotPorts ports;
};

RuleShape shape_of(const Estate& e, Index r, Coverage& coverage) {
  const Rule& rule = e.rules[r];
  RuleShape shape;
  shape.rule = r;
  for (const Endpoint& ep : rule.from) {
    for (const Place& p : coverage.places(ep)) shape.from.push_back(p);
  }
  for (const Endpoint& ep : rule.to) {
    for (const Place& p : coverage.places(ep)) shape.to.push_back(p);
  }
  shape.ports = ports_of(rule.services);
  return shape;
}

bool covers_any(const Coverage& coverage, const std::vector<Endpoint>& eps, const Place& p,
                Side side) {
  return std::any_of(eps.begin(), eps.end(),
                     [&](const Endpoint& ep) { return coverage.covers(ep, p, side); });
}

// Walks the rules before position k first match wins over one cell of rule k's match space.
// Returns true when they decide all of it, adding the deciding positions to `deciders`.
bool cell_decided(const Estate& e, const Coverage& coverage, const std::vector<RuleShape>& shapes,
                  uint32_t k, Slot slot, const Place& src, const Place& dst,
                  std::vector<uint32_t>& deciders) {
  PortSet remaining = shapes[k].ports[slot];
  for (uint32_t j = 0; j < k; ++j) {
    const RuleShape& earlier = shapes[j];
    if (earlier.ports[slot].empty()) continue;  // the cheap filter: another protocol
    const Rule& rule = e.rules[earlier.rule];
    if (!covers_any(coverage, rule.from, src, Side::source)) continue;
    if (!covers_any(coverage, rule.to, dst, Side::destination)) continue;
    const PortSet part = earlier.ports[slot].intersect(remaining);
    if (part.empty()) continue;
    deciders.push_back(j);
    remaining = remaining.subtract(part);
    if (remaining.empty()) return true;
  }
  return false;
}

// The positions of the earlier rules that decide every flow of rule k, or nullopt when some
// flow of it reaches rule k.
std::optional<std::vector<uint32_t>> deciders_of(const Estate& e, const Coverage& coverage,
                                                 const std::vector<RuleShape>& shapes, uint32_t k) {
  const RuleShape& shape = shapes[k];
  std::vector<uint32_t> deciders;
  for (uint8_t slot = 0; slot < kSlots; ++slot) {
    if (shape.ports[slot].empty()) continue;
    for (const Place& src : shape.from) {
      for (const Place& dst : shape.to) {
        if (!cell_decided(e, coverage, shapes, k, static_cast<Slot>(slot), src, dst, deciders)) {
          return std::nullopt;
        }
      }
    }
  }
  std::sort(deciders.begin(), deciders.end());
  deciders.erase(std::unique(deciders.begin(), deciders.end()), deciders.end());
  return deciders;
}

// ---- messages ------------------------------------------------------------------------------

std::string endpoint_text(const Estate& e, const Endpoint& ep) {
  switch (ep.kind) {
    case Endpoint::Kind::any:
      return "any";
    case Endpoint::Kind::zone:
      return "zone:" + e.zones[ep.target].id;
    case Endpoint::Kind::subnet:
      return "subnet:" + e.subnets[ep.target].id;
    case Endpoint::Kind::ci:
      return "ci:" + e.cis[ep.target].id;
    case Endpoint::Kind::cidr:
      return "cidr:" + to_string(ep.cidr);
  }
  return "?";
}

// "a", "a and b", "a, b and c", "a, b, c and 4 more".
std::string list_text(const std::vector<std::string>& items) {
  constexpr size_t kShown = 3;
  std::string out;
  const size_t shown = items.size() > kShown + 1 ? kShown : items.size();
  for (size_t i = 0; i < shown; ++i) {
    if (i > 0) out += i + 1 == shown && shown == items.size() ? " and " : ", ";
    out += items[i];
  }
  if (shown < items.size()) out += " and " + std::to_string(items.size() - shown) + " more";
  return out;
}

std::string endpoints_text(const Estate& e, const std::vector<Endpoint>& eps) {
  std::vector<std::string> items;
  for (const Endpoint& ep : eps) items.push_back(endpoint_text(e, ep));
  return list_text(items);
}

std::string services_text(const std::vector<Service>& services) {
  std::vector<std::string> items;
  for (const Service& s : services) items.push_back(to_string(s));
  return list_text(items);
}

// "300 (CHG0012345)" or "300"
std::string order_and_ref(const Rule& r) {
  std::string s = std::to_string(r.order);
  if (!r.ref.empty()) s += " (" + r.ref + ")";
  return s;
}

// "allow rule 300 (CHG0012345)"
std::string rule_title(const Rule& r) {
  return std::string(to_string(r.action)) + " rule " + order_and_ref(r);
}

RuleAction opposite_action(RuleAction a) {
  return a == RuleAction::allow ? RuleAction::deny : RuleAction::allow;
}

// "rule 100 (X) denies" / "rules 100 (X) and 200 deny"
std::string rules_doing(const Estate& e, const std::vector<Index>& rules, RuleAction action) {
  std::vector<std::string> items;
  for (Index r : rules) items.push_back(order_and_ref(e.rules[r]));
  const bool one = rules.size() == 1;
  const char* verb =
      action == RuleAction::allow ? (one ? "allows" : "allow") : (one ? "denies" : "deny");
  return (one ? "rule " : "rules ") + list_text(items) + " " + verb;
}

std::string dead_rule_message(const Estate& e, const Rule& rule,
                              const std::vector<Index>& covered_by, bool& shadowed) {
  std::vector<Index> opposite, same;
  for (Index r : covered_by) (e.rules[r].action == rule.action ? same : opposite).push_back(r);
  shadowed = !opposite.empty();
  if (!shadowed) {
    std::string doing = rules_doing(e, same, rule.action);
    const size_t verb = doing.rfind(' ');
    return rule_title(rule) + " is redundant: " + doing.insert(verb, " already") +
           " all of its traffic, so it never matches";
  }
  std::string message = rule_title(rule) +
                        " is shadowed: " + rules_doing(e, opposite, opposite_action(rule.action)) +
                        " its traffic first, so it never matches";
  if (!same.empty()) message += "; " + rules_doing(e, same, rule.action) + " the rest";
  return message;
}

bool is_everywhere(const Endpoint& ep) {
  return ep.kind == Endpoint::Kind::any ||
         (ep.kind == Endpoint::Kind::cidr && ep.cidr.is_default_route());
}

// The first `from` endpoint that admits the whole internet, or nullptr.
const Endpoint* whole_internet_source(const Estate& e, const Rule& rule) {
  for (const Endpoint& ep : rule.from) {
    if (is_everywhere(ep)) return &ep;
    if (ep.kind == Endpoint::Kind::zone && e.zones[ep.target].kind == ZoneKind::internet)
      return &ep;
  }
  return nullptr;
}

// any_to_any, any_source_from_internet and any_service of one live allow rule.
void add_width_issues(const Estate& e, Index fw, Index r, std::vector<RuleIssue>& out) {
  const Rule& rule = e.rules[r];
  if (rule.action != RuleAction::allow) return;
  auto add = [&](RuleIssueKind kind, std::string message) {
    out.push_back({kind, fw, r, {}, std::move(message)});
  };
  const bool any_source = std::any_of(rule.from.begin(), rule.from.end(), is_everywhere);
  const bool any_destination = std::any_of(rule.to.begin(), rule.to.end(), is_everywhere);
  if (any_source && any_destination) {
    add(RuleIssueKind::any_to_any, rule_title(rule) + " allows any source to any destination on " +
                                       services_text(rule.services));
  }
  if (const Endpoint* internet = whole_internet_source(e, rule)) {
    add(RuleIssueKind::any_source_from_internet,
        rule_title(rule) + " admits the whole internet (" + endpoint_text(e, *internet) + ") to " +
            endpoints_text(e, rule.to) + " on " + services_text(rule.services));
  }
  const bool any_service =
      std::any_of(rule.services.begin(), rule.services.end(),
                  [](const Service& s) { return s.protocol == Protocol::any; });
  if (any_service) {
    add(RuleIssueKind::any_service, rule_title(rule) + " allows any service from " +
                                        endpoints_text(e, rule.from) + " to " +
                                        endpoints_text(e, rule.to));
  }
}

// The issues of one firewall's rules, given in evaluation order.
void analyse_firewall(const Estate& e, Index fw, const std::vector<Index>& ordered,
                      Coverage& coverage, std::vector<RuleIssue>& out) {
  std::vector<RuleShape> shapes;
  shapes.reserve(ordered.size());
  for (Index r : ordered) shapes.push_back(shape_of(e, r, coverage));
  for (uint32_t k = 0; k < shapes.size(); ++k) {
    const Index r = ordered[k];
    const auto deciders = deciders_of(e, coverage, shapes, k);
    if (!deciders) {
      add_width_issues(e, fw, r, out);
      continue;
    }
    RuleIssue issue;
    issue.firewall = fw;
    issue.rule = r;
    for (uint32_t pos : *deciders) issue.covered_by.push_back(ordered[pos]);
    bool shadowed = false;
    issue.message = dead_rule_message(e, e.rules[r], issue.covered_by, shadowed);
    issue.kind = shadowed ? RuleIssueKind::shadowed : RuleIssueKind::redundant;
    out.push_back(std::move(issue));
  }
}

}  // namespace

std::string_view to_string(RuleIssueKind kind) {
  switch (kind) {
    case RuleIssueKind::default_allow:
      return "default_allow";
    case RuleIssueKind::shadowed:
      return "shadowed";
    case RuleIssueKind::redundant:
      return "redundant";
    case RuleIssueKind::any_to_any:
      return "any_to_any";
    case RuleIssueKind::any_source_from_internet:
      return "any_source_from_internet";
    case RuleIssueKind::any_service:
      return "any_service";
  }
  return "?";
}

std::vector<RuleIssue> analyse_rules(const Estate& e) {
  std::map<Index, std::vector<Index>> rules_of;  // firewall -> rules in input order
  for (Index r = 0; r < e.rules.size(); ++r) rules_of[e.rules[r].firewall].push_back(r);
  for (Index c = 0; c < e.cis.size(); ++c) {
    if (e.cis[c].default_action == RuleAction::allow) rules_of[c];
  }
  std::vector<Index> firewalls;
  for (const auto& [fw, rules] : rules_of) firewalls.push_back(fw);
  std::sort(firewalls.begin(), firewalls.end(),
            [&](Index a, Index b) { return e.cis[a].id < e.cis[b].id; });

  Coverage coverage(e);
  std::vector<RuleIssue> out;
  for (Index fw : firewalls) {
    if (e.cis[fw].default_action == RuleAction::allow) {
      out.push_back({RuleIssueKind::default_allow,
                     fw,
                     kNoIndex,
                     {},
                     "firewall " + e.cis[fw].id +
                         " allows all traffic that no rule matches (default_action = \"allow\")"});
    }
    std::vector<Index>& ordered = rules_of[fw];
    // Evaluation order as in reach.cpp: `order`, then input position.
    std::stable_sort(ordered.begin(), ordered.end(),
                     [&](Index a, Index b) { return e.rules[a].order < e.rules[b].order; });
    analyse_firewall(e, fw, ordered, coverage, out);
  }
  return out;
}

}  // namespace topocheck
