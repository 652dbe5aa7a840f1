// CSV report for import into ITSM tools: one row per finding in report order, RFC 4180 (CRLF line
// ends, fields quoted when needed, a header row). The columns are stable; new ones are only ever
// appended:
//   fingerprint, rule, severity, clause, title, ci, message, file, line, evidence (one fact per
//   line), paths (one path per line), details (policy data, "key=value; ..."), remediation,
//   waiver, baseline, as_of, tool_version, policy_pack_version, file_sha256 (of `file`),
//   inputs_sha256 (SHA-256 of the `sha256sum` manifest of all inputs, in load order).
// Texts that a spreadsheet would evaluate as formulas are neutralised (escape.h).
#include <map>
#include <ostream>

#include <fmt/format.h>

#include "reports/escape.h"
#include "reports/report_views.h"
#include "reports/text_format.h"
#include "reports/writers.h"

namespace topocheck {
namespace {

constexpr std::string_view kHeader =
    "fingerprint,rule,severity,clause,title,ci,message,file,line,evidence,paths,details,remediation,"
    "waiver,baseline,as_of,tool_version,policy_pack_version,file_sha256,inputs_sha256";

std::string evidence_cell(const Finding& f) {
  std::string cell;
  for (const Evidence& e : f.evidence) {
    if (!cell.empty()) cell += '\n';
    cell += e.fact;
    if (!e.where.file.empty()) cell += fmt::format(" ({}:{})", e.where.file, e.where.line);
  }
  return cell;
}

std::string paths_cell(const Finding& f) {
  std::string cell;
  for (const Path& path : f.paths) {
    if (!cell.empty()) cell += '\n';
    if (!path.kind.empty()) cell += path.kind + ": ";
    for (size_t h = 0; h < path.hops.size(); ++h) cell += (h ? " " : "") + format_hop(path.hops[h], h == 0);
  }
  if (f.more_paths > 0) cell += fmt::format("\n... and {} more path(s)", f.more_paths);
  return cell;
}

std::string details_cell(const Finding& f) {
  std::string cell;
  for (const auto& [key, value] : f.data) {
    if (!cell.empty()) cell += "; ";
    std::visit([&, k = key](const auto& v) { cell += fmt::format("{}={}", k, v); }, value);
  }
  return cell;
}

class CsvWriter : public ReportWriter {
 public:
  void write(const Report& r, std::ostream& out, const WriteOptions&) const override {
    std::map<std::string, std::string> file_sha256;
    for (const InputFile& f : r.info.inputs) file_sha256.emplace(f.path, f.sha256);
    std::map<std::string, std::string> remediation;
    for (const PolicyMeta& p : r.policies) remediation.emplace(p.id, p.remediation);
    const std::string inputs = inputs_digest(r.info);

    out << kHeader << "\r\n";
    for (const Finding& f : r.findings) {
      const auto sha = file_sha256.find(f.location.file);
      const auto fix = remediation.find(f.rule);
      const std::vector<std::string> fields = {
          csv_field(f.fingerprint),
          csv_field(f.rule),
          csv_field(to_string(f.severity)),
          csv_field(f.clause),
          csv_field(f.title),
          csv_field(f.ci),
          csv_field(f.message),
          csv_field(f.location.file),
          f.location.file.empty() ? "" : std::to_string(f.location.line),
          csv_field(evidence_cell(f)),
          csv_field(paths_cell(f)),
          csv_field(details_cell(f)),
          csv_field(fix == remediation.end() ? "" : fix->second),
          csv_field(f.waiver),
          csv_field(f.baseline),
          csv_field(r.info.as_of),
          csv_field(r.info.tool_version),
          csv_field(r.info.policy_pack_version),
          sha == file_sha256.end() ? "" : sha->second,
          inputs,
      };
      for (size_t i = 0; i < fields.size(); ++i) out << (i ? "," : "") << fields[i];
      out << "\r\n";
    }
  }
};

}  // namespace

std::unique_ptr<ReportWriter> make_csv_writer() { return std::make_unique<CsvWriter>(); }

}  // namespace topocheck
