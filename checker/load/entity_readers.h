// Readers of the estate's tables. Each converts one TOML table ([[ci]], [[rule]] ...) into the
// entity it describes, appends it to its table of the estate (also when it has errors, so that
// indices stay stable), and reports every problem it finds.
//
// Required fields (a missing one is an error at the table's header):
//
//   table            required                           notes
//   zone             id, kind
//   subnet           id, zone, cidr
//   rule             firewall, order, action,           from/to/services must not be empty
//                    from, to, services                 ("any" says "everything")
//   nat              firewall, public,                  exactly one of to_ci / to_ip
//                    to_ci or to_ip
//   ci               id, class
//   ci.interfaces[]  subnet or zone
//   ci.agents[]      kind
//   ci.identity.local_accounts[]  name
//   relation         from, to, type
//   certificate      id, issuer
//   vulnerability    ci, cve
//   account          id, kind
//   change           id
//   waiver           rule, cis                          cis must not be empty
//   meta             (none)                             format, when given, is "estate/1"
#pragma once

#include "checker/load/doc.h"

#include "checker/load/load_context.h"

namespace topocheck {

// The format version this loader reads.
inline constexpr std::string_view kEstateFormat = "estate/1";

// A whole document: [meta] and every [[table]] in it; unknown top-level keys are warnings.
void read_document(LoadContext& ctx, const doc::Table& root);

void read_meta(LoadContext& ctx, const doc::Table& table);
void read_zone(LoadContext& ctx, const doc::Table& table);
void read_subnet(LoadContext& ctx, const doc::Table& table);
void read_rule(LoadContext& ctx, const doc::Table& table);
void read_nat(LoadContext& ctx, const doc::Table& table);
void read_ci(LoadContext& ctx, const doc::Table& table);
void read_relation(LoadContext& ctx, const doc::Table& table);
void read_certificate(LoadContext& ctx, const doc::Table& table);
void read_vulnerability(LoadContext& ctx, const doc::Table& table);
void read_account(LoadContext& ctx, const doc::Table& table);
void read_change(LoadContext& ctx, const doc::Table& table);
void read_waiver(LoadContext& ctx, const doc::Table& table);

}  // namespace topocheck
