// Baselines: the findings an estate had when the baseline was taken (`topocheck baseline`), by
// fingerprint, with the rule, CI and first-seen date. Checked against a baseline, known findings
// are reported as unchanged and do not fail the run; new ones do. Fingerprints ignore file order
// and line numbers, so reordering or unrelated edits keep findings known.
#pragma once

#include <string>
#include <vector>

#include "checker/check/finding.h"
#include "checker/model/time.h"

namespace topocheck {

struct BaselineEntry {
  std::string fingerprint;
  std::string rule;
  std::string ci;
  std::string first_seen;  // "2026-11-23"
};

struct Baseline {
  std::string as_of;
  std::vector<BaselineEntry> entries;  // sorted by fingerprint
};

// Reads a baseline file; on failure returns false with `error` naming the file and problem.
bool read_baseline(const std::string& path, Baseline& baseline, std::string& error);

// The baseline of `findings` (waived ones included) as JSON text. Entries already in `previous`
// keep their first-seen date.
std::string baseline_json(const std::vector<Finding>& findings, const Baseline* previous, Date as_of);

struct BaselineComparison {
  size_t unchanged = 0;
  size_t introduced = 0;
  std::vector<BaselineEntry> resolved;  // in the baseline, no longer found
};

// Sets Finding::baseline to "unchanged" or "new".
BaselineComparison apply_baseline(const Baseline& baseline, std::vector<Finding>& findings);

}  // namespace topocheck
