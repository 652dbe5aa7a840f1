#include "checker/check/policy_tests.h"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "checker/check/pipeline.h"
#include "checker/load/toml_loader.h"

namespace topocheck {
namespace fs = std::filesystem;
namespace {

struct TestFileReader {
  const std::string& file;
  Diagnostics& diags;

  void error(const toml::node& node, const std::string& field, const std::string& message) {
    diags.error(file, node.source().begin.line, node.source().begin.column, field, message);
  }

  std::vector<std::string> strings(const toml::node& node, const std::string& field) {
    std::vector<std::string> out;
    const toml::array* a = node.as_array();
    if (a == nullptr) {
      error(node, field, "expected a list of strings");
      return out;
    }
    for (const toml::node& item : *a) {
      if (auto s = item.value<std::string>()) {
        out.push_back(*s);
      } else {
        error(item, field, "expected a string");
      }
    }
    return out;
  }

  std::optional<Date> date(const toml::node& node, const std::string& field) {
    if (auto d = node.as_date()) {
      const auto v = d->get();
      return Date{days_from_civil(v.year, v.month, v.day)};
    }
    error(node, field, "expected a date (2026-11-23)");
    return std::nullopt;
  }

  void expectations(const toml::node& node, PolicyTest& test) {
    const toml::array* a = node.as_array();
    if (a == nullptr) return error(node, "expect", "expected a list of { rule, ci, message }");
    for (const toml::node& item : *a) {
      const toml::table* t = item.as_table();
      if (t == nullptr || !(*t)["rule"].is_string()) {
        error(item, "expect", "each expectation is { rule = \"ID\", ci = \"ID\", message = \"...\" }");
        continue;
      }
      ExpectedFinding e;
      e.rule = (*t)["rule"].value_or(std::string());
      e.ci = (*t)["ci"].value_or(std::string());
      if (auto m = (*t)["message"].value<std::string>()) e.message = *m;
      for (const auto& [key, value] : *t) {
        if (key != "rule" && key != "ci" && key != "message") error(value, "expect", fmt::format("unknown key '{}'", key.str()));
      }
      test.expect.push_back(std::move(e));
    }
  }

  void settings(const toml::node& node, PolicyTest& test) {
    const toml::table* t = node.as_table();
    if (t == nullptr) return error(node, "settings", "expected { \"POLICY-ID\" = { key = value } }");
    for (const auto& [policy, values] : *t) {
      const toml::table* vt = values.as_table();
      if (vt == nullptr) {
        error(values, "settings", "expected a table of settings");
        continue;
      }
      for (const auto& [key, value] : *vt) {
        SettingValue v;
        if (auto s = value.value<std::string>()) v = *s;
        else if (auto i = value.as_integer()) v = i->get();
        else if (auto f = value.as_floating_point()) v = f->get();
        else if (auto b = value.as_boolean()) v = b->get();
        else if (auto arr = value.as_array()) {
          v = SettingValue::array();
          for (const toml::node& x : *arr) {
            if (auto xs = x.value<std::string>()) v.push_back(*xs);
            else if (auto xi = x.as_integer()) v.push_back(xi->get());
          }
        } else {
          error(value, "settings", "unsupported setting value in a test");
          continue;
        }
        test.settings[std::string(policy.str())][std::string(key.str())] = std::move(v);
      }
    }
  }

  void read(const toml::table& root, std::vector<PolicyTest>& tests) {
    PolicyTest defaults;
    defaults.file = file;
    defaults.as_of = *parse_date("2026-11-23");
    if (const toml::table* d = root["defaults"].as_table()) {
      if (auto n = d->get("as_of")) {
        if (auto v = date(*n, "defaults.as_of")) defaults.as_of = *v;
      }
      if (auto n = d->get("policies")) defaults.policies = strings(*n, "defaults.policies");
    }
    const toml::array* list = root["test"].as_array();
    if (list == nullptr) return diags.error(file, 0, 0, "test", "no [[test]] in this file");
    const fs::path base = fs::path(file).parent_path();
    for (const toml::node& node : *list) {
      const toml::table* t = node.as_table();
      if (t == nullptr) continue;
      PolicyTest test = defaults;
      test.line = t->source().begin.line;
      test.name = (*t)["name"].value_or(fmt::format("test at line {}", test.line));
      bool has_expect = false;
      for (const auto& [key, value] : *t) {
        const std::string k(key.str());
        if (k == "name") continue;
        if (k == "estate") test.estate_path = (base / value.value_or(std::string())).lexically_normal().string();
        else if (k == "estate_toml") test.estate_toml = value.value_or(std::string());
        else if (k == "policies") test.policies = strings(value, k);
        else if (k == "as_of") { if (auto v = date(value, k)) test.as_of = *v; }
        else if (k == "expect") { expectations(value, test); has_expect = true; }
        else if (k == "settings") settings(value, test);
        else error(value, k, fmt::format("unknown key '{}' in a test", k));
      }
      if (test.estate_path.empty() == test.estate_toml.empty()) {
        error(node, "estate", "a test names exactly one of estate (a path) or estate_toml");
      }
      if (!has_expect) error(node, "expect", "a test lists its expected findings (expect = [] for none)");
      tests.push_back(std::move(test));
    }
  }
};

std::string describe(const std::string& rule, const std::string& ci, const std::string& message) {
  return fmt::format("{} {}: {}", rule, ci.empty() ? "(estate)" : ci, message);
}

}  // namespace

bool load_policy_tests(const std::string& dir, std::vector<PolicyTest>& tests, Diagnostics& diags) {
  std::vector<std::string> files;
  std::error_code ec;
  if (fs::is_directory(dir, ec)) {
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      if (entry.path().extension() == ".toml") files.push_back(entry.path().string());
    }
    std::sort(files.begin(), files.end());
  } else if (fs::is_regular_file(dir, ec)) {
    files.push_back(dir);
  } else {
    diags.error(dir, 0, 0, "", "no such test file or directory");
    return false;
  }
  if (files.empty()) diags.error(dir, 0, 0, "", "no *.toml test files here");
  for (const std::string& file : files) {
    try {
      const toml::table root = toml::parse_file(file);
      TestFileReader{file, diags}.read(root, tests);
    } catch (const toml::parse_error& e) {
      diags.error(file, e.source().begin.line, e.source().begin.column, "", std::string(e.description()));
    }
  }
  diags.sort();
  return !diags.has_errors();
}

PolicyTestOutcome run_policy_test(const PolicyTest& test, const PolicyPack& pack) {
  PolicyTestOutcome out;
  const LoadResult loaded = test.estate_toml.empty() ? load_estate({test.estate_path})
                                                     : load_estate_from_strings({{test.file + ":" + std::to_string(test.line), test.estate_toml}});
  for (const Diagnostic& d : loaded.diagnostics.items()) {
    if (d.level != DiagLevel::error) continue;
    std::string text = format_diagnostic(d, false);
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    out.errors.push_back(std::move(text));
  }
  if (!out.errors.empty()) return out;
  RunOptions options;
  options.as_of = test.as_of;
  options.only = test.policies;
  options.settings = test.settings;
  const CheckResult result = evaluate_estate(loaded.estate, pack, options);
  for (const PolicyError& e : result.errors) out.errors.push_back("policy error: " + e.message);

  // Match each expectation to one finding (multiset semantics); the rest is unexpected.
  std::vector<bool> used(result.findings.size(), false);
  for (const ExpectedFinding& e : test.expect) {
    bool found = false;
    for (size_t i = 0; i < result.findings.size() && !found; ++i) {
      const Finding& f = result.findings[i];
      if (used[i] || f.rule != e.rule || f.ci != e.ci || (e.message && *e.message != f.message)) continue;
      used[i] = found = true;
    }
    if (!found) out.missing.push_back(describe(e.rule, e.ci, e.message.value_or("(any message)")));
  }
  for (size_t i = 0; i < result.findings.size(); ++i) {
    if (!used[i]) {
      const Finding& f = result.findings[i];
      out.unexpected.push_back(describe(f.rule, f.ci, f.message));
    }
  }
  out.passed = out.errors.empty() && out.missing.empty() && out.unexpected.empty();
  return out;
}

}  // namespace topocheck
