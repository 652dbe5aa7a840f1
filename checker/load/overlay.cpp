#include "checker/load/overlay.h"

#include <map>
#include <set>

#include <fmt/format.h>

namespace topocheck {
namespace {

struct KeySpec {
  const char* table;
  std::vector<const char*> fields;
};

const std::vector<KeySpec>& key_specs() {
  static const std::vector<KeySpec> specs = {
      {"ci", {"id"}},          {"zone", {"id"}},        {"subnet", {"id"}},
      {"certificate", {"id"}}, {"account", {"id"}},     {"change", {"id"}},
      {"rule", {"firewall", "order"}},
      {"nat", {"firewall", "public", "service"}},
      {"relation", {"from", "to", "type"}},
      {"vulnerability", {"ci", "cve"}},
      {"waiver", {"rule", "reference"}},
  };
  return specs;
}

// The key of an entry as text ("fw-1|100"); fields that are absent count as empty.
std::string key_of(const toml::table& entry, const KeySpec& spec) {
  std::string key;
  for (const char* field : spec.fields) {
    const toml::node* n = entry.get(field);
    std::string part;
    if (n != nullptr) {
      if (auto s = n->value<std::string>()) part = *s;
      else if (auto i = n->value<int64_t>()) part = std::to_string(*i);
    }
    key += part + '\x1f';
  }
  return key;
}

std::string describe_key(const toml::table& entry, const KeySpec& spec) {
  std::string text;
  for (const char* field : spec.fields) {
    const toml::node* n = entry.get(field);
    std::string value = "(none)";
    if (n != nullptr) {
      if (auto s = n->value<std::string>()) value = "\"" + *s + "\"";
      else if (auto i = n->value<int64_t>()) value = std::to_string(*i);
    }
    text += (text.empty() ? "" : ", ") + std::string(field) + " = " + value;
  }
  return text;
}

}  // namespace

void apply_overlays(const std::vector<toml::table*>& base, const std::vector<toml::table*>& overlays,
                    const std::vector<std::string>& overlay_paths, Diagnostics& diags) {
  for (const KeySpec& spec : key_specs()) {
    // Where each key stands in the base documents: (document, position).
    std::map<std::string, std::vector<std::pair<size_t, size_t>>> where;
    for (size_t d = 0; d < base.size(); ++d) {
      const toml::array* array = (*base[d])[spec.table].as_array();
      if (array == nullptr) continue;
      for (size_t i = 0; i < array->size(); ++i) {
        if (const toml::table* t = (*array)[i].as_table()) where[key_of(*t, spec)].push_back({d, i});
      }
    }
    std::map<size_t, std::set<size_t>> drop;  // base document -> positions to erase
    for (size_t o = 0; o < overlays.size(); ++o) {
      toml::array* array = (*overlays[o])[spec.table].as_array();
      if (array == nullptr) continue;
      for (size_t i = 0; i < array->size();) {
        toml::table* entry = (*array)[i].as_table();
        if (entry == nullptr) {
          ++i;
          continue;
        }
        const bool remove = entry->get("remove") != nullptr && entry->get("remove")->value_or(false);
        const auto hit = where.find(key_of(*entry, spec));
        if (hit != where.end()) {
          for (const auto& [doc, pos] : hit->second) drop[doc].insert(pos);
          where.erase(hit);
        } else if (remove) {
          const auto& begin = entry->source().begin;
          diags.error(overlay_paths[o], begin.line, begin.column, spec.table,
                      fmt::format("overlay removes the {} with {}, which the estate does not have",
                                  spec.table, describe_key(*entry, spec)));
        }
        if (remove) {
          array->erase(array->begin() + static_cast<std::ptrdiff_t>(i));
        } else {
          ++i;
        }
      }
    }
    for (auto& [doc, positions] : drop) {
      toml::array* array = (*base[doc])[spec.table].as_array();
      for (auto it = positions.rbegin(); it != positions.rend(); ++it) {
        array->erase(array->begin() + static_cast<std::ptrdiff_t>(*it));
      }
    }
  }
}

}  // namespace topocheck
