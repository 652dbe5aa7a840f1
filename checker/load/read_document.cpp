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
  void (*read)(LoadContext&, const toml::table&);
  void (*reserve)(Estate&, size_t);
};

constexpr std::array<TableReader, 11> kTableReaders{{
    {"zone", read_zone, reserve_more<&Estate::zones>},
    {"subnet", read_subnet, reserve_more<&Estate::subnets>},
    {"rule", read_rule, reserve_more<&Estate::rules>},
    {"nat", read_nat, reserve_more<&Estate::nats>},
    {"ci", read_ci, reserve_more<&Estate::cis>},
    {"relation", read_relation, reserve_more<&Estate::relations>},
    {"certificate", read_certificate, reserve_more<&Estate::certificates>},
    {"vulnerability", read_vulnerability, reserve_more<&Estate::vulnerabilities>},
    {"account", read_account, reserve_more<&Estate::accounts>},
    {"change", read_change, reserve_more<&Estate::changes>},
    {"waiver", read_waiver, reserve_more<&Estate::waivers>},
}};

std::vector<std::string_view> top_level_names() {
  std::vector<std::string_view> names{"meta"};
  for (const auto& r : kTableReaders) names.push_back(r.name);
  return names;
}

void read_table_array(LoadContext& ctx, const TableReader& reader, const toml::node& value) {
  std::string name(reader.name);
  const toml::array* array = value.as_array();
  if (array == nullptr) {
    ctx.error(ctx.loc(value.source()), name,
              "'" + name + "' must be an array of tables ([[" + name + "]]), got " +
                  std::string(toml_type_name(value)));
    return;
  }
  reader.reserve(ctx.estate, array->size());
  for (size_t i = 0; i < array->size(); ++i) {
    const toml::node& item = (*array)[i];
    if (const toml::table* table = item.as_table()) {
      reader.read(ctx, *table);
    } else {
      ctx.error(ctx.loc(item.source()), name + "[" + std::to_string(i) + "]",
                "element " + std::to_string(i) + " of '" + name + "' must be a table, got " +
                    std::string(toml_type_name(item)));
    }
  }
}

void read_meta_node(LoadContext& ctx, const toml::node& value) {
  if (const toml::table* table = value.as_table()) {
    read_meta(ctx, *table);
    return;
  }
  ctx.error(ctx.loc(value.source()), "meta",
            "'meta' must be a table ([meta]), got " + std::string(toml_type_name(value)));
}

}  // namespace

void read_document(LoadContext& ctx, const toml::table& root) {
  for (auto&& [key, value] : root) {
    std::string_view name = key.str();
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
    ctx.warning(ctx.loc(key.source()), std::string(name),
                "unknown " + std::string(what) + " '" + std::string(name) + "'" +
                    did_you_mean(name, top_level_names()));
  }
}

}  // namespace topocheck
