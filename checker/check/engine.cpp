#include "checker/check/engine.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <mutex>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <lua.hpp>

#include "checker/lua/api.h"
#include "checker/lua/json_bridge.h"

namespace topocheck {
namespace {

constexpr const char* kMetaFields[] = {"id", "title", "severity", "clause", "rationale", "remediation"};

struct PolicyOutcome {
  bool has_meta = false;
  PolicyMeta meta;
  std::vector<Finding> findings;
  std::vector<std::string> notices;
  std::vector<std::string> checked;
  std::optional<PolicyError> error;
  double seconds = 0;
  double cpu_seconds = 0;
};

// CPU time of the calling thread, in seconds: a policy runs on one thread, so this is its own
// cost whatever else the machine does.
double thread_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

PolicyError error_of(const PolicySource& src, const std::string& id, const SandboxError& e) {
  return {id.empty() ? src.path : id, src.path, e.message, e.traceback};
}

PolicyError plain_error(const PolicySource& src, const std::string& id, std::string message) {
  return {id.empty() ? src.path : id, src.path, src.path + ": " + std::move(message), {}};
}

bool valid_policy_id(const std::string& id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

// Metadata is written as long strings over several lines; reports want it as one paragraph.
std::string collapse_whitespace(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

// Reads the policy table on top of the stack into meta. Returns an error message or "".
std::string read_meta(lua_State* L, PolicyMeta& meta) {
  if (!lua_istable(L, -1)) {
    return "a policy file must return its policy table (return { id = ..., check = ... })";
  }
  std::string* targets[] = {&meta.id, &meta.title, nullptr, &meta.clause, &meta.rationale,
                            &meta.remediation};
  for (size_t i = 0; i < std::size(kMetaFields); ++i) {
    lua_getfield(L, -1, kMetaFields[i]);
    if (lua_type(L, -1) != LUA_TSTRING || lua_rawlen(L, -1) == 0) {
      lua_pop(L, 1);
      return fmt::format("the policy table lacks '{}' (a non-empty string)", kMetaFields[i]);
    }
    const std::string value = collapse_whitespace(lua_tostring(L, -1));
    lua_pop(L, 1);
    if (targets[i] != nullptr) {
      *targets[i] = value;
    } else if (auto s = severity_from_string(value)) {
      meta.severity = *s;
    } else {
      return fmt::format("unknown severity '{}' (expected info, low, medium, high or critical)", value);
    }
  }
  if (!valid_policy_id(meta.id)) {
    return fmt::format("policy id '{}' must be upper-case letters, digits, '-' or '_'", meta.id);
  }
  lua_getfield(L, -1, "cost");
  if (!lua_isnil(L, -1)) {
    const char* cost = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";
    meta.costly = std::string_view(cost) == "high";
    if (!meta.costly && std::string_view(cost) != "normal") {
      lua_pop(L, 1);
      return "'cost' must be \"normal\" or \"high\"";
    }
  }
  lua_pop(L, 1);
  lua_getfield(L, -1, "check");
  const bool has_check = lua_isfunction(L, -1);
  lua_pop(L, 1);
  if (!has_check) return "the policy table lacks 'check' (a function)";
  lua_getfield(L, -1, "settings");
  if (lua_istable(L, -1)) {
    std::string problem;
    const SettingValue settings = lua::to_json(L, -1, problem);
    if (!problem.empty()) {
      lua_pop(L, 1);
      return "settings: " + problem;
    }
    for (const auto& [key, value] : settings.items()) meta.settings[key] = value;
  } else if (!lua_isnil(L, -1)) {
    lua_pop(L, 1);
    return "'settings' must be a table";
  }
  lua_pop(L, 1);
  return {};
}

// The JSON type family a setting belongs to: overrides must keep it.
std::string type_family(const SettingValue& v) {
  if (v.is_number()) return "number";
  if (v.is_boolean()) return "boolean";
  if (v.is_string()) return "string";
  if (v.is_array()) return "list";
  if (v.is_object()) return "table";
  return "null";
}

// Builds the settings table passed to check(): the policy's own table (so list settings keep
// their defaults) with overrides applied. Returns an error for an override of an unknown setting.
std::string push_settings(lua_State* L, int policy_table, PolicyMeta& meta,
                          const SettingOverrides& overrides) {
  lua_newtable(L);
  lua_getfield(L, policy_table, "settings");
  if (lua_istable(L, -1)) {
    lua_pushnil(L);
    while (lua_next(L, -2) != 0) {
      lua_pushvalue(L, -2);
      lua_insert(L, -2);
      lua_settable(L, -5);
    }
  }
  lua_pop(L, 1);
  const auto it = overrides.find(meta.id);
  if (it == overrides.end()) return {};
  for (const auto& [key, value] : it->second) {
    const auto current = meta.settings.find(key);
    if (current == meta.settings.end()) {
      return fmt::format("setting '{}' of policy {} does not exist", key, meta.id);
    }
    if (type_family(current->second) != type_family(value)) {
      return fmt::format("setting '{}' of policy {} expects a {}, got a {}", key, meta.id,
                         type_family(current->second), type_family(value));
    }
    current->second = value;
    lua::push_json(L, value);
    lua_setfield(L, -2, key.c_str());
  }
  return {};
}

// A policy that keeps a table entry per CI, or walks every CI a few times, needs room and time in
// proportion to the estate: each limit is the larger of the configured one and an allowance per
// CI. The configured limits are all a small estate gets (the allowances pass them at a few
// hundred thousand CIs); hostile code still meets a cap, only a larger one on a larger estate.
// docs/policy-api.md ("The sandbox") states them.
constexpr size_t kMemoryPerCi = 1024;  // bytes
constexpr uint64_t kInstructionsPerCi = 10'000;
constexpr std::chrono::microseconds kWallTimePerCi{150};

// Findings a policy may report: one per CI and problem, a few problems per CI at most.
constexpr size_t kFindingsPerCi = 10;

SandboxLimits scaled_limits(const SandboxLimits& base, const Estate& estate) {
  SandboxLimits limits = base;
  const size_t cis = estate.cis.size();
  limits.memory_bytes = std::max(base.memory_bytes, kMemoryPerCi * cis);
  limits.instructions = std::max<uint64_t>(base.instructions, kInstructionsPerCi * cis);
  limits.wall_time = std::max(base.wall_time, std::chrono::duration_cast<std::chrono::milliseconds>(kWallTimePerCi * cis));
  return limits;
}

bool selected(const RunOptions& options, const std::string& id) {
  return options.only.empty() ||
         std::find(options.only.begin(), options.only.end(), id) != options.only.end();
}

PolicyOutcome run_one(const PolicySource& src, const PolicyPack& pack, const Estate& estate,
                      const EstateGraph& graph, const ReachabilityIndex* reach,
                      const RunOptions& options, bool run_check) {
  PolicyOutcome out;
  PolicyContext ctx;
  ctx.estate = &estate;
  ctx.graph = &graph;
  ctx.reach = reach;
  ctx.as_of = options.as_of;
  ctx.lib_dir = pack.lib_dir;
  ctx.max_findings = std::max(ctx.max_findings, kFindingsPerCi * estate.cis.size());

  Sandbox sandbox(scaled_limits(options.limits, estate));
  install_policy_api(sandbox, ctx);
  lua_State* L = sandbox.state();
  if (auto err = sandbox.run_chunk(src.source, src.path, 1)) {
    out.error = error_of(src, "", err);
    return out;
  }
  out.meta.file = src.path;
  if (std::string problem = read_meta(L, out.meta); !problem.empty()) {
    out.error = plain_error(src, out.meta.id, problem);
    return out;
  }
  out.has_meta = true;
  const int policy_table = lua_gettop(L);
  if (std::string problem = push_settings(L, policy_table, out.meta, options.settings);
      !problem.empty()) {
    out.error = plain_error(src, out.meta.id, problem);
    return out;
  }
  if (!run_check || !selected(options, out.meta.id)) return out;

  ctx.policy_id = out.meta.id;
  ctx.default_severity = out.meta.severity;
  ctx.clause = out.meta.clause;
  ctx.title = out.meta.title;
  lua_getfield(L, policy_table, "check");
  lua_getglobal(L, "estate");
  lua_pushvalue(L, -3);  // settings
  if (auto err = sandbox.call(2, 0)) out.error = error_of(src, out.meta.id, err);
  out.findings = std::move(ctx.findings);
  out.notices = std::move(ctx.notices);
  for (Index c = 0; c < ctx.checked.size(); ++c) {
    if (ctx.checked[c]) out.checked.push_back(estate.cis[c].id);
  }
  std::sort(out.checked.begin(), out.checked.end());
  return out;
}

// Runs every policy of the pack, `options.threads` at a time, and returns the outcomes in pack
// order. The estate, graph and reachability index are read-only and every policy has its own
// sandbox, so the policies share nothing they could change.
std::vector<PolicyOutcome> run_all(const PolicyPack& pack, const Estate& estate, const EstateGraph& graph,
                                   const ReachabilityIndex* reach, const RunOptions& options, bool run_check);

// The order policies start in: pack order, except that on a large estate run on several cores
// the ones declared `cost = "high"` go first. The policy phase lasts at least as long as its
// longest policy, and one started last on a busy core ends last. Reading the declarations costs
// a sandbox per policy (milliseconds), which only a large estate repays.
std::vector<size_t> start_order(const PolicyPack& pack, const Estate& estate, const EstateGraph& graph,
                                const ReachabilityIndex* reach, const RunOptions& options,
                                size_t threads) {
  constexpr size_t kLargeEstate = 10000;  // CIs
  std::vector<size_t> order(pack.policies.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  if (threads < 2 || estate.cis.size() < kLargeEstate) return order;
  RunOptions quiet = options;
  quiet.on_policy_done = nullptr;
  const std::vector<PolicyOutcome> declared = run_all(pack, estate, graph, reach, quiet, false);
  std::stable_partition(order.begin(), order.end(),
                        [&](size_t i) { return declared[i].has_meta && declared[i].meta.costly; });
  return order;
}

std::vector<PolicyOutcome> run_all(const PolicyPack& pack, const Estate& estate, const EstateGraph& graph,
                                   const ReachabilityIndex* reach, const RunOptions& options, bool run_check) {
  const size_t total = pack.policies.size();
  std::vector<PolicyOutcome> outcomes(total);
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const size_t threads = std::min<size_t>(run_check ? (options.threads ? options.threads : cores) : 1, total);
  const std::vector<size_t> order =
      run_check ? start_order(pack, estate, graph, reach, options, threads) : std::vector<size_t>{};
  std::atomic<size_t> next{0};
  size_t done = 0;
  std::mutex progress;
  auto work = [&] {
    for (size_t k = next++; k < total; k = next++) {
      const size_t i = order.empty() ? k : order[k];
      const auto start = std::chrono::steady_clock::now();
      const double cpu_start = thread_cpu_seconds();
      outcomes[i] = run_one(pack.policies[i], pack, estate, graph, reach, options, run_check);
      outcomes[i].seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      outcomes[i].cpu_seconds = thread_cpu_seconds() - cpu_start;
      if (options.on_policy_done) {
        const std::lock_guard<std::mutex> lock(progress);
        const std::string& name = outcomes[i].has_meta ? outcomes[i].meta.id : pack.policies[i].path;
        options.on_policy_done(name, ++done, total);
      }
    }
  };
  std::vector<std::thread> workers;
  for (size_t t = 1; t < threads; ++t) workers.emplace_back(work);
  work();
  for (std::thread& w : workers) w.join();
  return outcomes;
}

CheckResult run_pack(const PolicyPack& pack, const Estate& estate, const EstateGraph& graph,
                     const ReachabilityIndex* reach, const RunOptions& options, bool run_check) {
  CheckResult result;
  std::map<std::string, std::string> file_of_id;
  std::vector<PolicyOutcome> outcomes = run_all(pack, estate, graph, reach, options, run_check);
  for (size_t i = 0; i < pack.policies.size(); ++i) {
    const PolicySource& src = pack.policies[i];
    PolicyOutcome& out = outcomes[i];
    if (out.has_meta) {
      auto [it, inserted] = file_of_id.emplace(out.meta.id, src.path);
      if (!inserted) {
        result.errors.push_back(plain_error(
            src, out.meta.id, fmt::format("policy id {} is already used by {}", out.meta.id, it->second)));
        continue;
      }
      if (!selected(options, out.meta.id)) continue;
      result.policies.push_back(out.meta);
      if (run_check) {
        result.checked[out.meta.id] = std::move(out.checked);
        result.seconds[out.meta.id] = out.seconds;
        result.cpu_seconds[out.meta.id] = out.cpu_seconds;
      }
    }
    for (auto& f : out.findings) result.findings.push_back(std::move(f));
    for (auto& n : out.notices) result.notices.push_back({out.meta.id, std::move(n)});
    if (out.error) result.errors.push_back(std::move(*out.error));
  }
  for (const auto& [id, values] : options.settings) {
    if (!file_of_id.count(id)) {
      result.errors.push_back({id, pack.dir, fmt::format("settings given for policy {}, which is not in {}", id, pack.dir), {}});
    }
  }
  for (const std::string& id : options.only) {
    if (!file_of_id.count(id)) {
      result.errors.push_back({id, pack.dir, fmt::format("no policy with id {} in {}", id, pack.dir), {}});
    }
  }
  for (const auto& [id, file] : file_of_id) result.pack_ids.push_back(id);
  std::sort(result.policies.begin(), result.policies.end(),
            [](const PolicyMeta& a, const PolicyMeta& b) { return a.id < b.id; });
  std::stable_sort(result.notices.begin(), result.notices.end(), [](const Notice& a, const Notice& b) {
    return std::tie(a.policy, a.message) < std::tie(b.policy, b.message);
  });
  std::stable_sort(result.errors.begin(), result.errors.end(),
                   [](const PolicyError& a, const PolicyError& b) { return a.policy < b.policy; });
  sort_findings(result.findings);
  return result;
}

}  // namespace

CheckResult read_policy_metadata(const PolicyPack& pack, const RunOptions& options) {
  const Estate empty;
  const EstateGraph graph(empty);
  return run_pack(pack, empty, graph, nullptr, options, false);
}

CheckResult run_policies(const PolicyPack& pack, const Estate& estate, const EstateGraph& graph,
                         const ReachabilityIndex* reach, const RunOptions& options) {
  return run_pack(pack, estate, graph, reach, options, true);
}

}  // namespace topocheck
