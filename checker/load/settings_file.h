// Policy settings files: a TOML file with one table per policy id, overriding the settings the
// policy declares, so users tune rules (admin ports, warning periods, the retention table)
// without editing policy code:
//
//   [PKI-TRUST]
//   warning_days = 60
//   [LOG-RETENTION.retention_days]
//   system = 30
#pragma once

#include <string>

#include "checker/check/engine.h"
#include "checker/util/diagnostics.h"

namespace topocheck {

// Reads `path` into `overrides` (merging over what is there). Syntax errors and values TOML
// allows but settings cannot hold go to `diags` with file:line:column; returns !has_errors.
bool load_settings_file(const std::string& path, SettingOverrides& overrides, Diagnostics& diags);

}  // namespace topocheck
