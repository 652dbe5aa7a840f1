// Network value types of the estate model: IP addresses, CIDR ranges and service specs
// ("tcp/443", "udp/53", "tcp/8000-8100", "icmp", "any"). Parsing is strict: every parse
// function returns std::nullopt on anything it does not fully understand, and the caller
// (the loader) turns that into an input error with the location of the offending string.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace topocheck {

// An IPv4 or IPv6 address. IPv4 is stored as an IPv4-mapped IPv6 address (::ffff:a.b.c.d) so
// that one comparison covers both families; `v4` says which family it was written in.
struct IpAddress {
  std::array<uint8_t, 16> bytes{};
  bool v4 = false;

  friend bool operator==(const IpAddress&, const IpAddress&) = default;
  friend auto operator<=>(const IpAddress&, const IpAddress&) = default;
};

// A CIDR range. `prefix` counts bits of the family the range was written in (0..32 for IPv4,
// 0..128 for IPv6); 0.0.0.0/0 and ::/0 are the "whole internet" ranges.
struct Cidr {
  IpAddress base;  // host bits are zero
  uint8_t prefix = 0;

  bool contains(const IpAddress& a) const;
  // True when every address of `inner` lies inside this range.
  bool contains(const Cidr& inner) const;
  // True for 0.0.0.0/0 and ::/0.
  bool is_default_route() const { return prefix == 0; }

  friend bool operator==(const Cidr&, const Cidr&) = default;
};

enum class Protocol : uint8_t { any, tcp, udp, icmp };

// A service as written in `listens`, rule `services`, NAT `service` and relation `on`/`services`.
// For icmp and any the port range is 0..65535.
struct Service {
  Protocol protocol = Protocol::any;
  uint16_t port_low = 0;
  uint16_t port_high = 65535;

  // True when every flow this service describes is also described by `outer`.
  bool within(const Service& outer) const;
  // True when at least one flow is described by both.
  bool overlaps(const Service& other) const;

  friend bool operator==(const Service&, const Service&) = default;
  friend auto operator<=>(const Service&, const Service&) = default;
};

std::optional<IpAddress> parse_ip(std::string_view text);
// Refuses host bits set ("10.0.0.1/24") so that a typo in a range does not silently widen it.
std::optional<Cidr> parse_cidr(std::string_view text);
std::optional<Service> parse_service(std::string_view text);

// Canonical spellings, used in evidence and output: "10.0.0.1", "2001:db8::1", "10.0.0.0/8",
// "tcp/443", "tcp/8000-8100", "udp/any", "icmp", "any".
std::string to_string(const IpAddress& a);
std::string to_string(const Cidr& c);
std::string to_string(const Service& s);
std::string_view to_string(Protocol p);

// Why parse_cidr/parse_service refused a string, for error messages ("prefix 33 is longer
// than 32 bits", "port 0 is not a valid port"). Empty when the text parses.
std::string explain_cidr_error(std::string_view text);
std::string explain_service_error(std::string_view text);

}  // namespace topocheck
