// `topocheck explain`: reachability for a network engineer. With --ci, every path into a CI
// (from the internet and from every other source) with the rule behind each hop; with --from and
// --to, one flow traced like a packet tracer, including where and why it stops.
#pragma once

#include <string>
#include <vector>

namespace topocheck::cli {

int cmd_explain(const std::vector<std::string>& args);

}  // namespace topocheck::cli
