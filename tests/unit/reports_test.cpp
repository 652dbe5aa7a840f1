// Tests of the report formats for CI pipelines and auditors: SARIF, JUnit, Markdown, HTML, CSV.
// Golden files on the sample estate pin each format; validity is checked by the consumers'
// own rules: SARIF against the OASIS schema (python3-jsonschema), JUnit XML by a parser and
// Jenkins' junit-10.xsd structure, HTML by rendering it in headless Chromium, CSV by Python's
// csv module. Hostile strings in every field must come out as text.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <tuple>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "checker/cli/outputs.h"
#include "reports/escape.h"
#include "reports/json_finding.h"
#include "reports/report.h"
#include "reports/writers.h"
#include "tests/unit/support.h"

using topocheck::testing::read_file;
using topocheck::testing::run_topocheck;
using topocheck::testing::TempDir;
namespace fs = std::filesystem;

namespace topocheck {
namespace {

void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

std::string quote(const std::string& s) {
  std::string q = "'";
  for (const char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

struct Shell {
  int exit_code = -1;
  std::string out;
  std::string err;
};

Shell run_shell(const std::string& command) {
  const TempDir dir("reports");
  const std::string out = dir.path("out"), err = dir.path("err");
  const int status = std::system((command + " >" + quote(out) + " 2>" + quote(err) + " </dev/null").c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_file(out), read_file(err)};
}

// Debian's python3 with python3-jsonschema; not a pyenv or virtualenv python from PATH.
Shell run_python(const std::string& script, const std::vector<std::string>& args) {
  const TempDir dir("reports");
  const std::string path = dir.path("check.py");
  write_text(path, script);
  std::string command = "/usr/bin/python3 " + quote(path);
  for (const std::string& a : args) command += " " + quote(a);
  return run_shell(command);
}

std::string sarif_schema_path() { return std::string(TOPOCHECK_SHARED_DIR) + "/schemas/sarif-schema-2.1.0.json"; }

// Validates with the validator the schema declares (draft 4 for SARIF 2.1.0); prints each error.
constexpr const char* kValidateSarif = R"(
import json, sys, jsonschema
schema = json.load(open(sys.argv[1], encoding="utf-8"))
log = json.load(open(sys.argv[2], encoding="utf-8"))
validator = jsonschema.validators.validator_for(schema)(schema)
errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
for e in errors[:20]:
    print("/".join(str(p) for p in e.path), ":", e.message)
sys.exit(1 if errors else 0)
)";

void require_valid_sarif(const std::string& file) {
  INFO("schema: " << sarif_schema_path());
  REQUIRE(fs::exists(sarif_schema_path()));  // a missing schema fails, it does not skip
  const Shell r = run_python(kValidateSarif, {sarif_schema_path(), file});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
}

// Well-formed XML (minidom), and the structure of Jenkins' junit-10.xsd: which elements may hold
// which, their attributes and the required ones; the counts agree with the testcases.
constexpr const char* kValidateJunit = R"(
import sys, xml.dom.minidom
TEXT = None  # text content only
RULES = {
  "testsuites": ({"name", "time", "tests", "failures", "errors"}, set(), {"testsuite"}),
  "testsuite": ({"name", "tests", "failures", "errors", "group", "time", "skipped", "timestamp",
                 "hostname", "id", "package", "file", "log", "url"}, {"name", "tests", "failures", "errors"},
                {"testsuite", "properties", "testcase", "system-out", "system-err"}),
  "properties": (set(), set(), {"property"}),
  "property": ({"name", "value"}, {"name", "value"}, set()),
  "testcase": ({"name", "time", "classname", "group"}, {"name"},
               {"skipped", "error", "failure", "system-out", "system-err"}),
  "failure": ({"type", "message"}, set(), TEXT),
  "error": ({"type", "message"}, set(), TEXT),
  "skipped": ({"type", "message"}, set(), TEXT),
  "system-out": (set(), set(), TEXT),
  "system-err": (set(), set(), TEXT),
}
problems = []
def check(el):
    allowed, required, children = RULES[el.tagName]
    attrs = set(el.attributes.keys())
    if attrs - allowed: problems.append(f"{el.tagName}: attributes {attrs - allowed} not allowed")
    if required - attrs: problems.append(f"{el.tagName}: attributes {required - attrs} missing")
    for c in el.childNodes:
        if c.nodeType == c.ELEMENT_NODE:
            if children is TEXT or c.tagName not in children:
                problems.append(f"{c.tagName} not allowed in {el.tagName}")
            else:
                check(c)
        elif c.nodeType == c.TEXT_NODE and c.data.strip() and children is not TEXT:
            problems.append(f"text not allowed in {el.tagName}")
doc = xml.dom.minidom.parse(sys.argv[1])
root = doc.documentElement
if root.tagName != "testsuites": problems.append("root is " + root.tagName)
check(root)
total = 0
for suite in root.getElementsByTagName("testsuite"):
    cases = [c for c in suite.childNodes if c.nodeType == c.ELEMENT_NODE and c.tagName == "testcase"]
    total += len(cases)
    def count(tag): return sum(1 for c in cases if c.getElementsByTagName(tag))
    for attr, n in (("tests", len(cases)), ("failures", count("failure")), ("errors", count("error")),
                    ("skipped", count("skipped"))):
        if suite.getAttribute(attr) != str(n):
            problems.append(f"suite {suite.getAttribute('name')}: {attr}={suite.getAttribute(attr)}, counted {n}")
if root.getAttribute("tests") != str(total): problems.append("testsuites tests mismatch")
print("\n".join(problems))
sys.exit(1 if problems else 0)
)";

void require_valid_junit(const std::string& file) {
  const Shell r = run_python(kValidateJunit, {file});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
}

// The CSV's rows as JSON (an array of arrays of strings), parsed as RFC 4180 by Python.
nlohmann::json parse_csv(const std::string& file) {
  const Shell r = run_python(R"(
import csv, json, sys
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    print(json.dumps(list(csv.reader(f, strict=True))))
)", {file});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return nlohmann::json::parse(r.out);
}

struct Rendered {
  std::string dom;
  std::vector<std::string> console;  // console messages: script errors, blocked fetches
};

// Loads the page in headless Chromium (Debian's `chromium`), without network services, and
// returns the DOM after load and every console message Chromium logged.
Rendered render_in_chromium(const std::string& html_file) {
  REQUIRE(run_shell("command -v chromium").exit_code == 0);  // Debian package `chromium`
  const TempDir profile("chromium-profile");
  const Shell r = run_shell(
      "timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-background-networking "
      "--disable-component-update --disable-sync --no-first-run --user-data-dir=" +
      quote(profile.root.string()) + " --enable-logging=stderr --v=0 --dump-dom " +
      quote("file://" + fs::absolute(html_file).string()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  Rendered out{r.out, {}};
  std::istringstream lines(r.err);
  for (std::string line; std::getline(lines, line);) {
    if (line.find(":CONSOLE") != std::string::npos) out.console.push_back(line);
  }
  return out;
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  if (from.empty()) return;
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

// Tool and pack versions (and the pack's absolute directory) vary between builds; goldens hold
// placeholders, as the JSON golden in cli_test.cpp does, ones that need no escaping in any format
// so that the goldens themselves stay valid.
std::string normalised(std::string text, const nlohmann::json& run) {
  replace_all(text, run["policy_pack"]["version"].get<std::string>(), "@version@");
  const std::string dir = run["policy_pack"]["dir"].get<std::string>();
  if (dir.find('/') != std::string::npos) replace_all(text, dir, "@dir@");
  replace_all(text, run["tool"]["version"].get<std::string>(), "@version@");
  return text;
}

void compare_golden(const std::string& actual, const std::string& golden_path) {
  if (const char* update = std::getenv("UPDATE_GOLDEN"); update != nullptr && *update == '1') {
    std::ofstream(golden_path, std::ios::binary) << actual;
  }
  const std::string expected = read_file(golden_path);
  REQUIRE_FALSE(expected.empty());
  CHECK(actual == expected);
}

std::string render(const Report& report, std::string_view format) {
  std::ostringstream out;
  make_report_writer(format)->write(report, out, WriteOptions{});
  return out.str();
}

const std::vector<std::string> kFormats = {"sarif", "junit", "markdown", "html", "csv"};

// Strings an estate or a policy might carry to break out of each format.
const std::string kHostile =
    "<script>alert(1)</script> \"]]> a|b\nsecond line \x1b[31mred\x1b[0m & 'q' @admins #12 *em* [l](u) "
    "`tick` $x$ \xff";

Report hostile_report() {
  Report r;
  r.info = {"9.9.9", "pol<i>cies", "1.0+<b>", "2026-11-23",
            {{"estate/<b>&.toml", std::string(64, 'a')}, {"/abs/dir with space/x.toml", std::string(64, 'b')}}};
  PolicyMeta p;
  p.id = "EVIL-1";
  p.title = "title " + kHostile;
  p.severity = Severity::high;
  p.clause = "003_43a5403071fef7fe.txt §7.2 " + kHostile;
  p.rationale = "rationale " + kHostile;
  p.remediation = "remediation " + kHostile;
  r.policies = {p};

  Finding f;
  f.rule = p.id;
  f.severity = Severity::high;
  f.clause = p.clause;
  f.title = p.title;
  f.ci = "<script>ci</script>";
  f.message = "message " + kHostile;
  f.evidence = {{"fact " + kHostile, {"estate/<b>&.toml", 3}}, {"fact without location", {}}};
  Hop source;
  source.node = "zone:internet";
  source.via = "start";
  Hop hop;
  hop.node = "<img src=x onerror=alert(1)>";
  hop.service = "tcp/22";
  hop.firewall = "fw|1";
  hop.rule_ref = "ref " + kHostile;
  hop.rule_order = 210;
  hop.via = "rule";
  hop.nat = "203.0.113.10 -> 10.0.0.1";
  hop.where = {"/abs/dir with space/x.toml", 7};
  f.paths = {Path{{source, hop}, "confirmed"}};
  f.more_paths = 2;
  f.data = {{"note", kHostile}, {"days_left", int64_t{-3}}};
  f.location = {"estate/<b>&.toml", 2};
  f.fingerprint = std::string(32, 'f');
  r.findings.push_back(f);

  Finding formula = f;
  formula.ci = "ok-ci";
  formula.message = "=HYPERLINK(\"http://evil\")";
  formula.paths.clear();
  formula.waiver = "W-<1>";
  formula.fingerprint = std::string(32, 'e');
  r.findings.push_back(formula);

  Finding estate_wide = formula;
  estate_wide.ci.clear();
  estate_wide.message = "@everyone estate-wide " + kHostile;
  estate_wide.waiver.clear();
  estate_wide.fingerprint = std::string(32, 'd');
  r.findings.push_back(estate_wide);
  sort_findings(r.findings);

  r.checked = {{"EVIL-1", {"<script>ci</script>", "clean-ci", "ok-ci"}}};
  r.notices = {{"EVIL-1", "notice " + kHostile}};
  r.errors = {{"BROKEN<1>", "policies/BROKEN.lua", "error " + kHostile, "traceback " + kHostile}};
  Diagnostic warning;
  warning.level = DiagLevel::warning;
  warning.file = "estate/<b>&.toml";
  warning.line = 4;
  warning.column = 1;
  warning.field = "ci.x";
  warning.message = "warning " + kHostile;
  r.warnings = {warning};
  return r;
}

}  // namespace

// --- escaping -----------------------------------------------------------------------------------

TEST_CASE("markup escaping turns tags, quotes and control characters into text", "[reports]") {
  CHECK(markup_text("<script>\"x\" & 'y' ]]>") == "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39; ]]&gt;");
  CHECK(markup_text("a\nb\tc\x1b[0m") == "a\nb\tc\\x1b[0m");
  CHECK(markup_attr("a\nb\tc") == "a&#10;b&#9;c");
  CHECK(markup_text("bad \xff byte") == "bad \xEF\xBF\xBD byte");
  CHECK(markup_text("\xEF\xBF\xBF") == "\xEF\xBF\xBD");  // U+FFFF is no XML character
  CHECK(markup_text("Grüße €") == "Grüße €");
}

TEST_CASE("invalid UTF-8 is replaced byte by byte, valid sequences are kept", "[reports]") {
  CHECK(valid_utf8("ok \xC3\xA4") == "ok \xC3\xA4");
  CHECK(valid_utf8("\xC0\xAF") == "\xEF\xBF\xBD\xEF\xBF\xBD");          // overlong '/'
  CHECK(valid_utf8("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  CHECK(valid_utf8("\xF0\x9F\x98\x80") == "\xF0\x9F\x98\x80");
  CHECK(valid_utf8("cut \xE2\x82") == "cut \xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST_CASE("markdown escaping keeps a string on one line and out of markup", "[reports]") {
  CHECK(markdown_text("a|b *c* <d> [e](f) $x$") == "a\\|b \\*c\\* \\<d\\> \\[e\\]\\(f\\) \\$x\\$");
  CHECK(markdown_text("@team #12") == "@\xE2\x81\xA0" "team #\xE2\x81\xA0" "12");
  CHECK(markdown_text("line\nbreak\x1b") == "line\\x0abreak\\x1b");
}

TEST_CASE("CSV fields are quoted per RFC 4180 and formulas are neutralised", "[reports]") {
  CHECK(csv_field("plain") == "plain");
  CHECK(csv_field("a,b") == "\"a,b\"");
  CHECK(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(csv_field("two\nlines") == "\"two\nlines\"");
  CHECK(csv_field("esc\x1b") == "esc\\x1b");
  CHECK(csv_field("=1+1") == "'=1+1");
  CHECK(csv_field("@SUM(A1)") == "'@SUM(A1)");
  CHECK(csv_field("-3", false) == "-3");
}

TEST_CASE("paths become URI references, absolute ones file URIs", "[reports]") {
  CHECK(path_to_uri("fixtures/sample/cmdb/servers.toml") == "fixtures/sample/cmdb/servers.toml");
  CHECK(path_to_uri("dir with space/a#b.toml") == "dir%20with%20space/a%23b.toml");
  CHECK(path_to_uri("/abs/x.toml") == "file:///abs/x.toml");
}

// --- output selection ---------------------------------------------------------------------------

TEST_CASE("the format and output FORMAT=FILE options select the reports of one run", "[reports][cli]") {
  using cli::ReportOutput;
  std::vector<ReportOutput> out;
  std::string error;
  REQUIRE(cli::parse_outputs(std::nullopt, {}, out, error));
  REQUIRE(out.size() == 1);
  CHECK((out[0].format == "text" && out[0].file.empty()));

  REQUIRE(cli::parse_outputs(std::string("json"), {"findings.json"}, out, error));
  REQUIRE(out.size() == 1);
  CHECK((out[0].format == "json" && out[0].file == "findings.json"));

  REQUIRE(cli::parse_outputs(std::nullopt, {"sarif=out.sarif", "junit=junit.xml"}, out, error));
  REQUIRE(out.size() == 2);
  CHECK((out[0].format == "sarif" && out[0].file == "out.sarif"));
  CHECK((out[1].format == "junit" && out[1].file == "junit.xml"));
  CHECK_FALSE(cli::text_on_stdout(out));

  REQUIRE(cli::parse_outputs(std::string("text"), {"html=a.html"}, out, error));
  REQUIRE(out.size() == 2);
  CHECK(cli::text_on_stdout(out));

  REQUIRE(cli::parse_outputs(std::nullopt, {"out/run=1.txt"}, out, error));  // a path, not a format
  CHECK(out[0].file == "out/run=1.txt");

  CHECK_FALSE(cli::parse_outputs(std::string("yaml"), {}, out, error));
  CHECK_THAT(error, Catch::Contains("unknown format 'yaml'"));
  CHECK_FALSE(cli::parse_outputs(std::nullopt, {"sarfi=x.sarif"}, out, error));
  CHECK_THAT(error, Catch::Contains("unknown format 'sarfi'"));
  CHECK_FALSE(cli::parse_outputs(std::nullopt, {"sarif=a", "junit=a"}, out, error));
  CHECK_THAT(error, Catch::Contains("two reports would be written to a"));
  CHECK_FALSE(cli::parse_outputs(std::string("json"), {"csv=-"}, out, error));
  CHECK_THAT(error, Catch::Contains("only one report can go to standard output"));
  CHECK_FALSE(cli::parse_outputs(std::nullopt, {"a.txt", "b.txt"}, out, error));
  CHECK_FALSE(cli::parse_outputs(std::nullopt, {"html="}, out, error));
}

TEST_CASE("one check run writes several reports, with the summary line on stderr", "[reports][cli]") {
  const TempDir dir("reports");
  const auto r = run_topocheck({"check", "fixtures/sample", "--as-of", "2026-11-23", "--policy", "EDR-LEADING",
                                "--output", "sarif=" + dir.path("a.sarif"), "--output=junit=" + dir.path("a.xml"),
                                "--output", "csv=" + dir.path("a.csv")});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Catch::Contains("topocheck: 3 findings (3 high) from 1 policy; 0 policy errors"));
  CHECK(nlohmann::json::parse(read_file(dir.path("a.sarif")))["runs"][0]["results"].size() == 3);
  CHECK_THAT(read_file(dir.path("a.xml")), Catch::Contains("<testsuite name=\"EDR-LEADING\""));
  CHECK_THAT(read_file(dir.path("a.csv")), Catch::StartsWith("fingerprint,rule,severity"));
}

TEST_CASE("a report streamed to a file has the bytes of the same report on standard output",
          "[reports][cli]") {
  const TempDir dir("reports");
  const std::vector<std::string> run = {"check", "fixtures/sample", "--as-of", "2026-11-23", "--policy", "EDR-LEADING"};
  std::vector<std::string> to_file = run;
  for (const std::string format : {"json", "sarif", "junit"}) to_file.push_back("--output=" + format + "=" + dir.path(format));
  to_file.insert(to_file.end(), {"--format", "text"});
  const auto files = run_topocheck(to_file);
  CHECK(files.exit_code == 1);
  for (const std::string format : {"json", "sarif", "junit"}) {
    INFO(format);
    std::vector<std::string> to_stdout = run;
    to_stdout.insert(to_stdout.end(), {"--format", format});
    const auto printed = run_topocheck(to_stdout);
    CHECK(!printed.out.empty());
    CHECK(read_file(dir.path(format)) == printed.out);
    CHECK_FALSE(fs::exists(dir.path(format) + ".tmp"));
  }
  CHECK_THAT(files.out, Catch::Contains("EDR-LEADING"));  // the text report, after the files
}

TEST_CASE("a report file that cannot be written is an error and leaves no partial file", "[reports][cli]") {
  const TempDir dir("reports");
  const std::string missing = dir.path("no-such-dir") + "/out.json";
  const auto r = run_topocheck({"check", "fixtures/sample", "--as-of", "2026-11-23", "--policy", "EDR-LEADING",
                                "--format", "text", "--output", "json=" + missing});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("topocheck: cannot write " + missing + ".tmp"));
  CHECK(r.out.empty());  // standard output comes last, after every file was written
  CHECK_FALSE(fs::exists(missing));
}

TEST_CASE("every format prints the summary line on stderr and keeps exit codes", "[reports][cli]") {
  for (const std::string& format : kFormats) {
    INFO(format);
    const auto dirty = run_topocheck({"check", "fixtures/sample", "--as-of", "2026-11-23", "--policy",
                                      "EDR-LEADING", "--format", format});
    CHECK(dirty.exit_code == 1);
    CHECK_FALSE(dirty.out.empty());
    CHECK_THAT(dirty.err, Catch::Contains("topocheck: 3 findings (3 high) from 1 policy"));
    const auto gated = run_topocheck({"check", "fixtures/sample", "--as-of", "2026-11-23", "--policy",
                                      "EDR-LEADING", "--format", format, "--fail-on", "critical"});
    CHECK(gated.exit_code == 0);
  }
  const auto broken = run_topocheck({"check", "fixtures/broken/dangling-reference", "--format", "sarif"});
  CHECK(broken.exit_code == 2);
  CHECK(broken.out.empty());
  const auto unknown = run_topocheck({"check", "fixtures/sample", "--output", "yaml=x.yaml"});
  CHECK(unknown.exit_code == 2);
  CHECK_THAT(unknown.err, Catch::Contains("unknown format 'yaml'"));
}

// --- golden files -------------------------------------------------------------------------------

TEST_CASE("every report format of the sample matches its golden file", "[reports][golden]") {
  const TempDir dir("reports");
  std::vector<std::string> args{"check", "fixtures/sample", "--as-of", "2026-11-23", "--policy", "EDR-LEADING",
                                "--policy", "PKI-TRUST", "--format", "json"};
  for (const std::string& format : kFormats) args.push_back("--output=" + format + "=" + dir.path("sample." + format));
  const auto r = run_topocheck(args);
  REQUIRE(r.exit_code == 1);
  const auto run = nlohmann::json::parse(r.out);
  for (const std::string& format : kFormats) {
    SECTION(format) {
      compare_golden(normalised(read_file(dir.path("sample." + format)), run), "tests/golden/sample." + format);
    }
  }
}

TEST_CASE("the golden SARIF is valid against the OASIS SARIF 2.1.0 schema", "[reports][golden][sarif]") {
  require_valid_sarif("tests/golden/sample.sarif");
  const auto log = nlohmann::json::parse(read_file("tests/golden/sample.sarif"));
  const auto& run = log["runs"][0];
  CHECK(run["tool"]["driver"]["rules"].size() == 2);
  CHECK(run["tool"]["driver"]["rules"][0]["properties"]["tags"].back() == "003_43a5403071fef7fe.txt §7.2");
  CHECK(run["artifacts"].size() == 11);
  const auto& result = run["results"][0];
  CHECK(result["ruleId"] == "EDR-LEADING");
  CHECK(result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "fixtures/sample/cmdb/servers.toml");
  CHECK(result["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] == "%SRCROOT%");
  CHECK(result["locations"][0]["physicalLocation"]["region"]["startLine"] == 169);
  CHECK(result["partialFingerprints"]["topocheckFingerprint/v1"] == "168726c335197df3c93f306cb93f53ea");
}

TEST_CASE("the golden JUnit XML has one testsuite per policy and one testcase per checked CI",
          "[reports][golden][junit]") {
  require_valid_junit("tests/golden/sample.junit");
  const std::string xml = read_file("tests/golden/sample.junit");
  CHECK_THAT(xml, Catch::Contains("<testsuite name=\"EDR-LEADING\" tests=\"18\" failures=\"3\""));
  CHECK_THAT(xml, Catch::Contains("<testsuite name=\"PKI-TRUST\" tests=\"23\" failures=\"4\""));
  CHECK_THAT(xml, Catch::Contains("<property name=\"as_of\" value=\"2026-11-23\"/>"));
}

TEST_CASE("the Chromium check sees script errors and blocked fetches", "[reports][html][chromium]") {
  const TempDir dir("reports");
  write_text(dir.path("bad.html"),
             "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
             "'none'\"></head><body><p id=\"x\">loaded</p><img src=\"http://192.0.2.1/x.png\"></body></html>");
  const Rendered page = render_in_chromium(dir.path("bad.html"));
  CHECK_THAT(page.dom, Catch::Contains("loaded"));
  REQUIRE(page.console.size() == 1);
  CHECK_THAT(page.console[0], Catch::Contains("Content Security Policy"));
}

TEST_CASE("the golden HTML report renders in Chromium without errors and shows every finding",
          "[reports][golden][html][chromium]") {
  const Rendered page = render_in_chromium("tests/golden/sample.html");
  CHECK(page.console.empty());
  for (const auto& text : {"topocheck audit report", "Clause matrix", "§7.2", "EDR-LEADING", "PKI-TRUST", "batch-01",
                           "report-01", "ws-adm-03", "api-int-01", "edi-01", "etl-01", "mq-01", "2026-11-23",
                           "f827b72bf61d021abf3e9d7224741e4225bd84ece78b939b3c5a3db4f001a9ec"}) {
    CHECK_THAT(page.dom, Catch::Contains(text));
  }
  CHECK(std::regex_search(page.dom, std::regex("<article class=\"finding\"")));
}

// --- the full sample: validity only (policies other than the golden ones are still changing) ----

TEST_CASE("every format of the full sample estate is valid for its consumer", "[reports][chromium]") {
  const TempDir dir("reports");
  std::vector<std::string> args{"check", "fixtures/sample", "--as-of", "2026-11-23"};
  for (const std::string& format : kFormats) args.push_back("--output=" + format + "=" + dir.path("full." + format));
  const auto r = run_topocheck(args);
  REQUIRE(r.exit_code == 1);

  require_valid_sarif(dir.path("full.sarif"));
  const auto log = nlohmann::json::parse(read_file(dir.path("full.sarif")));
  bool has_code_flow = false;
  for (const auto& result : log["runs"][0]["results"]) has_code_flow |= result.contains("codeFlows");
  CHECK(has_code_flow);

  require_valid_junit(dir.path("full.junit"));

  const std::string markdown = read_file(dir.path("full.markdown"));
  CHECK(markdown.size() <= 65536);
  CHECK_THAT(markdown, Catch::StartsWith("## topocheck: "));

  const Rendered page = render_in_chromium(dir.path("full.html"));
  CHECK(page.console.empty());
  CHECK_THAT(page.dom, Catch::Contains("<svg"));  // a path diagram
  CHECK_THAT(page.dom, Catch::Contains("sftp-partner-1"));

  const auto rows = parse_csv(dir.path("full.csv"));
  REQUIRE(rows.size() > 1);
  for (const auto& row : rows) CHECK(row.size() == rows[0].size());
}

// --- hostile strings ----------------------------------------------------------------------------

TEST_CASE("hostile strings stay text in SARIF and the log stays schema-valid", "[reports][sarif]") {
  const TempDir dir("reports");
  const Report report = hostile_report();
  write_text(dir.path("h.sarif"), render(report, "sarif"));
  require_valid_sarif(dir.path("h.sarif"));
  const auto log = nlohmann::json::parse(read_file(dir.path("h.sarif")));
  const auto& run = log["runs"][0];
  nlohmann::json result;
  for (const auto& res : run["results"]) {
    if (res["properties"]["ci"] == "<script>ci</script>") result = res;
  }
  REQUIRE(result.is_object());
  CHECK_THAT(result["message"]["text"].get<std::string>(), Catch::Contains("<script>alert(1)</script>"));
  CHECK(result["codeFlows"][0]["threadFlows"][0]["locations"].size() == 2);
  CHECK(result["codeFlows"][0]["threadFlows"][0]["locations"][1]["location"]["physicalLocation"]
              ["artifactLocation"]["uri"] == "file:///abs/dir%20with%20space/x.toml");
  bool suppressed = false;
  for (const auto& res : run["results"]) suppressed |= res.contains("suppressions");
  CHECK(suppressed);  // the waived finding
  CHECK(run["invocations"][0]["executionSuccessful"] == false);
}

// --- JSON and SARIF are streamed -----------------------------------------------------------------

namespace {

// The hostile report plus policy data of every type, and a finding whose data reuses the names
// of the finding's own members (the policy API forbids that; a Report may still carry it).
Report report_with_data() {
  Report r = hostile_report();
  Finding& with_paths = r.findings[1];
  REQUIRE(!with_paths.paths.empty());
  with_paths.data.emplace_back("ratio", 2.5);
  with_paths.data.emplace_back("urgent", true);
  Finding clash = with_paths;
  clash.data = {{"message", std::string("data message")}, {"note", int64_t{1}}, {"note", int64_t{2}},
                {"ci", std::string("data ci")}, {"morePaths", int64_t{9}}};
  clash.baseline = "new";
  r.findings.push_back(clash);
  return r;
}

std::string without_final_newline(const std::string& text) {
  REQUIRE(!text.empty());
  REQUIRE(text.back() == '\n');
  return text.substr(0, text.size() - 1);
}

std::string dumped(const nlohmann::ordered_json& j) {
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

TEST_CASE("the JSON and SARIF reports are laid out as nlohmann::json dumps the same document",
          "[reports][json][sarif]") {
  for (const std::string format : {"json", "sarif"}) {
    for (const Report& report : {report_with_data(), Report{}}) {
      INFO(format << " with " << report.findings.size() << " findings");
      const std::string text = without_final_newline(render(report, format));
      CHECK(dumped(nlohmann::ordered_json::parse(text)) == text);
    }
  }
}

TEST_CASE("each finding of the JSON report is the object finding_to_json builds", "[reports][json]") {
  const Report report = report_with_data();
  const auto parsed = nlohmann::ordered_json::parse(render(report, "json"));
  REQUIRE(parsed["findings"].size() == report.findings.size());
  for (size_t i = 0; i < report.findings.size(); ++i) {
    INFO("finding " << i);
    CHECK(dumped(parsed["findings"][i]) == dumped(finding_to_json(report.findings[i])));
  }
  // Data that reuses a member's name replaces its value in place; a repeated key keeps the last.
  const auto& clash = parsed["findings"][3];
  CHECK(clash["message"] == "data message");
  CHECK(clash["note"] == 2);
  CHECK(std::distance(clash.begin(), clash.find("message")) == 5);
  CHECK(parsed["summary"]["findings"] == 4);
  CHECK(parsed["summary"]["by_severity"]["high"] == 4);
}

TEST_CASE("SARIF result properties take the finding's data, a reused name in place", "[reports][sarif]") {
  const auto log = nlohmann::ordered_json::parse(render(report_with_data(), "sarif"));
  const auto& results = log["runs"][0]["results"];
  REQUIRE(results.size() == 4);
  std::vector<std::string> keys;
  for (const auto& [key, value] : results[3]["properties"].items()) keys.push_back(key);
  CHECK(keys == std::vector<std::string>{"ci", "severity", "clause", "morePaths", "message", "note"});
  CHECK(results[3]["properties"]["ci"] == "data ci");
  CHECK(results[3]["properties"]["morePaths"] == 9);
  CHECK(results[3]["properties"]["note"] == 2);
  CHECK(results[3]["baselineState"] == "new");
  const auto& with_paths = results[1]["properties"];
  CHECK(with_paths["ratio"] == 2.5);
  CHECK(with_paths["urgent"] == true);
  CHECK(with_paths["days_left"] == -3);
  CHECK(with_paths["morePaths"] == 2);
}

TEST_CASE("hostile strings stay text in JUnit XML", "[reports][junit]") {
  const TempDir dir("reports");
  const std::string xml = render(hostile_report(), "junit");
  CHECK(xml.find('\x1b') == std::string::npos);
  CHECK(xml.find("<script>") == std::string::npos);
  CHECK(xml.find("]]>") == std::string::npos);
  write_text(dir.path("h.xml"), xml);
  require_valid_junit(dir.path("h.xml"));
  CHECK_THAT(xml, Catch::Contains("<skipped message=\"waived: W-&lt;1&gt;\""));
  CHECK_THAT(xml, Catch::Contains("<testcase name=\"clean-ci\" classname=\"topocheck.EVIL-1\"/>"));
  CHECK_THAT(xml, Catch::Contains("<error type=\"policy-error\""));
}

TEST_CASE("hostile strings stay text in the HTML report, as Chromium renders it", "[reports][html][chromium]") {
  const TempDir dir("reports");
  const std::string html = render(hostile_report(), "html");
  CHECK(html.find('\x1b') == std::string::npos);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("<img") == std::string::npos);
  write_text(dir.path("h.html"), html);
  const Rendered page = render_in_chromium(dir.path("h.html"));
  CHECK(page.console.empty());
  CHECK(page.dom.find("<script") == std::string::npos);
  CHECK(page.dom.find("<img") == std::string::npos);
  CHECK_THAT(page.dom, Catch::Contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
}

TEST_CASE("hostile strings stay in their CSV field", "[reports][csv]") {
  const TempDir dir("reports");
  write_text(dir.path("h.csv"), render(hostile_report(), "csv"));
  const auto rows = parse_csv(dir.path("h.csv"));
  REQUIRE(rows.size() == 4);
  for (const auto& row : rows) CHECK(row.size() == rows[0].size());
  CHECK(rows[0][6] == "message");
  std::vector<std::string> messages;
  for (size_t i = 1; i < rows.size(); ++i) messages.push_back(rows[i][6].get<std::string>());
  CHECK(std::count(messages.begin(), messages.end(), "'=HYPERLINK(\"http://evil\")") == 1);
  CHECK(std::count(messages.begin(), messages.end(),
                   "message <script>alert(1)</script> \"]]> a|b\nsecond line \\x1b[31mred\\x1b[0m & 'q' @admins #12 "
                   "*em* [l](u) `tick` $x$ \xEF\xBF\xBD") == 1);
}

TEST_CASE("hostile strings stay text in the Markdown summary", "[reports][markdown]") {
  const std::string md = render(hostile_report(), "markdown");
  CHECK(md.find('\x1b') == std::string::npos);
  CHECK_FALSE(std::regex_search(md, std::regex(R"((^|[^\\])<(script|img))")));  // "\<script" is text
  CHECK(md.find(" @admins") == std::string::npos);
  CHECK(md.find(" @everyone") == std::string::npos);
  std::istringstream lines(md);
  for (std::string line; std::getline(lines, line);) {
    // Each table row has exactly its columns' pipes; an escaped \| is text.
    if (line.rfind("| EVIL-1 ", 0) == 0) {
      const std::string unescaped = std::regex_replace(line, std::regex(R"(\\\|)"), "");
      CHECK(std::count(unescaped.begin(), unescaped.end(), '|') == 7);
    }
    if (line.rfind("<details><summary>", 0) == 0) CHECK_THAT(line, Catch::EndsWith("</summary>"));
  }
}

// --- markdown: order and size -------------------------------------------------------------------

TEST_CASE("the Markdown summary lists new findings first, then by severity", "[reports][markdown]") {
  Report r;
  r.info.as_of = "2026-11-23";
  for (const auto& [ci, severity, baseline] :
       std::vector<std::tuple<std::string, Severity, std::string>>{{"a-known-critical", Severity::critical, "unchanged"},
                                                                  {"b-new-low", Severity::low, "new"},
                                                                  {"c-new-high", Severity::high, "new"}}) {
    Finding f;
    f.rule = "R";
    f.ci = ci;
    f.severity = severity;
    f.baseline = baseline;
    f.message = "m";
    r.findings.push_back(f);
  }
  const std::string md = render(r, "markdown");
  const size_t high = md.find("c-new-high"), low = md.find("b-new-low"), known = md.find("a-known-critical");
  REQUIRE(known != std::string::npos);
  CHECK(high < low);
  CHECK(low < known);
  CHECK_THAT(md, Catch::Contains("| new | known |"));
}

TEST_CASE("a Markdown summary too long for a comment is cut at whole findings with a note",
          "[reports][markdown]") {
  Report r;
  r.info.as_of = "2026-11-23";
  for (int i = 0; i < 400; ++i) {
    Finding f;
    f.rule = "R";
    f.ci = fmt::format("ci-{:03}", i);
    f.message = std::string(300, 'x');
    f.evidence = {{std::string(100, 'y'), {"estate.toml", 1}}};
    r.findings.push_back(f);
  }
  const std::string md = render(r, "markdown");
  CHECK(md.size() <= 65536);
  CHECK(md.size() > 60000);
  CHECK_THAT(md, Catch::Contains("**Truncated**"));
  CHECK_THAT(md, Catch::Contains("of 400 findings"));
  auto count = [&](const std::string& s) {
    size_t n = 0;
    for (size_t at = md.find(s); at != std::string::npos; at = md.find(s, at + 1)) ++n;
    return n;
  };
  CHECK(count("<details>") == count("</details>"));

  std::ostringstream small;
  make_markdown_writer(5000)->write(r, small, WriteOptions{});
  CHECK(small.str().size() <= 5000);
}

}  // namespace topocheck
