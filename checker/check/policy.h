// Policies: the Lua files of a policy pack and the metadata each declares. A policy file
// returns a table (see policies/example.lua and docs/policy-api.md):
//   return {
//     id = "EDR-LEADING", title = "...", severity = "high", clause = "003 §7.2",
//     rationale = "...", remediation = "...", settings = { ... },
//     check = function(estate, settings) ... end,
//   }
// Loading a pack reads the files; it runs no policy code (engine.h does, in a sandbox).
#pragma once

#include <map>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>
#include <vector>

#include "checker/check/finding.h"

namespace topocheck {

struct PolicySource {
  std::string path;    // as shown in errors: "policies/EDR-LEADING.lua"
  std::string source;  // the file's text
};

struct PolicyPack {
  std::string dir;      // the pack directory
  std::string lib_dir;  // dir/lib: shared helpers for import()
  std::string version;  // declared in dir/VERSION, else "unversioned", plus a content digest
  std::vector<PolicySource> policies;  // sorted by path; example.lua is skipped
};

// A policy setting's value: a string, number, boolean, list or table, as a policy declares it
// in its `settings` and as a settings file or --set overrides it.
using SettingValue = nlohmann::ordered_json;

struct PolicyMeta {
  std::string id;
  std::string title;
  Severity severity = Severity::medium;
  std::string clause;
  std::string rationale;
  std::string remediation;
  std::string file;
  std::map<std::string, SettingValue> settings;  // defaults, after overrides
  // `cost = "high"`: a scheduling hint. On a large estate such policies start first, so that the
  // longest ones do not start last on a busy core; results keep pack order either way.
  bool costly = false;
};

// Reads every *.lua file directly in `dir` (not lib/). Returns false and fills `error` when the
// directory cannot be read or holds no policy.
bool load_policy_pack(const std::string& dir, PolicyPack& pack, std::string& error);

// The pack shipped with topocheck: $TOPOCHECK_POLICIES, else policies/ beside the source tree.
std::string default_policy_dir();

}  // namespace topocheck
