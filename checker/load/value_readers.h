// Readers for the field kinds that recur across tables: ids, references to other entities, IP
// addresses, CIDR ranges and services. Each reports a bad value with the reason the model's
// parser gives ("prefix 33 is longer than 32 bits") and leaves the model field untouched.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "checker/load/field_reader.h"
#include "checker/load/references.h"

namespace topocheck {

// Reads `id` (a non-empty string), registers it for the duplicate check and returns it.
std::optional<std::string> read_id(FieldReader& r, Table table, Index index);

// A single reference (`firewall = "fw-edge-1"`). Returns the id as written. `position` is the
// element of the list the reference sits in (interfaces[2].subnet), 0 for a top-level field.
std::optional<std::string_view> read_reference(FieldReader& r, const char* key, RefSlot slot,
                                               uint32_t position = 0);
// A list of references (`dns = ["dns-1"]`) into `out`, which must be the model's own vector:
// it is sized first and filled as the references resolve.
void read_reference_list(FieldReader& r, const char* key, RefSlot slot, std::vector<Index>& out);

std::optional<IpAddress> read_ip(FieldReader& r, const char* key);
std::vector<IpAddress> read_ip_list(FieldReader& r, const char* key);
std::optional<Cidr> read_cidr(FieldReader& r, const char* key);
std::optional<Service> read_service(FieldReader& r, const char* key);
std::vector<Service> read_service_list(FieldReader& r, const char* key);

// Parsers for one already-extracted string, reporting under `key` (which may be "services[2]").
std::optional<IpAddress> parse_ip_field(FieldReader& r, std::string_view key, std::string_view text,
                                        const SourceLoc& at);
std::optional<Cidr> parse_cidr_field(FieldReader& r, std::string_view key, std::string_view text,
                                     const SourceLoc& at);
std::optional<Service> parse_service_field(FieldReader& r, std::string_view key,
                                           std::string_view text, const SourceLoc& at);

}  // namespace topocheck
