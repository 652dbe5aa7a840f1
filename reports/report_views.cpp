#include "reports/report_views.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "checker/util/sha256.h"

namespace topocheck {

std::array<size_t, 5> count_by_severity(const std::vector<Finding>& findings) {
  std::array<size_t, 5> counts{};
  for (const Finding& f : findings) ++counts[static_cast<size_t>(f.severity)];
  return counts;
}

std::vector<PolicyMeta> report_rules(const Report& report) {
  std::map<std::string, PolicyMeta> rules;
  for (const PolicyMeta& p : report.policies) rules.emplace(p.id, p);
  for (const Finding& f : report.findings) {
    if (rules.count(f.rule) != 0) continue;
    PolicyMeta meta;
    meta.id = f.rule;
    meta.title = f.title;
    meta.severity = f.severity;
    meta.clause = f.clause;
    rules.emplace(f.rule, std::move(meta));
  }
  std::vector<PolicyMeta> out;
  out.reserve(rules.size());
  for (auto& [id, meta] : rules) out.push_back(std::move(meta));
  return out;
}

bool CiOutcome::failed() const {
  return std::any_of(findings.begin(), findings.end(),
                     [](const Finding* f) { return f->waiver.empty(); });
}

bool CiOutcome::waived() const { return !findings.empty() && !failed(); }

std::vector<PolicyOutcome> policy_outcomes(const Report& report) {
  std::map<std::string, std::map<std::string, std::vector<const Finding*>>> by_rule;
  for (const auto& [policy, cis] : report.checked) {
    for (const std::string& ci : cis) by_rule[policy][ci];
  }
  for (const Finding& f : report.findings) by_rule[f.rule][f.ci].push_back(&f);
  std::vector<PolicyOutcome> out;
  for (PolicyMeta& meta : report_rules(report)) {
    PolicyOutcome outcome;
    outcome.policy = std::move(meta);
    for (auto& [ci, findings] : by_rule[outcome.policy.id]) {
      CiOutcome c{ci, std::move(findings)};
      if (c.failed()) {
        ++outcome.failed;
      } else if (c.waived()) {
        ++outcome.waived;
      } else {
        ++outcome.passed;
      }
      outcome.cis.push_back(std::move(c));
    }
    out.push_back(std::move(outcome));
  }
  return out;
}

std::string inputs_digest(const RunInfo& info) {
  std::string manifest;
  for (const InputFile& f : info.inputs) manifest += fmt::format("{}  {}\n", f.sha256, f.path);
  return sha256_hex(manifest);
}

std::string pascal_case(std::string_view id) {
  std::string out;
  bool start = true;
  for (const char ch : id) {
    const bool alnum = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
    if (!alnum) {
      start = true;
      continue;
    }
    const bool upper = ch >= 'A' && ch <= 'Z';
    const bool lower = ch >= 'a' && ch <= 'z';
    if (start && lower) {
      out.push_back(static_cast<char>(ch - 'a' + 'A'));
    } else if (!start && upper) {
      out.push_back(static_cast<char>(ch - 'A' + 'a'));
    } else {
      out.push_back(ch);
    }
    start = false;
  }
  return out;
}

}  // namespace topocheck
