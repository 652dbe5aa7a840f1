// Interfaces: zone from the subnet, address inside the subnet.
#include "checker/load/cross_checks.h"

namespace topocheck {
namespace {

std::string interface_field(size_t i, std::string_view sub) {
  return "interfaces[" + std::to_string(i) + "]." + std::string(sub);
}

void report(LoadContext& ctx, Index ci, size_t i, std::string_view sub, const SourceLoc& at,
            std::string problem) {
  std::string key = interface_field(i, sub);
  ctx.error(at, "ci." + key,
            "field '" + key + "' of " + describe_entity(ctx, Table::ci, ci) + ": " + problem);
}

void complete_interface(LoadContext& ctx, Index ci, size_t i, Interface& iface) {
  const Subnet& subnet = ctx.estate.subnets[iface.subnet];
  if (iface.zone != kNoIndex && subnet.zone != kNoIndex && iface.zone != subnet.zone) {
    report(ctx, ci, i, "zone", iface.loc,
           "zone \"" + ctx.estate.zones[iface.zone].id + "\" differs from zone \"" +
               ctx.estate.zones[subnet.zone].id + "\" of subnet \"" + subnet.id + "\"");
  }
  if (subnet.zone != kNoIndex) iface.zone = subnet.zone;
  if (iface.ip && !subnet.cidr.contains(*iface.ip)) {
    report(ctx, ci, i, "ip", iface.loc,
           to_string(*iface.ip) + " is not inside subnet \"" + subnet.id + "\" (" +
               to_string(subnet.cidr) + ")");
  }
}

}  // namespace

void complete_interfaces(LoadContext& ctx) {
  auto& cis = ctx.estate.cis;
  for (Index c = 0; c < cis.size(); ++c) {
    for (size_t i = 0; i < cis[c].interfaces.size(); ++i) {
      Interface& iface = cis[c].interfaces[i];
      if (iface.subnet != kNoIndex) complete_interface(ctx, c, i, iface);
    }
  }
}

}  // namespace topocheck
