// SARIF 2.1.0 report for code-scanning UIs (GitHub, GitLab, Azure DevOps): one rule per policy
// with its metadata, one result per finding located at the offending CI's TOML line, network
// paths as code flows (one thread-flow location per hop, at the rule that allowed it), the
// fingerprint as partial fingerprint, waived findings as suppressed. Paths are relative to
// %SRCROOT%, the directory topocheck ran in. Input files are artifacts with their SHA-256.
// The log is streamed (json_writer.h): at a million CIs it is gigabytes, too big for a document.
#include <fmt/format.h>

#include <map>
#include <optional>
#include <ostream>
#include <variant>

#include "reports/escape.h"
#include "reports/json_writer.h"
#include "reports/report_views.h"
#include "reports/text_format.h"
#include "reports/writers.h"

namespace topocheck {
namespace {

constexpr const char* kSchema =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
constexpr const char* kSourceRoot = "%SRCROOT%";

const char* sarif_level(Severity s) {
  switch (s) {
    case Severity::critical:
    case Severity::high:
      return "error";
    case Severity::medium:
      return "warning";
    case Severity::low:
    case Severity::info:
      return "note";
  }
  return "warning";
}

// GitHub's bands: critical > 9.0, high 7.0-8.9, medium 4.0-6.9, low 0.1-3.9.
const char* security_severity(Severity s) {
  switch (s) {
    case Severity::critical:
      return "9.5";
    case Severity::high:
      return "8.0";
    case Severity::medium:
      return "5.5";
    case Severity::low:
      return "3.0";
    case Severity::info:
      return "0.0";
  }
  return "0.0";
}

void text_message(JsonStream& j, std::string_view text) {
  j.begin_object();
  j.member("text", text);
  j.end_object();
}

// Locations refer to the estate files; the index links them to `artifacts`. Each file's URI is
// computed once: at scale the same few files appear in every path hop.
class Locator {
 public:
  explicit Locator(const RunInfo& info) {
    for (size_t i = 0; i < info.inputs.size(); ++i) index_.emplace(info.inputs[i].path, i);
  }

  void artifact(JsonStream& j, const std::string& file) {
    const Artifact& a = lookup(file);
    j.begin_object();
    j.member("uri", a.uri);
    if (a.relative) j.member("uriBaseId", kSourceRoot);
    if (a.index) j.member("index", *a.index);
    j.end_object();
  }

  void physical(JsonStream& j, const std::string& file, uint32_t line, uint32_t column = 0) {
    j.begin_object();
    j.key("artifactLocation");
    artifact(j, file);
    if (line > 0) {
      j.key("region").begin_object();
      j.member("startLine", line);
      if (column > 0) j.member("startColumn", column);
      j.end_object();
    }
    j.end_object();
  }

  // The members of a location, for the caller's object: the place of `where`, when it has a
  // file, and the message, when there is one.
  void location_members(JsonStream& j, const FileLine& where, std::string_view message = {}) {
    if (!where.file.empty()) {
      j.key("physicalLocation");
      physical(j, where.file, where.line);
    }
    if (!message.empty()) {
      j.key("message");
      text_message(j, message);
    }
  }

 private:
  struct Artifact {
    std::string uri;
    bool relative = false;
    std::optional<size_t> index;
  };

  const Artifact& lookup(const std::string& file) {
    auto it = artifacts_.find(file);
    if (it != artifacts_.end()) return it->second;
    Artifact a;
    a.uri = path_to_uri(file);
    a.relative = file.empty() || file.front() != '/';
    if (const auto known = index_.find(file); known != index_.end()) a.index = known->second;
    return artifacts_.emplace(file, std::move(a)).first->second;
  }

  std::map<std::string, size_t> index_;
  std::map<std::string, Artifact> artifacts_;
};

void write_rule(JsonStream& j, const PolicyMeta& p) {
  j.begin_object();
  j.member("id", p.id);
  j.member("name", pascal_case(p.id));
  j.key("shortDescription");
  text_message(j, p.title);
  j.key("fullDescription");
  text_message(j, p.rationale.empty() ? p.title : p.rationale);
  std::string help_text = p.remediation.empty() ? p.title : "Remediation: " + p.remediation;
  std::string help_markdown = p.remediation.empty()
                                  ? markdown_text(p.title)
                                  : "**Remediation:** " + markdown_text(p.remediation);
  if (!p.clause.empty()) {
    help_text += "\nClause: " + p.clause;
    help_markdown += "\n\n**Clause:** " + markdown_text(p.clause);
  }
  j.key("help").begin_object();
  j.member("text", help_text);
  j.member("markdown", help_markdown);
  j.end_object();
  j.key("defaultConfiguration").begin_object();
  j.member("level", sarif_level(p.severity));
  j.end_object();
  j.key("properties").begin_object();
  j.key("tags").begin_array();
  j.value("security");
  j.value("compliance");
  if (!p.clause.empty()) j.value(p.clause);
  j.end_array();
  j.member("precision", "very-high");
  j.member("security-severity", security_severity(p.severity));
  j.member("severity", to_string(p.severity));
  j.member("clause", p.clause);
  j.end_object();
  j.end_object();
}

void write_code_flow(JsonStream& j, const Path& path, size_t number, size_t count,
                     Locator& locator) {
  std::string title = fmt::format("path {} of {}", number, count);
  if (!path.kind.empty()) title += " (" + path.kind + ")";
  j.begin_object();
  j.key("message");
  text_message(j, title);
  j.key("threadFlows").begin_array();
  j.begin_object();
  j.key("locations").begin_array();
  for (size_t h = 0; h < path.hops.size(); ++h) {
    static const FileLine kNowhere;
    const Hop& hop = path.hops[h];
    // A hop without a rule behind it (the source, a zone) has no place in a file.
    const FileLine& where = hop.where.line == 0 ? kNowhere : hop.where;
    j.begin_object();
    j.key("location").begin_object();
    locator.location_members(j, where, format_hop(hop, h == 0));
    j.end_object();
    j.member("executionOrder", h + 1);
    j.end_object();
  }
  j.end_array();
  j.end_object();
  j.end_array();
  j.end_object();
}

// A result's properties: the finding's own, then the policy's data. As in a JSON object built
// member by member, a data key equal to an earlier key replaces that member's value in place.
void write_properties(JsonStream& j, const Finding& f) {
  using Value = std::variant<std::nullptr_t, std::string_view, int64_t, uint64_t, double, bool>;
  std::vector<std::pair<std::string_view, Value>> properties;
  auto set = [&](std::string_view key, Value value) {
    for (auto& [k, v] : properties) {
      if (k == key) {
        v = value;
        return;
      }
    }
    properties.emplace_back(key, value);
  };
  set("ci", f.ci.empty() ? Value(nullptr) : Value(std::string_view(f.ci)));
  set("severity", to_string(f.severity));
  set("clause", std::string_view(f.clause));
  if (!f.paths.empty()) set("morePaths", static_cast<uint64_t>(f.more_paths));
  for (const auto& [key, value] : f.data) {
    std::visit(
        [&, &k = key](const auto& v) {
          if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::string>) {
            set(k, std::string_view(v));
          } else {
            set(k, v);
          }
        },
        value);
  }
  j.begin_object();
  for (const auto& [key, value] : properties) {
    j.key(key);
    std::visit([&](const auto& v) { j.value(v); }, value);
  }
  j.end_object();
}

void write_result(JsonStream& j, const Finding& f, size_t rule_index, Locator& locator) {
  j.begin_object();
  j.member("ruleId", f.rule);
  j.member("ruleIndex", rule_index);
  j.member("level", sarif_level(f.severity));
  j.key("message");
  text_message(j, f.ci.empty() ? f.message : f.ci + ": " + f.message);
  j.key("locations").begin_array();
  j.begin_object();
  locator.location_members(j, f.location);
  if (!f.ci.empty()) {
    j.key("logicalLocations").begin_array();
    j.begin_object();
    j.member("name", f.ci);
    j.member("kind", "resource");
    j.end_object();
    j.end_array();
  }
  j.end_object();
  j.end_array();
  j.key("partialFingerprints").begin_object();
  j.member("topocheckFingerprint/v1", f.fingerprint);
  j.end_object();
  if (!f.paths.empty()) {
    j.key("codeFlows").begin_array();
    for (size_t i = 0; i < f.paths.size(); ++i)
      write_code_flow(j, f.paths[i], i + 1, f.paths.size(), locator);
    j.end_array();
  }
  if (!f.evidence.empty()) {
    j.key("relatedLocations").begin_array();
    for (size_t i = 0; i < f.evidence.size(); ++i) {
      j.begin_object();
      locator.location_members(j, f.evidence[i].where, f.evidence[i].fact);
      j.member("id", i + 1);
      j.end_object();
    }
    j.end_array();
  }
  if (!f.waiver.empty()) {
    j.key("suppressions").begin_array();
    j.begin_object();
    j.member("kind", "external");
    j.member("status", "accepted");
    j.member("justification", "waiver " + f.waiver);
    j.end_object();
    j.end_array();
  }
  if (f.baseline == "new" || f.baseline == "unchanged") j.member("baselineState", f.baseline);
  j.key("properties");
  write_properties(j, f);
  j.end_object();
}

void write_associated_rule(JsonStream& j, const std::string& policy,
                           const std::map<std::string, size_t>& rule_index) {
  j.key("associatedRule").begin_object();
  j.member("id", policy);
  if (const auto it = rule_index.find(policy); it != rule_index.end())
    j.member("index", it->second);
  j.end_object();
}

// `locations` with the one physical location of a notification.
void write_notification_place(JsonStream& j, Locator& locator, const std::string& file,
                              uint32_t line, uint32_t column) {
  j.key("locations").begin_array();
  j.begin_object();
  j.key("physicalLocation");
  locator.physical(j, file, line, column);
  j.end_object();
  j.end_array();
}

void write_notifications(JsonStream& j, const Report& report,
                         const std::map<std::string, size_t>& rule_index, Locator& locator) {
  j.begin_array();
  for (const PolicyError& e : report.errors) {
    j.begin_object();
    j.member("level", "error");
    j.key("message");
    text_message(j, e.message);
    if (!e.file.empty()) write_notification_place(j, locator, e.file, 0, 0);
    write_associated_rule(j, e.policy, rule_index);
    if (!e.traceback.empty()) {
      j.key("properties").begin_object();
      j.member("traceback", e.traceback);
      j.end_object();
    }
    j.end_object();
  }
  for (const Diagnostic& d : report.warnings) {
    const std::string where = d.field.empty() ? "" : " (" + d.field + ")";
    j.begin_object();
    j.member("level", "warning");
    j.key("message");
    text_message(j, d.message + where);
    if (!d.file.empty()) write_notification_place(j, locator, d.file, d.line, d.column);
    j.end_object();
  }
  for (const Notice& notice : report.notices) {
    j.begin_object();
    j.member("level", "note");
    j.key("message");
    text_message(j, notice.policy + ": " + notice.message);
    write_associated_rule(j, notice.policy, rule_index);
    j.end_object();
  }
  j.end_array();
}

void write_run(JsonStream& j, const Report& report) {
  Locator locator(report.info);
  const std::vector<PolicyMeta> rules = report_rules(report);
  std::map<std::string, size_t> rule_index;
  for (size_t i = 0; i < rules.size(); ++i) rule_index.emplace(rules[i].id, i);

  j.begin_object();
  j.key("tool").begin_object();
  j.key("driver").begin_object();
  j.member("name", "topocheck");
  j.member("version", report.info.tool_version);
  j.member("semanticVersion", report.info.tool_version);
  j.key("rules").begin_array();
  for (const PolicyMeta& p : rules) write_rule(j, p);
  j.end_array();
  j.end_object();
  j.end_object();

  j.key("invocations").begin_array();
  j.begin_object();
  j.member("executionSuccessful", report.errors.empty());
  j.key("toolExecutionNotifications");
  write_notifications(j, report, rule_index, locator);
  j.end_object();
  j.end_array();

  j.key("originalUriBaseIds").begin_object();
  j.key(kSourceRoot).begin_object();
  j.key("description");
  text_message(j, "the directory topocheck ran in; input paths are relative to it");
  j.end_object();
  j.end_object();

  j.key("artifacts").begin_array();
  for (const InputFile& f : report.info.inputs) {
    j.begin_object();
    j.key("location");
    locator.artifact(j, f.path);
    j.key("roles").begin_array();
    j.value("analysisTarget");
    j.end_array();
    j.key("hashes").begin_object();
    j.member("sha-256", f.sha256);
    j.end_object();
    j.end_object();
  }
  j.end_array();

  j.key("results").begin_array();
  for (const Finding& f : report.findings) write_result(j, f, rule_index.at(f.rule), locator);
  j.end_array();
  j.member("columnKind", "unicodeCodePoints");
  j.key("properties").begin_object();
  j.member("asOf", report.info.as_of);
  j.key("policyPack").begin_object();
  j.member("dir", report.info.policy_dir);
  j.member("version", report.info.policy_pack_version);
  j.end_object();
  j.end_object();
  j.end_object();
}

class SarifWriter : public ReportWriter {
 public:
  void write(const Report& report, std::ostream& out, const WriteOptions&) const override {
    {
      JsonStream j(out);
      j.begin_object();
      j.member("$schema", kSchema);
      j.member("version", "2.1.0");
      j.key("runs").begin_array();
      write_run(j, report);
      j.end_array();
      j.end_object();
    }
    out << '\n';
  }
};

}  // namespace

std::unique_ptr<ReportWriter> make_sarif_writer() { return std::make_unique<SarifWriter>(); }

}  // namespace topocheck
