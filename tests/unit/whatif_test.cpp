// Pre-change validation and what-if: diff of two estates, overlays, baselines, waivers.
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/unit/support.h"

using topocheck::testing::read_file;
using topocheck::testing::run_topocheck;
namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

Json diff_json(const std::string& base, const std::string& proposed, const std::string& overlay) {
  const auto r = run_topocheck({"diff", base, proposed, "--overlay-proposed", overlay, "--as-of",
                                "2026-11-23", "--format", "json"});
  REQUIRE((r.exit_code == 0 || r.exit_code == 1));
  return Json::parse(r.out);
}

std::vector<std::string> finding_keys(const Json& list) {
  std::vector<std::string> out;
  for (const auto& f : list) out.push_back(f["rule"].get<std::string>() + " " + (f["ci"].is_null() ? "" : f["ci"].get<std::string>()));
  return out;
}

std::vector<std::string> path_keys(const Json& list) {
  std::vector<std::string> out;
  for (const auto& p : list) {
    std::string k = p["kind"].get<std::string>() + " " + p["ci"].get<std::string>() + " " + p["service"].get<std::string>() + " from " + p["source"].get<std::string>() + ":";
    for (const auto& h : p["hops"]) k += " " + h["node"].get<std::string>();
    out.push_back(k);
  }
  return out;
}

std::string temp_path(const std::string& name) {
  return (fs::temp_directory_path() / ("topocheck-whatif-" + std::to_string(::getpid()) + "-" + name)).string();
}

}  // namespace

TEST_CASE("a change that opens a bypass around the WAF reports exactly the new paths", "[whatif]") {
  const Json j = diff_json("fixtures/sample", "fixtures/sample", "fixtures/whatif/open-lb-bypass.toml");
  CHECK(path_keys(j["reachability"]["opened"]) ==
        std::vector<std::string>{"internet app-01 tcp/8443 from zone:internet: zone:internet lb-portal-1 app-01",
                                 "internet app-02 tcp/8443 from zone:internet: zone:internet lb-portal-1 app-02",
                                 "internet lb-portal-1 tcp/443 from zone:internet: zone:internet lb-portal-1"});
  CHECK(j["reachability"]["closed"].empty());
  CHECK(finding_keys(j["introduced"]) ==
        std::vector<std::string>{"EXPOSURE app-01", "EXPOSURE app-02", "EXPOSURE lb-portal-1", "FW-HYGIENE fw-edge-1",
                                 "WAF-DMZ app-01", "WAF-DMZ app-02", "WAF-DMZ lb-portal-1"});
  CHECK(j["resolved"].empty());
  // The new hop cites the overlay's rule, at its line in the overlay file.
  const auto& hop = j["reachability"]["opened"][2]["hops"][1];
  CHECK(hop["rule"]["order"] == 150);
  CHECK(hop["location"]["file"] == "fixtures/whatif/open-lb-bypass.toml");
}

TEST_CASE("a change that removes a firewall rule resolves the exposure it caused", "[whatif]") {
  const Json j = diff_json("fixtures/sample", "fixtures/sample", "fixtures/whatif/close-sftp-exposure.toml");
  CHECK(path_keys(j["reachability"]["closed"]) ==
        std::vector<std::string>{"internet sftp-partner-1 tcp/22 from zone:internet: zone:internet sftp-partner-1"});
  CHECK(j["reachability"]["opened"].empty());
  const auto resolved = finding_keys(j["resolved"]);
  CHECK(std::count(resolved.begin(), resolved.end(), "EXPOSURE sftp-partner-1") == 1);
  CHECK(std::count(resolved.begin(), resolved.end(), "WAF-DMZ sftp-partner-1") == 1);
}

TEST_CASE("reordering rules changes the first match, and the diff shows it", "[whatif]") {
  const Json j = diff_json("fixtures/whatif/reorder/estate.toml", "fixtures/whatif/reorder/estate.toml",
                           "fixtures/whatif/reorder/move-deny-first.toml");
  CHECK(path_keys(j["reachability"]["closed"]) == std::vector<std::string>{"admin app-1 tcp/22 from subnet:office-a: subnet:office-a app-1"});
  const auto resolved = finding_keys(j["resolved"]);
  CHECK(std::count(resolved.begin(), resolved.end(), "PAM-ONLY app-1") == 1);
}

TEST_CASE("check applies an overlay: added rules are cited in the overlay file", "[whatif]") {
  const auto r = run_topocheck({"check", "fixtures/sample", "--overlay", "fixtures/whatif/open-lb-bypass.toml",
                                "--as-of", "2026-11-23", "--format", "json", "--policy", "EXPOSURE"});
  CHECK(r.exit_code == 1);
  const Json j = Json::parse(r.out);
  CHECK(finding_keys(j["findings"]) ==
        std::vector<std::string>{"EXPOSURE app-01", "EXPOSURE app-02", "EXPOSURE lb-portal-1", "EXPOSURE sftp-partner-1"});
  CHECK(j["inputs"].back()["path"] == "fixtures/whatif/open-lb-bypass.toml");
}

TEST_CASE("an overlay that removes what the estate does not have is an error", "[whatif]") {
  const std::string overlay = temp_path("bad-overlay.toml");
  std::ofstream(overlay) << "[[rule]]\nfirewall = \"fw-edge-1\"\norder = 4242\nremove = true\n";
  const auto r = run_topocheck({"check", "fixtures/sample", "--overlay", overlay});
  fs::remove(overlay);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains(overlay + ":1:1: error:") &&
                        Catch::Contains("overlay removes the rule with firewall = \"fw-edge-1\", order = 4242, which the estate does not have"));
}

TEST_CASE("a baseline keeps known findings from failing, and survives file reordering", "[whatif][baseline]") {
  const std::string baseline = temp_path("baseline.json");
  auto r = run_topocheck({"baseline", "fixtures/sample", "--as-of", "2026-11-23", "--output", baseline});
  REQUIRE(r.exit_code == 0);
  const Json b = Json::parse(read_file(baseline));
  CHECK(b["format"] == "topocheck-baseline/1");
  REQUIRE_FALSE(b["findings"].empty());
  CHECK(b["findings"][0]["first_seen"] == "2026-11-23");

  // The same files in reverse order: every finding is known, the run passes.
  std::vector<std::string> files;
  for (const auto& e : fs::recursive_directory_iterator("fixtures/sample")) {
    if (e.path().extension() == ".toml") files.push_back(e.path().string());
  }
  std::sort(files.rbegin(), files.rend());
  std::vector<std::string> args{"check"};
  args.insert(args.end(), files.begin(), files.end());
  args.insert(args.end(), {"--as-of", "2026-11-23", "--baseline", baseline, "--format", "json"});
  r = run_topocheck(args);
  CHECK(r.exit_code == 0);
  const Json reordered = Json::parse(r.out);
  for (const auto& f : reordered["findings"]) CHECK(f["baseline"] == "unchanged");
  CHECK_THAT(r.err, Catch::Contains("0 new") && Catch::Contains("0 resolved"));

  // A change that adds a finding: only the new one fails.
  r = run_topocheck({"check", "fixtures/sample", "--overlay", "fixtures/whatif/open-lb-bypass.toml",
                     "--as-of", "2026-11-23", "--baseline", baseline, "--format", "json"});
  CHECK(r.exit_code == 1);
  size_t fresh = 0;
  const Json with_change = Json::parse(r.out);
  for (const auto& f : with_change["findings"]) fresh += f["baseline"] == "new";
  CHECK(fresh == 7);
  fs::remove(baseline);
}

TEST_CASE("a fingerprint changes when the finding's path changes", "[whatif][baseline]") {
  // The bypass rule with another ref: the same CIs are exposed, by another rule.
  const std::string a = temp_path("a.toml");
  const std::string b = temp_path("b.toml");
  std::string text = read_file("fixtures/whatif/open-lb-bypass.toml");
  std::ofstream(a) << text;
  const auto pos = text.find("ref = ");
  std::ofstream(b) << text.substr(0, pos) << "ref = \"CHG0099999 another change\"\n";
  const auto ra = run_topocheck({"check", "fixtures/sample", "--overlay", a, "--as-of", "2026-11-23", "--format", "json", "--policy", "EXPOSURE"});
  const auto rb = run_topocheck({"check", "fixtures/sample", "--overlay", b, "--as-of", "2026-11-23", "--format", "json", "--policy", "EXPOSURE"});
  fs::remove(a);
  fs::remove(b);
  const Json ja = Json::parse(ra.out), jb = Json::parse(rb.out);
  std::map<std::string, std::string> fa, fb;
  for (const auto& f : ja["findings"]) fa[f["ci"]] = f["fingerprint"];
  for (const auto& f : jb["findings"]) fb[f["ci"]] = f["fingerprint"];
  CHECK(fa["lb-portal-1"] != fb["lb-portal-1"]);        // another rule: another finding
  CHECK(fa["sftp-partner-1"] == fb["sftp-partner-1"]);  // unrelated edit: the same finding
}

namespace {

const char* kWaiverEstate = R"(
[[zone]]
id = "app"
kind = "internal"
[[ci]]
id = "srv-1"
class = "server"
[[ci]]
id = "srv-2"
class = "server"
)";

struct WaiverRun {
  int exit_code;
  Json report;
  std::string err;
};

WaiverRun check_with_waiver(const std::string& waiver) {
  const std::string path = temp_path("waiver.toml");
  std::ofstream(path) << kWaiverEstate << waiver;
  const auto r = run_topocheck({"check", path, "--as-of", "2026-11-23", "--format", "json", "--policy", "EDR-LEADING"});
  fs::remove(path);
  WaiverRun w{r.exit_code, r.out.empty() ? Json() : Json::parse(r.out), r.err};
  return w;
}

}  // namespace

TEST_CASE("an active waiver suppresses matching findings and shows its reference", "[whatif][waiver]") {
  const auto w = check_with_waiver(R"(
[[waiver]]
rule = "EDR-LEADING"
cis = ["srv-*"]
justification = "legacy systems before migration"
agreed_by = "AG security officer"
reference = "AG-2026-0100"
expires = 2027-01-31
)");
  CHECK(w.exit_code == 0);
  REQUIRE(w.report["findings"].size() == 2);
  for (const auto& f : w.report["findings"]) CHECK(f["waiver"] == "AG-2026-0100");
  CHECK_THAT(w.err, Catch::Contains("2 waived"));
}

TEST_CASE("an expired waiver suppresses nothing and is itself a finding", "[whatif][waiver]") {
  const auto w = check_with_waiver(R"(
[[waiver]]
rule = "EDR-LEADING"
cis = ["srv-1"]
justification = "x"
agreed_by = "AG security officer"
reference = "AG-2025-0001"
expires = 2026-10-31
)");
  CHECK(w.exit_code == 1);
  std::vector<std::string> rules;
  for (const auto& f : w.report["findings"]) {
    rules.push_back(f["rule"]);
    CHECK_FALSE(f.contains("waiver"));
  }
  CHECK(rules == std::vector<std::string>{"EDR-LEADING", "EDR-LEADING", "WAIVER-EXPIRED"});
  CHECK_THAT(w.report["findings"][2]["message"].get<std::string>(), Catch::Contains("expired on 2026-10-31"));
}

TEST_CASE("a waiver that matched nothing is a warning", "[whatif][waiver]") {
  const auto w = check_with_waiver(R"(
[[waiver]]
rule = "EDR-LEADING"
cis = ["db-*"]
justification = "x"
agreed_by = "AG security officer"
reference = "AG-2026-0101"
expires = 2027-01-31
)");
  CHECK(w.exit_code == 1);
  CHECK_THAT(w.err, Catch::Contains("warning: waiver AG-2026-0101 for EDR-LEADING matched no finding"));
}

TEST_CASE("a waiver without agreed_by, reference or expires is an error", "[whatif][waiver]") {
  const auto w = check_with_waiver(R"(
[[waiver]]
rule = "EDR-LEADING"
cis = ["srv-1"]
justification = "x"
)");
  CHECK(w.exit_code == 2);
  CHECK_THAT(w.err, Catch::Contains("names no 'agreed_by'") && Catch::Contains("names no 'reference'") &&
                        Catch::Contains("has no 'expires' date"));
}

TEST_CASE("a waiver running longer than the maximum duration is an error", "[whatif][waiver]") {
  const auto w = check_with_waiver(R"(
[[waiver]]
rule = "EDR-LEADING"
cis = ["srv-1"]
justification = "x"
agreed_by = "AG"
reference = "AG-2026-0102"
expires = 2030-01-01
)");
  CHECK(w.exit_code == 2);
  CHECK_THAT(w.err, Catch::Contains("runs until 2030-01-01, longer than the maximum of 366 days from 2026-11-23"));
}

TEST_CASE("a waiver expiring within the warning period is listed", "[whatif][waiver]") {
  const auto w = check_with_waiver(R"(
[[waiver]]
rule = "EDR-LEADING"
cis = ["srv-1", "srv-2"]
justification = "x"
agreed_by = "AG"
reference = "AG-2026-0103"
expires = 2026-12-01
)");
  CHECK(w.exit_code == 0);
  CHECK_THAT(w.err, Catch::Contains("waiver AG-2026-0103 for EDR-LEADING expires in 8 day(s), on 2026-12-01"));
}
