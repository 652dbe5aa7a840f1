// SARIF 2.1.0 report for code-scanning UIs (GitHub, GitLab, Azure DevOps): one rule per policy
// with its metadata, one result per finding located at the offending CI's TOML line, network
// paths as code flows (one thread-flow location per hop, at the rule that allowed it), the
// fingerprint as partial fingerprint, waived findings as suppressed. Paths are relative to
// %SRCROOT%, the directory topocheck ran in. Input files are artifacts with their SHA-256.
#include <map>
#include <ostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "reports/escape.h"
#include "reports/report_views.h"
#include "reports/text_format.h"
#include "reports/writers.h"

namespace topocheck {
namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kSchema =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
constexpr const char* kSourceRoot = "%SRCROOT%";

const char* sarif_level(Severity s) {
  switch (s) {
    case Severity::critical:
    case Severity::high: return "error";
    case Severity::medium: return "warning";
    case Severity::low:
    case Severity::info: return "note";
  }
  return "warning";
}

// GitHub's bands: critical > 9.0, high 7.0-8.9, medium 4.0-6.9, low 0.1-3.9.
const char* security_severity(Severity s) {
  switch (s) {
    case Severity::critical: return "9.5";
    case Severity::high: return "8.0";
    case Severity::medium: return "5.5";
    case Severity::low: return "3.0";
    case Severity::info: return "0.0";
  }
  return "0.0";
}

Json text_message(const std::string& text) { return Json{{"text", text}}; }

// Locations refer to the estate files; the index links them to `artifacts`.
class Locator {
 public:
  explicit Locator(const RunInfo& info) {
    for (size_t i = 0; i < info.inputs.size(); ++i) index_.emplace(info.inputs[i].path, i);
  }

  Json artifact(const std::string& file) const {
    Json a = Json::object();
    a["uri"] = path_to_uri(file);
    if (file.empty() || file.front() != '/') a["uriBaseId"] = kSourceRoot;
    if (const auto it = index_.find(file); it != index_.end()) a["index"] = it->second;
    return a;
  }

  Json physical(const std::string& file, uint32_t line, uint32_t column = 0) const {
    Json p = {{"artifactLocation", artifact(file)}};
    if (line > 0) {
      p["region"] = {{"startLine", line}};
      if (column > 0) p["region"]["startColumn"] = column;
    }
    return p;
  }

  // A location for `where`, or one with the message only when there is no file.
  Json location(const FileLine& where, const std::string& message = {}) const {
    Json l = Json::object();
    if (!where.file.empty()) l["physicalLocation"] = physical(where.file, where.line);
    if (!message.empty()) l["message"] = text_message(message);
    return l;
  }

 private:
  std::map<std::string, size_t> index_;
};

Json rule_json(const PolicyMeta& p) {
  Json r = Json::object();
  r["id"] = p.id;
  r["name"] = pascal_case(p.id);
  r["shortDescription"] = text_message(p.title);
  r["fullDescription"] = text_message(p.rationale.empty() ? p.title : p.rationale);
  std::string help_text = p.remediation.empty() ? p.title : "Remediation: " + p.remediation;
  std::string help_markdown =
      p.remediation.empty() ? markdown_text(p.title) : "**Remediation:** " + markdown_text(p.remediation);
  if (!p.clause.empty()) {
    help_text += "\nClause: " + p.clause;
    help_markdown += "\n\n**Clause:** " + markdown_text(p.clause);
  }
  r["help"] = {{"text", help_text}, {"markdown", help_markdown}};
  r["defaultConfiguration"] = {{"level", sarif_level(p.severity)}};
  Json tags = Json::array({"security", "compliance"});
  if (!p.clause.empty()) tags.push_back(p.clause);
  r["properties"] = {{"tags", std::move(tags)},
                     {"precision", "very-high"},
                     {"security-severity", security_severity(p.severity)},
                     {"severity", std::string(to_string(p.severity))},
                     {"clause", p.clause}};
  return r;
}

Json code_flow(const Path& path, size_t number, size_t count, const Locator& locator) {
  std::string title = fmt::format("path {} of {}", number, count);
  if (!path.kind.empty()) title += " (" + path.kind + ")";
  Json locations = Json::array();
  for (size_t h = 0; h < path.hops.size(); ++h) {
    const Hop& hop = path.hops[h];
    FileLine where = hop.where;
    if (where.line == 0) where.file.clear();  // no rule behind the hop (the source, a zone)
    locations.push_back({{"location", locator.location(where, format_hop(hop, h == 0))},
                         {"executionOrder", h + 1}});
  }
  return {{"message", text_message(title)},
          {"threadFlows", Json::array({{{"locations", std::move(locations)}}})}};
}

Json result_json(const Finding& f, size_t rule_index, const Locator& locator) {
  Json r = Json::object();
  r["ruleId"] = f.rule;
  r["ruleIndex"] = rule_index;
  r["level"] = sarif_level(f.severity);
  r["message"] = text_message(f.ci.empty() ? f.message : f.ci + ": " + f.message);
  Json location = locator.location(f.location);
  if (!f.ci.empty()) location["logicalLocations"] = Json::array({{{"name", f.ci}, {"kind", "resource"}}});
  r["locations"] = Json::array({std::move(location)});
  r["partialFingerprints"] = {{"topocheckFingerprint/v1", f.fingerprint}};
  if (!f.paths.empty()) {
    Json flows = Json::array();
    for (size_t i = 0; i < f.paths.size(); ++i) flows.push_back(code_flow(f.paths[i], i + 1, f.paths.size(), locator));
    r["codeFlows"] = std::move(flows);
  }
  if (!f.evidence.empty()) {
    Json related = Json::array();
    for (size_t i = 0; i < f.evidence.size(); ++i) {
      Json l = locator.location(f.evidence[i].where, f.evidence[i].fact);
      l["id"] = i + 1;
      related.push_back(std::move(l));
    }
    r["relatedLocations"] = std::move(related);
  }
  if (!f.waiver.empty()) {
    r["suppressions"] = Json::array(
        {{{"kind", "external"}, {"status", "accepted"}, {"justification", "waiver " + f.waiver}}});
  }
  if (f.baseline == "new" || f.baseline == "unchanged") r["baselineState"] = f.baseline;
  Json properties = Json::object();
  properties["ci"] = f.ci.empty() ? Json(nullptr) : Json(f.ci);
  properties["severity"] = std::string(to_string(f.severity));
  properties["clause"] = f.clause;
  if (!f.paths.empty()) properties["morePaths"] = f.more_paths;
  for (const auto& [key, value] : f.data) {
    std::visit([&, k = key](const auto& v) { properties[k] = v; }, value);
  }
  r["properties"] = std::move(properties);
  return r;
}

Json notifications(const Report& report, const std::map<std::string, size_t>& rule_index,
                   const Locator& locator) {
  Json out = Json::array();
  for (const PolicyError& e : report.errors) {
    Json n = {{"level", "error"}, {"message", text_message(e.message)}};
    if (!e.file.empty()) n["locations"] = Json::array({{{"physicalLocation", locator.physical(e.file, 0)}}});
    Json rule = {{"id", e.policy}};
    if (const auto it = rule_index.find(e.policy); it != rule_index.end()) rule["index"] = it->second;
    n["associatedRule"] = std::move(rule);
    if (!e.traceback.empty()) n["properties"] = {{"traceback", e.traceback}};
    out.push_back(std::move(n));
  }
  for (const Diagnostic& d : report.warnings) {
    const std::string where = d.field.empty() ? "" : " (" + d.field + ")";
    Json n = {{"level", "warning"}, {"message", text_message(d.message + where)}};
    if (!d.file.empty()) {
      n["locations"] = Json::array({{{"physicalLocation", locator.physical(d.file, d.line, d.column)}}});
    }
    out.push_back(std::move(n));
  }
  for (const Notice& notice : report.notices) {
    Json n = {{"level", "note"}, {"message", text_message(notice.policy + ": " + notice.message)}};
    Json rule = {{"id", notice.policy}};
    if (const auto it = rule_index.find(notice.policy); it != rule_index.end()) rule["index"] = it->second;
    n["associatedRule"] = std::move(rule);
    out.push_back(std::move(n));
  }
  return out;
}

class SarifWriter : public ReportWriter {
 public:
  void write(const Report& report, std::ostream& out, const WriteOptions&) const override {
    const Locator locator(report.info);
    const std::vector<PolicyMeta> rules = report_rules(report);
    std::map<std::string, size_t> rule_index;
    Json rules_json = Json::array();
    for (const PolicyMeta& p : rules) {
      rule_index.emplace(p.id, rules_json.size());
      rules_json.push_back(rule_json(p));
    }
    Json driver = Json::object();
    driver["name"] = "topocheck";
    driver["version"] = report.info.tool_version;
    driver["semanticVersion"] = report.info.tool_version;
    driver["rules"] = std::move(rules_json);

    Json artifacts = Json::array();
    for (const InputFile& f : report.info.inputs) {
      artifacts.push_back({{"location", locator.artifact(f.path)},
                           {"roles", Json::array({"analysisTarget"})},
                           {"hashes", {{"sha-256", f.sha256}}}});
    }
    Json results = Json::array();
    for (const Finding& f : report.findings) results.push_back(result_json(f, rule_index.at(f.rule), locator));

    Json run = Json::object();
    run["tool"] = {{"driver", std::move(driver)}};
    run["invocations"] = Json::array({{{"executionSuccessful", report.errors.empty()},
                                       {"toolExecutionNotifications", notifications(report, rule_index, locator)}}});
    run["originalUriBaseIds"] = {
        {kSourceRoot, {{"description", text_message("the directory topocheck ran in; input paths are relative to it")}}}};
    run["artifacts"] = std::move(artifacts);
    run["results"] = std::move(results);
    run["columnKind"] = "unicodeCodePoints";
    run["properties"] = {{"asOf", report.info.as_of},
                         {"policyPack", {{"dir", report.info.policy_dir}, {"version", report.info.policy_pack_version}}}};

    Json log = Json::object();
    log["$schema"] = kSchema;
    log["version"] = "2.1.0";
    log["runs"] = Json::array({std::move(run)});
    out << log.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  }
};

}  // namespace

std::unique_ptr<ReportWriter> make_sarif_writer() { return std::make_unique<SarifWriter>(); }

}  // namespace topocheck
