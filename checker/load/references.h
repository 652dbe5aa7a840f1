// References between entities ("dns = ["dns-cust-1"]", "firewall = "fw-edge-1"") are written as
// ids and may point at entities defined later or in another file. A reference whose target is
// already known is resolved at once; the rest wait as PendingRefs and are resolved after every
// file has been read. Either way the check is the same: the target exists and, where the format
// demands it, has the right class (rule firewalls are firewalls, issuers and trust roots are CAs).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "checker/model/estate.h"

namespace topocheck {

struct LoadContext;
enum class Table : uint8_t;

// Every model field that holds a reference. The slot says which entity table owns the field,
// which table the id names, and how messages spell the field.
enum class RefSlot : uint8_t {
  zone_ids_visibility,
  subnet_zone,
  rule_firewall,
  rule_from,
  rule_to,
  nat_firewall,
  nat_to_ci,
  ci_interface_subnet,
  ci_interface_zone,
  ci_trust_root,
  ci_certificate,
  ci_dns,
  ci_ntp,
  ci_log_target,
  ci_monitored_by,
  ci_managed_by,
  ci_log_to,
  ci_issuer,
  relation_from,
  relation_to,
  certificate_issuer,
  vulnerability_ci,
  vulnerability_fixed_by_change,
  change_ci,
};

struct PendingRef {
  RefSlot slot;
  Index entity = kNoIndex;  // the owning entity in its table
  uint32_t position = 0;    // element of a list field (dns[2]); 0 otherwise
  SourceLoc loc;            // where the id was written
  std::string id;
};

// Resolves the reference now when the target is known, else queues it in ctx.pending. The model
// field it fills must already exist (list fields sized to their element count).
void add_reference(LoadContext& ctx, RefSlot slot, Index entity, uint32_t position,
                   std::string_view id, const SourceLoc& at);

// The same for a reference recorded earlier (by a shard, see join_shard).
void add_reference(LoadContext& ctx, PendingRef&& ref);

// The table whose entities hold references of this slot.
Table reference_owner(RefSlot slot);

// Resolves every queued reference; a missing target or a target of the wrong class is an error
// at the place the id was written.
void resolve_references(LoadContext& ctx);

}  // namespace topocheck
