// HTML audit report: one self-contained file (inline CSS and SVG, no script, and a content
// security policy that forbids every fetch) with the run's metadata and input digests, a summary,
// the clause matrix (clause -> policies -> CIs passed, failed, waived), every finding with its
// evidence, and for path findings a diagram of each path: hops as boxes, the rule that allowed a
// hop on the arrow into it. Print CSS keeps it readable on paper.
#include <algorithm>
#include <map>
#include <ostream>
#include <cctype>
#include <regex>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "checker/check/clauses.h"
#include "reports/escape.h"
#include "reports/report_views.h"
#include "reports/text_format.h"
#include "reports/writers.h"

namespace topocheck {
namespace {

std::string h(std::string_view s) { return markup_text(s); }
std::string attr(std::string_view s) { return markup_attr(s); }

constexpr std::string_view kStyle = R"(
:root { --critical: #7f1d1d; --high: #c62828; --medium: #e65100; --low: #1565c0; --info: #546e7a;
        --ok: #2e7d32; --line: #d0d7de; --muted: #57606a; --bg-soft: #f6f8fa; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: #1f2328; margin: 0 auto; max-width: 1200px; padding: 24px 32px 48px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 32px 0 12px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 16px; margin: 24px 0 6px; }
h4 { font-size: 14px; margin: 0 0 4px; }
p { margin: 4px 0 8px; }
a { color: #0969da; text-decoration: none; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
.sub { color: var(--muted); margin: 0 0 16px; }
nav { background: var(--bg-soft); border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; }
nav a { margin-right: 18px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 12px; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: var(--bg-soft); font-weight: 600; }
td { overflow-wrap: anywhere; }
td.id { white-space: nowrap; overflow-wrap: normal; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.group th { background: #eaeef2; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 8px 0 16px; }
.card { border: 1px solid var(--line); border-top: 5px solid var(--muted); border-radius: 6px;
        padding: 6px 14px; min-width: 110px; }
.card .n { font-size: 24px; font-weight: 700; display: block; }
.card.critical { border-top-color: var(--critical); } .card.high { border-top-color: var(--high); }
.card.medium { border-top-color: var(--medium); } .card.low { border-top-color: var(--low); }
.card.info { border-top-color: var(--info); } .card.ok { border-top-color: var(--ok); }
.sev { display: inline-block; border-radius: 10px; padding: 0 8px; color: #fff; font-size: 12px;
       font-weight: 600; text-transform: uppercase; letter-spacing: .03em; white-space: nowrap;
       overflow-wrap: normal; }
.sev.critical { background: var(--critical); } .sev.high { background: var(--high); }
.sev.medium { background: var(--medium); } .sev.low { background: var(--low); }
.sev.info { background: var(--info); }
.tag { display: inline-block; border: 1px solid var(--line); border-radius: 10px; padding: 0 8px;
       font-size: 12px; color: var(--muted); }
.result-pass { color: var(--ok); font-weight: 600; } .result-fail { color: var(--high); font-weight: 600; }
.result-none { color: var(--muted); }
.policy { border-left: 4px solid var(--line); padding-left: 14px; margin-top: 20px; }
.policy.critical { border-left-color: var(--critical); } .policy.high { border-left-color: var(--high); }
.policy.medium { border-left-color: var(--medium); } .policy.low { border-left-color: var(--low); }
.policy.info { border-left-color: var(--info); }
.policy .meta { color: var(--muted); }
.finding { border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; margin: 10px 0; }
.finding .where { color: var(--muted); }
.finding ul { margin: 4px 0 8px; padding-left: 22px; }
.path { margin: 8px 0; }
.path svg { max-width: 100%; height: auto; display: block; margin: 4px 0; }
.path ol { margin: 2px 0 6px; padding-left: 22px; }
svg .box { fill: #fff; stroke: #57606a; stroke-width: 1.5; }
svg .box.source { fill: #eaeef2; } svg .box.target { fill: #ffebe9; stroke: var(--high); }
svg .node { font: 600 12px system-ui, sans-serif; fill: #1f2328; }
svg .kind { font: 11px system-ui, sans-serif; fill: #57606a; }
svg .rule { font: 600 11px system-ui, sans-serif; fill: #1f2328; }
svg .note { font: 11px system-ui, sans-serif; fill: #57606a; }
svg .arrow { stroke: #1f2328; stroke-width: 1.5; fill: none; }
pre { white-space: pre-wrap; background: var(--bg-soft); padding: 8px; border-radius: 6px; }
footer { margin-top: 32px; color: var(--muted); border-top: 1px solid var(--line); padding-top: 8px; }
@page { size: A4; margin: 14mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  table { font-size: 8.5pt; }
  th, td { padding: 2px 4px; }
  nav { display: none; }
  a { color: inherit; }
  h2, h3 { break-after: avoid; }
  .finding, .card, tr, .path { break-inside: avoid; }
  #findings { break-before: page; }
  .sev, .card, .box, th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
)";

// At most `max` characters (code points), with an ellipsis when cut: SVG text does not wrap.
std::string clip(std::string_view s, size_t max) {
  const std::string text = valid_utf8(s);
  size_t count = 0, i = 0;
  for (; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (count == max) break;
    ++count;
  }
  if (i >= text.size()) return text;
  // Back off one code point to make room for the ellipsis.
  size_t cut = i;
  do --cut; while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80);
  return text.substr(0, cut) + "…";
}

std::string severity_badge(Severity s) {
  return fmt::format("<span class=\"sev {0}\">{0}</span>", to_string(s));
}

// --- path diagrams --------------------------------------------------------------------------

struct NodeLabel {
  std::string name;
  std::string kind;
};

NodeLabel node_label(const std::string& node) {
  for (const char* prefix : {"zone", "subnet", "ci", "host", "address"}) {
    const std::string p = std::string(prefix) + ":";
    if (node.rfind(p, 0) == 0) return {node.substr(p.size()), prefix == std::string("ci") ? "CI" : prefix};
  }
  return {node, "CI"};
}

std::string svg_text(int x, int y, std::string_view css, const std::string& text) {
  return fmt::format("<text x=\"{}\" y=\"{}\" class=\"{}\" text-anchor=\"middle\">{}</text>", x, y, css, h(text));
}

// What let the traffic into `hop`: "fw-edge-1 rule 210", "default allow of fw-1", "zone", ...
std::string hop_rule(const Hop& hop) {
  if (!hop.firewall.empty()) {
    return hop.via == "default_action" ? "default allow of " + hop.firewall
                                       : fmt::format("{} rule {}", hop.firewall, hop.rule_order);
  }
  if (hop.via == "forwards_to") return "forwarded (proxy)";
  if (hop.via == "zone") return "same zone";
  return hop.via;
}

std::string path_svg(const Path& path) {
  constexpr int kBoxW = 150, kBoxH = 52, kGap = 170, kMargin = 8, kTop = 34, kHeight = 112;
  // Characters that fit a box (12px) and an arrow (11px) at these sizes.
  constexpr size_t kBoxChars = 20, kArrowChars = 26;
  const int mid = kTop + kBoxH / 2;
  const int n = static_cast<int>(path.hops.size());
  const int width = 2 * kMargin + n * kBoxW + (n - 1) * kGap;
  std::string label;
  for (const Hop& hop : path.hops) label += (label.empty() ? "" : " → ") + printable(hop.node);
  std::string s = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "role=\"img\" aria-label=\"{2}\">",
      width, kHeight, attr("path: " + label));
  s += "<defs><marker id=\"arrowhead\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" "
       "markerHeight=\"8\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#1f2328\"/>"
       "</marker></defs>";
  for (int i = 0; i < n; ++i) {
    const Hop& hop = path.hops[static_cast<size_t>(i)];
    const int x = kMargin + i * (kBoxW + kGap);
    if (i > 0) {
      const int x1 = x - kGap + 4, x2 = x - 4, cx = x - kGap / 2;
      std::string note = hop.rule_ref.empty() ? "" : "“" + printable(hop.rule_ref) + "”";
      std::string second = hop.nat.empty() ? "" : "NAT " + printable(hop.nat);
      s += fmt::format("<g><title>{}</title>", h(format_hop(hop, false)));
      s += fmt::format("<line class=\"arrow\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" marker-end=\"url(#arrowhead)\"/>",
                       x1, mid, x2, mid);
      s += svg_text(cx, mid - 22, "note", clip(printable(hop.service), kArrowChars));
      s += svg_text(cx, mid - 8, "rule", clip(printable(hop_rule(hop)), kArrowChars));
      if (!note.empty()) s += svg_text(cx, mid + 16, "note", clip(note, kArrowChars));
      if (!second.empty()) s += svg_text(cx, mid + 30, "note", clip(second, kArrowChars));
      s += "</g>";
    }
    const NodeLabel node = node_label(printable(hop.node));
    const char* role = i == 0 ? " source" : (i == n - 1 ? " target" : "");
    s += fmt::format("<g><title>{}</title>", h(printable(hop.node)));
    s += fmt::format("<rect class=\"box{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"6\"/>", role, x,
                     kTop, kBoxW, kBoxH);
    s += svg_text(x + kBoxW / 2, kTop + 22, "node", clip(node.name, kBoxChars));
    s += svg_text(x + kBoxW / 2, kTop + 40, "kind", i == 0 ? node.kind + " · source" : node.kind);
    s += "</g>";
  }
  return s + "</svg>";
}

// --- sections -------------------------------------------------------------------------------

struct PolicyAnchors {
  std::map<std::string, std::string> id_to_anchor;  // policy id -> "p-3"
  std::string of(const std::string& id) const {
    const auto it = id_to_anchor.find(id);
    return it == id_to_anchor.end() ? std::string() : it->second;
  }
};

std::string policy_link(const PolicyAnchors& anchors, const std::string& id) {
  const std::string anchor = anchors.of(id);
  if (anchor.empty()) return h(id);
  return fmt::format("<a href=\"#{}\">{}</a>", anchor, h(id));
}

std::string result_cell(const PolicyOutcome& o) {
  if (o.failed > 0) return "<span class=\"result-fail\">fail</span>";
  if (o.cis.empty()) return "<span class=\"result-none\">nothing in scope</span>";
  if (o.waived > 0) return "<span class=\"result-pass\">pass</span> (waived)";
  return "<span class=\"result-pass\">pass</span>";
}

void summary_section(std::ostream& out, const Report& r, const std::vector<PolicyOutcome>& outcomes,
                     const PolicyAnchors& anchors) {
  const auto counts = count_by_severity(r.findings);
  size_t waived = 0;
  for (const Finding& f : r.findings) waived += f.waiver.empty() ? 0 : 1;
  out << "<section id=\"summary\"><h2>Summary</h2>\n<div class=\"cards\">";
  for (const Severity s : kSeveritiesDescending) {
    out << fmt::format("<div class=\"card {0}\"><span class=\"n\">{1}</span>{0}</div>", to_string(s),
                       counts[static_cast<size_t>(s)]);
  }
  out << fmt::format("<div class=\"card\"><span class=\"n\">{}</span>waived</div>", waived);
  out << fmt::format("<div class=\"card{}\"><span class=\"n\">{}</span>policy errors</div>",
                     r.errors.empty() ? " ok" : " critical", r.errors.size());
  out << "</div>\n";
  out << fmt::format("<p>{} findings from {} policies over {} input files. A CI counts as checked when the "
                     "policy evaluated it; it passed when the policy reported nothing on it.</p>\n",
                     r.findings.size(), r.policies.size(), r.info.inputs.size());
  out << "<table class=\"policies\"><thead><tr><th>Policy</th><th>Severity</th><th>Title</th><th>Clause</th>"
         "<th class=\"num\">Checked</th><th class=\"num\">Passed</th><th class=\"num\">Failed</th>"
         "<th class=\"num\">Waived</th><th>Result</th></tr></thead><tbody>\n";
  // Contract documents are cited by file name ("003_43a5403071fef7fe.txt §7.2"); the table shows
  // the document number and keeps the full citation as a tooltip, so the column stays readable.
  static const std::regex document(R"((\d{3})_[0-9a-f]+\.txt)");
  for (const PolicyOutcome& o : outcomes) {
    const std::string clause = std::regex_replace(o.policy.clause, document, "$1");
    out << fmt::format("<tr><td class=\"id\">{}</td><td>{}</td><td>{}</td><td title=\"{}\">{}</td><td class=\"num\">{}</td>"
                       "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>\n",
                       policy_link(anchors, o.policy.id), severity_badge(o.policy.severity), h(o.policy.title),
                       h(o.policy.clause), h(clause), o.cis.size(), o.passed, o.failed, o.waived, result_cell(o));
  }
  out << "</tbody></table></section>\n";
}

// Sections compare part by part, numbers as numbers: 7.2 < 7.10 < 7.11 < B.3.
bool section_less(const std::string& a, const std::string& b) {
  static const std::regex part(R"(\d+|[^\d.]+)");
  auto ia = std::sregex_iterator(a.begin(), a.end(), part), ib = std::sregex_iterator(b.begin(), b.end(), part);
  const std::sregex_iterator end;
  for (; ia != end && ib != end; ++ia, ++ib) {
    const std::string x = ia->str(), y = ib->str();
    const bool nx = std::isdigit(static_cast<unsigned char>(x[0])) != 0;
    const bool ny = std::isdigit(static_cast<unsigned char>(y[0])) != 0;
    if (nx && ny && x.size() != y.size()) return x.size() < y.size();
    if (nx != ny) return nx;
    if (x != y) return x < y;
  }
  return ia == end && ib != end;
}

struct ClauseKey {
  std::string document;  // "003_43a5403071fef7fe.txt", or the citation when it names no section
  std::string section;
  bool operator<(const ClauseKey& o) const {
    if (document != o.document) return document < o.document;
    return section_less(section, o.section);
  }
};

// The clause matrix's rows: every clause a policy cites, with the policies citing it.
std::map<ClauseKey, std::vector<const PolicyOutcome*>> clause_rows(const std::vector<PolicyOutcome>& outcomes) {
  static const std::regex document(R"((\d{3})_[0-9A-Za-z]+\.txt)");
  std::map<ClauseKey, std::vector<const PolicyOutcome*>> rows;
  for (const PolicyOutcome& o : outcomes) {
    std::map<std::string, std::string> documents;  // "003" -> "003_43a5403071fef7fe.txt"
    for (auto it = std::sregex_iterator(o.policy.clause.begin(), o.policy.clause.end(), document);
         it != std::sregex_iterator(); ++it) {
      documents.emplace((*it)[1].str(), it->str());
    }
    const auto refs = parse_clause_citation(o.policy.clause);
    if (refs.empty()) rows[{o.policy.clause.empty() ? "(no clause)" : o.policy.clause, ""}].push_back(&o);
    for (const ClauseRef& ref : refs) {
      const auto doc = documents.find(ref.document);
      rows[{doc == documents.end() ? ref.document : doc->second, ref.section}].push_back(&o);
    }
  }
  return rows;
}

void clause_section(std::ostream& out, const std::vector<PolicyOutcome>& outcomes, const PolicyAnchors& anchors) {
  out << "<section id=\"clauses\"><h2>Clause matrix</h2>\n"
         "<p>Each contract clause, the policies that encode it, and the CIs they checked: passed, failed "
         "(a finding), waived (every finding covered by an agreed waiver).</p>\n"
         "<table class=\"matrix\"><thead><tr><th>Clause</th><th>Policy</th><th class=\"num\">Checked</th>"
         "<th class=\"num\">Passed</th><th class=\"num\">Failed</th><th class=\"num\">Waived</th><th>Result</th>"
         "</tr></thead><tbody>\n";
  std::string document;
  for (const auto& [key, policies] : clause_rows(outcomes)) {
    if (key.document != document) {
      document = key.document;
      out << fmt::format("<tr class=\"group\"><th colspan=\"7\">{}</th></tr>\n", h(document));
    }
    for (size_t i = 0; i < policies.size(); ++i) {
      const PolicyOutcome& o = *policies[i];
      out << "<tr>";
      if (i == 0) {
        out << fmt::format("<td rowspan=\"{}\">{}</td>", policies.size(),
                           key.section.empty() ? "" : h("§" + key.section));
      }
      out << fmt::format("<td class=\"id\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
                         "<td class=\"num\">{}</td><td>{}</td></tr>\n",
                         policy_link(anchors, o.policy.id), o.cis.size(), o.passed, o.failed, o.waived,
                         result_cell(o));
    }
  }
  out << "</tbody></table></section>\n";
}

void data_value(std::ostream& out, const std::string& key, const DataValue& value) {
  std::visit([&](const auto& v) {
    out << fmt::format("<li><span class=\"mono\">{}</span>: {}</li>", h(key), h(fmt::format("{}", v)));
  }, value);
}

void finding_article(std::ostream& out, const Finding& f) {
  out << fmt::format("<article class=\"finding\" id=\"f-{}\">\n", attr(f.fingerprint));
  out << fmt::format("<h4>{} {}", severity_badge(f.severity), h(f.ci.empty() ? "(estate)" : f.ci));
  if (!f.waiver.empty()) out << fmt::format(" <span class=\"tag\">waived: {}</span>", h(f.waiver));
  if (f.baseline == "new") out << " <span class=\"tag\">new</span>";
  if (f.baseline == "unchanged") out << " <span class=\"tag\">known from baseline</span>";
  out << "</h4>\n";
  out << fmt::format("<p class=\"message\">{}</p>\n", h(f.message));
  if (!f.location.file.empty()) {
    out << fmt::format("<p class=\"where\">at <code>{}</code></p>\n", h(format_file_line(f.location)));
  }
  if (!f.evidence.empty() || !f.data.empty()) {
    out << "<ul class=\"evidence\">";
    for (const Evidence& e : f.evidence) {
      out << "<li>" << h(e.fact);
      if (!e.where.file.empty()) out << fmt::format(" <code>{}</code>", h(format_file_line(e.where)));
      out << "</li>";
    }
    for (const auto& [key, value] : f.data) data_value(out, key, value);
    out << "</ul>\n";
  }
  for (size_t i = 0; i < f.paths.size(); ++i) {
    const Path& path = f.paths[i];
    out << fmt::format("<div class=\"path\"><p><strong>Path {}</strong>{}</p>\n", i + 1,
                       path.kind.empty() ? "" : " (" + h(path.kind) + ")");
    out << path_svg(path) << "\n<ol class=\"hops\">";
    for (size_t k = 0; k < path.hops.size(); ++k) out << "<li>" << h(format_hop(path.hops[k], k == 0)) << "</li>";
    out << "</ol></div>\n";
  }
  if (f.more_paths > 0) out << fmt::format("<p>… and {} more path(s).</p>\n", f.more_paths);
  out << fmt::format("<p class=\"where\">fingerprint <code>{}</code></p>\n</article>\n", h(f.fingerprint));
}

void findings_section(std::ostream& out, const Report& r, const std::vector<PolicyOutcome>& outcomes,
                      const PolicyAnchors& anchors) {
  out << "<section id=\"findings\"><h2>Findings</h2>\n";
  if (r.findings.empty()) out << "<p>No findings.</p>\n";
  std::vector<const PolicyOutcome*> order;
  for (const PolicyOutcome& o : outcomes) order.push_back(&o);
  std::stable_sort(order.begin(), order.end(), [](const PolicyOutcome* a, const PolicyOutcome* b) {
    return a->policy.severity > b->policy.severity;
  });
  for (const PolicyOutcome* o : order) {
    std::vector<const Finding*> findings;
    for (const Finding& f : r.findings) {
      if (f.rule == o->policy.id) findings.push_back(&f);
    }
    if (findings.empty()) continue;
    const PolicyMeta& p = o->policy;
    out << fmt::format("<section class=\"policy {}\" id=\"{}\">\n", to_string(p.severity), anchors.of(p.id));
    out << fmt::format("<h3>{} {} — {}</h3>\n", severity_badge(p.severity), h(p.id), h(p.title));
    out << fmt::format("<p class=\"meta\">Clause {} · {} finding(s) · {} of {} checked CI(s) failed</p>\n",
                       h(p.clause), findings.size(), o->failed, o->cis.size());
    if (!p.rationale.empty()) out << fmt::format("<p><strong>Rationale:</strong> {}</p>\n", h(p.rationale));
    if (!p.remediation.empty()) out << fmt::format("<p><strong>Remediation:</strong> {}</p>\n", h(p.remediation));
    for (const Finding* f : findings) finding_article(out, *f);
    out << "</section>\n";
  }
  out << "</section>\n";
}

void problems_section(std::ostream& out, const Report& r) {
  if (r.errors.empty() && r.notices.empty() && r.warnings.empty()) return;
  out << "<section id=\"problems\"><h2>Policy errors, notices and input warnings</h2>\n";
  for (const PolicyError& e : r.errors) {
    out << fmt::format("<h3>Policy error: {}</h3><p>{}</p>", h(e.policy), h(e.message));
    if (!e.traceback.empty()) out << "<pre>" << h(e.traceback) << "</pre>";
    out << '\n';
  }
  if (!r.notices.empty()) {
    out << "<h3>Notices</h3><ul>";
    for (const Notice& n : r.notices) out << fmt::format("<li><strong>{}</strong>: {}</li>", h(n.policy), h(n.message));
    out << "</ul>\n";
  }
  if (!r.warnings.empty()) {
    out << "<h3>Input warnings</h3><ul>";
    for (const Diagnostic& d : r.warnings) {
      out << fmt::format("<li><code>{}</code>: {}</li>", h(fmt::format("{}:{}:{}", d.file, d.line, d.column)),
                         h(d.message));
    }
    out << "</ul>\n";
  }
  out << "</section>\n";
}

void run_section(std::ostream& out, const Report& r) {
  out << "<section id=\"run\"><h2>Run details</h2>\n<p>Everything needed to reproduce this run: the same "
         "inputs (compare the digests), the same tool and policy pack versions, and the evaluation date "
         "(<code>--as-of</code>).</p>\n<table class=\"run\"><tbody>\n";
  out << fmt::format("<tr><th>Evaluation date</th><td>{}</td></tr>\n", h(r.info.as_of));
  out << fmt::format("<tr><th>Tool</th><td>topocheck {}</td></tr>\n", h(r.info.tool_version));
  out << fmt::format("<tr><th>Policy pack</th><td>{} (<code>{}</code>)</td></tr>\n", h(r.info.policy_pack_version),
                     h(r.info.policy_dir));
  out << fmt::format("<tr><th>Inputs digest</th><td><code>{}</code> (SHA-256 of the <code>sha256sum</code> "
                     "manifest below)</td></tr>\n",
                     inputs_digest(r.info));
  out << "</tbody></table>\n<table class=\"inputs\"><thead><tr><th>Input file</th><th>SHA-256</th></tr></thead><tbody>\n";
  for (const InputFile& f : r.info.inputs) {
    out << fmt::format("<tr><td><code>{}</code></td><td><code>{}</code></td></tr>\n", h(f.path), h(f.sha256));
  }
  out << "</tbody></table></section>\n";
}

class HtmlWriter : public ReportWriter {
 public:
  void write(const Report& r, std::ostream& out, const WriteOptions&) const override {
    const std::vector<PolicyOutcome> outcomes = policy_outcomes(r);
    PolicyAnchors anchors;
    for (size_t i = 0; i < outcomes.size(); ++i) anchors.id_to_anchor.emplace(outcomes[i].policy.id, fmt::format("p-{}", i + 1));

    out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    out << fmt::format("<title>topocheck audit report, as of {}</title>\n", h(r.info.as_of));
    out << "<style>" << kStyle << "</style>\n</head>\n<body>\n";
    out << "<header><h1>topocheck audit report</h1>\n";
    out << fmt::format("<p class=\"sub\">Evaluation date <strong>{}</strong> · topocheck {} · policy pack {} · "
                       "{} input files</p></header>\n",
                       h(r.info.as_of), h(r.info.tool_version), h(r.info.policy_pack_version), r.info.inputs.size());
    out << "<nav><a href=\"#summary\">Summary</a><a href=\"#clauses\">Clause matrix</a>"
           "<a href=\"#findings\">Findings</a>";
    if (!r.errors.empty() || !r.notices.empty() || !r.warnings.empty()) out << "<a href=\"#problems\">Problems</a>";
    out << "<a href=\"#run\">Run details</a></nav>\n";
    summary_section(out, r, outcomes, anchors);
    clause_section(out, outcomes, anchors);
    findings_section(out, r, outcomes, anchors);
    problems_section(out, r);
    run_section(out, r);
    out << fmt::format("<footer>{}</footer>\n</body>\n</html>\n", h(summary_line(r)));
  }
};

}  // namespace

std::unique_ptr<ReportWriter> make_html_writer() { return std::make_unique<HtmlWriter>(); }

}  // namespace topocheck
