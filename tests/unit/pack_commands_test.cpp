// The policy test runner and the clause coverage matrix.
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "checker/check/clauses.h"
#include "checker/check/policy_tests.h"
#include "tests/unit/support.h"

using namespace topocheck;
using topocheck::testing::read_file;
using topocheck::testing::run_topocheck;
namespace fs = std::filesystem;

namespace {

struct TempFile {
  fs::path path;
  explicit TempFile(const std::string& text) {
    static int n = 0;
    path = fs::temp_directory_path() / ("topocheck-tests-" + std::to_string(::getpid()) + "-" + std::to_string(n++) + ".toml");
    std::ofstream(path) << text;
  }
  ~TempFile() { fs::remove(path); }
};

}  // namespace

TEST_CASE("the bundled policy tests pass", "[policy-tests]") {
  const auto r = run_topocheck({"test", "policies/tests"});
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains(" passed, 0 failed"));
}

TEST_CASE("a broken policy test fails and names expected and actual findings", "[policy-tests]") {
  const TempFile file(R"([[test]]
name = "wrong expectation"
estate = ")" + fs::absolute("fixtures/rules/EDR-LEADING/fail-stopped").string() + R"("
policies = ["EDR-LEADING"]
expect = [{ rule = "EDR-LEADING", ci = "srv-02" }]
)");
  const auto r = run_topocheck({"test", file.path.string()});
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.out, Catch::Contains("FAILED") && Catch::Contains("wrong expectation"));
  CHECK_THAT(r.out, Catch::Contains("expected:   EDR-LEADING srv-02: (any message)"));
  CHECK_THAT(r.out, Catch::Contains("unexpected: EDR-LEADING srv-01: the customer's EDR agent Defender for Endpoint is stopped, not running"));
  CHECK_THAT(r.out, Catch::Contains("0 passed, 1 failed"));
}

TEST_CASE("an inline estate with no expected findings passes", "[policy-tests]") {
  const TempFile file(R"([[test]]
name = "inline"
policies = ["EDR-LEADING"]
estate_toml = '''
[[ci]]
id = "db"
class = "database"
'''
expect = []
)");
  const auto r = run_topocheck({"test", file.path.string()});
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("1 passed, 0 failed"));
}

TEST_CASE("a malformed policy test file is an error with its location", "[policy-tests]") {
  const TempFile file("[[test]]\nname = \"no estate\"\nexpect = []\nfrobnicate = 1\n");
  const auto r = run_topocheck({"test", file.path.string()});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains(file.path.string() + ":4:") && Catch::Contains("unknown key 'frobnicate'"));
  CHECK_THAT(r.err, Catch::Contains("a test names exactly one of estate (a path) or estate_toml"));
}

TEST_CASE("a clause citation names its document and sections", "[clauses]") {
  using Refs = std::vector<ClauseRef>;
  CHECK(parse_clause_citation("003_43a5403071fef7fe.txt §7.1, §7.11 last para") == Refs{{"003", "7.1"}, {"003", "7.11"}});
  CHECK(parse_clause_citation("000_a90e8a8b6ae18376.txt §5.1–5.5") ==
        Refs{{"000", "5.1"}, {"000", "5.2"}, {"000", "5.3"}, {"000", "5.4"}, {"000", "5.5"}});
  CHECK(parse_clause_citation("003 §8.4.4, 001 §B.3") == Refs{{"001", "B.3"}, {"003", "8.4.4"}});
  CHECK(parse_clause_citation("001_7ec376e99bc09a3c.txt B.4") == Refs{{"001", "B.4"}});
}

TEST_CASE("the clause matrix lists every catalogue clause and the uncovered ones", "[clauses]") {
  const auto r = run_topocheck({"clauses", "--format", "json"});
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  std::vector<Clause> catalogue;
  Diagnostics diags;
  REQUIRE(load_clause_catalog("policies/clauses.toml", catalogue, diags));
  CHECK(j["clauses"].size() == catalogue.size());
  bool edr_found = false;
  for (const auto& row : j["clauses"]) {
    if (row["section"] == "7.2") {
      edr_found = true;
      CHECK(row["policies"] == nlohmann::json::array({"EDR-LEADING"}));
    }
    if (row["policies"].empty()) {
      const std::string name = row["document"].get<std::string>().substr(0, 3) + " §" + row["section"].get<std::string>();
      CHECK(std::find(j["uncovered"].begin(), j["uncovered"].end(), name) != j["uncovered"].end());
    }
  }
  CHECK(edr_found);
  CHECK(j["unknown_citations"].empty());
}

TEST_CASE("the clause matrix counts checked, passed and failed CIs with an estate", "[clauses]") {
  const auto r = run_topocheck({"clauses", "fixtures/sample", "--as-of", "2026-11-23", "--format", "json"});
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  for (const auto& row : j["clauses"]) {
    if (row["section"] != "7.2") continue;
    // EDR-LEADING on the sample: three failing systems (see fixtures/sample).
    CHECK(row["failed"].get<int>() == 3);
    CHECK(row["passed"].get<int>() + 3 == row["checked"].get<int>());
  }
  // The bundled catalogue is fully covered; a catalogue with one more clause shows it uncovered.
  const TempFile catalogue(read_file("policies/clauses.toml") + R"(
[[clause]]
document = "003_43a5403071fef7fe.txt"
section = "99.1"
title = "A clause no policy encodes"
)");
  const auto full = run_topocheck({"clauses", "--format", "markdown"});
  CHECK_THAT(full.out, Catch::Contains("| Clause | Title | Policies |") && !Catch::Contains("**uncovered**"));
  const auto md = run_topocheck({"clauses", "--format", "markdown", "--catalogue", catalogue.path.string()});
  CHECK_THAT(md.out, Catch::Contains("| 003 §99.1 | A clause no policy encodes | **uncovered** |"));
}
