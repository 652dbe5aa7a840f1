// The topocheck commands (validate, check, policies, ...): each parses its options, runs the
// pipeline (load -> graph -> reachability -> policies -> report) and returns the exit code:
//   0  no findings at or above --fail-on (validate: no input errors)
//   1  findings at or above --fail-on
//   2  input error, policy error or usage error
#pragma once

#include <string>
#include <vector>

namespace topocheck::cli {

inline constexpr int kExitClean = 0;
inline constexpr int kExitFindings = 1;
inline constexpr int kExitError = 2;

// argv without the program name.
int run(const std::vector<std::string>& args);

}  // namespace topocheck::cli
