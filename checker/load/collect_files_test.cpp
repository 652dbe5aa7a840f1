#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <random>

#include "checker/load/toml_loader.h"

namespace topocheck {
namespace {

namespace fs = std::filesystem;

// A scratch directory, removed again at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::random_device random;
    path_ = fs::temp_directory_path() / ("topocheck-collect-" + std::to_string(random()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const fs::path& path() const { return path_; }
  std::string file(const std::string& relative, const std::string& text = "") const {
    fs::path p = path_ / relative;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p.string();
  }

 private:
  fs::path path_;
};

// The collected files relative to `root`, for readable expectations.
std::vector<std::string> relative(const std::vector<std::string>& files, const fs::path& root) {
  std::vector<std::string> out;
  for (const std::string& f : files) out.push_back(fs::path(f).lexically_relative(root).string());
  return out;
}

TEST_CASE("a directory is walked recursively for .toml files in sorted order", "[collect]") {
  TempDir dir;
  dir.file("network/fw-edge.toml");
  dir.file("cmdb/servers.toml");
  dir.file("cmdb/clients.toml");
  dir.file("a.toml");
  dir.file("README.md");
  dir.file("cmdb/servers.toml.bak");
  dir.file("cmdb/notes.txt");
  Diagnostics diags;
  auto files = collect_estate_files({dir.path().string()}, diags);
  CHECK(diags.items().empty());
  CHECK(relative(files, dir.path()) == std::vector<std::string>{"a.toml", "cmdb/clients.toml",
                                                                "cmdb/servers.toml",
                                                                "network/fw-edge.toml"});
}

TEST_CASE("a file argument is taken as given, whatever its extension", "[collect]") {
  TempDir dir;
  std::string export_file = dir.file("export.cmdb");
  Diagnostics diags;
  CHECK(collect_estate_files({export_file}, diags) == std::vector<std::string>{export_file});
  CHECK(diags.items().empty());
}

TEST_CASE("a missing path and a directory without .toml files are errors", "[collect]") {
  TempDir dir;
  dir.file("empty/notes.txt");
  std::string missing = (dir.path() / "nope").string();
  std::string empty = (dir.path() / "empty").string();
  Diagnostics diags;
  CHECK(collect_estate_files({missing, empty}, diags).empty());
  REQUIRE(diags.items().size() == 2);
  CHECK(diags.items()[0].file == missing);
  CHECK(diags.items()[0].message == "no such file or directory");
  CHECK(diags.items()[1].file == empty);
  CHECK(diags.items()[1].message == "directory contains no .toml files");
}

TEST_CASE("a symlink loop is reported and not followed", "[collect]") {
  TempDir dir;
  dir.file("estate/a.toml");
  dir.file("estate/sub/b.toml");
  fs::create_directory_symlink(dir.path() / "estate", dir.path() / "estate/sub/loop");
  Diagnostics diags;
  auto files = collect_estate_files({(dir.path() / "estate").string()}, diags);
  CHECK(relative(files, dir.path()) ==
        std::vector<std::string>{"estate/a.toml", "estate/sub/b.toml"});
  REQUIRE(diags.items().size() == 1);
  CHECK(diags.items()[0].level == DiagLevel::warning);
  CHECK(diags.items()[0].file == (dir.path() / "estate/sub/loop").string());
  CHECK(diags.items()[0].message.rfind("symlink loop: leads back to ", 0) == 0);
}

TEST_CASE("symlinked files are followed, and a file reachable twice is read once", "[collect]") {
  TempDir dir;
  dir.file("shared/zones.toml");
  dir.file("estate/cis.toml");
  fs::create_symlink(dir.path() / "shared/zones.toml", dir.path() / "estate/zones.toml");
  fs::create_directory_symlink(dir.path() / "estate", dir.path() / "estate-link");
  Diagnostics diags;
  auto files =
      collect_estate_files({(dir.path() / "estate").string(), (dir.path() / "estate-link").string(),
                            (dir.path() / "shared/zones.toml").string()},
                           diags);
  CHECK(diags.items().empty());
  CHECK(relative(files, dir.path()) ==
        std::vector<std::string>{"estate/cis.toml", "estate/zones.toml"});
}

TEST_CASE("load_estate reads a directory and reports problems of the walk", "[collect]") {
  TempDir dir;
  dir.file("a.toml", "[[ci]]\nid = \"x\"\nclass = \"vm\"\n");
  dir.file("b/c.toml", "[[ci]]\nid = \"y\"\nclass = \"vm\"\ndns = [\"x\"]\n");
  LoadResult r = load_estate({dir.path().string(), (dir.path() / "missing").string()});
  REQUIRE(r.diagnostics.items().size() == 1);
  CHECK(r.diagnostics.items()[0].message == "no such file or directory");
  CHECK(r.estate.cis.size() == 2);
  CHECK(r.estate.cis[1].dns == std::vector<Index>{0});
  REQUIRE(r.estate.files.size() == 2);
  CHECK(r.estate.files[0].sha256.size() == 64);
}

TEST_CASE("load_estate_files refuses an oversized file without reading it", "[collect]") {
  TempDir dir;
  std::string big = dir.file("big.toml", std::string(100, '#'));
  LoadOptions options;
  options.max_file_bytes = 99;
  LoadResult r = load_estate_files({big}, options);
  REQUIRE(r.diagnostics.items().size() == 1);
  CHECK(r.diagnostics.items()[0].message == "file has 100 bytes, more than the limit of 99 bytes");
  CHECK(r.estate.files[0].sha256.empty());
}

TEST_CASE("load_estate_files reports a file that cannot be read", "[collect]") {
  LoadResult r = load_estate_files({"/nonexistent/estate.toml"});
  REQUIRE(r.diagnostics.items().size() == 1);
  CHECK(r.diagnostics.items()[0].message == "cannot read file: No such file or directory");
}

}  // namespace
}  // namespace topocheck
