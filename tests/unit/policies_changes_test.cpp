// PATCH-SLA, MAINT-WINDOW, RELEASE-PATH and PATCH-VIA-CHANGE on their fixtures and on inline
// estates: the exact findings, their due dates and days overdue, and every boundary of the
// deadline and window tables.
#include <catch2/catch.hpp>

#include "checker/graph/graph.h"
#include "checker/graph/reach.h"
#include "tests/unit/support.h"

using topocheck::CheckResult;
using topocheck::DataValue;
using topocheck::Finding;
using topocheck::SettingOverrides;
using topocheck::Severity;
using topocheck::testing::check_fixture;
using topocheck::testing::check_toml;
using topocheck::testing::finding_lines;
using Lines = std::vector<std::string>;

namespace {

// check_toml with setting overrides.
CheckResult check_toml_with(const std::string& toml, const std::string& policy,
                            const std::string& as_of, const SettingOverrides& settings) {
  topocheck::RunOptions options = topocheck::testing::options_as_of(as_of);
  options.only = {policy};
  options.settings = settings;
  CheckResult result = topocheck::testing::run_pack_over_toml("policies", toml, options);
  for (const auto& e : result.errors) FAIL_CHECK(e.message);
  return result;
}

const DataValue& data(const Finding& f, const std::string& key) {
  for (const auto& [k, v] : f.data) {
    if (k == key) return v;
  }
  FAIL("finding has no data field " << key << ": " << f.message);
  static const DataValue none;
  return none;
}

std::string data_string(const Finding& f, const std::string& key) {
  return std::get<std::string>(data(f, key));
}
int64_t data_int(const Finding& f, const std::string& key) {
  return std::get<int64_t>(data(f, key));
}

Lines notices_of(const CheckResult& r) {
  Lines out;
  for (const auto& n : r.notices) out.push_back(n.policy + ": " + n.message);
  return out;
}

// ---- PATCH-SLA -----------------------------------------------------------------------------

const char* kContractorServer = R"(
[[ci]]
id = "srv-01"
class = "server"
provided_by = "contractor"
)";

// One open vulnerability of srv-01; `more` adds fields (kev, kev_added ...).
std::string open_vuln(const std::string& cve, const std::string& cvss,
                      const std::string& first_seen, const std::string& more = "") {
  return "\n[[vulnerability]]\nci = \"srv-01\"\ncve = \"" + cve + "\"\ncvss = " + cvss +
         "\nfirst_seen = " + first_seen + "\nstatus = \"open\"\n" + more;
}

CheckResult patch_sla(const std::string& vulns, const std::string& as_of = "2026-11-23") {
  return check_toml(std::string(kContractorServer) + vulns, {"PATCH-SLA"}, as_of);
}

}  // namespace

TEST_CASE(
    "PATCH-SLA passes open vulnerabilities within their deadlines and leaves the others alone",
    "[policy][changes]") {
  const auto r = check_fixture("fixtures/rules/PATCH-SLA/pass", {"PATCH-SLA"});
  CHECK(finding_lines(r).empty());
  CHECK(r.notices.empty());
  // Only the contractor's live system is in scope: not the customer's, not the retired one.
  CHECK(r.checked.at("PATCH-SLA") == Lines{"srv-01"});
}

TEST_CASE("PATCH-SLA reports an overdue critical vulnerability with its due date and days overdue",
          "[policy][changes]") {
  const auto r = check_fixture("fixtures/rules/PATCH-SLA/fail-overdue", {"PATCH-SLA"});
  REQUIRE(
      finding_lines(r) ==
      Lines{
          "PATCH-SLA srv-01: open vulnerability CVE-2026-20001 (CVSS 9.8) is 7 day(s) overdue: due "
          "2026-11-16, 14 days after detection on 2026-11-02"});
  const Finding& f = r.findings[0];
  CHECK(f.severity == Severity::high);
  CHECK(f.clause == "003_43a5403071fef7fe.txt §7.4");
  CHECK(data_string(f, "due") == "2026-11-16");
  CHECK(data_int(f, "days_overdue") == 7);
  CHECK(data_string(f, "risk_class") == "critical");
  REQUIRE(f.evidence.size() == 1);
  CHECK(f.evidence[0].where.file == "fixtures/rules/PATCH-SLA/fail-overdue/estate.toml");
  CHECK(f.evidence[0].where.line > f.location.line);  // first_seen, below the CI
}

TEST_CASE("PATCH-SLA counts a KEV-listed vulnerability from its listing, and as critical",
          "[policy][changes]") {
  const auto r = check_fixture("fixtures/rules/PATCH-SLA/fail-kev-overdue", {"PATCH-SLA"});
  REQUIRE(
      finding_lines(r) ==
      Lines{
          "PATCH-SLA srv-01: open vulnerability CVE-2026-20002 (CVSS 8.8) is 2 day(s) overdue: due "
          "2026-11-21, 3 days after its CISA KEV listing on 2026-11-18"});
  CHECK(r.findings[0].severity == Severity::critical);
  CHECK(data_string(r.findings[0], "due") == "2026-11-21");
  CHECK(data_int(r.findings[0], "days_overdue") == 2);
  CHECK(data_string(r.findings[0], "risk_class") == "emergency");
}

TEST_CASE(
    "PATCH-SLA warns of a vulnerability due within the warning period, below overdue severity",
    "[policy][changes]") {
  const auto r = check_fixture("fixtures/rules/PATCH-SLA/fail-due-soon", {"PATCH-SLA"});
  REQUIRE(
      finding_lines(r) ==
      Lines{"PATCH-SLA srv-01: open vulnerability CVE-2026-20003 (CVSS 7.5) is due in 3 day(s), on "
            "2026-11-26: 30 days after detection on 2026-10-27"});
  CHECK(r.findings[0].severity == Severity::medium);
  CHECK(r.findings[0].severity < Severity::high);
  CHECK(data_string(r.findings[0], "due") == "2026-11-26");
  CHECK(data_int(r.findings[0], "days_overdue") == -3);
  // A shorter warning period, set without editing the policy, silences it.
  const SettingOverrides shorter{{"PATCH-SLA", {{"warning_days", int64_t{2}}}}};
  CHECK(finding_lines(check_fixture("fixtures/rules/PATCH-SLA/fail-due-soon", {"PATCH-SLA"},
                                    "2026-11-23", shorter))
            .empty());
}

TEST_CASE("PATCH-SLA counts the low class's 6 months in calendar months", "[policy][changes]") {
  const auto r = check_fixture("fixtures/rules/PATCH-SLA/fail-six-months", {"PATCH-SLA"});
  // 2026-05-15 + 6 months = 2026-11-15 (182 days would give 2026-11-13, 10 days overdue).
  REQUIRE(
      finding_lines(r) ==
      Lines{
          "PATCH-SLA srv-01: open vulnerability CVE-2026-20004 (CVSS 3.1) is 8 day(s) overdue: due "
          "2026-11-15, 6 months after detection on 2026-05-15"});
  CHECK(data_int(r.findings[0], "days_overdue") == 8);
  CHECK(data_string(r.findings[0], "risk_class") == "low");
}

TEST_CASE("PATCH-SLA ends a month period on the last day of a shorter month, leap years included",
          "[policy][changes]") {
  const std::string aug31 = open_vuln("CVE-2026-1", "2.0", "2026-08-31");
  CHECK(finding_lines(patch_sla(aug31, "2027-02-28")) ==
        Lines{"PATCH-SLA srv-01: open vulnerability CVE-2026-1 (CVSS 2.0) is due today, "
              "2027-02-28: 6 months "
              "after detection on 2026-08-31"});
  const auto after = patch_sla(aug31, "2027-03-01");
  REQUIRE(after.findings.size() == 1);
  CHECK(data_string(after.findings[0], "due") == "2027-02-28");
  CHECK(data_int(after.findings[0], "days_overdue") == 1);
  const auto leap = patch_sla(open_vuln("CVE-2027-1", "2.0", "2027-08-31"), "2028-02-29");
  REQUIRE(leap.findings.size() == 1);
  CHECK(data_string(leap.findings[0], "due") == "2028-02-29");
  CHECK(data_int(leap.findings[0], "days_overdue") == 0);
}

TEST_CASE("PATCH-SLA puts CVSS 7.0 and 9.0 into the higher class and 6.9, 8.9 into the lower",
          "[policy][changes]") {
  // All detected 2026-09-01: 14 days -> 2026-09-15, 30 -> 2026-10-01, 60 -> 2026-10-31,
  // 6 months -> 2027-03-01 (not yet due, outside the warning period). CVSS 0.0 has no deadline.
  const std::string vulns =
      open_vuln("CVE-A-9.0", "9.0", "2026-09-01") + open_vuln("CVE-B-8.9", "8.9", "2026-09-01") +
      open_vuln("CVE-C-7.0", "7.0", "2026-09-01") + open_vuln("CVE-D-6.9", "6.9", "2026-09-01") +
      open_vuln("CVE-E-4.0", "4.0", "2026-09-01") + open_vuln("CVE-F-3.9", "3.9", "2026-09-01") +
      open_vuln("CVE-G-0.1", "0.1", "2026-05-01") + open_vuln("CVE-H-0.0", "0.0", "2020-01-01");
  const auto r = patch_sla(vulns);
  CHECK(finding_lines(r) == Lines{"PATCH-SLA srv-01: open vulnerability CVE-A-9.0 (CVSS 9.0) is 69 "
                                  "day(s) overdue: due 2026-09-15, "
                                  "14 days after detection on 2026-09-01",
                                  "PATCH-SLA srv-01: open vulnerability CVE-B-8.9 (CVSS 8.9) is 53 "
                                  "day(s) overdue: due 2026-10-01, "
                                  "30 days after detection on 2026-09-01",
                                  "PATCH-SLA srv-01: open vulnerability CVE-C-7.0 (CVSS 7.0) is 53 "
                                  "day(s) overdue: due 2026-10-01, "
                                  "30 days after detection on 2026-09-01",
                                  "PATCH-SLA srv-01: open vulnerability CVE-D-6.9 (CVSS 6.9) is 23 "
                                  "day(s) overdue: due 2026-10-31, "
                                  "60 days after detection on 2026-09-01",
                                  "PATCH-SLA srv-01: open vulnerability CVE-E-4.0 (CVSS 4.0) is 23 "
                                  "day(s) overdue: due 2026-10-31, "
                                  "60 days after detection on 2026-09-01",
                                  "PATCH-SLA srv-01: open vulnerability CVE-G-0.1 (CVSS 0.1) is 22 "
                                  "day(s) overdue: due 2026-11-01, "
                                  "6 months after detection on 2026-05-01"});
}

TEST_CASE("PATCH-SLA: a vulnerability due on the evaluation date is due, not overdue",
          "[policy][changes]") {
  const std::string vuln = open_vuln("CVE-2026-2", "9.5", "2026-11-09");  // due 2026-11-23
  const auto before = patch_sla(vuln, "2026-11-22");
  REQUIRE(before.findings.size() == 1);
  CHECK(data_int(before.findings[0], "days_overdue") == -1);
  const auto on_the_day = patch_sla(vuln, "2026-11-23");
  REQUIRE(finding_lines(on_the_day) == Lines{"PATCH-SLA srv-01: open vulnerability CVE-2026-2 "
                                             "(CVSS 9.5) is due today, 2026-11-23: 14 days "
                                             "after detection on 2026-11-09"});
  CHECK(on_the_day.findings[0].severity == Severity::medium);
  CHECK(data_int(on_the_day.findings[0], "days_overdue") == 0);
  const auto after = patch_sla(vuln, "2026-11-24");
  REQUIRE(finding_lines(after) == Lines{"PATCH-SLA srv-01: open vulnerability CVE-2026-2 (CVSS "
                                        "9.5) is 1 day(s) overdue: due 2026-11-23, "
                                        "14 days after detection on 2026-11-09"});
  CHECK(after.findings[0].severity == Severity::high);
  CHECK(data_int(after.findings[0], "days_overdue") == 1);
}

TEST_CASE("PATCH-SLA warns exactly up to the end of the warning period", "[policy][changes]") {
  // Due 2026-11-30: 7 days ahead is inside the default 7-day period; 8 days ahead is not.
  const std::string vuln = open_vuln("CVE-2026-3", "9.5", "2026-11-16");
  const auto seven = patch_sla(vuln, "2026-11-23");
  REQUIRE(seven.findings.size() == 1);
  CHECK(data_int(seven.findings[0], "days_overdue") == -7);
  CHECK(finding_lines(patch_sla(vuln, "2026-11-22")).empty());
}

TEST_CASE(
    "PATCH-SLA applies the KEV class from CVSS 7.0, literally from the listing, never later than "
    "the "
    "CVSS class",
    "[policy][changes]") {
  // Listed long before it was found here: the 3 days run from the listing.
  const auto listed_before = patch_sla(
      open_vuln("CVE-2026-4", "7.0", "2026-11-20", "kev = true\nkev_added = 2026-10-01\n"));
  REQUIRE(finding_lines(listed_before) == Lines{"PATCH-SLA srv-01: open vulnerability CVE-2026-4 "
                                                "(CVSS 7.0) is 50 day(s) overdue: due 2026-10-04, "
                                                "3 days after its CISA KEV listing on 2026-10-01"});
  CHECK(listed_before.findings[0].severity == Severity::critical);
  // Listed after its critical deadline had passed: the earlier deadline stands.
  const auto listed_late = patch_sla(
      open_vuln("CVE-2026-5", "9.8", "2026-11-01", "kev = true\nkev_added = 2026-11-20\n"));
  REQUIRE(finding_lines(listed_late) == Lines{"PATCH-SLA srv-01: open vulnerability CVE-2026-5 "
                                              "(CVSS 9.8) is 8 day(s) overdue: due 2026-11-15, "
                                              "14 days after detection on 2026-11-01"});
  CHECK(data_string(listed_late.findings[0], "risk_class") == "critical");
  CHECK(listed_late.findings[0].severity == Severity::high);
  // KEV below CVSS 7.0 is no Emergency: 60 days from detection.
  CHECK(finding_lines(patch_sla(open_vuln("CVE-2026-6", "6.9", "2026-11-01",
                                          "kev = true\nkev_added = 2026-11-01\n")))
            .empty());
  // A listing date without the kev flag still is a KEV listing.
  const auto date_only =
      patch_sla(open_vuln("CVE-2026-10", "7.5", "2026-11-10", "kev_added = 2026-11-18\n"));
  REQUIRE(date_only.findings.size() == 1);
  CHECK(data_string(date_only.findings[0], "due") == "2026-11-21");
  // KEV without a listing date: counted from detection.
  const auto no_date = patch_sla(open_vuln("CVE-2026-7", "8.0", "2026-11-10", "kev = true\n"));
  REQUIRE(finding_lines(no_date) ==
          Lines{"PATCH-SLA srv-01: open vulnerability CVE-2026-7 (CVSS 8.0) is 10 day(s) overdue: "
                "due 2026-11-13, "
                "3 days after detection on 2026-11-10 (KEV-listed, listing date not recorded)"});
}

TEST_CASE("PATCH-SLA lists an overdue risk-accepted vulnerability as info only",
          "[policy][changes]") {
  const auto r =
      check_fixture("fixtures/rules/PATCH-SLA/fail-risk-accepted-overdue", {"PATCH-SLA"});
  REQUIRE(finding_lines(r) == Lines{"PATCH-SLA srv-01: vulnerability CVE-2026-20005 (CVSS 5.4) is "
                                    "risk-accepted and not held to its "
                                    "deadline, which passed 23 day(s) ago: due 2026-10-31, 60 days "
                                    "after detection on 2026-09-01"});
  CHECK(r.findings[0].severity == Severity::info);
  CHECK(data_int(r.findings[0], "days_overdue") == 23);
  const SettingOverrides quiet{{"PATCH-SLA", {{"list_risk_accepted", false}}}};
  CHECK(finding_lines(check_fixture("fixtures/rules/PATCH-SLA/fail-risk-accepted-overdue",
                                    {"PATCH-SLA"}, "2026-11-23", quiet))
            .empty());
}

TEST_CASE("PATCH-SLA reports an open vulnerability whose deadline cannot be computed",
          "[policy][changes]") {
  const auto r = check_fixture("fixtures/rules/PATCH-SLA/fail-no-first-seen", {"PATCH-SLA"});
  REQUIRE(finding_lines(r) == Lines{"PATCH-SLA srv-01: open vulnerability CVE-2026-20006 records "
                                    "no first_seen: its patch deadline "
                                    "cannot be computed"});
  CHECK(r.findings[0].severity == Severity::low);
  const auto no_cvss = patch_sla(
      "\n[[vulnerability]]\nci = \"srv-01\"\ncve = \"CVE-2026-8\"\nfirst_seen = 2026-11-01\n"
      "status = \"open\"\n");
  CHECK(finding_lines(no_cvss) ==
        Lines{"PATCH-SLA srv-01: open vulnerability CVE-2026-8 records no cvss: its patch "
              "deadline cannot be computed"});
}

TEST_CASE("PATCH-SLA says once that the estate has no vulnerability records", "[policy][changes]") {
  const auto r = check_toml(kContractorServer, {"PATCH-SLA"});
  CHECK(r.findings.empty());
  CHECK(notices_of(r) ==
        Lines{"PATCH-SLA: the estate has no vulnerability records ([[vulnerability]]); patch "
              "deadlines cannot be checked"});
}

TEST_CASE("PATCH-SLA takes its deadline table from the settings", "[policy][changes]") {
  // A stricter contract: critical in 7 days.
  const SettingOverrides stricter{
      {"PATCH-SLA",
       {{"classes",
         nlohmann::ordered_json::parse(R"([{"name": "critical", "min_cvss": 9.0, "days": 7}])")}}}};
  const auto r =
      check_toml_with(std::string(kContractorServer) + open_vuln("CVE-2026-9", "9.8", "2026-11-10"),
                      "PATCH-SLA", "2026-11-23", stricter);
  REQUIRE(r.findings.size() == 1);
  CHECK(data_string(r.findings[0], "due") == "2026-11-17");
  CHECK(data_int(r.findings[0], "days_overdue") == 6);
}

// ---- MAINT-WINDOW --------------------------------------------------------------------------

namespace {

const char* kChangeCis = R"(
[[ci]]
id = "app-01"
class = "server"
environment = "prod"
[[ci]]
id = "app-test-01"
class = "server"
environment = "test"
)";

// A change touching app-01 (prod) or app-test-01 (test).
std::string change(const std::string& id, const std::string& env, const std::string& start,
                   const std::string& end, bool downtime, const std::string& announced = "") {
  std::string s = "\n[[change]]\nid = \"" + id + "\"\nenvironment = \"" + env +
                  "\"\nstart = " + start + "\nend = " + end +
                  "\ndowntime = " + (downtime ? "true" : "false") + "\nkind = \"config\"\n";
  if (!announced.empty()) s += "announced_at = " + announced + "\n";
  s += env == "test" ? "cis = [\"app-test-01\"]\n" : env == "prod" ? "cis = [\"app-01\"]\n" : "";
  return s;
}

CheckResult maint(const std::string& changes) {
  return check_toml(std::string(kChangeCis) + changes, {"MAINT-WINDOW"});
}

}  // namespace

TEST_CASE("MAINT-WINDOW passes changes in their windows, at the windows' edges",
          "[policy][changes]") {
  const auto r = check_fixture("fixtures/rules/MAINT-WINDOW/pass", {"MAINT-WINDOW"});
  CHECK(finding_lines(r).empty());
  CHECK(r.notices.empty());
  CHECK(r.checked.at("MAINT-WINDOW") == Lines{"app-01", "app-test-01"});
}

TEST_CASE("MAINT-WINDOW reports a prod change outside every window", "[policy][changes]") {
  const auto r = check_fixture("fixtures/rules/MAINT-WINDOW/fail-outside-window", {"MAINT-WINDOW"});
  REQUIRE(finding_lines(r) ==
          Lines{"MAINT-WINDOW app-01: CHG-P9 (prod) runs Sun 2026-11-29 10:00-12:00 +01:00, "
                "outside every prod maintenance window"});
  const Finding& f = r.findings[0];
  CHECK(f.severity == Severity::medium);
  CHECK(f.clause == "000_a90e8a8b6ae18376.txt §5.8.9–5.8.11");
  REQUIRE_FALSE(f.evidence.empty());
  CHECK(f.evidence[0].fact == "change CHG-P9 (prod)");
  CHECK(f.evidence.back().fact ==
        "prod windows: small window without downtime (Mon-Fri 07:00-17:00); small window with "
        "downtime "
        "(Mon-Fri 17:00-22:00); large window (Sat 00:00-24:00)");
}

TEST_CASE("MAINT-WINDOW reports downtime in the prod window without downtime",
          "[policy][changes]") {
  CHECK(
      finding_lines(check_fixture("fixtures/rules/MAINT-WINDOW/fail-downtime", {"MAINT-WINDOW"})) ==
      Lines{"MAINT-WINDOW app-01: CHG-P9 (prod) runs Tue 2026-11-24 10:00-11:00 +01:00 with "
            "downtime, which the "
            "small window without downtime (Mon-Fri 07:00-17:00) does not allow"});
}

TEST_CASE("MAINT-WINDOW reports a large window announced less than 14 days ahead",
          "[policy][changes]") {
  CHECK(finding_lines(
            check_fixture("fixtures/rules/MAINT-WINDOW/fail-late-notice", {"MAINT-WINDOW"})) ==
        Lines{"MAINT-WINDOW app-01: CHG-P9 (prod) runs Sat 2026-11-28 08:00-14:00 +01:00 and was "
              "announced 9d 23h "
              "before its start; the large window (Sat 00:00-24:00) needs 14 day(s)' notice"});
}

TEST_CASE("MAINT-WINDOW reports a second large window in one month", "[policy][changes]") {
  CHECK(finding_lines(check_fixture("fixtures/rules/MAINT-WINDOW/fail-large-window-twice",
                                    {"MAINT-WINDOW"})) ==
        Lines{"MAINT-WINDOW app-01: CHG-P9 (prod) uses the large window on 2026-11-21, a further "
              "day in 2026-11 "
              "after 2026-11-07; the window may be used on at most 1 day(s) a month"});
}

TEST_CASE("MAINT-WINDOW lists an emergency change as info", "[policy][changes]") {
  const auto r =
      check_fixture("fixtures/rules/MAINT-WINDOW/fail-emergency-listed", {"MAINT-WINDOW"});
  REQUIRE(finding_lines(r) ==
          Lines{"MAINT-WINDOW app-01: CHG-E1 (prod) is an emergency change at Sun 2026-11-22 "
                "03:00 +01:00: the emergency window allows it at any time; listed for review"});
  CHECK(r.findings[0].severity == Severity::info);
  // An emergency fix counts as an emergency even when the flag is not set.
  std::string emergency_fix =
      change("CHG-E3", "prod", "2026-11-22T03:00:00+01:00", "2026-11-22T04:00:00+01:00", true);
  emergency_fix.replace(emergency_fix.find("kind = \"config\""), 15, "kind = \"emergency_fix\"");
  const auto listed = maint(emergency_fix);
  REQUIRE(listed.findings.size() == 1);
  CHECK(listed.findings[0].severity == Severity::info);
}

TEST_CASE("MAINT-WINDOW: a window's start and end belong to it, a minute beyond does not",
          "[policy][changes]") {
  // Wednesday 2026-11-25, prod, no downtime: 07:00-17:00 fits; 06:59 and 17:01 do not.
  CHECK(finding_lines(maint(change("C1", "prod", "2026-11-25T07:00:00+01:00",
                                   "2026-11-25T17:00:00+01:00", false)))
            .empty());
  CHECK(finding_lines(maint(change("C2", "prod", "2026-11-25T06:59:00+01:00",
                                   "2026-11-25T08:00:00+01:00", false))) ==
        Lines{"MAINT-WINDOW app-01: C2 (prod) runs Wed 2026-11-25 06:59-08:00 +01:00, outside "
              "every prod maintenance "
              "window"});
  CHECK(finding_lines(maint(change("C3", "prod", "2026-11-25T16:00:00+01:00",
                                   "2026-11-25T17:01:00+01:00", false))) ==
        Lines{"MAINT-WINDOW app-01: C3 (prod) runs Wed 2026-11-25 16:00-17:01 +01:00, outside "
              "every prod maintenance "
              "window"});
  // Work without downtime may use the downtime window too, without notice; 22:00 ends it.
  CHECK(finding_lines(maint(change("C4", "prod", "2026-11-25T17:00:00+01:00",
                                   "2026-11-25T22:00:00+01:00", false)))
            .empty());
  CHECK(finding_lines(maint(change("C5", "prod", "2026-11-25T21:30:00+01:00",
                                   "2026-11-25T22:30:00+01:00", false)))
            .size() == 1);
  // The large window ends at Saturday 24:00: a change into Sunday does not fit.
  CHECK(finding_lines(
            maint(change("C6", "prod", "2026-11-28T23:00:00+01:00", "2026-11-29T01:00:00+01:00",
                         true, "2026-11-01T00:00:00+01:00"))) ==
        Lines{"MAINT-WINDOW app-01: C6 (prod) runs Sat 2026-11-28 23:00 +01:00 to Sun 2026-11-29 "
              "01:00 +01:00, "
              "outside every prod maintenance window"});
}

TEST_CASE("MAINT-WINDOW reads the time of day in the change's own UTC offset",
          "[policy][changes]") {
  // The same instant: 07:30 at +01:00 is in the window; written as 06:30Z it is not.
  CHECK(finding_lines(maint(change("C1", "prod", "2026-11-25T07:30:00+01:00",
                                   "2026-11-25T08:30:00+01:00", false)))
            .empty());
  CHECK(finding_lines(
            maint(change("C2", "prod", "2026-11-25T06:30:00Z", "2026-11-25T07:30:00Z", false))) ==
        Lines{"MAINT-WINDOW app-01: C2 (prod) runs Wed 2026-11-25 06:30-07:30 +00:00, outside "
              "every prod maintenance "
              "window"});
}

TEST_CASE("MAINT-WINDOW needs the full notice period, to the minute", "[policy][changes]") {
  // Thursday 17:00 with downtime: 3 days = 72 hours.
  CHECK(finding_lines(maint(change("C1", "prod", "2026-11-26T17:00:00+01:00",
                                   "2026-11-26T18:00:00+01:00", true, "2026-11-23T17:00:00+01:00")))
            .empty());
  const auto short_by_a_minute =
      maint(change("C2", "prod", "2026-11-26T17:00:00+01:00", "2026-11-26T18:00:00+01:00", true,
                   "2026-11-23T17:01:00+01:00"));
  REQUIRE(finding_lines(short_by_a_minute) ==
          Lines{"MAINT-WINDOW app-01: C2 (prod) runs Thu 2026-11-26 17:00-18:00 +01:00 and was "
                "announced 2d 23h 59m "
                "before its start; the small window with downtime (Mon-Fri 17:00-22:00) needs 3 "
                "day(s)' notice for "
                "work with downtime"});
  CHECK(data_int(short_by_a_minute.findings[0], "notice_days") == 3);
  CHECK(finding_lines(maint(change("C3", "prod", "2026-11-26T17:00:00+01:00",
                                   "2026-11-26T18:00:00+01:00", true))) ==
        Lines{"MAINT-WINDOW app-01: C3 (prod) runs Thu 2026-11-26 17:00-18:00 +01:00 and records "
              "no announcement "
              "(announced_at); the small window with downtime (Mon-Fri 17:00-22:00) needs 3 "
              "day(s)' notice for "
              "work with downtime"});
}

TEST_CASE("MAINT-WINDOW applies the test windows: small with a day's notice, regular on Thursdays",
          "[policy][changes]") {
  // Thursday 08:00 with downtime, announced 2 days ahead: too late for the regular window (3 days),
  // in time for the small window 07:00-09:00 (1 day).
  CHECK(finding_lines(maint(change("T1", "test", "2026-11-26T08:00:00+01:00",
                                   "2026-11-26T09:00:00+01:00", true, "2026-11-24T08:00:00+01:00")))
            .empty());
  // Monday 10:00 is no test window; 15:00 announced 23 hours ahead is too late.
  CHECK(finding_lines(maint(change("T2", "test", "2026-11-23T10:00:00+01:00",
                                   "2026-11-23T11:00:00+01:00", false)))
            .size() == 1);
  CHECK(finding_lines(
            maint(change("T3", "test", "2026-11-23T15:00:00+01:00", "2026-11-23T16:00:00+01:00",
                         true, "2026-11-22T16:00:00+01:00"))) ==
        Lines{"MAINT-WINDOW app-test-01: T3 (test) runs Mon 2026-11-23 15:00-16:00 +01:00 and was "
              "announced 0d 23h "
              "before its start; the small window (Mon-Fri 15:00-17:00) needs 1 day(s)' notice for "
              "work with "
              "downtime"});
}

TEST_CASE("MAINT-WINDOW allows a small window once a week, any number of changes on that day",
          "[policy][changes]") {
  const auto r =
      maint(change("C1", "prod", "2026-11-23T09:00:00+01:00", "2026-11-23T10:00:00+01:00", false) +
            change("C2", "prod", "2026-11-23T11:00:00+01:00", "2026-11-23T12:00:00+01:00", false) +
            change("C3", "prod", "2026-11-25T09:00:00+01:00", "2026-11-25T10:00:00+01:00", false) +
            change("C4", "prod", "2026-11-30T09:00:00+01:00", "2026-11-30T10:00:00+01:00", false));
  CHECK(finding_lines(r) ==
        Lines{"MAINT-WINDOW app-01: C3 (prod) uses the small window without downtime on "
              "2026-11-25, a further day in the week of 2026-11-23 after 2026-11-23; the window "
              "may be used on at most 1 day(s) a week"});
}

TEST_CASE("MAINT-WINDOW leaves dev alone and says what it could not check", "[policy][changes]") {
  const auto dev =
      maint(change("D1", "dev", "2026-11-29T03:00:00+01:00", "2026-11-29T04:00:00+01:00", true));
  CHECK(dev.findings.empty());
  CHECK(dev.notices.empty());
  const auto dr =
      maint(change("R1", "dr", "2026-11-29T03:00:00+01:00", "2026-11-29T04:00:00+01:00", true));
  CHECK(dr.findings.empty());
  CHECK(notices_of(dr) ==
        Lines{"MAINT-WINDOW: 1 change(s) not checked: no maintenance window table for their "
              "environment (settings.windows): R1 (dr)"});
  const auto none = check_toml(kChangeCis, {"MAINT-WINDOW"});
  CHECK(notices_of(none) ==
        Lines{"MAINT-WINDOW: the estate has no change records ([[change]]); maintenance windows "
              "cannot be checked"});
}

TEST_CASE("MAINT-WINDOW reports a planned change without an end it cannot place",
          "[policy][changes]") {
  std::string c =
      change("C1", "prod", "2026-11-25T10:00:00+01:00", "2026-11-25T11:00:00+01:00", false);
  c.erase(c.find("end = "), std::string("end = 2026-11-25T11:00:00+01:00\n").size());
  const auto r = maint(c);
  REQUIRE(finding_lines(r) == Lines{"MAINT-WINDOW app-01: C1 (prod) records no end: it cannot be "
                                    "placed in a maintenance window"});
  CHECK(r.findings[0].severity == Severity::low);
}

TEST_CASE("MAINT-WINDOW reports a change without CIs once, at the change", "[policy][changes]") {
  std::string c =
      change("C1", "prod", "2026-11-29T10:00:00+01:00", "2026-11-29T11:00:00+01:00", false);
  c.erase(c.find("cis = "));
  const auto r = maint(c);
  REQUIRE(finding_lines(r) ==
          Lines{"MAINT-WINDOW : C1 (prod) runs Sun 2026-11-29 10:00-11:00 +01:00, outside every "
                "prod maintenance window"});
  CHECK(r.findings[0].location.file == "inline.toml");
  CHECK(r.findings[0].location.line > 0);
}

// ---- RELEASE-PATH --------------------------------------------------------------------------

TEST_CASE("RELEASE-PATH passes a release that went dev, then test, then prod",
          "[policy][changes]") {
  const auto r = check_fixture("fixtures/rules/RELEASE-PATH/pass", {"RELEASE-PATH"});
  CHECK(finding_lines(r).empty());
  CHECK(r.notices.empty());
  CHECK(r.checked.at("RELEASE-PATH") == Lines{"app-01", "app-test-01"});
}

TEST_CASE("RELEASE-PATH reports a release that skipped test", "[policy][changes]") {
  const auto r = check_fixture("fixtures/rules/RELEASE-PATH/fail-skipped-test", {"RELEASE-PATH"});
  REQUIRE(finding_lines(r) == Lines{"RELEASE-PATH app-01: release 2.0 reaches prod in CHG-P1 "
                                    "without any test deployment of that release"});
  CHECK(r.findings[0].severity == Severity::high);
  CHECK(r.findings[0].clause == "000_a90e8a8b6ae18376.txt §5.1–5.5");
  CHECK(data_string(r.findings[0], "missing_stage") == "test");
  // With a two-stage path, the same estate passes.
  const SettingOverrides two_stages{
      {"RELEASE-PATH", {{"stages", nlohmann::ordered_json::array({"dev", "prod"})}}}};
  CHECK(finding_lines(check_fixture("fixtures/rules/RELEASE-PATH/fail-skipped-test",
                                    {"RELEASE-PATH"}, "2026-11-23", two_stages))
            .empty());
}

TEST_CASE("RELEASE-PATH reports prod starting before the test deployment ended",
          "[policy][changes]") {
  CHECK(finding_lines(
            check_fixture("fixtures/rules/RELEASE-PATH/fail-test-not-ended", {"RELEASE-PATH"})) ==
        Lines{"RELEASE-PATH app-01: release 2.0 reaches prod in CHG-P1 before its test deployment "
              "was completed"});
}

TEST_CASE("RELEASE-PATH reports test before dev, at test and at prod", "[policy][changes]") {
  CHECK(finding_lines(
            check_fixture("fixtures/rules/RELEASE-PATH/fail-test-before-dev", {"RELEASE-PATH"})) ==
        Lines{"RELEASE-PATH app-01: release 2.0 reaches prod in CHG-P1, but its test deployment "
              "did not follow a "
              "completed dev deployment",
              "RELEASE-PATH app-test-01: release 2.0 reaches test in CHG-T1 before its dev "
              "deployment was completed"});
}

TEST_CASE("RELEASE-PATH reports a prod release change that names no release", "[policy][changes]") {
  CHECK(finding_lines(
            check_fixture("fixtures/rules/RELEASE-PATH/fail-no-release", {"RELEASE-PATH"})) ==
        Lines{"RELEASE-PATH app-01: CHG-P1 is a release change in prod that names no release: its "
              "path through dev "
              "and test cannot be proven"});
}

TEST_CASE("RELEASE-PATH names every missing stage and says when it has nothing to check",
          "[policy][changes]") {
  std::string prod_only =
      change("P1", "prod", "2026-11-28T08:00:00+01:00", "2026-11-28T09:00:00+01:00", true);
  prod_only.replace(prod_only.find("kind = \"config\""), 15,
                    "kind = \"release\"\nrelease = \"3.0\"");
  CHECK(finding_lines(check_toml(std::string(kChangeCis) + prod_only, {"RELEASE-PATH"})) ==
        Lines{"RELEASE-PATH app-01: release 3.0 reaches prod in P1 without any dev or test "
              "deployment of that "
              "release"});
  const auto configs =
      check_toml(std::string(kChangeCis) + change("C1", "prod", "2026-11-25T10:00:00+01:00",
                                                  "2026-11-25T11:00:00+01:00", false),
                 {"RELEASE-PATH"});
  CHECK(configs.findings.empty());
  CHECK(notices_of(configs) == Lines{"RELEASE-PATH: no release change (kind = \"release\") in "
                                     "test, prod; release paths have nothing to check"});
  CHECK(notices_of(check_toml(kChangeCis, {"RELEASE-PATH"})) ==
        Lines{"RELEASE-PATH: the estate has no change records ([[change]]); release paths cannot "
              "be checked"});
}

// ---- PATCH-VIA-CHANGE ----------------------------------------------------------------------

TEST_CASE("PATCH-VIA-CHANGE passes fixes installed by patch and emergency changes, CMDB updated",
          "[policy][changes]") {
  const auto r = check_fixture("fixtures/rules/PATCH-VIA-CHANGE/pass", {"PATCH-VIA-CHANGE"});
  CHECK(finding_lines(r).empty());
  CHECK(r.notices.empty());
  CHECK(r.checked.at("PATCH-VIA-CHANGE") == Lines{"srv-01", "srv-02"});
}

TEST_CASE("PATCH-VIA-CHANGE reports a fix that names no change", "[policy][changes]") {
  const auto r =
      check_fixture("fixtures/rules/PATCH-VIA-CHANGE/fail-no-change", {"PATCH-VIA-CHANGE"});
  REQUIRE(finding_lines(r) == Lines{"PATCH-VIA-CHANGE srv-01: CVE-2026-30001 is marked fixed "
                                    "without naming the change that installed the "
                                    "fix"});
  CHECK(r.findings[0].severity == Severity::medium);
  CHECK(r.findings[0].clause == "002_9168eeb60e2c8c67.txt §SPM");
}

TEST_CASE("PATCH-VIA-CHANGE reports a fix by a change that is not a patch", "[policy][changes]") {
  CHECK(finding_lines(check_fixture("fixtures/rules/PATCH-VIA-CHANGE/fail-wrong-kind",
                                    {"PATCH-VIA-CHANGE"})) ==
        Lines{"PATCH-VIA-CHANGE srv-01: CVE-2026-30001 was fixed by CHG-1, a change of kind "
              "config, not a patch or "
              "emergency_fix"});
}

TEST_CASE("PATCH-VIA-CHANGE reports a fix by a change that did not touch the CI",
          "[policy][changes]") {
  CHECK(finding_lines(check_fixture("fixtures/rules/PATCH-VIA-CHANGE/fail-not-touched",
                                    {"PATCH-VIA-CHANGE"})) ==
        Lines{"PATCH-VIA-CHANGE srv-02: CVE-2026-30001 was fixed by CHG-1, which does not touch "
              "srv-02"});
}

TEST_CASE("PATCH-VIA-CHANGE reports a CMDB record older than the fixing change's end",
          "[policy][changes]") {
  const auto r =
      check_fixture("fixtures/rules/PATCH-VIA-CHANGE/fail-cmdb-stale", {"PATCH-VIA-CHANGE"});
  REQUIRE(finding_lines(r) ==
          Lines{"PATCH-VIA-CHANGE srv-01: the CMDB record of srv-01 (updated_at "
                "2026-11-10T08:00:00Z) is older than "
                "the end of CHG-1 (2026-11-12T21:00:00+01:00), which fixed CVE-2026-30001"});
  CHECK(r.findings[0].severity == Severity::low);
}

TEST_CASE("PATCH-VIA-CHANGE reports a fix credited to a change missing from the estate",
          "[policy][changes]") {
  CHECK(finding_lines(check_fixture("fixtures/rules/PATCH-VIA-CHANGE/fail-unknown-change",
                                    {"PATCH-VIA-CHANGE"})) ==
        Lines{"PATCH-VIA-CHANGE srv-01: CVE-2026-30001 names CHG-404 as its fix, a change that is "
              "not in the estate"});
}

namespace {

const char* kPatchBase = R"(
[[ci]]
id = "srv-01"
class = "server"
updated_at = 2026-11-10T00:00:00Z
[[change]]
id = "CHG-1"
environment = "prod"
start = 2026-11-12T18:00:00+01:00
end = 2026-11-12T21:00:00+01:00
kind = "patch"
cis = ["srv-01"]
)";

std::string fixed_vuln(const std::string& cve, const std::string& fixed_at,
                       const std::string& change) {
  return "\n[[vulnerability]]\nci = \"srv-01\"\ncve = \"" + cve +
         "\"\ncvss = 9.8\nfirst_seen = 2026-11-01\n"
         "status = \"fixed\"\nfixed_at = " +
         fixed_at + "\nfixed_by_change = \"" + change + "\"\n";
}

}  // namespace

TEST_CASE(
    "PATCH-VIA-CHANGE reports one stale CMDB record per CI and change, and fixes dated before the "
    "change",
    "[policy][changes]") {
  const auto r = check_toml(std::string(kPatchBase) + fixed_vuln("CVE-1", "2026-11-12", "CHG-1") +
                                fixed_vuln("CVE-2", "2026-11-11", "CHG-1"),
                            {"PATCH-VIA-CHANGE"});
  CHECK(finding_lines(r) ==
        Lines{"PATCH-VIA-CHANGE srv-01: CVE-2 was fixed on 2026-11-11, before CHG-1 started "
              "(2026-11-12T18:00:00+01:00)",
              "PATCH-VIA-CHANGE srv-01: the CMDB record of srv-01 (updated_at "
              "2026-11-10T00:00:00Z) is older than the "
              "end of CHG-1 (2026-11-12T21:00:00+01:00), which fixed CVE-1, CVE-2"});
}

TEST_CASE("PATCH-VIA-CHANGE says once what data it lacks", "[policy][changes]") {
  CHECK(notices_of(check_toml(kContractorServer, {"PATCH-VIA-CHANGE"})) ==
        Lines{"PATCH-VIA-CHANGE: the estate has no vulnerability records ([[vulnerability]]); "
              "patches cannot be traced "
              "to changes"});
  const auto nothing_fixed =
      check_toml(std::string(kContractorServer) + open_vuln("CVE-1", "5.0", "2026-11-20"),
                 {"PATCH-VIA-CHANGE"});
  CHECK(nothing_fixed.findings.empty());
  CHECK(notices_of(nothing_fixed) == Lines{"PATCH-VIA-CHANGE: no vulnerability is marked fixed; "
                                           "there is no patch to trace to a change"});
  // Without change records, a named change cannot be verified (said once); a missing name still
  // is a finding.
  const auto no_changes =
      check_toml(std::string(kContractorServer) + fixed_vuln("CVE-1", "2026-11-12", "CHG-1") +
                     "\n[[vulnerability]]\nci = \"srv-01\"\ncve = \"CVE-2\"\nstatus = \"fixed\"\n",
                 {"PATCH-VIA-CHANGE"});
  CHECK(finding_lines(no_changes) == Lines{"PATCH-VIA-CHANGE srv-01: CVE-2 is marked fixed without "
                                           "naming the change that installed the fix"});
  CHECK(notices_of(no_changes) ==
        Lines{"PATCH-VIA-CHANGE: the estate has no change records ([[change]]); the changes "
              "named by 1 fixed vulnerability cannot be verified"});
}
