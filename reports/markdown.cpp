// Markdown summary for pull-request comments (GitHub flavour): the run's metadata, counts by
// severity, the policies with findings, then every finding as a collapsible <details> block, new
// findings (against a baseline) first, then by severity. The whole comment stays within a size
// limit (GitHub's 65536 characters by default): what does not fit is left out whole, and a note
// says what and where to find the full report.
#include <algorithm>
#include <map>
#include <ostream>

#include <fmt/format.h>

#include "reports/escape.h"
#include "reports/report_views.h"
#include "reports/text_format.h"
#include "reports/writers.h"

namespace topocheck {
namespace {

std::string md(std::string_view s) { return markdown_text(s); }

// Text inside the HTML of a <summary>: entities, not backslashes, and an invisible word joiner
// after '@' and '#' so that GitHub neither notifies "@name" nor links "#12".
std::string summary_text(std::string_view s) {
  std::string text;
  for (const char c : printable(s)) {
    text.push_back(c);
    if (c == '@' || c == '#') text += "\xE2\x81\xA0";  // U+2060
  }
  return markup_text(text);
}

// Reviewers look first at what a change introduced: findings new against the baseline, then the
// others by severity; findings known from the baseline and waived ones last.
int attention_group(const Finding& f) {
  if (f.baseline == "new") return 0;
  if (!f.waiver.empty()) return 3;
  if (f.baseline == "unchanged") return 2;
  return 1;
}

std::vector<const Finding*> in_attention_order(const std::vector<Finding>& findings) {
  std::vector<const Finding*> order;
  for (const Finding& f : findings) order.push_back(&f);
  std::stable_sort(order.begin(), order.end(), [](const Finding* a, const Finding* b) {
    const int ga = attention_group(*a), gb = attention_group(*b);
    if (ga != gb) return ga < gb;
    return a->severity > b->severity;
  });
  return order;
}

// Appends blocks while they fit in the budget; counts what it had to leave out.
class Budget {
 public:
  explicit Budget(size_t bytes) : left_(bytes) {}
  bool add(std::string& out, const std::string& block) {
    if (block.size() > left_) return false;
    out += block;
    left_ -= block.size();
    return true;
  }

 private:
  size_t left_;
};

std::string header(const Report& r) {
  const auto counts = count_by_severity(r.findings);
  std::string s = fmt::format("## topocheck: {} finding{} from {} polic{}\n\n", r.findings.size(),
                              r.findings.size() == 1 ? "" : "s", r.policies.size(),
                              r.policies.size() == 1 ? "y" : "ies");
  s += fmt::format("Evaluated as of **{}** by topocheck {} with policy pack {}; {} input file{} "
                   "(manifest SHA\\-256 `{}`).\n\n",
                   md(r.info.as_of), md(r.info.tool_version), md(r.info.policy_pack_version),
                   r.info.inputs.size(), r.info.inputs.size() == 1 ? "" : "s", inputs_digest(r.info));
  size_t waived = 0, fresh = 0, known = 0;
  for (const Finding& f : r.findings) {
    if (!f.waiver.empty()) ++waived;
    if (f.baseline == "new") ++fresh;
    if (f.baseline == "unchanged") ++known;
  }
  const bool baseline = fresh + known > 0;
  s += "| critical | high | medium | low | info | waived |";
  s += baseline ? " new | known |" : "";
  s += " policy errors |\n|---:|---:|---:|---:|---:|---:|";
  s += baseline ? "---:|---:|" : "";
  s += "---:|\n|";
  for (const Severity sev : kSeveritiesDescending) s += fmt::format(" {} |", counts[static_cast<size_t>(sev)]);
  s += fmt::format(" {} |", waived);
  if (baseline) s += fmt::format(" {} | {} |", fresh, known);
  s += fmt::format(" {} |\n\n", r.errors.size());
  return s;
}

std::string policy_row(const PolicyOutcome& o, size_t findings) {
  return fmt::format("| {} | {} | {} | {} | {} | {} |\n", md(o.policy.id), md(to_string(o.policy.severity)),
                     md(o.policy.clause), findings, o.failed + o.waived, o.cis.size());
}

std::string finding_block(const Finding& f) {
  std::string state;
  if (f.baseline == "new") state = " <i>(new)</i>";
  if (f.baseline == "unchanged") state = " <i>(known from baseline)</i>";
  if (!f.waiver.empty()) state += " <i>(waived: " + summary_text(f.waiver) + ")</i>";
  std::string s = fmt::format("<details><summary><b>{}</b> {} · {}: {}{}</summary>\n\n", to_string(f.severity),
                              summary_text(f.rule), f.ci.empty() ? "(estate)" : summary_text(f.ci),
                              summary_text(f.message), state);
  s += fmt::format("- **{}** {} \\({}\\)\n", md(f.rule), md(f.title), md(f.clause));
  if (!f.location.file.empty()) s += fmt::format("- at {}\n", md(format_file_line(f.location)));
  for (const Evidence& e : f.evidence) {
    s += "- " + md(e.fact);
    if (!e.where.file.empty()) s += " \\(" + md(format_file_line(e.where)) + "\\)";
    s += '\n';
  }
  for (size_t i = 0; i < f.paths.size(); ++i) {
    const Path& path = f.paths[i];
    std::string hops;
    for (size_t h = 0; h < path.hops.size(); ++h) hops += (h ? " " : "") + format_hop(path.hops[h], h == 0);
    s += fmt::format("- path {}{}: {}\n", i + 1, path.kind.empty() ? "" : " \\(" + md(path.kind) + "\\)", md(hops));
  }
  if (f.more_paths > 0) s += fmt::format("- … and {} more path\\(s\\)\n", f.more_paths);
  for (const auto& [key, value] : f.data) {
    std::visit([&, k = key](const auto& v) { s += fmt::format("- {}: {}\n", md(k), md(fmt::format("{}", v))); },
               value);
  }
  s += fmt::format("- fingerprint `{}`\n\n</details>\n", f.fingerprint);
  return s;
}

std::string problems_block(const Report& r) {
  std::string s;
  if (!r.errors.empty()) {
    s += "### Policy errors\n\n";
    for (const PolicyError& e : r.errors) s += fmt::format("- **{}**: {}\n", md(e.policy), md(e.message));
    s += '\n';
  }
  if (!r.notices.empty() || !r.warnings.empty()) {
    s += fmt::format("<details><summary>{} notice(s), {} input warning(s)</summary>\n\n", r.notices.size(),
                     r.warnings.size());
    for (const Notice& n : r.notices) s += fmt::format("- {}: {}\n", md(n.policy), md(n.message));
    for (const Diagnostic& d : r.warnings) {
      s += fmt::format("- {}: {}\n", md(fmt::format("{}:{}:{}", d.file, d.line, d.column)), md(d.message));
    }
    s += "\n</details>\n\n";
  }
  return s;
}

std::string remediation_block(const std::vector<PolicyOutcome>& outcomes) {
  std::string s;
  for (const PolicyOutcome& o : outcomes) {
    if (o.failed + o.waived == 0 || o.policy.remediation.empty()) continue;
    s += fmt::format("- **{}**: {}\n", md(o.policy.id), md(o.policy.remediation));
  }
  if (s.empty()) return s;
  return "<details><summary>Remediation</summary>\n\n" + s + "\n</details>\n\n";
}

std::string inputs_block(const RunInfo& info) {
  std::string s = "<details><summary>Input files (SHA-256)</summary>\n\n| file | SHA-256 |\n|---|---|\n";
  for (const InputFile& f : info.inputs) s += fmt::format("| {} | `{}` |\n", md(f.path), f.sha256);
  return s + "\n</details>\n";
}

class MarkdownWriter : public ReportWriter {
 public:
  explicit MarkdownWriter(size_t max_bytes) : max_bytes_(max_bytes) {}

  void write(const Report& r, std::ostream& out, const WriteOptions&) const override {
    // Room for the truncation note, which is always shorter than this.
    constexpr size_t kNoteReserve = 400;
    std::string text = header(r);
    Budget budget(max_bytes_ > text.size() + kNoteReserve ? max_bytes_ - text.size() - kNoteReserve : 0);
    std::vector<std::string> left_out;

    if (!budget.add(text, problems_block(r))) left_out.push_back("policy errors and notices");
    const std::vector<PolicyOutcome> outcomes = policy_outcomes(r);
    std::map<std::string, size_t> findings_per_rule;
    for (const Finding& f : r.findings) ++findings_per_rule[f.rule];
    std::string table;
    for (const PolicyOutcome& o : outcomes) {
      if (findings_per_rule.count(o.policy.id) != 0) table += policy_row(o, findings_per_rule[o.policy.id]);
    }
    if (!table.empty()) {
      table = "| policy | severity | clause | findings | CIs with findings | CIs checked |\n|---|---|---|---:|---:|---:|\n" +
              table + "\n";
      if (!budget.add(text, table)) left_out.push_back("the policy table");
    }
    size_t shown = 0;
    const auto order = in_attention_order(r.findings);
    if (!order.empty() && left_out.empty() && budget.add(text, "### Findings\n\n")) {
      for (const Finding* f : order) {
        if (!budget.add(text, finding_block(*f) + "\n")) break;
        ++shown;
      }
    }
    if (shown < order.size()) left_out.push_back(fmt::format("{} of {} findings", order.size() - shown, order.size()));
    if (left_out.empty() && !budget.add(text, remediation_block(outcomes))) left_out.push_back("remediation");
    if (left_out.empty() && !budget.add(text, inputs_block(r.info))) left_out.push_back("the list of input files");

    if (!left_out.empty()) {
      std::string what;
      for (size_t i = 0; i < left_out.size(); ++i) what += (i ? ", " : "") + left_out[i];
      text += fmt::format("\n> **Truncated** to stay within {} characters: {} not shown. The full report: "
                          "`topocheck check --format html` or `--format json`.\n",
                          max_bytes_, what);
    }
    out << text;
  }

 private:
  size_t max_bytes_;
};

}  // namespace

std::unique_ptr<ReportWriter> make_markdown_writer(size_t max_bytes) {
  return std::make_unique<MarkdownWriter>(max_bytes);
}

}  // namespace topocheck
