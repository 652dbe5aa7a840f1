// The fast TOML reader against toml++: what it reads must come out exactly as toml++ reads it
// (values, keys, lines, columns), and what it does not read it must leave to toml++.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "checker/load/doc.h"
#include "checker/load/fast_toml.h"

namespace topocheck::doc {
namespace {

namespace fs = std::filesystem;

std::unique_ptr<Document> fast(std::string text) { return parse_fast(text); }

// The fast reader reads `text`, and the tree is toml++'s tree.
void check_same_as_toml(const std::string& text) {
  INFO(text);
  auto mine = fast(text);
  REQUIRE(mine != nullptr);
  auto theirs = from_toml(toml::parse(std::string_view(text)));
  CHECK(first_difference(mine->root, theirs->root) == "");
}

TEST_CASE("the fast reader reads plain TOML exactly as toml++ does", "[fast_toml]") {
  const char* cases[] = {
      "",
      "# only a comment\n\n   \n",
      "[meta]\nformat = \"estate/1\"\nexported_at = 2026-11-21T05:00:00Z\n",
      "  [ meta ]  # header comment\n\tkey = 'literal'\t# tab\n",
      "[[ci]]\nid = \"a\"\n\n[[ci]]\nid = \"b\"\n[[relation]]\nfrom = \"a\"\nto = \"b\"\n[[ci]]\nid = \"c\"\n",
      "top = 1\nz = 2\na = 3\n[t]\nb = true\nc = false\n",
      "i = [0, -1, +2, 9223372036854775807, -9223372036854775808]\n",
      "f = [0.5, -1.25e3, 1E-2, +3.0, 6e10, -0.0]\n",
      "d = 2026-02-28\nlocal = 2026-01-02T03:04:05\nfrac = 2026-01-02T03:04:05.123Z\n"
      "off = 1999-12-31T23:59:59-08:30\nplus = 2024-02-29T00:00:00+14:00\nnine = 2026-01-01T00:00:00.123456789Z\n",
      "s = \"tab\\tnew\\nquote\\\" back\\\\ \\u00e9 \\U0001F600 \\b\\f\\r\"\n",
      "u = \"äöü € 😀\"\nafter = { x = \"é\", y = 1 }\n# Grüße\nlast = 'ß' # ünïcode comment\n",
      "a = [\n  1,\n  # a comment\n  2, # another\n  3,\n]\nb = [ [1, 2], [\"x\"], [], [[]] ]\n",
      "t = { a = 1, b = { c = [1, { d = 2 }] }, e = {} }\nempty = []\n",
      "crlf = 1\r\n[x]\r\ny = \"z\"\r\n# c\r\n",
      "no_newline_at_end = 1",
      "[[ci]]\nid = \"x\"\ninterfaces = [{ subnet = \"s\", ip = \"10.0.0.1\" }, { zone = \"z\" }]\nlistens = [\"tcp/22\"]\n",
      "1234 = 'numeric key'\n-_ = 'dash key'\ntrue = false\n",
      "[b]\n[a]\nx = 1\n[[c]]\n[[c]]\ny = 2\n",
  };
  for (const char* text : cases) check_same_as_toml(text);
}

TEST_CASE("the fast reader leaves everything else to toml++", "[fast_toml]") {
  const char* cases[] = {
      // Outside the subset, valid TOML.
      "a.b = 1\n", "\"quoted\" = 1\n", "[a.b]\n", "[\"q\"]\n", "s = \"\"\"multi\"\"\"\n",
      "s = '''multi'''\n", "h = 0xff\n", "u = 1_000\n", "f = inf\n", "n = nan\n",
      "t = 07:32:00\n", "dt = 1979-05-27 07:32:00Z\n", "\xEF\xBB\xBF" "a = 1\n",
      "lower = 1979-05-27t07:32:00Z\n", "deep = [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n",
      "x = [{a = 1}]\n[[x]]\n",
      // Errors, which toml++ reports.
      "a = 1\na = 2\n", "[t]\n[t]\n", "a = 1\n[[a]]\n", "[[a]]\n[a]\n", "t = { a = 1, a = 2 }\n",
      "t = { a = 1, }\n", "t = { a = 1,\n b = 2 }\n", "s = \"bad \xC3\"\n", "s = \"\xED\xA0\x80\"\n",
      "# bad \x01" " comment\n", "s = \"ctl \x7F\"\n", "lone = 1\r", "e = \"\\e\"\n", "x = \"\\ud800\"\n",
      "sec = 2026-01-01T00:00:60Z\n", "feb = 2026-02-29\n", "lead = 01\n", "a = 1 b = 2\n",
      "a = [1 2]\n", "a = [1,,2]\n", "a =\n", "= 1\n", "a = \"open\n", "[a\n", "[[a]\n",
      "big = 9223372036854775808\n", "x = .5\n", "x = 5.\n", "t = truex\n",
      // Found by fuzz_fast_toml: toml++ refuses numbers longer than 126 characters.
      "f = 1111111111111111111111111111111111111111111111111111111111111111111111111111111111"
      "111111111111111111111111111111111111111111111111.0\n",
  };
  for (const char* text : cases) {
    INFO(text);
    CHECK(fast(text) == nullptr);
  }
}

TEST_CASE("a text the fast reader gives up on is left unchanged for toml++", "[fast_toml]") {
  std::string text = "a.b = 1\n";
  CHECK(parse_fast(text) == nullptr);
  CHECK(text == "a.b = 1\n");
}

// Every TOML file in the repository that the fast reader reads comes out as toml++ reads it,
// and the estate fixtures are all within the subset (so the fast path is what the tests test).
TEST_CASE("the fast reader agrees with toml++ on every TOML file of the repository", "[fast_toml]") {
  size_t fast_read = 0, left = 0;
  std::vector<std::string> sample_left;
  for (const auto& entry : fs::recursive_directory_iterator(TOPOCHECK_SOURCE_DIR)) {
    const fs::path& path = entry.path();
    const std::string p = path.string();
    if (!entry.is_regular_file() || path.extension() != ".toml") continue;
    if (p.find("/build") != std::string::npos || p.find("/.git/") != std::string::npos) continue;
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string text = buffer.str();
    INFO(p);
    auto mine = fast(text);
    if (mine == nullptr) {
      ++left;
      if (p.find("/fixtures/sample/") != std::string::npos) sample_left.push_back(p);
      continue;
    }
    ++fast_read;
    toml::table theirs;
    try {
      theirs = toml::parse(std::string_view(text));
    } catch (const toml::parse_error& e) {
      FAIL("toml++ rejects what the fast reader read: " << e.description());
    }
    CHECK(first_difference(mine->root, from_toml(theirs)->root) == "");
  }
  CHECK(sample_left.empty());
  CHECK(fast_read > 100);
  CHECK(left < fast_read);
}

}  // namespace
}  // namespace topocheck::doc
