#include "tests/unit/support.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "checker/graph/graph.h"
#include "checker/graph/reach.h"

namespace topocheck::testing {
namespace {

CheckResult run_over(const LoadResult& loaded, const std::vector<std::string>& policies,
                     const std::string& as_of, const SettingOverrides& settings) {
  RunOptions options = options_as_of(as_of);
  options.only = policies;
  options.settings = settings;
  return run_pack_over("policies", loaded, options);
}

void require_clean(const LoadResult& loaded) {
  for (const Diagnostic& d : loaded.diagnostics.items()) {
    if (d.level == DiagLevel::error) FAIL_CHECK(format_diagnostic(d, false));
  }
  REQUIRE_FALSE(loaded.diagnostics.has_errors());
}

}  // namespace

LoadResult load_fixture(const std::string& path) {
  LoadResult loaded = load_estate({path});
  require_clean(loaded);
  return loaded;
}

CheckResult check_fixture(const std::string& path, const std::vector<std::string>& policies,
                          const std::string& as_of, const SettingOverrides& settings) {
  const LoadResult loaded = load_fixture(path);
  CheckResult result = run_over(loaded, policies, as_of, settings);
  for (const PolicyError& e : result.errors) FAIL_CHECK(e.message << "\n" << e.traceback);
  return result;
}

CheckResult check_toml(const std::string& toml, const std::vector<std::string>& policies,
                       const std::string& as_of) {
  const LoadResult loaded = load_estate_from_strings({{"inline.toml", toml}});
  require_clean(loaded);
  CheckResult result = run_over(loaded, policies, as_of, {});
  for (const PolicyError& e : result.errors) FAIL_CHECK(e.message << "\n" << e.traceback);
  return result;
}

RunOptions options_as_of(const std::string& as_of) {
  RunOptions options;
  options.as_of = *parse_date(as_of);
  return options;
}

CheckResult run_pack_over(const std::string& pack_dir, const LoadResult& loaded, const RunOptions& options) {
  PolicyPack pack;
  std::string error;
  REQUIRE(load_policy_pack(pack_dir, pack, error));
  const EstateGraph graph(loaded.estate);
  const ReachabilityIndex reach(graph);
  return run_policies(pack, loaded.estate, graph, &reach, options);
}

CheckResult run_pack_over_toml(const std::string& pack_dir, const std::string& toml,
                               const RunOptions& options) {
  const LoadResult loaded = load_estate_from_strings({{"inline.toml", toml}});
  require_clean(loaded);
  return run_pack_over(pack_dir, loaded, options);
}

std::vector<std::string> finding_lines(const CheckResult& result) {
  std::vector<std::string> lines;
  for (const Finding& f : result.findings) lines.push_back(f.rule + " " + f.ci + ": " + f.message);
  return lines;
}

std::vector<std::string> finding_cis(const CheckResult& result) {
  std::vector<std::string> lines;
  for (const Finding& f : result.findings) lines.push_back(f.rule + " " + f.ci);
  return lines;
}

TempDir::TempDir(const std::string& tag) {
  static int counter = 0;
  root = std::filesystem::temp_directory_path() /
         ("topocheck-" + tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(root);
  std::filesystem::create_directories(root);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::permissions(root, std::filesystem::perms::owner_all, std::filesystem::perm_options::add, ec);
  std::filesystem::remove_all(root, ec);
}

std::string TempDir::path(const std::string& name) const { return (root / name).string(); }

std::string TempDir::write(const std::string& name, const std::string& text) const {
  const std::filesystem::path p = root / name;
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
  return p.string();
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

CommandResult run_topocheck(const std::vector<std::string>& args) {
  static int counter = 0;
  const std::string base = "/tmp/topocheck-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  std::string command = std::string("'") + TOPOCHECK_BINARY + "'";
  for (const std::string& a : args) {
    std::string quoted = "'";
    for (char c : a) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    command += " " + quoted + "'";
  }
  command += " >" + base + ".out 2>" + base + ".err </dev/null";
  const int status = std::system(command.c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_file(base + ".out");
  r.err = read_file(base + ".err");
  std::remove((base + ".out").c_str());
  std::remove((base + ".err").c_str());
  return r;
}

}  // namespace topocheck::testing
