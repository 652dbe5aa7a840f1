#include "checker/check/waivers.h"

#include <fnmatch.h>

#include <algorithm>

#include <fmt/format.h>

namespace topocheck {
namespace {

bool matches_ci(const Waiver& w, const std::string& ci) {
  for (const std::string& pattern : w.cis) {
    if (pattern == ci || fnmatch(pattern.c_str(), ci.c_str(), 0) == 0) return true;
  }
  return false;
}

std::string describe(const Waiver& w) {
  return fmt::format("waiver {} for {}", w.reference.empty() ? "(no reference)" : w.reference, w.rule);
}

// Returns the problems that make a waiver invalid.
std::vector<std::string> invalid_because(const Waiver& w, const WaiverOptions& options) {
  std::vector<std::string> problems;
  if (w.agreed_by.empty()) problems.push_back("names no 'agreed_by' (who on the customer side agreed)");
  if (w.reference.empty()) problems.push_back("names no 'reference' (the agreement)");
  if (!w.expires) {
    problems.push_back("has no 'expires' date");
  } else if (w.expires->days - options.as_of.days > options.max_days) {
    problems.push_back(fmt::format("runs until {}, longer than the maximum of {} days from {}",
                                   to_string(*w.expires), options.max_days, to_string(options.as_of)));
  }
  return problems;
}

Finding expired_finding(const Estate& estate, const Waiver& w) {
  Finding f;
  f.rule = "WAIVER-EXPIRED";
  f.severity = Severity::medium;
  f.clause = "CONTRACT-RULES F (exceptions by agreement)";
  f.title = "An expired waiver suppresses nothing";
  f.message = fmt::format("{} (agreed by {}) expired on {}; the findings it covered are open again",
                          describe(w), w.agreed_by, to_string(*w.expires));
  f.location = {w.loc.file < estate.files.size() ? estate.files[w.loc.file].path : "", w.loc.line};
  std::string cis;
  for (const std::string& c : w.cis) cis += (cis.empty() ? "" : ", ") + c;
  f.evidence.push_back({"waived CIs: " + cis, f.location});
  f.fingerprint = compute_fingerprint(f.rule, "", w.rule + '\0' + w.reference + '\0' + cis);
  return f;
}

}  // namespace

WaiverResult apply_waivers(const Estate& estate, std::vector<Finding>& findings,
                           const WaiverOptions& options) {
  WaiverResult result;
  for (const Waiver& w : estate.waivers) {
    const std::string file = w.loc.file < estate.files.size() ? estate.files[w.loc.file].path : "";
    const auto problems = invalid_because(w, options);
    for (const std::string& p : problems) {
      result.diagnostics.error(file, w.loc.line, w.loc.column, "waiver", describe(w) + " " + p);
    }
    if (!problems.empty()) continue;
    if (w.expires->days < options.as_of.days) {
      result.expired.push_back(expired_finding(estate, w));
      continue;
    }
    size_t matched = 0;
    for (Finding& f : findings) {
      if (f.rule == w.rule && f.waiver.empty() && !f.ci.empty() && matches_ci(w, f.ci)) {
        f.waiver = w.reference;
        ++matched;
      }
    }
    const auto has = [](const std::vector<std::string>& v, const std::string& x) {
      return std::find(v.begin(), v.end(), x) != v.end();
    };
    if (!options.rules_known.empty() && !has(options.rules_known, w.rule) && w.rule != "WAIVER-EXPIRED") {
      result.diagnostics.warning(file, w.loc.line, w.loc.column, "waiver",
                                 describe(w) + " names a rule that no policy of the pack has");
    } else if (matched == 0 && has(options.rules_run, w.rule)) {
      result.diagnostics.warning(file, w.loc.line, w.loc.column, "waiver",
                                 describe(w) + " matched no finding; remove it or fix its rule and cis");
    }
    const int64_t left = w.expires->days - options.as_of.days;
    if (left <= options.warning_days) {
      result.diagnostics.warning(file, w.loc.line, w.loc.column, "waiver",
                                 fmt::format("{} expires in {} day(s), on {}", describe(w), left,
                                             to_string(*w.expires)));
    }
  }
  result.diagnostics.sort();
  return result;
}

}  // namespace topocheck
