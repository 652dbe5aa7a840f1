// Fuzz target: the address, CIDR, service and date parsers. Besides not crashing, each accepted
// value must print canonically and parse back to itself, and the explanation of a refusal must be
// empty exactly when the parse succeeds.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "checker/model/net.h"
#include "checker/model/time.h"
#include "tests/fuzz/fuzz_support.h"

using namespace topocheck;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  if (auto ip = parse_ip(text)) {
    const auto again = parse_ip(to_string(*ip));
    FUZZ_ASSERT(again && *again == *ip);
  }

  const auto cidr = parse_cidr(text);
  FUZZ_ASSERT(cidr.has_value() == explain_cidr_error(text).empty());
  if (cidr) {
    const auto again = parse_cidr(to_string(*cidr));
    FUZZ_ASSERT(again && *again == *cidr);
    FUZZ_ASSERT(cidr->contains(cidr->base));
    FUZZ_ASSERT(cidr->contains(*cidr));
    FUZZ_ASSERT(cidr->prefix <= (cidr->base.v4 ? 32 : 128));
  }

  const auto service = parse_service(text);
  FUZZ_ASSERT(service.has_value() == explain_service_error(text).empty());
  if (service) {
    FUZZ_ASSERT(service->port_low <= service->port_high);
    const auto again = parse_service(to_string(*service));
    FUZZ_ASSERT(again && again->within(*service) && service->within(*again));
    FUZZ_ASSERT(service->overlaps(*service));
  }

  if (auto date = parse_date(text)) {
    const auto again = parse_date(to_string(*date));
    FUZZ_ASSERT(again && *again == *date);
  }
  return 0;
}
