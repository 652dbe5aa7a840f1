// Checks that need the whole estate: they run after every file is read and every reference is
// resolved, because the entities they relate may come from different files.
#pragma once

#include "checker/load/load_context.h"

namespace topocheck {

// Gives each interface on a subnet the subnet's zone, and checks that its address lies in the
// subnet's range and that an explicitly written zone agrees with the subnet's.
void complete_interfaces(LoadContext& ctx);

// CA chains must end: a CA is not its own issuer, issuers form no cycle, and a root CA
// (`root = true`) names no issuer.
void check_ca_chains(LoadContext& ctx);

}  // namespace topocheck
