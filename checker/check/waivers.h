// Waivers: the customer's agreement to an exception ("ohne Absprache" forbidden, with it allowed).
// A waiver names a rule, CIs (ids or globs), a justification, who agreed, the agreement's
// reference and an expiry date. Until it expires it suppresses the findings it matches, which are
// then shown as waived with the reference; an expired waiver suppresses nothing and is itself a
// finding; a waiver that matched nothing is a warning; a waiver without agreed_by, reference or
// expires, or running longer than the maximum duration, is an input error.
#pragma once

#include <cstdint>
#include <vector>

#include "checker/check/finding.h"
#include "checker/model/estate.h"
#include "checker/util/diagnostics.h"

namespace topocheck {

struct WaiverOptions {
  Date as_of;
  int64_t max_days = 366;     // a waiver may run at most this long from the evaluation date
  int64_t warning_days = 30;  // waivers expiring within this period are listed
  std::vector<std::string> rules_run;    // a waiver for another rule cannot be "unused"
  std::vector<std::string> rules_known;  // every policy id of the pack
};

struct WaiverResult {
  std::vector<Finding> expired;  // one WAIVER-EXPIRED finding per expired waiver
  Diagnostics diagnostics;       // errors (invalid waivers), warnings (unused, expiring soon)
};

// Marks matching findings as waived (Finding::waiver) and reports the waivers' own problems.
WaiverResult apply_waivers(const Estate& estate, std::vector<Finding>& findings,
                           const WaiverOptions& options);

}  // namespace topocheck
