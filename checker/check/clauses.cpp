#include "checker/check/clauses.h"

#include <algorithm>
#include <regex>
#include <set>

#include <toml++/toml.h>

namespace topocheck {
namespace {

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '.')) s.remove_suffix(1);
  return std::string(s);
}

// "5.1–5.5" (en dash or hyphen) -> 5.1, 5.2, ..., 5.5 when both ends share their prefix.
std::vector<std::string> expand_range(const std::string& section) {
  static const std::regex range(R"(^(.*\.)?(\d+)\s*(?:–|-|to)\s*(.*\.)?(\d+)$)");
  std::smatch m;
  if (std::regex_match(section, m, range)) {
    const std::string prefix = m[1].str();
    const std::string prefix2 = m[3].matched ? m[3].str() : prefix;
    const int lo = std::stoi(m[2].str());
    const int hi = std::stoi(m[4].str());
    if (prefix == prefix2 && lo <= hi && hi - lo < 50) {
      std::vector<std::string> out;
      for (int i = lo; i <= hi; ++i) out.push_back(prefix + std::to_string(i));
      return out;
    }
  }
  return {section};
}

}  // namespace

std::vector<ClauseRef> parse_clause_citation(std::string_view text) {
  static const std::regex doc(R"((\d{3})(?:_[0-9a-f]+\.txt)?)");
  static const std::regex section(R"(§\s*([A-Za-z0-9.]+(?:\s*(?:–|-)\s*[A-Za-z0-9.]+)?))");
  std::vector<ClauseRef> refs;
  std::string current_doc;
  std::string s(text);
  size_t start = 0;
  while (start <= s.size()) {
    const size_t comma = s.find(',', start);
    const std::string part = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    std::smatch m;
    if (std::regex_search(part, m, doc)) current_doc = m[1].str();
    std::smatch sm;
    if (std::regex_search(part, sm, section) && !current_doc.empty()) {
      for (const std::string& sec : expand_range(trim(sm[1].str()))) refs.push_back({current_doc, sec});
    } else if (!current_doc.empty()) {
      // Sections written without § ("001_... B.3"), after the document name.
      static const std::regex bare(R"(\d{3}(?:_[0-9a-f]+\.txt)?\s+([A-Z]\.\d+|\d+(?:\.\d+)*)\b)");
      std::smatch bm;
      if (std::regex_search(part, bm, bare)) refs.push_back({current_doc, bm[1].str()});
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  std::sort(refs.begin(), refs.end());
  refs.erase(std::unique(refs.begin(), refs.end()), refs.end());
  return refs;
}

std::string short_name(const Clause& c) {
  return c.document.substr(0, 3) + " §" + c.section;
}

bool load_clause_catalog(const std::string& path, std::vector<Clause>& clauses, Diagnostics& diags) {
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    diags.error(path, e.source().begin.line, e.source().begin.column, "", std::string(e.description()));
    return false;
  }
  const toml::array* list = root["clause"].as_array();
  if (list == nullptr) {
    diags.error(path, 0, 0, "clause", "expected [[clause]] tables");
    return false;
  }
  for (const toml::node& node : *list) {
    const toml::table* t = node.as_table();
    if (t == nullptr) continue;
    Clause c{(*t)["document"].value_or(std::string()), (*t)["section"].value_or(std::string()),
             (*t)["title"].value_or(std::string())};
    if (c.document.size() < 3 || c.section.empty()) {
      diags.error(path, t->source().begin.line, t->source().begin.column, "clause",
                  "a clause needs document and section");
      continue;
    }
    clauses.push_back(std::move(c));
  }
  return !diags.has_errors();
}

ClauseMatrix build_clause_matrix(const std::vector<Clause>& catalogue,
                                 const std::vector<PolicyMeta>& policies,
                                 const std::map<std::string, std::vector<std::string>>& checked,
                                 const std::vector<Finding>& findings, bool with_results) {
  ClauseMatrix m;
  m.with_results = with_results;
  std::map<ClauseRef, size_t> row_of;
  for (const Clause& c : catalogue) {
    row_of[{c.document.substr(0, 3), c.section}] = m.rows.size();
    m.rows.push_back({c, {}, 0, 0, 0});
  }
  // Per policy: CIs with a finding, and whether it has estate-wide findings.
  std::map<std::string, std::set<std::string>> failing;
  // Info findings list things (emergency changes) and waived ones were agreed: neither fails.
  for (const Finding& f : findings) {
    if (f.severity != Severity::info && f.waiver.empty()) failing[f.rule].insert(f.ci);
  }
  for (const PolicyMeta& p : policies) {
    const auto refs = parse_clause_citation(p.clause);
    const auto checked_it = checked.find(p.id);
    const size_t n_checked = checked_it == checked.end() ? 0 : checked_it->second.size();
    size_t n_failed = 0;
    if (auto f = failing.find(p.id); f != failing.end()) {
      for (const std::string& ci : f->second) {
        const bool in_scope = ci.empty() || (checked_it != checked.end() &&
                              std::binary_search(checked_it->second.begin(), checked_it->second.end(), ci));
        if (in_scope || ci.empty()) ++n_failed;
      }
    }
    for (const ClauseRef& r : refs) {
      const auto it = row_of.find(r);
      if (it == row_of.end()) {
        m.unknown_citations.push_back(p.id + ": " + r.document + " §" + r.section);
        continue;
      }
      ClauseRow& row = m.rows[it->second];
      row.policies.push_back(p.id);
      row.checked += n_checked;
      row.failed += n_failed;
    }
  }
  for (ClauseRow& row : m.rows) {
    std::sort(row.policies.begin(), row.policies.end());
    row.passed = row.checked > row.failed ? row.checked - row.failed : 0;
    if (row.policies.empty()) m.uncovered.push_back(short_name(row.clause));
  }
  return m;
}

}  // namespace topocheck
