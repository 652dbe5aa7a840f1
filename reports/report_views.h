// What several report formats derive from a Report in the same way: counts by severity, the rules
// behind the findings, each policy's outcome per CI (passed, failed, waived) and one digest over
// the input files. Computing them once here keeps the formats in agreement.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "reports/report.h"

namespace topocheck {

// Critical first: the order in which reports list severities.
inline constexpr std::array<Severity, 5> kSeveritiesDescending = {
    Severity::critical, Severity::high, Severity::medium, Severity::low, Severity::info};

// Findings per severity, indexed by the Severity value.
std::array<size_t, 5> count_by_severity(const std::vector<Finding>& findings);

// Every rule of the report by id: the policies that ran, plus, for a finding whose rule is no
// policy of the pack (WAIVER-EXPIRED), metadata taken from the finding.
std::vector<PolicyMeta> report_rules(const Report& report);

// One CI as one policy saw it; `ci` is "" for the estate as a whole (estate-wide findings).
struct CiOutcome {
  std::string ci;
  std::vector<const Finding*> findings;  // in report order; empty: the CI passed
  bool failed() const;                   // a finding that is not waived
  bool waived() const;                   // findings, all of them waived
};

// One policy's result. A CI counts as evaluated when the policy checked it or reported on it.
struct PolicyOutcome {
  PolicyMeta policy;
  std::vector<CiOutcome> cis;  // by CI id, the estate ("") first
  size_t failed = 0;
  size_t waived = 0;
  size_t passed = 0;
};

// Per rule of report_rules(), in id order. Holds pointers into report.findings: the report must
// outlive the result.
std::vector<PolicyOutcome> policy_outcomes(const Report& report);

// SHA-256 over the input manifest in `sha256sum` format ("<sha256>  <path>\n" per input, in load
// order): one value that pins every input file.
std::string inputs_digest(const RunInfo& info);

// "EDR-LEADING" -> "EdrLeading": a rule id as an identifier (SARIF's rule name).
std::string pascal_case(std::string_view id);

}  // namespace topocheck
