// Readers for the nested parts of a [[ci]]: inline tables (os, trust, identity, scans, maps)
// and arrays of inline tables (interfaces, agents). Each takes the CI's own FieldReader, so that
// the part's key counts as known and its messages name the CI.
#pragma once

#include "checker/load/field_reader.h"

namespace topocheck {

void read_interfaces(FieldReader& r, Ci& ci);
void read_agents(FieldReader& r, Ci& ci);
void read_os(FieldReader& r, Ci& ci);
void read_trust(FieldReader& r, Ci& ci);
void read_identity(FieldReader& r, Ci& ci);
void read_scan(FieldReader& r, const char* key, Ci::Scan& out);
void read_log_retention(FieldReader& r, Ci& ci);
// billing: any keys, string values.
void read_open_string_map(FieldReader& r, const char* key, std::map<std::string, std::string>& out);
// hardware: manufacturer, model, serial.
void read_hardware(FieldReader& r, Ci& ci);

}  // namespace topocheck
