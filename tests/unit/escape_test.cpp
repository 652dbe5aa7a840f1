// Terminal safety of everything topocheck prints from untrusted sources: CI ids and messages in the
// text report, values quoted in input errors, the echoed source line, file names, and policy error
// messages. A control character reaches the terminal only as the text "\xNN". (The markup and
// table formats are covered in reports_test.cpp.)
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/unit/support.h"

namespace fs = std::filesystem;
using topocheck::testing::CommandResult;
using topocheck::testing::run_topocheck;

namespace {

// A scratch directory with an empty policies/ directory in it.
struct Scratch : topocheck::testing::TempDir {
  Scratch() : TempDir("escape") { std::filesystem::create_directories(root / "policies"); }
};

// No byte below 0x20 other than newline (and tab, which the caret line uses), and no DEL.
bool terminal_safe(const std::string& s) {
  for (const char c : s) {
    const auto b = static_cast<unsigned char>(c);
    if ((b < 0x20 && c != '\n' && c != '\t') || b == 0x7f) return false;
  }
  return true;
}

// A CI whose id clears the screen and a policy whose message sets the window title, rings the
// bell and returns the cursor to overwrite the line.
const char* kHostileEstate =
    "[[ci]]\nid = \"\\u001b[2Jevil\"\nclass = \"server\"\nname = \"\\u001b[31mred\"\n";
const char* kHostilePolicy =
    R"(return { id = "SHOUT", title = "t\27[1m", severity = "high", clause = "c",
  rationale = "r", remediation = "fix\27[0m",
  check = function(estate)
    for ci in estate.cis() do
      report(ci, "\27]0;owned\7 name " .. ci.name .. "\r\8\127 done", { evidence = { "fact \27[K" } })
    end
  end })";

}  // namespace

TEST_CASE("the text report shows control characters in ids and messages as \\xNN",
          "[escape][cli]") {
  Scratch s;
  const std::string estate = s.write("estate.toml", kHostileEstate);
  s.write("policies/SHOUT.lua", kHostilePolicy);
  const CommandResult r =
      run_topocheck({"check", estate, "--policies", (s.root / "policies").string(), "--as-of",
                     "2026-11-23", "--no-color"});
  CHECK(r.exit_code == 1);
  CHECK(terminal_safe(r.out));
  CHECK(terminal_safe(r.err));
  CHECK_THAT(r.out, Catch::Contains(
                        "\\x1b[2Jevil \\x1b]0;owned\\x07 name \\x1b[31mred\\x0d\\x08\\x7f done"));
  CHECK_THAT(r.out, Catch::Contains("- fact \\x1b[K"));
  CHECK_THAT(r.out, Catch::Contains("remediation: fix\\x1b[0m"));
}

TEST_CASE("the JSON report keeps control characters as escapes that read back exactly",
          "[escape][cli]") {
  Scratch s;
  const std::string estate = s.write("estate.toml", kHostileEstate);
  s.write("policies/SHOUT.lua", kHostilePolicy);
  const CommandResult r =
      run_topocheck({"check", estate, "--policies", (s.root / "policies").string(), "--as-of",
                     "2026-11-23", "--format", "json"});
  CHECK(r.exit_code == 1);
  // JSON escapes every character below 0x20; DEL stays, as JSON allows and terminals ignore.
  std::string without_del = r.out;
  without_del.erase(std::remove(without_del.begin(), without_del.end(), '\x7f'), without_del.end());
  CHECK(terminal_safe(without_del));
  const auto report = nlohmann::json::parse(r.out);
  REQUIRE(report["findings"].size() == 1);
  CHECK(report["findings"][0]["ci"] == "\x1b[2Jevil");
  CHECK(report["findings"][0]["message"] == "\x1b]0;owned\x07 name \x1b[31mred\r\b\x7f done");
}

TEST_CASE("input errors show quoted values, source lines and file names without control characters",
          "[escape][cli]") {
  Scratch s;
  // A duplicate id quoted in the message, and a raw escape character in a comment on the
  // echoed line (TOML forbids it, so it is also the error's position).
  const std::string dup = s.write("dup.toml",
                                  "[[ci]]\nid = \"\\u001b[2J\"\nclass = \"server\"\n"
                                  "[[ci]]\nid = \"\\u001b[2J\"\nclass = \"server\"\n");
  CommandResult r = run_topocheck({"validate", dup});
  CHECK(r.exit_code == 2);
  CHECK(terminal_safe(r.err));
  CHECK_THAT(r.err,
             Catch::Contains(dup + ":5:6: error: duplicate ci id \"\\x1b[2J\" (first defined at " +
                             dup + ":1)"));

  const std::string raw =
      s.write("raw.toml", "[[ci]]\nid = \"a\" # \x1b]0;owned\x07\nclass = \"server\"\n");
  r = run_topocheck({"validate", raw});
  CHECK(r.exit_code == 2);
  CHECK(terminal_safe(r.err));
  CHECK_THAT(r.err, Catch::Contains("    id = \"a\" # \\x1b]0;owned\\x07\n"));

  const std::string named = s.write("\x1b[2Jname.toml", "[[ci]]\nid = 42\n");
  r = run_topocheck({"validate", named});
  CHECK(r.exit_code == 2);
  CHECK(terminal_safe(r.err));
  CHECK_THAT(r.err, Catch::Contains((s.root / "\\x1b[2Jname.toml").string() + ":2:"));
}

TEST_CASE("a caret under a long line points at the error inside the shown window",
          "[escape][cli]") {
  Scratch s;
  const std::string file =
      s.write("long.toml", "[[ci]]\nid = \"a\"\nclass = \"server\"\nlistens = [" +
                               std::string(5000, ' ') + "\"tcp/0\"]\n");
  const CommandResult r = run_topocheck({"validate", file});
  CHECK(r.exit_code == 2);
  const std::string expected_line = file +
                                    ":4:5012: error: field 'listens[0]' of ci \"a\": invalid "
                                    "service \"tcp/0\": port 0 is not a valid port (1-65535)";
  CHECK_THAT(r.err, Catch::StartsWith(expected_line));
  // The source line is cut to a window with "..." and the caret still sits under the '"'.
  const std::string shown = "    ..." + std::string(80, ' ') + "\"tcp/0\"]\n";
  const std::string caret = "    " + std::string(3 + 80, ' ') + "^\n";
  CHECK_THAT(r.err, Catch::Contains(shown + caret));
}

TEST_CASE("a policy error message is printed without control characters", "[escape][cli]") {
  Scratch s;
  const std::string estate = s.write("estate.toml", "[[ci]]\nid = \"a\"\nclass = \"server\"\n");
  s.write("policies/BOOM.lua",
          "return { id = \"BOOM\", title = \"t\", severity = \"low\", clause = \"c\", rationale = "
          "\"r\",\n"
          "  remediation = \"m\", check = function() error(\"\\27[2J boom\\nfake line\") end }\n");
  const CommandResult r = run_topocheck(
      {"check", estate, "--policies", (s.root / "policies").string(), "--as-of", "2026-11-23"});
  CHECK(r.exit_code == 2);
  CHECK(terminal_safe(r.err));
  CHECK_THAT(r.err, Catch::Contains("policy error: " + (s.root / "policies/BOOM.lua").string() +
                                    ":2: \\x1b[2J boom fake line\n"));
}
