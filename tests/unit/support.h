// Helpers shared by the tests: load a fixture, run policies over it, summarise findings. Tests
// run with the source tree as working directory, so fixture paths are relative ("fixtures/...")
// and so are the file names in findings.
#pragma once

#include <string>
#include <vector>

#include "checker/check/engine.h"
#include "checker/load/toml_loader.h"

namespace topocheck::testing {

// Loads an estate (directory or file, relative to the source tree) and fails the test when it
// has input errors.
LoadResult load_fixture(const std::string& path);

// Loads the fixture and runs the bundled policies (all when `policies` is empty) as of `as_of`.
CheckResult check_fixture(const std::string& path, const std::vector<std::string>& policies,
                          const std::string& as_of = "2026-11-23",
                          const SettingOverrides& settings = {});

// Runs policies from an in-memory TOML estate.
CheckResult check_toml(const std::string& toml, const std::vector<std::string>& policies,
                       const std::string& as_of = "2026-11-23");

// "RULE ci: message" per finding, in report order: compact exact expectations.
std::vector<std::string> finding_lines(const CheckResult& result);
// "RULE ci" per finding.
std::vector<std::string> finding_cis(const CheckResult& result);

// Runs the topocheck binary with arguments (from the source tree); captures stdout and stderr.
struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
CommandResult run_topocheck(const std::vector<std::string>& args);

std::string read_file(const std::string& path);

}  // namespace topocheck::testing
