// The top level of an estate document: which table name goes to which reader.
#include <algorithm>
#include <array>

#include "checker/load/entity_readers.h"
#include "checker/load/suggest.h"
#include "checker/load/toml_values.h"

namespace topocheck {
namespace {

// Makes room for `more` entities at once: an export holds many thousands of [[ci]], and growing
// the vector one doubling at a time would move every (large) Ci several times. Geometric, so that
// many small files do not reallocate per file.
template <auto kTable>
void reserve_more(Estate& estate, size_t more) {
  auto& table = estate.*kTable;
  if (table.capacity() >= table.size() + more) return;
  table.reserve(std::max(table.size() + more, table.capacity() * 2));
}

struct TableReader {
  std::string_view name;
  Table table;
  void (*read)(LoadContext&, const doc::Table&);
  void (*reserve)(Estate&, size_t);
};

constexpr std::array<TableReader, 11> kTableReaders{{
    {"zone", Table::zone, read_zone, reserve_more<&Estate::zones>},
    {"subnet", Table::subnet, read_subnet, reserve_more<&Estate::subnets>},
    {"rule", Table::rule, read_rule, reserve_more<&Estate::rules>},
    {"nat", Table::nat, read_nat, reserve_more<&Estate::nats>},
    {"ci", Table::ci, read_ci, reserve_more<&Estate::cis>},
    {"relation", Table::relation, read_relation, reserve_more<&Estate::relations>},
    {"certificate", Table::certificate, read_certificate, reserve_more<&Estate::certificates>},
    {"vulnerability", Table::vulnerability, read_vulnerability, reserve_more<&Estate::vulnerabilities>},
    {"account", Table::account, read_account, reserve_more<&Estate::accounts>},
    {"change", Table::change, read_change, reserve_more<&Estate::changes>},
    {"waiver", Table::waiver, read_waiver, reserve_more<&Estate::waivers>},
}};

std::vector<std::string_view> top_level_names() {
  std::vector<std::string_view> names{"meta"};
  for (const auto& r : kTableReaders) names.push_back(r.name);
  return names;
}

void read_table_array(LoadContext& ctx, const TableReader& reader, const doc::Node& value) {
  std::string name(reader.name);
  const doc::Array* array = value.as_array();
  if (array == nullptr) {
    ctx.error(ctx.loc(value.source()), name,
              "'" + name + "' must be an array of tables ([[" + name + "]]), got " +
                  std::string(toml_type_name(value)));
    return;
  }
  reader.reserve(ctx.estate, array->size());
  // A shard registers no ids (join_shard does, into maps the loader sized for every file).
  IdMap* ids = ctx.shard ? nullptr : id_map(ctx.estate, reader.table);
  if (ids != nullptr) {
    const size_t wanted = ids->size() + array->size();  // geometric, like reserve_more
    if (wanted > ids->bucket_count()) ids->reserve(std::max(wanted, ids->size() * 2));
  }
  for (size_t i = 0; i < array->size(); ++i) {
    const doc::Node& item = (*array)[i];
    if (const doc::Table* table = item.as_table()) {
      reader.read(ctx, *table);
    } else {
      ctx.error(ctx.loc(item.source()), name + "[" + std::to_string(i) + "]",
                "element " + std::to_string(i) + " of '" + name + "' must be a table, got " +
                    std::string(toml_type_name(item)));
    }
  }
}

void read_meta_node(LoadContext& ctx, const doc::Node& value) {
  if (const doc::Table* table = value.as_table()) {
    read_meta(ctx, *table);
    return;
  }
  ctx.error(ctx.loc(value.source()), "meta",
            "'meta' must be a table ([meta]), got " + std::string(toml_type_name(value)));
}

}  // namespace

void read_document(LoadContext& ctx, const doc::Table& root) {
  for (const doc::Entry& entry : root) {
    std::string_view name = entry.key;
    const doc::Node& value = entry.value;
    if (name == "meta") {
      read_meta_node(ctx, value);
      continue;
    }
    auto reader = std::find_if(kTableReaders.begin(), kTableReaders.end(),
                               [&](const TableReader& r) { return r.name == name; });
    if (reader != kTableReaders.end()) {
      read_table_array(ctx, *reader, value);
      continue;
    }
    std::string_view what = value.is_table() || value.is_array_of_tables() ? "table" : "key";
    ctx.warning(ctx.loc(entry.key_pos), std::string(name),
                "unknown " + std::string(what) + " '" + std::string(name) + "'" +
                    did_you_mean(name, top_level_names()));
  }
}

}  // namespace topocheck
