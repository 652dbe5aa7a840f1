// Helpers shared by the tests: load a fixture, run policies over it, summarise findings. Tests
// run with the source tree as working directory, so fixture paths are relative ("fixtures/...")
// and so are the file names in findings.
#pragma once

#include <filesystem>
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

// Options for a run as of `as_of`.
RunOptions options_as_of(const std::string& as_of = "2026-11-23");

// Runs the policy pack in `pack_dir` over a loaded estate. Policy errors are the caller's to
// check (hostile policies are meant to fail).
CheckResult run_pack_over(const std::string& pack_dir, const LoadResult& loaded, const RunOptions& options);
// The same over an in-memory TOML estate, which must load without errors.
CheckResult run_pack_over_toml(const std::string& pack_dir, const std::string& toml,
                               const RunOptions& options);

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

// A directory of its own under the system's temp directory ("topocheck-TAG-PID-N"), removed with
// everything in it (also when a test made parts of it unreadable).
struct TempDir {
  std::filesystem::path root;
  explicit TempDir(const std::string& tag = "test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  // root/name, as a string for command lines.
  std::string path(const std::string& name) const;
  // Writes `text` (bytes as given) to root/name, creating directories; returns its path.
  std::string write(const std::string& name, const std::string& text) const;
};

}  // namespace topocheck::testing
