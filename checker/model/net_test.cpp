#include "checker/model/net.h"

#include <catch2/catch.hpp>

namespace topocheck {
namespace {

std::string ip(std::string_view text) {
  auto a = parse_ip(text);
  return a ? to_string(*a) : "<refused>";
}

std::string cidr(std::string_view text) {
  auto c = parse_cidr(text);
  return c ? to_string(*c) : "<refused>";
}

std::string service(std::string_view text) {
  auto s = parse_service(text);
  return s ? to_string(*s) : "<refused>";
}

Cidr range(std::string_view text) { return parse_cidr(text).value(); }
IpAddress addr(std::string_view text) { return parse_ip(text).value(); }
Service svc(std::string_view text) { return parse_service(text).value(); }

TEST_CASE("IPv4 addresses parse only in strict dotted-quad form", "[net]") {
  CHECK(ip("10.0.0.1") == "10.0.0.1");
  CHECK(ip("0.0.0.0") == "0.0.0.0");
  CHECK(ip("255.255.255.255") == "255.255.255.255");
  CHECK(parse_ip("10.0.0.1")->v4);
  for (const char* bad :
       {"", "10.0.0", "10.0.0.1.", ".10.0.0.1", "10.0.0.256", "10.0.0.-1", "010.0.0.1", "10.0..1",
        "10.0.0.1 ", " 10.0.0.1", "1e1.0.0.1", "10.0.0.1/32", "1.2.3.4.5"}) {
    INFO(bad);
    CHECK(ip(bad) == "<refused>");
  }
}

TEST_CASE("IPv6 addresses accept compression and a trailing IPv4 part", "[net]") {
  CHECK(ip("2001:db8::1") == "2001:db8::1");
  CHECK(ip("2001:DB8:0:0:0:0:0:1") == "2001:db8::1");
  CHECK(ip("::") == "::");
  CHECK(ip("::1") == "::1");
  CHECK(ip("1::") == "1::");
  CHECK(ip("1:2:3:4:5:6:7:8") == "1:2:3:4:5:6:7:8");
  CHECK(ip("1:2:3:4:5:6:7::") == "1:2:3:4:5:6:7:0");
  CHECK(ip("::ffff:192.0.2.1") == "::ffff:192.0.2.1");
  CHECK(ip("64:ff9b::192.0.2.33") == "64:ff9b::c000:221");
  CHECK(ip("1:2:3:4:5:6:1.2.3.4") == "1:2:3:4:5:6:102:304");
  CHECK_FALSE(parse_ip("::1")->v4);
}

TEST_CASE("IPv6 addresses refuse zone ids, double compression and misplaced IPv4", "[net]") {
  for (const char* bad : {"fe80::1%eth0", "1::2::3", ":::", "1:::2", ":1:2:3:4:5:6:7",
                          "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::", "g::1",
                          "1.2.3.4::", "::1.2.3", "1:2:3:4:5:6:7:1.2.3.4", "[::1]", "::1.2.3.04"}) {
    INFO(bad);
    CHECK(ip(bad) == "<refused>");
  }
}

TEST_CASE("IPv6 output follows RFC 5952", "[net]") {
  // The longest zero run is compressed, the first one on a tie, a single zero group never.
  CHECK(ip("1:0:0:1:0:0:0:1") == "1:0:0:1::1");
  CHECK(ip("1:0:0:1:1:0:0:1") == "1::1:1:0:0:1");
  CHECK(ip("1:0:1:1:1:1:1:1") == "1:0:1:1:1:1:1:1");
  CHECK(ip("2001:0DB8:000A::0001") == "2001:db8:a::1");
}

TEST_CASE("an IPv4 address is stored IPv4-mapped but keeps its family", "[net]") {
  IpAddress v4 = addr("192.0.2.1");
  IpAddress mapped = addr("::ffff:192.0.2.1");
  CHECK(v4.bytes == mapped.bytes);
  CHECK(v4.v4);
  CHECK_FALSE(mapped.v4);
  CHECK(v4 != mapped);
}

TEST_CASE("CIDR ranges parse with their prefix and refuse host bits", "[net]") {
  CHECK(cidr("10.0.0.0/8") == "10.0.0.0/8");
  CHECK(cidr("0.0.0.0/0") == "0.0.0.0/0");
  CHECK(cidr("10.1.2.3/32") == "10.1.2.3/32");
  CHECK(cidr("2001:db8::/32") == "2001:db8::/32");
  CHECK(cidr("::/0") == "::/0");
  CHECK(cidr("::1/128") == "::1/128");
  CHECK(cidr("10.0.0.1/24") == "<refused>");
  CHECK(cidr("2001:db8::1/64") == "<refused>");
  CHECK(cidr("10.0.0.0") == "<refused>");
  CHECK(cidr("10.0.0.0/") == "<refused>");
  CHECK(cidr("10.0.0.0/08") == "<refused>");
  CHECK(cidr("10.0.0.0/-1") == "<refused>");
  CHECK(range("0.0.0.0/0").is_default_route());
  CHECK(range("::/0").is_default_route());
  CHECK_FALSE(range("10.0.0.0/8").is_default_route());
}

TEST_CASE("explain_cidr_error says why a range was refused", "[net]") {
  CHECK(explain_cidr_error("10.0.0.0/8").empty());
  CHECK(explain_cidr_error("10.0.0.0/33") == "prefix 33 is longer than 32 bits");
  CHECK(explain_cidr_error("::/129") == "prefix 129 is longer than 128 bits");
  CHECK(explain_cidr_error("10.0.0.1/24") == "host bits are set; the range is 10.0.0.0/24");
  CHECK(explain_cidr_error("10.0.0.0") == "missing '/' and prefix length");
  CHECK(explain_cidr_error("10.0.0/8") == "'10.0.0' is not an IPv4 or IPv6 address");
  CHECK(explain_cidr_error("10.0.0.0/x") == "prefix 'x' is not a number");
}

TEST_CASE("a range contains addresses of its own family only", "[net]") {
  Cidr net = range("10.20.0.0/16");
  CHECK(net.contains(addr("10.20.0.0")));
  CHECK(net.contains(addr("10.20.255.255")));
  CHECK_FALSE(net.contains(addr("10.21.0.0")));
  CHECK_FALSE(net.contains(addr("::ffff:10.20.0.1")));
  CHECK(range("0.0.0.0/0").contains(addr("203.0.113.9")));
  CHECK_FALSE(range("0.0.0.0/0").contains(addr("2001:db8::1")));
  CHECK_FALSE(range("::/0").contains(addr("203.0.113.9")));
  CHECK(range("::/0").contains(addr("2001:db8::1")));
  CHECK(range("2001:db8::/33").contains(addr("2001:db8:7fff::1")));
  CHECK_FALSE(range("2001:db8::/33").contains(addr("2001:db8:8000::1")));
  CHECK(range("10.0.0.5/32").contains(addr("10.0.0.5")));
  CHECK_FALSE(range("10.0.0.5/32").contains(addr("10.0.0.4")));
}

TEST_CASE("a range contains the ranges that lie wholly inside it", "[net]") {
  CHECK(range("10.0.0.0/8").contains(range("10.1.0.0/16")));
  CHECK(range("10.0.0.0/8").contains(range("10.0.0.0/8")));
  CHECK_FALSE(range("10.1.0.0/16").contains(range("10.0.0.0/8")));
  CHECK_FALSE(range("10.0.0.0/8").contains(range("11.0.0.0/16")));
  CHECK_FALSE(range("0.0.0.0/0").contains(range("::/0")));
  CHECK(range("::/0").contains(range("2001:db8::/32")));
}

TEST_CASE("services parse in every written form", "[net]") {
  CHECK(service("any") == "any");
  CHECK(service("icmp") == "icmp");
  CHECK(service("tcp/443") == "tcp/443");
  CHECK(service("udp/53") == "udp/53");
  CHECK(service("tcp/8000-8100") == "tcp/8000-8100");
  CHECK(service("tcp/any") == "tcp/any");
  CHECK(service("udp/any") == "udp/any");
  CHECK(service("tcp/1-65535") == "tcp/any");
  CHECK(service("tcp/80-80") == "tcp/80");
  CHECK(svc("tcp/8000-8100") == Service{Protocol::tcp, 8000, 8100});
  CHECK(svc("any") == Service{});
  CHECK(svc("tcp/any") == Service{Protocol::tcp, 1, 65535});
}

TEST_CASE("services refuse bad ports with an explanation", "[net]") {
  CHECK(explain_service_error("tcp/443").empty());
  CHECK(explain_service_error("tcp/0") == "port 0 is not a valid port (1-65535)");
  CHECK(explain_service_error("tcp/65536") == "port 65536 is not a valid port (1-65535)");
  CHECK(explain_service_error("tcp/8100-8000") == "port range 8100-8000 is reversed");
  CHECK(explain_service_error("tcp/") == "missing port number");
  CHECK(explain_service_error("tcp") == "missing port; write tcp/PORT or tcp/any");
  CHECK(explain_service_error("tcp/http") == "'http' is not a port number");
  CHECK(explain_service_error("tcp/0443") == "port '0443' has a leading zero");
  CHECK(explain_service_error("tcp/99999999999") ==
        "port 99999999999 is not a valid port (1-65535)");
  CHECK(explain_service_error("sctp/9") ==
        "unknown protocol 'sctp'; expected tcp, udp, icmp or any");
  CHECK(explain_service_error("TCP/443") ==
        "unknown protocol 'TCP'; expected tcp, udp, icmp or any");
  CHECK(explain_service_error("icmp/8") == "icmp takes no port");
  CHECK(explain_service_error("any/80") == "any takes no port");
  CHECK(explain_service_error("443") == "missing protocol; write tcp/443");
  CHECK(explain_service_error("tcp/80-") == "missing port number");
  CHECK(explain_service_error("tcp/1-2-3") == "'2-3' is not a port number");
}

TEST_CASE("a service lies within another when every flow it describes does", "[net]") {
  CHECK(svc("tcp/443").within(svc("any")));
  CHECK(svc("icmp").within(svc("any")));
  CHECK(svc("tcp/443").within(svc("tcp/any")));
  CHECK(svc("tcp/8000-8100").within(svc("tcp/8000-8100")));
  CHECK_FALSE(svc("tcp/7999-8100").within(svc("tcp/8000-8100")));
  CHECK_FALSE(svc("udp/53").within(svc("tcp/any")));
  CHECK_FALSE(svc("any").within(svc("tcp/any")));
  CHECK_FALSE(svc("icmp").within(svc("tcp/any")));
}

TEST_CASE("services overlap when one flow is described by both", "[net]") {
  CHECK(svc("tcp/80-90").overlaps(svc("tcp/90-100")));
  CHECK_FALSE(svc("tcp/80-89").overlaps(svc("tcp/90-100")));
  CHECK_FALSE(svc("tcp/53").overlaps(svc("udp/53")));
  CHECK(svc("any").overlaps(svc("udp/53")));
  CHECK(svc("icmp").overlaps(svc("icmp")));
  CHECK_FALSE(svc("icmp").overlaps(svc("tcp/any")));
}

}  // namespace
}  // namespace topocheck
