// Overlays: what-if changes applied to an estate before it is checked. An overlay file is estate
// TOML whose entries add to the estate, replace the entry with the same key, or remove it
// (`remove = true`). Keys: `id` for ci, zone, subnet, certificate, account and change; firewall +
// order for rule; firewall + public + service for nat; from + to + type for relation; ci + cve
// for vulnerability; rule + reference for waiver.
//
// Applied on the parsed documents, before conversion, so every entry keeps the file and line it
// was written at: a replaced entry is cited at its line in the overlay.
#pragma once

#include <string>
#include <vector>

#include <toml++/toml.h>

#include "checker/util/diagnostics.h"

namespace topocheck {

// Removes from `base` every entry that an overlay replaces or removes, and strips `remove = true`
// entries from the overlays (after checking they matched something). Errors name the overlay
// file and line.
void apply_overlays(const std::vector<toml::table*>& base, const std::vector<toml::table*>& overlays,
                    const std::vector<std::string>& overlay_paths, Diagnostics& diags);

}  // namespace topocheck
