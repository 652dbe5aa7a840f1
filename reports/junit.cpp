// JUnit XML report for CI test tabs (Jenkins, GitLab): one testsuite per policy, one testcase per
// CI the policy evaluated; a CI with findings fails (message and evidence), a CI whose findings
// are all waived is skipped, a policy error is an error. A first testsuite "topocheck" without
// tests carries the run's metadata as properties. Valid against Jenkins' junit-10.xsd.
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

void property(std::ostream& out, std::string_view name, std::string_view value) {
  out << fmt::format("      <property name=\"{}\" value=\"{}\"/>\n", markup_attr(name), markup_attr(value));
}

void run_suite(std::ostream& out, const Report& r) {
  out << "  <testsuite name=\"topocheck\" tests=\"0\" failures=\"0\" errors=\"0\" skipped=\"0\">\n";
  out << "    <properties>\n";
  property(out, "as_of", r.info.as_of);
  property(out, "tool_version", r.info.tool_version);
  property(out, "policy_pack", r.info.policy_dir);
  property(out, "policy_pack_version", r.info.policy_pack_version);
  property(out, "inputs_sha256", inputs_digest(r.info));
  for (const InputFile& f : r.info.inputs) property(out, "input", fmt::format("{}  {}", f.sha256, f.path));
  out << "    </properties>\n";
  if (!r.warnings.empty()) {
    std::string text;
    for (const Diagnostic& d : r.warnings) {
      text += fmt::format("{}:{}:{}: warning: {}\n", d.file, d.line, d.column, d.message);
    }
    out << "    <system-out>" << markup_text(text) << "</system-out>\n";
  }
  out << "  </testsuite>\n";
}

// The failure text of one finding: what, where, evidence, paths, fingerprint.
std::string finding_details(const Finding& f) {
  std::string text = fmt::format("{} ({}): {}\n", f.rule, to_string(f.severity), printable(f.message));
  if (!f.location.file.empty()) text += fmt::format("  at {}\n", format_file_line(f.location));
  for (const Evidence& e : f.evidence) {
    text += "  - " + printable(e.fact);
    if (!e.where.file.empty()) text += fmt::format("  ({})", format_file_line(e.where));
    text += '\n';
  }
  for (size_t i = 0; i < f.paths.size(); ++i) {
    const Path& path = f.paths[i];
    text += fmt::format("  path {}{}:\n", i + 1, path.kind.empty() ? "" : " (" + printable(path.kind) + ")");
    for (size_t h = 0; h < path.hops.size(); ++h) text += "    " + format_hop(path.hops[h], h == 0) + '\n';
  }
  if (f.more_paths > 0) text += fmt::format("  ... and {} more path(s)\n", f.more_paths);
  if (!f.waiver.empty()) text += "  waived: " + printable(f.waiver) + '\n';
  text += "  fingerprint: " + f.fingerprint + '\n';
  return text;
}

std::string failure_message(const std::vector<const Finding*>& findings) {
  if (findings.size() == 1) return findings[0]->message;
  std::string message = fmt::format("{} findings: ", findings.size());
  for (size_t i = 0; i < findings.size(); ++i) message += (i ? "; " : "") + findings[i]->message;
  return message;
}

void testcase(std::ostream& out, const std::string& policy, const CiOutcome& c, const std::string& remediation) {
  const std::string name = c.ci.empty() ? "(estate)" : c.ci;
  out << fmt::format("    <testcase name=\"{}\" classname=\"topocheck.{}\"", markup_attr(name), markup_attr(policy));
  if (c.findings.empty()) {
    out << "/>\n";
    return;
  }
  out << ">\n";
  std::string details;
  for (const Finding* f : c.findings) details += finding_details(*f);
  if (!remediation.empty()) details += "remediation: " + printable(remediation) + '\n';
  if (c.failed()) {
    std::vector<const Finding*> open;
    std::copy_if(c.findings.begin(), c.findings.end(), std::back_inserter(open),
                 [](const Finding* f) { return f->waiver.empty(); });
    Severity worst = Severity::info;
    for (const Finding* f : open) worst = std::max(worst, f->severity);
    out << fmt::format("      <failure type=\"{}\" message=\"{}\">{}</failure>\n", to_string(worst),
                       markup_attr(failure_message(open)), markup_text(details));
  } else {
    std::string waivers;
    for (const Finding* f : c.findings) {
      if (waivers.find(f->waiver) == std::string::npos) waivers += (waivers.empty() ? "" : ", ") + f->waiver;
    }
    out << fmt::format("      <skipped message=\"{}\">{}</skipped>\n", markup_attr("waived: " + waivers),
                       markup_text(details));
  }
  out << "    </testcase>\n";
}

void error_testcase(std::ostream& out, const PolicyError& e) {
  out << fmt::format("    <testcase name=\"(policy)\" classname=\"topocheck.{}\">\n", markup_attr(e.policy));
  out << fmt::format("      <error type=\"policy-error\" message=\"{}\">{}</error>\n", markup_attr(e.message),
                     markup_text(e.traceback.empty() ? e.message : e.traceback));
  out << "    </testcase>\n";
}

struct SuiteCounts {
  size_t tests = 0, failures = 0, errors = 0, skipped = 0;
};

SuiteCounts suite_counts(const PolicyOutcome& o, const std::vector<const PolicyError*>& errors) {
  return {o.cis.size() + errors.size(), o.failed, errors.size(), o.waived};
}

void policy_suite(std::ostream& out, const PolicyOutcome& o, const std::vector<const PolicyError*>& errors,
                  const std::vector<const Notice*>& notices) {
  const SuiteCounts n = suite_counts(o, errors);
  out << fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">\n",
                     markup_attr(o.policy.id), n.tests, n.failures, n.errors, n.skipped);
  out << "    <properties>\n";
  property(out, "title", o.policy.title);
  property(out, "severity", to_string(o.policy.severity));
  property(out, "clause", o.policy.clause);
  out << "    </properties>\n";
  for (const PolicyError* e : errors) error_testcase(out, *e);
  for (const CiOutcome& c : o.cis) testcase(out, o.policy.id, c, o.policy.remediation);
  if (!notices.empty()) {
    std::string text;
    for (const Notice* notice : notices) text += "notice: " + notice->message + '\n';
    out << "    <system-out>" << markup_text(text) << "</system-out>\n";
  }
  out << "  </testsuite>\n";
}

class JunitWriter : public ReportWriter {
 public:
  void write(const Report& r, std::ostream& out, const WriteOptions&) const override {
    std::map<std::string, std::vector<const PolicyError*>> errors;
    for (const PolicyError& e : r.errors) errors[e.policy].push_back(&e);
    std::map<std::string, std::vector<const Notice*>> notices;
    for (const Notice& n : r.notices) notices[n.policy].push_back(&n);

    std::vector<PolicyOutcome> outcomes = policy_outcomes(r);
    // A policy that failed before declaring its metadata still gets its suite, for the error.
    for (const auto& [policy, list] : errors) {
      const bool known = std::any_of(outcomes.begin(), outcomes.end(),
                                     [&, id = policy](const PolicyOutcome& o) { return o.policy.id == id; });
      if (known) continue;
      PolicyOutcome unknown;
      unknown.policy.id = policy;
      outcomes.push_back(std::move(unknown));
    }
    std::sort(outcomes.begin(), outcomes.end(),
              [](const PolicyOutcome& a, const PolicyOutcome& b) { return a.policy.id < b.policy.id; });

    // The totals open the document, so they are counted before the suites are streamed.
    SuiteCounts total;
    for (const PolicyOutcome& o : outcomes) {
      const SuiteCounts n = suite_counts(o, errors[o.policy.id]);
      total.tests += n.tests;
      total.failures += n.failures;
      total.errors += n.errors;
    }
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out << fmt::format("<testsuites name=\"topocheck\" tests=\"{}\" failures=\"{}\" errors=\"{}\">\n", total.tests,
                       total.failures, total.errors);
    run_suite(out, r);
    for (const PolicyOutcome& o : outcomes) policy_suite(out, o, errors[o.policy.id], notices[o.policy.id]);
    out << "</testsuites>\n";
  }
};

}  // namespace

std::unique_ptr<ReportWriter> make_junit_writer() { return std::make_unique<JunitWriter>(); }

}  // namespace topocheck
