// The bundled policy pack: every policy loads with complete metadata, and the annotated example
// is itself a working policy.
#include <filesystem>
#include <fstream>
#include <map>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "checker/check/engine.h"
#include "checker/graph/graph.h"
#include "checker/graph/reach.h"
#include "tests/unit/support.h"

using namespace topocheck;

TEST_CASE("every bundled policy loads with complete metadata", "[policy-pack]") {
  PolicyPack pack;
  std::string error;
  REQUIRE(load_policy_pack("policies", pack, error));
  const CheckResult meta = read_policy_metadata(pack, RunOptions{});
  for (const PolicyError& e : meta.errors) FAIL_CHECK(e.message);
  CHECK(meta.policies.size() == pack.policies.size());
  for (const PolicyMeta& p : meta.policies) {
    INFO(p.id);
    CHECK(p.file == "policies/" + p.id + ".lua");
    CHECK(p.clause.find("§") != std::string::npos);
    CHECK(p.clause.find(".txt") != std::string::npos);
    CHECK_FALSE(p.rationale.empty());
    CHECK_FALSE(p.remediation.empty());
  }
}

TEST_CASE("the annotated example policy runs and reports", "[policy-pack]") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("topocheck-example-" + std::to_string(::getpid()));
  fs::create_directories(dir / "lib");
  fs::copy_file("policies/example.lua", dir / "EXAMPLE-OWNER.lua", fs::copy_options::overwrite_existing);
  fs::copy_file("policies/lib/common.lua", dir / "lib/common.lua", fs::copy_options::overwrite_existing);
  const CheckResult result = testing::run_pack_over_toml(dir.string(), R"(
[[ci]]
id = "srv-1"
class = "server"
[[ci]]
id = "srv-2"
class = "server"
owner = "ops"
)", testing::options_as_of());
  fs::remove_all(dir);
  CHECK(result.errors.empty());
  CHECK(testing::finding_lines(result) == std::vector<std::string>{"EXAMPLE-OWNER srv-1: names no owner"});
}

TEST_CASE("cost declares the policies that start first; a wrong value is a policy error",
          "[policy-pack]") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("topocheck-cost-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  auto write = [&](const std::string& id, const std::string& cost) {
    std::ofstream(dir / (id + ".lua"))
        << "return { id = \"" << id << "\", title = \"t\", severity = \"low\", clause = \"c\", "
        << "rationale = \"r\", remediation = \"m\"," << cost
        << " check = function(estate) for ci in estate.cis() do report(ci, \"" << id
        << "\") end end }\n";
  };
  write("A-PLAIN", "");
  write("B-NORMAL", " cost = \"normal\",");
  write("C-COSTLY", " cost = \"high\",");
  write("D-WRONG", " cost = \"huge\",");
  PolicyPack pack;
  std::string error;
  REQUIRE(load_policy_pack(dir.string(), pack, error));

  const CheckResult meta = read_policy_metadata(pack, RunOptions{});
  std::map<std::string, bool> costly;
  for (const PolicyMeta& p : meta.policies) costly[p.id] = p.costly;
  CHECK(costly == std::map<std::string, bool>{{"A-PLAIN", false}, {"B-NORMAL", false}, {"C-COSTLY", true}});
  REQUIRE(meta.errors.size() == 1);
  CHECK(meta.errors[0].message.find("'cost' must be \"normal\" or \"high\"") != std::string::npos);

  // On an estate large enough for the costly policy to start first, the results are the same,
  // in the same order, as with one thread.
  std::string text;
  for (int i = 0; i < 10000; ++i) text += "[[ci]]\nid = \"srv-" + std::to_string(i) + "\"\nclass = \"server\"\n";
  RunOptions parallel;
  parallel.threads = 2;
  RunOptions serial;
  serial.threads = 1;
  const CheckResult a = testing::run_pack_over_toml(dir.string(), text, parallel);
  const CheckResult b = testing::run_pack_over_toml(dir.string(), text, serial);
  fs::remove_all(dir);
  CHECK(a.findings.size() == 30000);
  CHECK(testing::finding_lines(a) == testing::finding_lines(b));
  REQUIRE(a.errors.size() == 1);
  CHECK(a.errors[0].policy == b.errors[0].policy);
}
