// JSON report: the machine interface. Schema: docs/report-json.md. Keys are written in a fixed
// order and findings are sorted, so the same input gives byte-identical output.
#include <ostream>

#include <nlohmann/json.hpp>

#include "reports/json_finding.h"
#include "reports/writers.h"

namespace topocheck {
namespace {

using Json = nlohmann::ordered_json;

Json file_line(const FileLine& where) {
  Json j = Json::object();
  j["file"] = where.file;
  j["line"] = where.line;
  return j;
}

Json hop_json(const Hop& hop) {
  Json j = Json::object();
  j["node"] = hop.node;
  j["service"] = hop.service;
  j["via"] = hop.via;
  if (!hop.firewall.empty()) {
    j["firewall"] = hop.firewall;
    j["rule"] = {{"order", hop.rule_order}, {"ref", hop.rule_ref}};
  }
  if (!hop.nat.empty()) j["nat"] = hop.nat;
  if (hop.where.line != 0) j["location"] = file_line(hop.where);
  return j;
}

Json finding_json_impl(const Finding& f) {
  Json j = Json::object();
  j["rule"] = f.rule;
  j["severity"] = std::string(to_string(f.severity));
  j["clause"] = f.clause;
  j["title"] = f.title;
  j["ci"] = f.ci.empty() ? Json(nullptr) : Json(f.ci);
  j["message"] = f.message;
  j["location"] = file_line(f.location);
  Json evidence = Json::array();
  for (const Evidence& e : f.evidence) {
    Json item = {{"fact", e.fact}};
    if (!e.where.file.empty()) item["location"] = file_line(e.where);
    evidence.push_back(std::move(item));
  }
  j["evidence"] = std::move(evidence);
  if (!f.paths.empty()) {
    Json paths = Json::array();
    for (const Path& p : f.paths) {
      Json hops = Json::array();
      for (const Hop& h : p.hops) hops.push_back(hop_json(h));
      Json path = Json::object();
      if (!p.kind.empty()) path["kind"] = p.kind;
      path["hops"] = std::move(hops);
      paths.push_back(std::move(path));
    }
    j["paths"] = std::move(paths);
    j["more_paths"] = f.more_paths;
  }
  for (const auto& [key, value] : f.data) {
    std::visit([&, k = key](const auto& v) { j[k] = v; }, value);
  }
  j["fingerprint"] = f.fingerprint;
  if (!f.waiver.empty()) j["waiver"] = f.waiver;
  if (!f.baseline.empty()) j["baseline"] = f.baseline;
  return j;
}

}  // namespace

nlohmann::ordered_json hop_to_json(const Hop& hop) { return hop_json(hop); }
nlohmann::ordered_json finding_to_json(const Finding& f) { return finding_json_impl(f); }

namespace {

class JsonWriter : public ReportWriter {
 public:
  void write(const Report& r, std::ostream& out, const WriteOptions&) const override {
    Json j = Json::object();
    j["format"] = "topocheck-report/1";
    j["tool"] = {{"name", "topocheck"}, {"version", r.info.tool_version}};
    j["as_of"] = r.info.as_of;
    j["policy_pack"] = {{"dir", r.info.policy_dir}, {"version", r.info.policy_pack_version}};
    Json inputs = Json::array();
    for (const InputFile& f : r.info.inputs) inputs.push_back({{"path", f.path}, {"sha256", f.sha256}});
    j["inputs"] = std::move(inputs);

    Json by_severity = Json::object();
    for (const char* s : {"critical", "high", "medium", "low", "info"}) by_severity[s] = 0;
    for (const Finding& f : r.findings) {
      by_severity[std::string(to_string(f.severity))] =
          by_severity[std::string(to_string(f.severity))].get<int>() + 1;
    }
    j["summary"] = {{"findings", r.findings.size()},
                    {"by_severity", std::move(by_severity)},
                    {"policies", r.policies.size()},
                    {"policy_errors", r.errors.size()},
                    {"notices", r.notices.size()},
                    {"input_warnings", r.warnings.size()}};
    Json policies = Json::array();
    for (const PolicyMeta& p : r.policies) {
      const auto checked = r.checked.find(p.id);
      policies.push_back({{"id", p.id},
                          {"title", p.title},
                          {"severity", std::string(to_string(p.severity))},
                          {"clause", p.clause},
                          {"checked", checked == r.checked.end() ? 0 : checked->second.size()}});
    }
    j["policies"] = std::move(policies);
    Json findings = Json::array();
    for (const Finding& f : r.findings) findings.push_back(finding_json_impl(f));
    j["findings"] = std::move(findings);
    Json notices = Json::array();
    for (const Notice& n : r.notices) notices.push_back({{"policy", n.policy}, {"message", n.message}});
    j["notices"] = std::move(notices);
    Json errors = Json::array();
    for (const PolicyError& e : r.errors) {
      errors.push_back({{"policy", e.policy}, {"file", e.file}, {"message", e.message},
                        {"traceback", e.traceback}});
    }
    j["policy_errors"] = std::move(errors);
    Json warnings = Json::array();
    for (const Diagnostic& d : r.warnings) {
      warnings.push_back({{"file", d.file}, {"line", d.line}, {"column", d.column},
                          {"field", d.field}, {"message", d.message}});
    }
    j["input_warnings"] = std::move(warnings);
    // Invalid UTF-8 in a policy's message must not abort the report: replace it.
    out << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  }
};

}  // namespace

std::unique_ptr<ReportWriter> make_json_writer() { return std::make_unique<JsonWriter>(); }

}  // namespace topocheck
