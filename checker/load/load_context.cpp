// Shared helpers of the loader's readers: diagnostics with locations, entity descriptions and
// id registration.
#include "checker/load/load_context.h"

#include <algorithm>
#include <array>
#include <iterator>

namespace topocheck {
namespace {

// The located part of any entity, for descriptions; nullptr for meta and bad indices.
const Located* located(const Estate& e, Table table, Index i) {
  auto pick = [i](const auto& v) -> const Located* { return i < v.size() ? &v[i] : nullptr; };
  switch (table) {
    case Table::meta:
      return nullptr;
    case Table::zone:
      return pick(e.zones);
    case Table::subnet:
      return pick(e.subnets);
    case Table::ci:
      return pick(e.cis);
    case Table::rule:
      return pick(e.rules);
    case Table::nat:
      return pick(e.nats);
    case Table::relation:
      return pick(e.relations);
    case Table::certificate:
      return pick(e.certificates);
    case Table::vulnerability:
      return pick(e.vulnerabilities);
    case Table::account:
      return pick(e.accounts);
    case Table::change:
      return pick(e.changes);
    case Table::waiver:
      return pick(e.waivers);
  }
  return nullptr;
}

// The id of an entity of a table with ids; empty when not written (or no such table).
std::string_view entity_id(const Estate& e, Table table, Index i) {
  auto pick = [i](const auto& v) -> std::string_view {
    return i < v.size() ? std::string_view(v[i].id) : std::string_view{};
  };
  switch (table) {
    case Table::zone:
      return pick(e.zones);
    case Table::subnet:
      return pick(e.subnets);
    case Table::ci:
      return pick(e.cis);
    case Table::certificate:
      return pick(e.certificates);
    case Table::account:
      return pick(e.accounts);
    case Table::change:
      return pick(e.changes);
    default:
      return {};
  }
}

bool has_field(const Located& l, std::string_view field) {
  for (const FieldLoc& f : l.fields) {
    if (field == f.field) return true;
  }
  return false;
}

std::string describe_rule(const LoadContext& ctx, Index i) {
  const Rule& rule = ctx.estate.rules[i];
  std::string_view firewall =
      i < ctx.rule_firewalls.size() ? std::string_view(ctx.rule_firewalls[i]) : std::string_view{};
  bool has_order = has_field(rule, "order");
  if (has_order && !firewall.empty()) {
    return "rule #" + std::to_string(rule.order) + " of firewall \"" + std::string(firewall) + "\"";
  }
  std::string where = " at " + ctx.describe(rule.loc);
  if (has_order) return "rule #" + std::to_string(rule.order) + where;
  if (!firewall.empty()) return "rule of firewall \"" + std::string(firewall) + "\"" + where;
  return "rule" + where;
}

}  // namespace

std::string_view table_name(Table t) {
  switch (t) {
    case Table::meta:
      return "meta";
    case Table::zone:
      return "zone";
    case Table::subnet:
      return "subnet";
    case Table::ci:
      return "ci";
    case Table::rule:
      return "rule";
    case Table::nat:
      return "nat";
    case Table::relation:
      return "relation";
    case Table::certificate:
      return "certificate";
    case Table::vulnerability:
      return "vulnerability";
    case Table::account:
      return "account";
    case Table::change:
      return "change";
    case Table::waiver:
      return "waiver";
  }
  return "?";
}

const std::string& LoadContext::path(uint32_t file_index) const {
  static const std::string kUnknown = "<unknown>";
  if (shard && file_index == file) return shard_file.path;
  return file_index < estate.files.size() ? estate.files[file_index].path : kUnknown;
}

std::string LoadContext::describe(const SourceLoc& loc) const {
  if (shard && loc.file == file) return shard_file.path + ":" + std::to_string(loc.line);
  return estate.describe(loc);
}

void LoadContext::error(const SourceLoc& at, std::string field, std::string message) {
  diags.error(path(at.file), at.line, at.column, std::move(field), std::move(message));
}

void LoadContext::warning(const SourceLoc& at, std::string field, std::string message) {
  diags.warning(path(at.file), at.line, at.column, std::move(field), std::move(message));
}

std::string describe_entity(const LoadContext& ctx, Table table, Index index) {
  if (table == Table::meta) return "[meta]";
  if (table == Table::rule && index < ctx.estate.rules.size()) return describe_rule(ctx, index);
  std::string name(table_name(table));
  std::string_view id = entity_id(ctx.estate, table, index);
  if (!id.empty()) return name + " \"" + std::string(id) + "\"";
  if (table == Table::vulnerability && index < ctx.estate.vulnerabilities.size() &&
      !ctx.estate.vulnerabilities[index].cve.empty()) {
    name += " " + ctx.estate.vulnerabilities[index].cve;
  }
  const Located* l = located(ctx.estate, table, index);
  return l ? name + " at " + ctx.describe(l->loc) : name;
}

IdMap* id_map(Estate& estate, Table table) {
  switch (table) {
    case Table::zone:
      return &estate.zone_by_id;
    case Table::subnet:
      return &estate.subnet_by_id;
    case Table::ci:
      return &estate.ci_by_id;
    case Table::certificate:
      return &estate.certificate_by_id;
    case Table::account:
      return &estate.account_by_id;
    case Table::change:
      return &estate.change_by_id;
    default:
      return nullptr;
  }
}

SourceLoc entity_loc(const Estate& estate, Table table, Index index) {
  const Located* l = located(estate, table, index);
  return l ? l->loc : SourceLoc{};
}

void register_id(LoadContext& ctx, Table table, std::string_view id, Index index,
                 const SourceLoc& at) {
  auto* map = id_map(ctx.estate, table);
  if (map == nullptr) return;
  if (ctx.shard) {
    ctx.pending_ids.push_back(LoadContext::PendingId{table, index, at});
    return;
  }
  auto [it, inserted] = map->try_emplace(std::string(id), index);
  if (inserted) return;
  std::string name(table_name(table));
  ctx.error(at, name + ".id",
            "duplicate " + name + " id \"" + std::string(id) + "\" (first defined at " +
                ctx.describe(entity_loc(ctx.estate, table, it->second)) + ")");
}

namespace {

template <typename T>
Index append_moved(std::vector<T>& to, std::vector<T>& from) {
  const auto base = static_cast<Index>(to.size());
  if (to.capacity() < to.size() + from.size()) {
    to.reserve(std::max(to.size() + from.size(), to.size() * 2));
  }
  std::move(from.begin(), from.end(), std::back_inserter(to));
  from.clear();
  from.shrink_to_fit();
  return base;
}

}  // namespace

void join_shard(LoadContext& ctx, LoadContext& shard) {
  Estate& e = ctx.estate;
  Estate& s = shard.estate;
  std::array<Index, 12> base{};
  auto at = [&base](Table t) -> Index& { return base[static_cast<size_t>(t)]; };
  at(Table::zone) = append_moved(e.zones, s.zones);
  at(Table::subnet) = append_moved(e.subnets, s.subnets);
  at(Table::ci) = append_moved(e.cis, s.cis);
  at(Table::rule) = append_moved(e.rules, s.rules);
  at(Table::nat) = append_moved(e.nats, s.nats);
  at(Table::relation) = append_moved(e.relations, s.relations);
  at(Table::certificate) = append_moved(e.certificates, s.certificates);
  at(Table::vulnerability) = append_moved(e.vulnerabilities, s.vulnerabilities);
  at(Table::account) = append_moved(e.accounts, s.accounts);
  at(Table::change) = append_moved(e.changes, s.changes);
  at(Table::waiver) = append_moved(e.waivers, s.waivers);
  if (shard.file < e.files.size()) e.files[shard.file] = std::move(shard.shard_file);
  ctx.rule_firewalls.resize(at(Table::rule));
  shard.rule_firewalls.resize(e.rules.size() - at(Table::rule));
  append_moved(ctx.rule_firewalls, shard.rule_firewalls);
  ctx.diags.append(shard.diags);
  shard.diags = Diagnostics{};
  // Ids first: a reference may name an entity defined further down the same file.
  for (const LoadContext::PendingId& id : shard.pending_ids) {
    const Index index = at(id.table) + id.index;
    register_id(ctx, id.table, entity_id(e, id.table, index), index, id.at);
  }
  for (PendingRef& ref : shard.pending) {
    ref.entity += at(reference_owner(ref.slot));
    add_reference(ctx, std::move(ref));
  }
  shard.pending_ids = {};
  shard.pending = {};
}

}  // namespace topocheck
