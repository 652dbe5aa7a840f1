// JSON report: the machine interface. Schema: docs/report-json.md. Keys are written in a fixed
// order and findings are sorted, so the same input gives byte-identical output. The report is
// streamed (json_writer.h): at a million CIs it is gigabytes, too big to build as a document.
// finding_to_json and hop_to_json build the same objects as documents for the small outputs of
// other commands (diff).
#include <algorithm>
#include <nlohmann/json.hpp>
#include <ostream>

#include "reports/json_finding.h"
#include "reports/json_writer.h"
#include "reports/report_views.h"
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

// The streamed report writes the same objects member by member.

void write_file_line(JsonStream& j, const FileLine& where) {
  j.begin_object();
  j.member("file", where.file);
  j.member("line", where.line);
  j.end_object();
}

void write_hop(JsonStream& j, const Hop& hop) {
  j.begin_object();
  j.member("node", hop.node);
  j.member("service", hop.service);
  j.member("via", hop.via);
  if (!hop.firewall.empty()) {
    j.member("firewall", hop.firewall);
    j.key("rule").begin_object();
    j.member("order", hop.rule_order);
    j.member("ref", hop.rule_ref);
    j.end_object();
  }
  if (!hop.nat.empty()) j.member("nat", hop.nat);
  if (hop.where.line != 0) {
    j.key("location");
    write_file_line(j, hop.where);
  }
  j.end_object();
}

// Policy data goes beside the finding's own members. The policy API reserves their names and
// data keys are unique, but where a finding breaks that, the document form decides which value
// wins and where it stands.
bool data_keys_are_separate(const Finding& f) {
  static constexpr std::string_view kOwn[] = {
      "rule",     "severity", "clause",     "title",       "ci",     "message", "location",
      "evidence", "paths",    "more_paths", "fingerprint", "waiver", "baseline"};
  for (size_t i = 0; i < f.data.size(); ++i) {
    const std::string& key = f.data[i].first;
    if (std::find(std::begin(kOwn), std::end(kOwn), key) != std::end(kOwn)) return false;
    for (size_t k = 0; k < i; ++k) {
      if (f.data[k].first == key) return false;
    }
  }
  return true;
}

void write_finding(JsonStream& j, const Finding& f) {
  if (!data_keys_are_separate(f)) {
    j.formatted(finding_json_impl(f).dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
    return;
  }
  j.begin_object();
  j.member("rule", f.rule);
  j.member("severity", to_string(f.severity));
  j.member("clause", f.clause);
  j.member("title", f.title);
  if (f.ci.empty()) {
    j.member("ci", nullptr);
  } else {
    j.member("ci", f.ci);
  }
  j.member("message", f.message);
  j.key("location");
  write_file_line(j, f.location);
  j.key("evidence").begin_array();
  for (const Evidence& e : f.evidence) {
    j.begin_object();
    j.member("fact", e.fact);
    if (!e.where.file.empty()) {
      j.key("location");
      write_file_line(j, e.where);
    }
    j.end_object();
  }
  j.end_array();
  if (!f.paths.empty()) {
    j.key("paths").begin_array();
    for (const Path& p : f.paths) {
      j.begin_object();
      if (!p.kind.empty()) j.member("kind", p.kind);
      j.key("hops").begin_array();
      for (const Hop& h : p.hops) write_hop(j, h);
      j.end_array();
      j.end_object();
    }
    j.end_array();
    j.member("more_paths", f.more_paths);
  }
  for (const auto& [key, value] : f.data) {
    j.key(key);
    std::visit([&](const auto& v) { j.value(v); }, value);
  }
  j.member("fingerprint", f.fingerprint);
  if (!f.waiver.empty()) j.member("waiver", f.waiver);
  if (!f.baseline.empty()) j.member("baseline", f.baseline);
  j.end_object();
}

void write_summary(JsonStream& j, const Report& r) {
  const std::array<size_t, 5> counts = count_by_severity(r.findings);
  j.key("summary").begin_object();
  j.member("findings", r.findings.size());
  j.key("by_severity").begin_object();
  for (const Severity s : kSeveritiesDescending)
    j.member(to_string(s), counts[static_cast<size_t>(s)]);
  j.end_object();
  j.member("policies", r.policies.size());
  j.member("policy_errors", r.errors.size());
  j.member("notices", r.notices.size());
  j.member("input_warnings", r.warnings.size());
  j.end_object();
}

void write_run_info(JsonStream& j, const RunInfo& info) {
  j.member("format", "topocheck-report/1");
  j.key("tool").begin_object();
  j.member("name", "topocheck");
  j.member("version", info.tool_version);
  j.end_object();
  j.member("as_of", info.as_of);
  j.key("policy_pack").begin_object();
  j.member("dir", info.policy_dir);
  j.member("version", info.policy_pack_version);
  j.end_object();
  j.key("inputs").begin_array();
  for (const InputFile& f : info.inputs) {
    j.begin_object();
    j.member("path", f.path);
    j.member("sha256", f.sha256);
    j.end_object();
  }
  j.end_array();
}

void write_policies(JsonStream& j, const Report& r) {
  j.key("policies").begin_array();
  for (const PolicyMeta& p : r.policies) {
    const auto checked = r.checked.find(p.id);
    j.begin_object();
    j.member("id", p.id);
    j.member("title", p.title);
    j.member("severity", to_string(p.severity));
    j.member("clause", p.clause);
    j.member("checked", checked == r.checked.end() ? 0 : checked->second.size());
    j.end_object();
  }
  j.end_array();
}

void write_problems(JsonStream& j, const Report& r) {
  j.key("notices").begin_array();
  for (const Notice& n : r.notices) {
    j.begin_object();
    j.member("policy", n.policy);
    j.member("message", n.message);
    j.end_object();
  }
  j.end_array();
  j.key("policy_errors").begin_array();
  for (const PolicyError& e : r.errors) {
    j.begin_object();
    j.member("policy", e.policy);
    j.member("file", e.file);
    j.member("message", e.message);
    j.member("traceback", e.traceback);
    j.end_object();
  }
  j.end_array();
  j.key("input_warnings").begin_array();
  for (const Diagnostic& d : r.warnings) {
    j.begin_object();
    j.member("file", d.file);
    j.member("line", d.line);
    j.member("column", d.column);
    j.member("field", d.field);
    j.member("message", d.message);
    j.end_object();
  }
  j.end_array();
}

}  // namespace

nlohmann::ordered_json hop_to_json(const Hop& hop) { return hop_json(hop); }
nlohmann::ordered_json finding_to_json(const Finding& f) { return finding_json_impl(f); }

namespace {

class JsonWriter : public ReportWriter {
 public:
  void write(const Report& r, std::ostream& out, const WriteOptions&) const override {
    {
      JsonStream j(out);
      j.begin_object();
      write_run_info(j, r.info);
      write_summary(j, r);
      write_policies(j, r);
      j.key("findings").begin_array();
      for (const Finding& f : r.findings) write_finding(j, f);
      j.end_array();
      write_problems(j, r);
      j.end_object();
    }
    out << '\n';
  }
};

}  // namespace

std::unique_ptr<ReportWriter> make_json_writer() { return std::make_unique<JsonWriter>(); }

}  // namespace topocheck
