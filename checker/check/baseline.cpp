#include "checker/check/baseline.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

namespace topocheck {

constexpr const char* kBaselineFormat = "topocheck-baseline/1";

bool read_baseline(const std::string& path, Baseline& baseline, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = path + ": cannot read baseline";
    return false;
  }
  std::stringstream text;
  text << in.rdbuf();
  const auto j = nlohmann::json::parse(text.str(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    error = path + ": not a JSON baseline (write one with 'topocheck baseline')";
    return false;
  }
  if (j.value("format", "") != kBaselineFormat) {
    error = path + ": unsupported baseline format '" + j.value("format", "") + "' (expected " + kBaselineFormat + ")";
    return false;
  }
  baseline.as_of = j.value("as_of", "");
  const auto entries = j.find("findings");
  if (entries == j.end() || !entries->is_array()) {
    error = path + ": baseline has no 'findings' array";
    return false;
  }
  for (const auto& e : *entries) {
    if (!e.is_object() || !e.contains("fingerprint") || !e["fingerprint"].is_string()) {
      error = path + ": every baseline entry needs a 'fingerprint' string";
      return false;
    }
    baseline.entries.push_back({e["fingerprint"].get<std::string>(), e.value("rule", ""),
                                e.value("ci", ""), e.value("first_seen", "")});
  }
  std::sort(baseline.entries.begin(), baseline.entries.end(),
            [](const BaselineEntry& a, const BaselineEntry& b) { return a.fingerprint < b.fingerprint; });
  return true;
}

std::string baseline_json(const std::vector<Finding>& findings, const Baseline* previous, Date as_of) {
  std::map<std::string, std::string> first_seen;
  if (previous != nullptr) {
    for (const BaselineEntry& e : previous->entries) first_seen[e.fingerprint] = e.first_seen;
  }
  std::map<std::string, BaselineEntry> entries;  // by fingerprint: sorted, one per finding
  for (const Finding& f : findings) {
    const auto seen = first_seen.find(f.fingerprint);
    entries[f.fingerprint] = {f.fingerprint, f.rule, f.ci, seen != first_seen.end() ? seen->second : to_string(as_of)};
  }
  nlohmann::ordered_json j;
  j["format"] = kBaselineFormat;
  j["as_of"] = to_string(as_of);
  auto list = nlohmann::ordered_json::array();
  for (const auto& [fp, e] : entries) {
    list.push_back({{"fingerprint", e.fingerprint}, {"rule", e.rule}, {"ci", e.ci}, {"first_seen", e.first_seen}});
  }
  j["findings"] = std::move(list);
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

BaselineComparison apply_baseline(const Baseline& baseline, std::vector<Finding>& findings) {
  BaselineComparison c;
  std::set<std::string> known;
  for (const BaselineEntry& e : baseline.entries) known.insert(e.fingerprint);
  std::set<std::string> seen;
  for (Finding& f : findings) {
    if (known.count(f.fingerprint)) {
      f.baseline = "unchanged";
      ++c.unchanged;
    } else {
      f.baseline = "new";
      ++c.introduced;
    }
    seen.insert(f.fingerprint);
  }
  for (const BaselineEntry& e : baseline.entries) {
    if (!seen.count(e.fingerprint)) c.resolved.push_back(e);
  }
  return c;
}

}  // namespace topocheck
