#include "checker/cli/pack_commands.h"

#include <filesystem>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "checker/check/clauses.h"
#include "checker/check/pipeline.h"
#include "checker/check/policy_tests.h"
#include "checker/load/settings_file.h"
#include "checker/cli/commands.h"
#include "checker/cli/support.h"
#include "reports/text_format.h"

namespace topocheck::cli {
namespace {

constexpr const char* kTestHelp = R"(Usage: topocheck test [DIR|FILE] [--policies DIR] [--filter TEXT]

Runs policy tests: each names an estate (a fixture directory or inline TOML) and the exact
findings expected (rule, CI, optionally the message). DIR defaults to the pack's tests/
directory (policies/tests). Each failing test is named with the missing and the unexpected
findings. See policies/tests/*.toml and docs/policy-tests.md for the format.

  --filter TEXT   run only tests whose name contains TEXT

Exit codes: 0 all passed, 1 a test failed, 2 a test file or policy could not be read.
)";

constexpr const char* kClausesHelp = R"(Usage: topocheck clauses [ESTATE...] [--policies DIR] [--catalogue FILE]
                         [--format text|json|markdown] [--as-of DATE] [--settings FILE]

The clause coverage matrix: for each contract clause of the catalogue (policies/clauses.toml),
the policies that encode it, and, with an estate, how many CIs they checked, passed and failed.
Clauses that no policy covers are listed as uncovered.

Exit codes: 0 printed, 2 input or policy error.
)";

int cmd_test_impl(const ParsedArgs& args) {
  PolicyPack pack;
  if (!load_pack(args, pack)) return kExitError;
  const std::string dir = args.positional.empty() ? (std::filesystem::path(pack.dir) / "tests").string()
                                                  : args.positional[0];
  std::vector<PolicyTest> tests;
  Diagnostics diags;
  if (!load_policy_tests(dir, tests, diags)) {
    print_diagnostics(diags, true, false);
    return kExitError;
  }
  const std::string filter = args.value("--filter").value_or("");
  size_t passed = 0, failed = 0, errors = 0;
  for (const PolicyTest& test : tests) {
    if (!filter.empty() && test.name.find(filter) == std::string::npos) continue;
    const PolicyTestOutcome out = run_policy_test(test, pack);
    const std::string where = fmt::format("{}:{}", test.file, test.line);
    if (out.passed) {
      ++passed;
      std::cout << fmt::format("ok     {}  {}\n", where, printable(test.name));
      continue;
    }
    ++failed;
    if (!out.errors.empty()) ++errors;
    std::cout << fmt::format("FAILED {}  {}\n", where, printable(test.name));
    for (const std::string& e : out.errors) std::cout << "       error:      " << printable(e) << '\n';
    for (const std::string& m : out.missing) std::cout << "       expected:   " << printable(m) << '\n';
    for (const std::string& u : out.unexpected) std::cout << "       unexpected: " << printable(u) << '\n';
  }
  std::cout << fmt::format("{} passed, {} failed\n", passed, failed);
  if (passed + failed == 0) {
    std::cerr << "topocheck test: no test ran" << (filter.empty() ? "" : " (filter matched none)") << '\n';
    return kExitError;
  }
  return failed == 0 ? kExitClean : kExitFindings;
}

void print_matrix_text(const ClauseMatrix& m) {
  std::cout << fmt::format("{:<14} {:<52} {}\n", "clause", "title", m.with_results ? "policies (checked / passed / failed)" : "policies");
  for (const ClauseRow& row : m.rows) {
    std::string policies = row.policies.empty() ? "UNCOVERED" : "";
    for (const std::string& p : row.policies) policies += (policies.empty() ? "" : ", ") + p;
    if (m.with_results && !row.policies.empty()) {
      policies += fmt::format("  ({} / {} / {})", row.checked, row.passed, row.failed);
    }
    std::string title = row.clause.title.size() > 50 ? row.clause.title.substr(0, 49) + "~" : row.clause.title;
    std::cout << fmt::format("{:<14} {:<52} {}\n", short_name(row.clause), printable(title), printable(policies));
  }
  std::cout << fmt::format("\n{} clauses, {} covered, {} uncovered\n", m.rows.size(),
                           m.rows.size() - m.uncovered.size(), m.uncovered.size());
  for (const std::string& u : m.unknown_citations) std::cout << "cited but not in the catalogue: " << u << '\n';
}

void print_matrix_markdown(const ClauseMatrix& m) {
  auto cell = [](std::string s) {
    std::string out;
    for (char c : s) {
      if (c == '|') out += "\\|";
      else if (c == '\n') out += ' ';
      else out += c;
    }
    return out;
  };
  std::cout << "| Clause | Title | Policies |" << (m.with_results ? " Checked | Passed | Failed |" : "") << '\n'
            << "|---|---|---|" << (m.with_results ? "---:|---:|---:|" : "") << '\n';
  for (const ClauseRow& row : m.rows) {
    std::string policies;
    for (const std::string& p : row.policies) policies += (policies.empty() ? "" : ", ") + p;
    std::cout << "| " << cell(short_name(row.clause)) << " | " << cell(row.clause.title) << " | "
              << (policies.empty() ? "**uncovered**" : cell(policies)) << " |";
    if (m.with_results) std::cout << fmt::format(" {} | {} | {} |", row.checked, row.passed, row.failed);
    std::cout << '\n';
  }
}

void print_matrix_json(const ClauseMatrix& m) {
  auto j = nlohmann::ordered_json::object();
  auto rows = nlohmann::ordered_json::array();
  for (const ClauseRow& row : m.rows) {
    nlohmann::ordered_json r = {{"document", row.clause.document}, {"section", row.clause.section},
                                {"title", row.clause.title}, {"policies", row.policies}};
    if (m.with_results) {
      r["checked"] = row.checked;
      r["passed"] = row.passed;
      r["failed"] = row.failed;
    }
    rows.push_back(std::move(r));
  }
  j["clauses"] = std::move(rows);
  j["uncovered"] = m.uncovered;
  j["unknown_citations"] = m.unknown_citations;
  std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

int cmd_clauses_impl(const ParsedArgs& args) {
  const std::string format = args.value("--format").value_or("text");
  if (format != "text" && format != "json" && format != "markdown") {
    return usage_error("clauses", "unknown format '" + format + "' (text, json, markdown)");
  }
  PolicyPack pack;
  if (!load_pack(args, pack)) return kExitError;
  const std::string catalogue_path =
      args.value("--catalogue").value_or((std::filesystem::path(pack.dir) / "clauses.toml").string());
  std::vector<Clause> catalogue;
  Diagnostics diags;
  if (!load_clause_catalog(catalogue_path, catalogue, diags)) {
    print_diagnostics(diags, true, false);
    return kExitError;
  }
  RunOptions options;
  options.as_of = today_utc();
  if (auto text = args.value("--as-of")) {
    const auto date = parse_date(*text);
    if (!date) return usage_error("clauses", "--as-of expects a date YYYY-MM-DD, got '" + *text + "'");
    options.as_of = *date;
  }
  for (const std::string& file : args.values("--settings")) {
    Diagnostics sd;
    if (!load_settings_file(file, options.settings, sd)) {
      print_diagnostics(sd, true, false);
      return kExitError;
    }
  }
  CheckResult result;
  const bool with_estate = !args.positional.empty();
  if (with_estate) {
    LoadResult loaded;
    if (!load(args, loaded, false, false)) return kExitError;
    result = evaluate_estate(loaded.estate, pack, options);
    Diagnostics exceptions;
    if (!apply_exceptions(args, "clauses", loaded.estate, options.as_of, result, exceptions)) return kExitError;
  } else {
    result = read_policy_metadata(pack, options);
  }
  print_policy_errors(result.errors);
  if (!result.errors.empty()) return kExitError;
  const ClauseMatrix m = build_clause_matrix(catalogue, result.policies, result.checked, result.findings, with_estate);
  if (format == "json") {
    print_matrix_json(m);
  } else if (format == "markdown") {
    print_matrix_markdown(m);
  } else {
    print_matrix_text(m);
  }
  return kExitClean;
}

}  // namespace

int cmd_test(const std::vector<std::string>& argv) {
  int rc = 0;
  auto args = parse("test", argv, {{"--policies", true}, {"--filter", true}}, rc);
  if (!args) return rc;
  if (args->has("--help") || args->has("-h")) return std::cout << kTestHelp, kExitClean;
  return cmd_test_impl(*args);
}

int cmd_clauses(const std::vector<std::string>& argv) {
  int rc = 0;
  auto args = parse("clauses", argv, {{"--policies", true}, {"--catalogue", true}, {"--format", true},
                                      {"--as-of", true}, {"--settings", true, true}}, rc);
  if (!args) return rc;
  if (args->has("--help") || args->has("-h")) return std::cout << kClausesHelp, kExitClean;
  return cmd_clauses_impl(*args);
}

}  // namespace topocheck::cli
