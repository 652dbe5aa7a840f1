// The clause coverage matrix: which contract clauses the policies encode, and, after a check,
// how many CIs passed or failed each. The catalogue of clauses (policies/clauses.toml) is data;
// a policy covers a clause when its `clause` cites it ("003_43a5403071fef7fe.txt §7.1, §7.11").
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "checker/check/finding.h"
#include "checker/check/policy.h"
#include "checker/util/diagnostics.h"

namespace topocheck {

struct Clause {
  std::string document;  // "003_43a5403071fef7fe.txt"
  std::string section;   // "7.11", "B.3", "SPM"
  std::string title;
};

// A reference to a clause as a policy cites it: the document's number ("003") and the section.
struct ClauseRef {
  std::string document;  // the three-digit document number
  std::string section;
  friend auto operator<=>(const ClauseRef&, const ClauseRef&) = default;
};

// "003_43a5403071fef7fe.txt §7.1, §7.11 last para" -> {003 7.1}, {003 7.11}; "000_... §5.1–5.5"
// -> 5.1 .. 5.5; a part without a document inherits the previous one.
std::vector<ClauseRef> parse_clause_citation(std::string_view text);

// "003 §7.11"
std::string short_name(const Clause& c);

bool load_clause_catalog(const std::string& path, std::vector<Clause>& clauses, Diagnostics& diags);

struct ClauseRow {
  Clause clause;
  std::vector<std::string> policies;  // ids, sorted
  size_t checked = 0;  // CIs evaluated by those policies (per policy, summed)
  size_t failed = 0;   // of them with a finding (estate-wide findings count once)
  size_t passed = 0;
};

struct ClauseMatrix {
  std::vector<ClauseRow> rows;                 // in catalogue order
  std::vector<std::string> uncovered;          // short names of clauses no policy cites
  std::vector<std::string> unknown_citations;  // "POLICY: 003 §9.99" cited but not in the catalogue
  bool with_results = false;
};

// `checked` and `findings` come from a check run; pass empty ones for coverage only.
ClauseMatrix build_clause_matrix(const std::vector<Clause>& catalogue,
                                 const std::vector<PolicyMeta>& policies,
                                 const std::map<std::string, std::vector<std::string>>& checked,
                                 const std::vector<Finding>& findings, bool with_results);

}  // namespace topocheck
