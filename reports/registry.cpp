// The table of report formats, and what all formats share.
#include <array>
#include <map>

#include <fmt/format.h>

#include "reports/report.h"
#include "reports/writers.h"

namespace topocheck {

std::unique_ptr<ReportWriter> make_report_writer(std::string_view format) {
  if (format == "text") return make_text_writer();
  if (format == "json") return make_json_writer();
  if (format == "sarif") return make_sarif_writer();
  if (format == "junit") return make_junit_writer();
  if (format == "markdown") return make_markdown_writer();
  if (format == "html") return make_html_writer();
  if (format == "csv") return make_csv_writer();
  return nullptr;
}

std::vector<std::string_view> report_formats() {
  return {"text", "json", "sarif", "junit", "markdown", "html", "csv"};
}

std::string summary_line(const Report& report) {
  std::array<size_t, 5> counts{};
  for (const Finding& f : report.findings) ++counts[static_cast<size_t>(f.severity)];
  std::string by_severity;
  for (int s = 4; s >= 0; --s) {
    if (counts[s] == 0) continue;
    if (!by_severity.empty()) by_severity += ", ";
    by_severity += fmt::format("{} {}", counts[s], to_string(static_cast<Severity>(s)));
  }
  size_t waived = 0, known = 0;
  for (const Finding& f : report.findings) {
    if (!f.waiver.empty()) ++waived;
    else if (f.baseline == "unchanged") ++known;
  }
  std::string exceptions;
  if (waived > 0) exceptions += fmt::format(", {} waived", waived);
  if (known > 0) exceptions += fmt::format(", {} known from the baseline", known);
  return fmt::format("topocheck: {} finding{}{}{} from {} polic{}; {} policy error{}",
                     report.findings.size(), report.findings.size() == 1 ? "" : "s",
                     by_severity.empty() ? "" : " (" + by_severity + ")", exceptions,
                     report.policies.size(), report.policies.size() == 1 ? "y" : "ies",
                     report.errors.size(), report.errors.size() == 1 ? "" : "s");
}

}  // namespace topocheck
