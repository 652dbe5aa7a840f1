// Policy tests written by policy authors: each names an estate (a fixture directory or an inline
// TOML snippet) and the exact findings expected (rule, CI, optionally the message). The bundled
// pack's tests live in policies/tests/*.toml; `topocheck test` runs them.
//
//   [defaults]
//   as_of = 2026-11-23
//   policies = ["EDR-LEADING"]
//
//   [[test]]
//   name = "a stopped customer EDR agent fails"
//   estate = "../../fixtures/rules/EDR-LEADING/fail-stopped"   # relative to this file
//   expect = [{ rule = "EDR-LEADING", ci = "srv-01", message = "..." }]
//
//   [[test]]
//   name = "inline"
//   estate_toml = '''
//   [[ci]]
//   id = "a"
//   class = "server"
//   '''
//   expect = []                                   # exactly no finding
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "checker/check/engine.h"
#include "checker/check/policy.h"
#include "checker/util/diagnostics.h"

namespace topocheck {

struct ExpectedFinding {
  std::string rule;
  std::string ci;                      // "" for estate-wide findings
  std::optional<std::string> message;  // exact message, when given
};

struct PolicyTest {
  std::string file;
  uint32_t line = 0;
  std::string name;
  std::string estate_path;  // resolved against the test file's directory
  std::string estate_toml;  // inline estate, when no path is given
  std::vector<std::string> policies;  // empty: every policy of the pack
  Date as_of;
  SettingOverrides settings;
  std::vector<ExpectedFinding> expect;
};

// Reads every *.toml test file in `dir` (or the one file `dir` names), sorted by path.
bool load_policy_tests(const std::string& dir, std::vector<PolicyTest>& tests, Diagnostics& diags);

struct PolicyTestOutcome {
  bool passed = false;
  std::vector<std::string> missing;     // expected but not reported: "RULE ci: message"
  std::vector<std::string> unexpected;  // reported but not expected
  std::vector<std::string> errors;      // input or policy errors
};

PolicyTestOutcome run_policy_test(const PolicyTest& test, const PolicyPack& pack);

}  // namespace topocheck
