// A set of ports of one protocol as sorted, disjoint, inclusive intervals: the unit in which a
// firewall's ordered rules carve up a flow (a deny for part of a range shadows only that part).
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "checker/model/net.h"

namespace topocheck {

class PortSet {
 public:
  PortSet() = default;
  PortSet(uint32_t low, uint32_t high) { if (low <= high) spans_.push_back({low, high}); }
  static PortSet of(const Service& s) { return PortSet(s.port_low, s.port_high); }

  bool empty() const { return spans_.empty(); }
  const std::vector<std::pair<uint32_t, uint32_t>>& spans() const { return spans_; }

  PortSet intersect(const PortSet& other) const;
  PortSet subtract(const PortSet& other) const;
  PortSet unite(const PortSet& other) const;

  // The set as a service of `protocol`: exact when it is one span, else its hull.
  Service as_service(Protocol protocol) const;
  // The set as services of `protocol`, one per span: always exact.
  std::vector<Service> as_services(Protocol protocol) const;

  friend bool operator==(const PortSet&, const PortSet&) = default;
  friend auto operator<=>(const PortSet&, const PortSet&) = default;

 private:
  std::vector<std::pair<uint32_t, uint32_t>> spans_;
};

}  // namespace topocheck
