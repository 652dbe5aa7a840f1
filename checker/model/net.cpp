// Strict parsers and canonical printers for the network value types. Each parser has one
// "detailed" form that says why it refused a string; parse_* and explain_* are thin wrappers, so
// the reason given in an error message is always the reason the parse failed.
#include "checker/model/net.h"

#include <charconv>
#include <string>
#include <vector>

namespace topocheck {
namespace {

constexpr uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// A decimal number without sign or leading zeros ("0" itself is fine), at most `max`.
std::optional<unsigned> parse_decimal(std::string_view s, unsigned max) {
  if (!all_digits(s) || s.size() > 6 || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  unsigned value = 0;
  std::from_chars(s.data(), s.data() + s.size(), value);
  if (value > max) return std::nullopt;
  return value;
}

bool parse_ipv4_bytes(std::string_view text, uint8_t out[4]) {
  for (int i = 0; i < 4; ++i) {
    size_t dot = text.find('.');
    if ((i < 3) != (dot != std::string_view::npos)) return false;
    std::string_view part = text.substr(0, dot);
    auto octet = parse_decimal(part, 255);
    if (!octet || part.size() > 3) return false;
    out[i] = static_cast<uint8_t>(*octet);
    text = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  }
  return true;
}

std::optional<uint16_t> parse_hex_group(std::string_view s) {
  if (s.empty() || s.size() > 4) return std::nullopt;
  unsigned value = 0;
  for (char c : s) {
    int digit = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
    if (digit < 0) return std::nullopt;
    value = value * 16 + static_cast<unsigned>(digit);
  }
  return static_cast<uint16_t>(value);
}

// Parses a run of ':'-separated groups (no "::" inside), appending 16-bit groups. The last group
// may be a dotted IPv4 address when `allow_v4_tail` is set.
bool parse_groups(std::string_view text, bool allow_v4_tail, std::vector<uint16_t>& groups) {
  if (text.empty()) return true;
  while (true) {
    size_t colon = text.find(':');
    std::string_view part = text.substr(0, colon);
    if (colon == std::string_view::npos && allow_v4_tail && part.find('.') != part.npos) {
      uint8_t v4[4];
      if (!parse_ipv4_bytes(part, v4)) return false;
      groups.push_back(static_cast<uint16_t>(v4[0] << 8 | v4[1]));
      groups.push_back(static_cast<uint16_t>(v4[2] << 8 | v4[3]));
      return true;
    }
    auto group = parse_hex_group(part);
    if (!group) return false;
    groups.push_back(*group);
    if (colon == std::string_view::npos) return true;
    text = text.substr(colon + 1);
  }
}

std::optional<IpAddress> parse_ipv6(std::string_view text) {
  size_t gap = text.find("::");
  std::vector<uint16_t> head, tail;
  if (gap == std::string_view::npos) {
    if (!parse_groups(text, true, head) || head.size() != 8) return std::nullopt;
  } else {
    if (text.find("::", gap + 1) != std::string_view::npos) return std::nullopt;
    std::string_view after = text.substr(gap + 2);
    if (!parse_groups(text.substr(0, gap), false, head)) return std::nullopt;
    if (!parse_groups(after, true, tail)) return std::nullopt;
    if (head.size() + tail.size() > 7) return std::nullopt;
  }
  IpAddress a;
  for (size_t i = 0; i < head.size(); ++i) {
    a.bytes[2 * i] = static_cast<uint8_t>(head[i] >> 8);
    a.bytes[2 * i + 1] = static_cast<uint8_t>(head[i] & 0xff);
  }
  size_t start = 8 - tail.size();
  for (size_t i = 0; i < tail.size(); ++i) {
    a.bytes[2 * (start + i)] = static_cast<uint8_t>(tail[i] >> 8);
    a.bytes[2 * (start + i) + 1] = static_cast<uint8_t>(tail[i] & 0xff);
  }
  return a;
}

bool is_mapped_v4(const IpAddress& a) {
  for (int i = 0; i < 12; ++i) {
    if (a.bytes[i] != kMappedPrefix[i]) return false;
  }
  return true;
}

// Number of leading bits that belong to the written family's prefix within the 128-bit form.
unsigned absolute_prefix(const Cidr& c) { return c.base.v4 ? 96u + c.prefix : c.prefix; }

bool same_leading_bits(const IpAddress& a, const IpAddress& b, unsigned bits) {
  unsigned full = bits / 8;
  for (unsigned i = 0; i < full; ++i) {
    if (a.bytes[i] != b.bytes[i]) return false;
  }
  unsigned rest = bits % 8;
  if (rest == 0) return true;
  auto mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (a.bytes[full] & mask) == (b.bytes[full] & mask);
}

IpAddress clear_host_bits(IpAddress a, unsigned bits) {
  for (unsigned i = 0; i < 16; ++i) {
    unsigned start = i * 8;
    if (start >= bits) {
      a.bytes[i] = 0;
    } else if (bits - start < 8) {
      a.bytes[i] &= static_cast<uint8_t>(0xff << (8 - (bits - start)));
    }
  }
  return a;
}

std::optional<Cidr> parse_cidr_detailed(std::string_view text, std::string* why) {
  auto refuse = [&](std::string reason) -> std::optional<Cidr> {
    if (why) *why = std::move(reason);
    return std::nullopt;
  };
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) return refuse("missing '/' and prefix length");
  std::string_view addr_text = text.substr(0, slash);
  std::string_view prefix_text = text.substr(slash + 1);
  auto addr = parse_ip(addr_text);
  if (!addr) return refuse("'" + std::string(addr_text) + "' is not an IPv4 or IPv6 address");
  unsigned max = addr->v4 ? 32 : 128;
  if (!all_digits(prefix_text) || prefix_text.size() > 3 ||
      (prefix_text.size() > 1 && prefix_text[0] == '0')) {
    return refuse("prefix '" + std::string(prefix_text) + "' is not a number");
  }
  unsigned prefix = 0;
  std::from_chars(prefix_text.data(), prefix_text.data() + prefix_text.size(), prefix);
  if (prefix > max) {
    return refuse("prefix " + std::to_string(prefix) + " is longer than " + std::to_string(max) +
                  " bits");
  }
  Cidr c{*addr, static_cast<uint8_t>(prefix)};
  IpAddress network = clear_host_bits(c.base, absolute_prefix(c));
  if (network != c.base) {
    Cidr suggestion{network, c.prefix};
    return refuse("host bits are set; the range is " + to_string(suggestion));
  }
  return c;
}

std::optional<uint16_t> parse_port(std::string_view text, std::string* why) {
  auto refuse = [&](std::string reason) -> std::optional<uint16_t> {
    if (why) *why = std::move(reason);
    return std::nullopt;
  };
  if (text.empty()) return refuse("missing port number");
  if (!all_digits(text)) return refuse("'" + std::string(text) + "' is not a port number");
  if (text.size() > 1 && text[0] == '0') {
    return refuse("port '" + std::string(text) + "' has a leading zero");
  }
  if (text.size() > 5)
    return refuse("port " + std::string(text) + " is not a valid port (1-65535)");
  unsigned value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  if (value == 0 || value > 65535) {
    return refuse("port " + std::to_string(value) + " is not a valid port (1-65535)");
  }
  return static_cast<uint16_t>(value);
}

std::optional<Service> parse_ports(Protocol protocol, std::string_view ports, std::string* why) {
  if (ports == "any") return Service{protocol, 1, 65535};
  size_t dash = ports.find('-');
  auto low = parse_port(ports.substr(0, dash), why);
  if (!low) return std::nullopt;
  if (dash == std::string_view::npos) return Service{protocol, *low, *low};
  auto high = parse_port(ports.substr(dash + 1), why);
  if (!high) return std::nullopt;
  if (*high < *low) {
    if (why) *why = "port range " + std::string(ports) + " is reversed";
    return std::nullopt;
  }
  return Service{protocol, *low, *high};
}

std::optional<Service> parse_service_detailed(std::string_view text, std::string* why) {
  auto refuse = [&](std::string reason) -> std::optional<Service> {
    if (why) *why = std::move(reason);
    return std::nullopt;
  };
  if (text == "any") return Service{Protocol::any, 0, 65535};
  if (text == "icmp") return Service{Protocol::icmp, 0, 65535};
  size_t slash = text.find('/');
  std::string_view proto = text.substr(0, slash);
  if (proto == "icmp" || proto == "any") return refuse(std::string(proto) + " takes no port");
  if (proto != "tcp" && proto != "udp") {
    if (all_digits(proto)) return refuse("missing protocol; write tcp/" + std::string(text));
    return refuse("unknown protocol '" + std::string(proto) + "'; expected tcp, udp, icmp or any");
  }
  if (slash == std::string_view::npos) {
    return refuse("missing port; write " + std::string(proto) + "/PORT or " + std::string(proto) +
                  "/any");
  }
  return parse_ports(proto == "tcp" ? Protocol::tcp : Protocol::udp, text.substr(slash + 1), why);
}

std::string hex_group(unsigned value) {
  constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  bool started = false;
  for (int shift = 12; shift >= 0; shift -= 4) {
    unsigned digit = (value >> shift) & 0xf;
    if (digit != 0 || started || shift == 0) {
      out += kDigits[digit];
      started = true;
    }
  }
  return out;
}

std::string ipv4_text(const uint8_t* b) {
  return std::to_string(b[0]) + "." + std::to_string(b[1]) + "." + std::to_string(b[2]) + "." +
         std::to_string(b[3]);
}

// RFC 5952: the longest run of two or more zero groups becomes "::" (the first on a tie).
std::string ipv6_text(const IpAddress& a) {
  unsigned groups[8];
  for (int i = 0; i < 8; ++i)
    groups[i] = static_cast<unsigned>(a.bytes[2 * i] << 8 | a.bytes[2 * i + 1]);
  bool mapped = is_mapped_v4(a);
  int count = mapped ? 6 : 8;
  int best_start = -1, best_len = 0;
  for (int i = 0; i < count;) {
    if (groups[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < count && groups[j] == 0) ++j;
    if (j - i > best_len) {
      best_start = i;
      best_len = j - i;
    }
    i = j;
  }
  if (best_len < 2) best_start = -1;
  std::string out;
  for (int i = 0; i < count; ++i) {
    if (i == best_start) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    out += hex_group(groups[i]);
  }
  if (mapped) {
    if (!out.empty() && out.back() != ':') out += ':';
    out += ipv4_text(&a.bytes[12]);
  }
  return out;
}

}  // namespace

std::optional<IpAddress> parse_ip(std::string_view text) {
  if (text.find(':') != std::string_view::npos) return parse_ipv6(text);
  uint8_t v4[4];
  if (!parse_ipv4_bytes(text, v4)) return std::nullopt;
  IpAddress a;
  for (int i = 0; i < 12; ++i) a.bytes[i] = kMappedPrefix[i];
  for (int i = 0; i < 4; ++i) a.bytes[12 + i] = v4[i];
  a.v4 = true;
  return a;
}

std::optional<Cidr> parse_cidr(std::string_view text) { return parse_cidr_detailed(text, nullptr); }

std::optional<Service> parse_service(std::string_view text) {
  return parse_service_detailed(text, nullptr);
}

std::string explain_cidr_error(std::string_view text) {
  std::string why;
  parse_cidr_detailed(text, &why);
  return why;
}

std::string explain_service_error(std::string_view text) {
  std::string why;
  parse_service_detailed(text, &why);
  return why;
}

bool Cidr::contains(const IpAddress& a) const {
  if (a.v4 != base.v4) return false;
  return same_leading_bits(base, a, absolute_prefix(*this));
}

bool Cidr::contains(const Cidr& inner) const {
  if (inner.base.v4 != base.v4 || inner.prefix < prefix) return false;
  return contains(inner.base);
}

bool Service::within(const Service& outer) const {
  if (outer.protocol == Protocol::any) return true;
  if (protocol != outer.protocol) return false;
  return port_low >= outer.port_low && port_high <= outer.port_high;
}

bool Service::overlaps(const Service& other) const {
  if (protocol == Protocol::any || other.protocol == Protocol::any) return true;
  if (protocol != other.protocol) return false;
  return port_low <= other.port_high && other.port_low <= port_high;
}

std::string to_string(const IpAddress& a) { return a.v4 ? ipv4_text(&a.bytes[12]) : ipv6_text(a); }

std::string to_string(const Cidr& c) { return to_string(c.base) + "/" + std::to_string(c.prefix); }

std::string_view to_string(Protocol p) {
  switch (p) {
    case Protocol::any:
      return "any";
    case Protocol::tcp:
      return "tcp";
    case Protocol::udp:
      return "udp";
    case Protocol::icmp:
      return "icmp";
  }
  return "any";
}

std::string to_string(const Service& s) {
  if (s.protocol == Protocol::any || s.protocol == Protocol::icmp) {
    return std::string(to_string(s.protocol));
  }
  std::string out = std::string(to_string(s.protocol)) + "/";
  if (s.port_low <= 1 && s.port_high == 65535) return out + "any";
  out += std::to_string(s.port_low);
  if (s.port_high != s.port_low) out += "-" + std::to_string(s.port_high);
  return out;
}

}  // namespace topocheck
