// Commands about the policy pack itself: `test` runs the authors' policy tests, `clauses` prints
// the clause coverage matrix.
#pragma once

#include <string>
#include <vector>

namespace topocheck::cli {

int cmd_test(const std::vector<std::string>& args);
int cmd_clauses(const std::vector<std::string>& args);

}  // namespace topocheck::cli
