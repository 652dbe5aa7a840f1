// Readers for ids, references, addresses, ranges and services.
#include "checker/load/value_readers.h"

namespace topocheck {

std::optional<std::string> read_id(FieldReader& r, Table table, Index index) {
  auto id = r.string("id");
  if (!id) return std::nullopt;
  if (id->empty()) {
    r.field_error("id", r.value_loc("id"), "must not be empty");
    return std::nullopt;
  }
  register_id(r.context(), table, *id, index, r.value_loc("id"));
  return std::string(*id);
}

std::optional<std::string_view> read_reference(FieldReader& r, const char* key, RefSlot slot,
                                               uint32_t position) {
  auto id = r.string(key);
  if (id) add_reference(r.context(), slot, r.entity(), position, *id, r.value_loc(key));
  return id;
}

void read_reference_list(FieldReader& r, const char* key, RefSlot slot, std::vector<Index>& out) {
  const doc::Array* array = r.array(key, "an array of ids");
  if (array == nullptr) return;
  out.assign(array->size(), kNoIndex);
  r.each_string(key, *array, [&](uint32_t i, std::string_view id, const SourceLoc& at) {
    add_reference(r.context(), slot, r.entity(), i, id, at);
  });
}

std::optional<IpAddress> parse_ip_field(FieldReader& r, std::string_view key, std::string_view text,
                                        const SourceLoc& at) {
  auto ip = parse_ip(text);
  if (!ip) {
    r.field_error(
        key, at, "invalid address \"" + std::string(text) + "\"; expected an IPv4 or IPv6 address");
  }
  return ip;
}

std::optional<Cidr> parse_cidr_field(FieldReader& r, std::string_view key, std::string_view text,
                                     const SourceLoc& at) {
  auto cidr = parse_cidr(text);
  if (!cidr) {
    r.field_error(key, at,
                  "invalid range \"" + std::string(text) + "\": " + explain_cidr_error(text));
  }
  return cidr;
}

std::optional<Service> parse_service_field(FieldReader& r, std::string_view key,
                                           std::string_view text, const SourceLoc& at) {
  auto service = parse_service(text);
  if (!service) {
    r.field_error(key, at,
                  "invalid service \"" + std::string(text) + "\": " + explain_service_error(text));
  }
  return service;
}

std::optional<IpAddress> read_ip(FieldReader& r, const char* key) {
  auto text = r.string(key);
  return text ? parse_ip_field(r, key, *text, r.value_loc(key)) : std::nullopt;
}

std::vector<IpAddress> read_ip_list(FieldReader& r, const char* key) {
  std::vector<IpAddress> out;
  const doc::Array* array = r.array(key, "an array of addresses");
  if (array == nullptr) return out;
  r.each_string(key, *array, [&](uint32_t i, std::string_view text, const SourceLoc& at) {
    if (auto ip = parse_ip_field(r, indexed(key, i), text, at)) out.push_back(*ip);
  });
  return out;
}

std::optional<Cidr> read_cidr(FieldReader& r, const char* key) {
  auto text = r.string(key);
  return text ? parse_cidr_field(r, key, *text, r.value_loc(key)) : std::nullopt;
}

std::optional<Service> read_service(FieldReader& r, const char* key) {
  auto text = r.string(key);
  return text ? parse_service_field(r, key, *text, r.value_loc(key)) : std::nullopt;
}

std::vector<Service> read_service_list(FieldReader& r, const char* key) {
  std::vector<Service> out;
  const doc::Array* array = r.array(key, "an array of services");
  if (array == nullptr) return out;
  r.each_string(key, *array, [&](uint32_t i, std::string_view text, const SourceLoc& at) {
    if (auto s = parse_service_field(r, indexed(key, i), text, at)) out.push_back(*s);
  });
  return out;
}

}  // namespace topocheck
