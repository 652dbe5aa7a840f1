#include "checker/graph/port_set.h"

#include <algorithm>

namespace topocheck {

PortSet PortSet::intersect(const PortSet& other) const {
  PortSet out;
  size_t i = 0, j = 0;
  while (i < spans_.size() && j < other.spans_.size()) {
    const auto lo = std::max(spans_[i].first, other.spans_[j].first);
    const auto hi = std::min(spans_[i].second, other.spans_[j].second);
    if (lo <= hi) out.spans_.push_back({lo, hi});
    if (spans_[i].second < other.spans_[j].second) {
      ++i;
    } else {
      ++j;
    }
  }
  return out;
}

PortSet PortSet::subtract(const PortSet& other) const {
  PortSet out;
  for (auto [lo, hi] : spans_) {
    uint32_t cursor = lo;
    bool open = true;
    for (const auto& [olo, ohi] : other.spans_) {
      if (ohi < cursor || olo > hi) continue;
      if (olo > cursor) out.spans_.push_back({cursor, olo - 1});
      if (ohi >= hi) {
        open = false;
        break;
      }
      cursor = ohi + 1;
    }
    if (open && cursor <= hi) out.spans_.push_back({cursor, hi});
  }
  return out;
}

PortSet PortSet::unite(const PortSet& other) const {
  std::vector<std::pair<uint32_t, uint32_t>> all = spans_;
  all.insert(all.end(), other.spans_.begin(), other.spans_.end());
  std::sort(all.begin(), all.end());
  PortSet out;
  for (const auto& span : all) {
    if (!out.spans_.empty() && span.first <= out.spans_.back().second + 1) {
      out.spans_.back().second = std::max(out.spans_.back().second, span.second);
    } else {
      out.spans_.push_back(span);
    }
  }
  return out;
}

Service PortSet::as_service(Protocol protocol) const {
  Service s;
  s.protocol = protocol;
  if (!spans_.empty()) {
    s.port_low = static_cast<uint16_t>(spans_.front().first);
    s.port_high = static_cast<uint16_t>(spans_.back().second);
  }
  return s;
}

std::vector<Service> PortSet::as_services(Protocol protocol) const {
  std::vector<Service> out;
  for (const auto& [low, high] : spans_) {
    Service s;
    s.protocol = protocol;
    s.port_low = static_cast<uint16_t>(low);
    s.port_high = static_cast<uint16_t>(high);
    out.push_back(s);
  }
  return out;
}

}  // namespace topocheck
