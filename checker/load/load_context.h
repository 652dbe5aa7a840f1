// The state of one load, passed explicitly to every reader: the estate being built, the
// diagnostics, the file being read, and the references still waiting for their targets (which may
// be defined in a later file). Also the helpers every reader shares: locations, entity
// descriptions for messages, and id registration with the duplicate check.
#pragma once


#include <string>
#include <string_view>
#include <vector>

#include "checker/load/doc.h"
#include "checker/load/references.h"
#include "checker/model/estate.h"
#include "checker/util/diagnostics.h"

namespace topocheck {

// The estate's tables, for messages ("ci", "rule") and for id maps.
enum class Table : uint8_t {
  meta,
  zone,
  subnet,
  ci,
  rule,
  nat,
  relation,
  certificate,
  vulnerability,
  account,
  change,
  waiver
};

std::string_view table_name(Table t);

struct LoadContext {
  LoadContext(Estate& e, Diagnostics& d) : estate(e), diags(d) {}

  Estate& estate;
  Diagnostics& diags;
  uint32_t file = 0;  // index into estate.files of the file being read
  std::vector<PendingRef> pending;
  // The firewall id each rule was written with, so that messages can name a rule as
  // `rule #100 of firewall "fw-edge-1"` before and after the firewall reference is resolved.
  std::vector<std::string> rule_firewalls;

  // Set while one file is read into an estate of its own on a worker thread (a shard, see
  // join_shard): ids and references are only recorded, and are registered and resolved when the
  // shard joins the whole estate, in file order.
  bool shard = false;
  SourceFile shard_file;  // a shard's estate has no files: this is the one it reads
  struct PendingId {
    Table table;
    Index index;
    SourceLoc at;
  };
  std::vector<PendingId> pending_ids;

  SourceLoc loc(doc::Pos at) const { return SourceLoc{file, at.line, at.column}; }
  const std::string& path(uint32_t file_index) const;
  // "servers.toml:12"
  std::string describe(const SourceLoc& loc) const;
  // The record of the file being read (in the estate, or the shard's own).
  SourceFile& source_file() { return shard ? shard_file : estate.files[file]; }

  void error(const SourceLoc& at, std::string field, std::string message);
  void warning(const SourceLoc& at, std::string field, std::string message);
};

// How messages name an entity: `ci "app-01"`, `rule #100 of firewall "fw-edge-1"`,
// `nat at network/fw.toml:12`, `[meta]`.
std::string describe_entity(const LoadContext& ctx, Table table, Index index);

// Registers `id` for the entity at `index` of `table` in the estate's id map; a second
// definition of the same id is an error that names where the first one was.
void register_id(LoadContext& ctx, Table table, std::string_view id, Index index,
                 const SourceLoc& at);

// Moves what `shard` read (one file, read with shard set) into `ctx`'s estate: its entities after
// those already there, then its ids registered and its references resolved or queued, as if the
// file had been read in place.
void join_shard(LoadContext& ctx, LoadContext& shard);

// The id map of a table with ids, or nullptr.
IdMap* id_map(Estate& estate, Table table);

// Where the entity at `index` of `table` starts, for "first defined at" and descriptions.
SourceLoc entity_loc(const Estate& estate, Table table, Index index);

}  // namespace topocheck
