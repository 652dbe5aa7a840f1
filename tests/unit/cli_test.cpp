// End-to-end tests of the topocheck binary: exit codes, help, errors, output files, JSON golden
// output and determinism.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/unit/support.h"

using topocheck::testing::read_file;
using topocheck::testing::run_topocheck;
namespace fs = std::filesystem;

namespace {

// Golden JSON is compared with the run-specific fields (tool and pack versions) normalised, as
// Catch2 does for its reporters.
std::string normalised_json(const std::string& text) {
  auto j = nlohmann::ordered_json::parse(text);
  j["tool"]["version"] = "<version>";
  j["policy_pack"]["version"] = "<version>";
  j["policy_pack"]["dir"] = "<dir>";
  return j.dump(2) + "\n";
}

void compare_golden(const std::string& actual, const std::string& golden_path) {
  if (const char* update = std::getenv("UPDATE_GOLDEN"); update != nullptr && *update == '1') {
    std::ofstream(golden_path, std::ios::binary) << actual;
  }
  const std::string expected = read_file(golden_path);
  REQUIRE_FALSE(expected.empty());
  CHECK(actual == expected);
}

}  // namespace

TEST_CASE("topocheck without a command prints usage and exits 2", "[cli]") {
  const auto r = run_topocheck({});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("Usage:"));
}

TEST_CASE("every command has --help that exits 0", "[cli]") {
  for (const std::string cmd : {"validate", "check", "policies"}) {
    const auto r = run_topocheck({cmd, "--help"});
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("Usage: topocheck " + cmd));
  }
  CHECK_THAT(run_topocheck({"check", "--help"}).out, Catch::Contains("--as-of DATE"));
}

TEST_CASE("an unknown option or a bad value is a usage error with exit 2", "[cli]") {
  auto r = run_topocheck({"check", "fixtures/compliant", "--frmat", "json"});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("unknown option '--frmat'"));
  r = run_topocheck({"check", "fixtures/compliant", "--as-of", "2026-02-30"});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("--as-of expects a date YYYY-MM-DD, got '2026-02-30'"));
  r = run_topocheck({"check", "fixtures/compliant", "--format", "yaml"});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("unknown format 'yaml'"));
  r = run_topocheck({"check", "fixtures/compliant", "--set", "PKI-TRUST.nope=1"});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("setting 'nope' of policy PKI-TRUST does not exist"));
}

TEST_CASE("validate names file, line and column of an input error and exits 2", "[cli]") {
  const auto r = run_topocheck({"validate", "fixtures/broken/wrong-type"});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("fixtures/broken/wrong-type/estate.toml:4:9: error:"));
  CHECK_THAT(r.err, Catch::Contains("1 input error; nothing was checked"));
}

TEST_CASE("check refuses a broken estate with exit 2 and checks nothing", "[cli]") {
  const auto r = run_topocheck({"check", "fixtures/broken/dangling-reference", "--format", "json"});
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
}

TEST_CASE("validate accepts the sample estate", "[cli]") {
  const auto r = run_topocheck({"validate", "fixtures/sample"});
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.err, Catch::Contains("estate OK"));
}

TEST_CASE("check exits 0 without findings and 1 with findings", "[cli]") {
  const auto clean = run_topocheck({"check", "fixtures/compliant", "--as-of", "2026-11-23",
                                    "--policy", "EDR-LEADING", "--policy", "PKI-TRUST"});
  CHECK(clean.exit_code == 0);
  const auto dirty = run_topocheck({"check", "fixtures/sample", "--as-of", "2026-11-23"});
  CHECK(dirty.exit_code == 1);
  CHECK_THAT(dirty.out, Catch::Contains("EDR-LEADING"));
  CHECK(dirty.out.find('\x1b') == std::string::npos);  // not a terminal: no colours
}

TEST_CASE("option --fail-on raises the severity that fails the run", "[cli]") {
  // The expiring certificate is a medium finding: it fails at medium, not at high.
  const std::vector<std::string> base{"check", "fixtures/rules/PKI-TRUST/fail-expiring-soon",
                                      "--as-of", "2026-11-23", "--policy", "PKI-TRUST"};
  auto args = base;
  args.insert(args.end(), {"--fail-on", "medium"});
  CHECK(run_topocheck(args).exit_code == 1);
  args = base;
  args.insert(args.end(), {"--fail-on", "high"});
  CHECK(run_topocheck(args).exit_code == 0);
}

TEST_CASE("a broken policy is a policy error with exit 2 while the others still report", "[cli]") {
  const fs::path dir = fs::temp_directory_path() / ("topocheck-cli-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::copy_file("policies/EDR-LEADING.lua", dir / "EDR-LEADING.lua", fs::copy_options::overwrite_existing);
  fs::create_directories(dir / "lib");
  fs::copy_file("policies/lib/common.lua", dir / "lib/common.lua", fs::copy_options::overwrite_existing);
  std::ofstream(dir / "BROKEN.lua") << "return { id = 'BROKEN', title = 't', severity = 'low', clause = 'c',\n"
                                       "rationale = 'r', remediation = 'm', check = function() local x = nil; return x.y end }\n";
  const auto r = run_topocheck({"check", "fixtures/sample", "--as-of", "2026-11-23", "--format", "json",
                                "--policies", dir.string()});
  fs::remove_all(dir);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("BROKEN.lua:2: attempt to index a nil value (local 'x')"));
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["policy_errors"].size() == 1);
  CHECK(j["summary"]["findings"].get<int>() == 3);  // EDR-LEADING's findings on the sample
}

TEST_CASE("option --output writes the report to a file", "[cli]") {
  const std::string path = (fs::temp_directory_path() / ("topocheck-out-" + std::to_string(::getpid()) + ".json")).string();
  const auto r = run_topocheck({"check", "fixtures/sample", "--as-of", "2026-11-23", "--format", "json",
                                "--output", path, "--policy", "EDR-LEADING"});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Catch::Contains("topocheck: 3 findings (3 high) from 1 policy; 0 policy errors"));
  const auto j = nlohmann::json::parse(read_file(path));
  CHECK(j["findings"].size() == 3);
  fs::remove(path);
}

TEST_CASE("policies lists every bundled policy with its clause", "[cli]") {
  const auto r = run_topocheck({"policies"});
  CHECK(r.exit_code == 0);
  for (const char* id : {"EDR-LEADING", "PKI-TRUST", "EXPOSURE", "WAF-DMZ", "PAM-ONLY"}) {
    CHECK_THAT(r.out, Catch::Contains(id));
  }
  CHECK_THAT(r.out, Catch::Contains("003_43a5403071fef7fe.txt §7.2"));
}

TEST_CASE("JSON output of the sample matches the golden file", "[cli][golden]") {
  const auto r = run_topocheck({"check", "fixtures/sample", "--as-of", "2026-11-23", "--format", "json",
                                "--policy", "EDR-LEADING", "--policy", "PKI-TRUST"});
  REQUIRE(r.exit_code == 1);
  compare_golden(normalised_json(r.out), "tests/golden/sample-edr-pki.json");
}

TEST_CASE("the sample estate exercises every bundled policy", "[cli][sample]") {
  // The demo estate marks a VIOLATION of each rule; a policy without a finding on it means the
  // sample or the policy regressed. (Exact findings per rule are pinned by the policy tests on the
  // rule fixtures, so message wording may change without touching this test.)
  const auto r = run_topocheck({"check", "fixtures/sample", "--as-of", "2026-11-23", "--format", "json"});
  REQUIRE(r.exit_code == 1);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["policy_errors"].empty());
  CHECK(j["input_warnings"].empty());
  std::map<std::string, int> findings;
  for (const auto& f : j["findings"]) ++findings[f["rule"].get<std::string>()];
  REQUIRE(j["policies"].size() >= 31);
  for (const auto& policy : j["policies"]) {
    const std::string id = policy["id"].get<std::string>();
    INFO(id);
    CHECK(findings[id] > 0);
  }
  CHECK(findings["EDR-LEADING"] == 3);
}

TEST_CASE("the same input gives byte-identical output, whatever the file order", "[cli][determinism]") {
  const std::vector<std::string> args{"check", "--as-of", "2026-11-23", "--format", "json"};
  auto forward = args;
  forward.insert(forward.begin() + 1, "fixtures/sample");
  const auto a = run_topocheck(forward);
  const auto b = run_topocheck(forward);
  CHECK(a.out == b.out);
  // The same files named one by one in reverse order: findings and fingerprints are unchanged.
  std::vector<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator("fixtures/sample")) {
    if (entry.path().extension() == ".toml") files.push_back(entry.path().string());
  }
  std::sort(files.rbegin(), files.rend());
  auto reversed = args;
  reversed.insert(reversed.begin() + 1, files.begin(), files.end());
  const auto c = run_topocheck(reversed);
  const auto ja = nlohmann::json::parse(a.out);
  const auto jc = nlohmann::json::parse(c.out);
  REQUIRE(ja["findings"].size() == jc["findings"].size());
  for (size_t i = 0; i < ja["findings"].size(); ++i) {
    CHECK(ja["findings"][i]["fingerprint"] == jc["findings"][i]["fingerprint"]);
    CHECK(ja["findings"][i]["message"] == jc["findings"][i]["message"]);
  }
}

TEST_CASE("a settings file overrides policy settings without editing policies", "[cli][settings]") {
  const std::string path = (fs::temp_directory_path() / ("topocheck-settings-" + std::to_string(::getpid()) + ".toml")).string();
  const std::vector<std::string> base{"check", "fixtures/rules/PKI-TRUST/fail-expiring-soon", "--as-of",
                                      "2026-11-23", "--policy", "PKI-TRUST", "--settings", path};
  std::ofstream(path) << "[PKI-TRUST]\nwarning_days = 10\n";
  CHECK(run_topocheck(base).exit_code == 0);
  std::ofstream(path) << "[PKI-TRUST]\nwarning_days = 30\n";
  CHECK(run_topocheck(base).exit_code == 1);
  std::ofstream(path) << "[PKI-TRUST]\nwarning_days = \"ten\"\n";
  auto r = run_topocheck(base);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("setting 'warning_days' of policy PKI-TRUST expects a number, got a string"));
  std::ofstream(path) << "[PKI-TRUST\nwarning_days = 1\n";
  r = run_topocheck(base);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains(path + ":1:"));
  fs::remove(path);
}

TEST_CASE("the settings template is a valid settings file with every default", "[cli][settings]") {
  const auto tmpl = run_topocheck({"policies", "--settings-template"});
  REQUIRE(tmpl.exit_code == 0);
  CHECK_THAT(tmpl.out, Catch::Contains("[PKI-TRUST]\nclasses = [") && Catch::Contains("warning_days = 30"));
  const std::string path = (fs::temp_directory_path() / ("topocheck-template-" + std::to_string(::getpid()) + ".toml")).string();
  std::ofstream(path) << tmpl.out;
  const auto with = run_topocheck({"check", "fixtures/sample", "--as-of", "2026-11-23", "--format", "json", "--settings", path});
  const auto without = run_topocheck({"check", "fixtures/sample", "--as-of", "2026-11-23", "--format", "json"});
  fs::remove(path);
  CHECK(with.exit_code == without.exit_code);
  CHECK(with.out == without.out);
}
