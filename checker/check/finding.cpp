#include "checker/check/finding.h"

#include <algorithm>
#include <array>
#include <tuple>

#include "checker/util/sha256.h"

namespace topocheck {
namespace {

constexpr std::array<std::string_view, 5> kSeverityNames = {"info", "low", "medium", "high",
                                                            "critical"};

}  // namespace

std::string_view to_string(Severity s) { return kSeverityNames[static_cast<size_t>(s)]; }

std::optional<Severity> severity_from_string(std::string_view text) {
  for (size_t i = 0; i < kSeverityNames.size(); ++i) {
    if (kSeverityNames[i] == text) return static_cast<Severity>(i);
  }
  return std::nullopt;
}

std::string compute_fingerprint(const std::string& rule, const std::string& ci,
                                const std::string& key) {
  std::string input;
  input.reserve(rule.size() + ci.size() + key.size() + 2);
  input.append(rule).push_back('\0');
  input.append(ci).push_back('\0');
  input.append(key);
  return sha256_hex(input).substr(0, 32);
}

std::string path_signature(const std::vector<Path>& paths) {
  std::string sig;
  for (const Path& p : paths) {
    sig += "|path";
    for (const Hop& h : p.hops) {
      sig += '>' + h.node + ' ' + h.service + ' ' + h.firewall + ' ' +
             (h.rule_ref.empty() ? std::to_string(h.rule_order) : h.rule_ref) + ' ' + h.via;
    }
  }
  return sig;
}

void sort_findings(std::vector<Finding>& findings) {
  std::sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    return std::tie(a.rule, a.ci, a.message, a.fingerprint) <
           std::tie(b.rule, b.ci, b.message, b.fingerprint);
  });
}

}  // namespace topocheck
