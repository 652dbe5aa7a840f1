// CA issuer chains: no self-issue, no cycles, no issuer on a root. Issuer references already
// point only at CAs (the resolver checks the class), so a cycle is always among CAs.
#include <algorithm>
#include <vector>

#include "checker/load/cross_checks.h"

namespace topocheck {
namespace {

void report(LoadContext& ctx, Index ci, const char* field, std::string problem) {
  ctx.error(ctx.estate.cis[ci].where(field), std::string("ci.") + field,
            "field '" + std::string(field) + "' of " + describe_entity(ctx, Table::ci, ci) + ": " +
                problem);
}

void check_issuer_field(LoadContext& ctx, Index i) {
  const Ci& ci = ctx.estate.cis[i];
  if (ci.issuer == i) {
    report(ctx, i, "issuer", "a CA cannot be its own issuer; a root CA sets 'root = true' instead");
  } else if (ci.issuer != kNoIndex && ci.root) {
    report(ctx, i, "root",
           "a root CA has no issuer, but 'issuer' names \"" + ctx.estate.cis[ci.issuer].id + "\"");
  }
}

// `cycle` in issuer order, reported once, starting at its first CA in estate order.
void report_cycle(LoadContext& ctx, std::vector<Index> cycle) {
  std::rotate(cycle.begin(), std::min_element(cycle.begin(), cycle.end()), cycle.end());
  std::string chain;
  for (Index c : cycle) chain += "\"" + ctx.estate.cis[c].id + "\" -> ";
  chain += "\"" + ctx.estate.cis[cycle.front()].id + "\"";
  report(ctx, cycle.front(), "issuer", "issuer cycle among CAs: " + chain);
}

}  // namespace

void check_ca_chains(LoadContext& ctx) {
  auto& cis = ctx.estate.cis;
  enum : uint8_t { kNew, kOnPath, kDone };
  std::vector<uint8_t> state(cis.size(), kNew);
  std::vector<Index> path;
  for (Index start = 0; start < cis.size(); ++start) {
    check_issuer_field(ctx, start);
    path.clear();
    Index at = start;
    while (at != kNoIndex && state[at] == kNew) {
      state[at] = kOnPath;
      path.push_back(at);
      Index next = cis[at].issuer;
      at = next == at ? kNoIndex : next;  // self-issue is reported on its own
    }
    if (at != kNoIndex && state[at] == kOnPath) {
      report_cycle(ctx, std::vector<Index>(std::find(path.begin(), path.end(), at), path.end()));
    }
    for (Index p : path) state[p] = kDone;
  }
}

}  // namespace topocheck
