// Every estate under fixtures/broken/ shows one input error (or, for unknown-key, one warning).
// Each is registered here with the diagnostic it must produce, so that a fixture cannot drift
// into showing something else and a new fixture cannot go untested.
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>

#include "checker/load/toml_loader.h"

namespace topocheck {
namespace {

namespace fs = std::filesystem;

const fs::path kBroken = fs::path(TOPOCHECK_SOURCE_DIR) / "fixtures" / "broken";

struct Expected {
  DiagLevel level;
  std::string where;  // file (relative to the fixture) : line : column
  std::string message;
};

const std::map<std::string, Expected> kExpected = {
    {"bad-cidr",
     {DiagLevel::error, "estate.toml:9:8",
      "field 'cidr' of subnet \"app-a\": invalid range \"10.30.1.0/33\": prefix 33 is longer than "
      "32 bits"}},
    {"bad-endpoint",
     {DiagLevel::error, "estate.toml:10:9",
      "field 'from[0]' of rule #10 of firewall \"fw-1\": invalid endpoint \"internet\"; expected "
      "any, zone:ID, subnet:ID, ci:ID or cidr:RANGE"}},
    {"bad-service",
     {DiagLevel::error, "estate.toml:5:12",
      "field 'listens[0]' of ci \"app-01\": invalid service \"tcp/65536\": port 65536 is not a "
      "valid port (1-65535)"}},
    {"dangling-reference",
     {DiagLevel::error, "estate.toml:8:8",
      "field 'zone' of subnet \"app-a\": no zone with id \"ap\""}},
    {"duplicate-id", {DiagLevel::error, "b.toml:3:6", ""}},  // message names an absolute path
    {"interface-outside-subnet",
     {DiagLevel::error, "estate.toml:14:16",
      "field 'interfaces[0].ip' of ci \"app-01\": 10.30.2.11 is not inside subnet \"app-a\" "
      "(10.30.1.0/24)"}},
    {"issuer-cycle",
     {DiagLevel::error, "estate.toml:5:1",
      "field 'issuer' of ci \"ca-a\": issuer cycle among CAs: \"ca-a\" -> \"ca-b\" -> \"ca-a\""}},
    {"missing-required",
     {DiagLevel::error, "estate.toml:2:1", "ci \"app-01\" is missing required field 'class'"}},
    {"syntax-error",
     {DiagLevel::error, "estate.toml:4:8", "invalid key-value pair: expected value, saw '\\n'"}},
    {"unknown-enum",
     {DiagLevel::error, "estate.toml:4:8",
      "field 'kind' of zone \"dmz-web\": unknown value \"demilitarized\"; expected one of "
      "internet, dmz, internal, management, partner, transit"}},
    {"unknown-key",
     {DiagLevel::warning, "estate.toml:5:1",
      "unknown key 'clas' in ci \"app-01\"; did you mean 'class'?"}},
    {"wrong-class",
     {DiagLevel::error, "estate.toml:7:12",
      "field 'firewall' of rule #10 of firewall \"app-01\": ci \"app-01\" has class server, "
      "expected a ci of class firewall"}},
    {"wrong-format-version",
     {DiagLevel::error, "estate.toml:3:10",
      "field 'format' of [meta]: unsupported format \"estate/2\"; this checker reads "
      "\"estate/1\""}},
    {"wrong-type",
     {DiagLevel::error, "estate.toml:4:9",
      "field 'class' of ci \"app-01\": expected a string, got an integer"}},
};

std::vector<std::string> fixture_names() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(kBroken)) {
    if (entry.is_directory()) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

TEST_CASE("every broken fixture is registered with the diagnostic it shows", "[fixtures]") {
  std::vector<std::string> registered;
  for (const auto& [name, expected] : kExpected) registered.push_back(name);
  CHECK(fixture_names() == registered);
}

TEST_CASE("every broken fixture produces exactly the diagnostic it shows", "[fixtures]") {
  for (const std::string& name : fixture_names()) {
    INFO(name);
    fs::path dir = kBroken / name;
    LoadResult r = load_estate({dir.string()});
    REQUIRE(r.diagnostics.items().size() == 1);
    const Diagnostic& d = r.diagnostics.items()[0];
    auto it = kExpected.find(name);
    REQUIRE(it != kExpected.end());
    const Expected& expected = it->second;
    CHECK(d.level == expected.level);
    std::string where = fs::path(d.file).lexically_relative(dir).string() + ":" +
                        std::to_string(d.line) + ":" + std::to_string(d.column);
    CHECK(where == expected.where);
    if (!expected.message.empty()) CHECK(d.message == expected.message);
    if (expected.level == DiagLevel::error) {
      CHECK(r.diagnostics.has_errors());
    } else {
      CHECK_FALSE(r.diagnostics.has_errors());
    }
  }
}

TEST_CASE("the duplicate-id fixture names the first definition's file", "[fixtures]") {
  fs::path dir = kBroken / "duplicate-id";
  LoadResult r = load_estate({dir.string()});
  REQUIRE(r.diagnostics.items().size() == 1);
  CHECK(r.diagnostics.items()[0].message ==
        "duplicate ci id \"app-01\" (first defined at " + (dir / "a.toml").string() + ":2)");
}

}  // namespace
}  // namespace topocheck
