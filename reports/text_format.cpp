#include "reports/text_format.h"

#include <fmt/format.h>

namespace topocheck {

std::string printable(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

std::string format_file_line(const FileLine& where) {
  if (where.file.empty()) return {};
  return fmt::format("{}:{}", printable(where.file), where.line);
}

std::string format_hop(const Hop& hop, bool first) {
  std::string line = first ? printable(hop.node) : fmt::format("-> {}", printable(hop.node));
  if (!hop.service.empty() && !first) line += fmt::format(" on {}", printable(hop.service));
  if (!hop.firewall.empty()) {
    // A proxy forwarded the traffic and a firewall let the forwarded flow through: say both.
    const bool forwarded = hop.via.rfind("forwards_to", 0) == 0;
    line += fmt::format("  [{}{} rule {}", forwarded ? "forwarded, " : "", printable(hop.firewall), hop.rule_order);
    if (!hop.rule_ref.empty()) line += fmt::format(" \"{}\"", printable(hop.rule_ref));
    line += "]";
  } else if (!hop.via.empty() && hop.via != "start") {
    line += fmt::format("  [{}]", printable(hop.via));
  }
  if (!hop.nat.empty()) line += fmt::format("  NAT {}", printable(hop.nat));
  if (hop.where.line != 0) line += fmt::format("  ({})", format_file_line(hop.where));
  return line;
}

}  // namespace topocheck
