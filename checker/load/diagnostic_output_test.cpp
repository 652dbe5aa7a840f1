// How loader diagnostics print: ninja-style location, the source line, a caret under the column.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <random>

#include "checker/load/toml_loader.h"

namespace topocheck {
namespace {

namespace fs = std::filesystem;

std::string write_temp(const std::string& text) {
  std::random_device random;
  fs::path p = fs::temp_directory_path() / ("topocheck-diag-" + std::to_string(random()) + ".toml");
  std::ofstream(p) << text;
  return p.string();
}

TEST_CASE("a diagnostic prints its source line with a caret under the column", "[diagnostics]") {
  std::string path = write_temp("[[ci]]\nid = \"app-01\"\nclass = 42\n");
  LoadResult r = load_estate_files({path});
  REQUIRE(r.diagnostics.items().size() == 1);
  CHECK(format_diagnostic(r.diagnostics.items()[0], false) ==
        path +
            ":3:9: error: field 'class' of ci \"app-01\": expected a string, got an integer\n"
            "    class = 42\n"
            "            ^\n");
  fs::remove(path);
}

TEST_CASE("the caret keeps tabs and counts multi-byte characters once", "[diagnostics]") {
  std::string path = write_temp("[[ci]]\nid = \"x\"\nclass = \"vm\"\n\tname = \"Ä\" ; bad\n");
  Diagnostic d{DiagLevel::error, path, 4, 13, "", "boom"};
  CHECK(format_diagnostic(d, false) == path +
                                           ":4:13: error: boom\n"
                                           "    \tname = \"Ä\" ; bad\n"
                                           "    \t           ^\n");
  fs::remove(path);
}

TEST_CASE("a diagnostic without a readable file prints one line", "[diagnostics]") {
  CHECK(format_diagnostic(Diagnostic{DiagLevel::warning, "mem.toml", 2, 1, "", "unknown key"},
                          false) == "mem.toml:2:1: warning: unknown key\n");
  CHECK(format_diagnostic(Diagnostic{DiagLevel::error, "dir", 0, 0, "", "no .toml files"}, false) ==
        "dir: error: no .toml files\n");
  CHECK(format_diagnostic(Diagnostic{DiagLevel::error, "", 0, 0, "", "no estate"}, false) ==
        "error: no estate\n");
}

TEST_CASE("colours are used only when asked for", "[diagnostics]") {
  Diagnostic d{DiagLevel::error, "mem.toml", 2, 1, "", "boom"};
  CHECK(format_diagnostic(d, false).find('\033') == std::string::npos);
  CHECK(format_diagnostic(d, true) == "\033[1mmem.toml:2:1: \033[0m\033[1;31merror:\033[0m boom\n");
}

TEST_CASE("Diagnostics sort errors first, then by file, line and column", "[diagnostics]") {
  Diagnostics diags;
  diags.warning("a.toml", 1, 1, "", "w");
  diags.error("b.toml", 2, 1, "", "e2");
  diags.error("a.toml", 9, 1, "", "e1");
  diags.error("b.toml", 1, 5, "", "e0");
  diags.sort();
  std::vector<std::string> order;
  for (const auto& d : diags.items()) order.push_back(d.message);
  CHECK(order == std::vector<std::string>{"e1", "e0", "e2", "w"});
  CHECK(diags.error_count() == 3);
  CHECK(diags.warning_count() == 1);
  Diagnostics more;
  more.append(diags);
  CHECK(more.items().size() == 4);
}

}  // namespace
}  // namespace topocheck
