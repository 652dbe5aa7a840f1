// What-if and pre-change validation: `diff` compares two estates (findings introduced, resolved,
// unchanged, and the reachability delta: internet and administrative paths opened or closed);
// `baseline` writes the findings of an estate as a baseline for `check --baseline`.
#pragma once

#include <string>
#include <vector>

namespace topocheck::cli {

int cmd_diff(const std::vector<std::string>& args);
int cmd_baseline(const std::vector<std::string>& args);

}  // namespace topocheck::cli
