#include "checker/load/settings_file.h"

#include <sstream>

#include <toml++/toml.h>

#include "checker/load/source_bytes.h"

namespace topocheck {
namespace {

SettingValue to_setting(const toml::node& node) {
  if (auto* s = node.as_string()) return SettingValue(s->get());
  if (auto* i = node.as_integer()) return SettingValue(i->get());
  if (auto* f = node.as_floating_point()) return SettingValue(f->get());
  if (auto* b = node.as_boolean()) return SettingValue(b->get());
  if (auto* a = node.as_array()) {
    auto list = SettingValue::array();
    for (const toml::node& item : *a) list.push_back(to_setting(item));
    return list;
  }
  if (auto* t = node.as_table()) {
    auto object = SettingValue::object();
    for (const auto& [key, value] : *t) object[std::string(key.str())] = to_setting(value);
    return object;
  }
  // Dates and times: policies read dates as ISO strings.
  std::ostringstream text;
  if (auto* d = node.as_date()) text << d->get();
  if (auto* t = node.as_time()) text << t->get();
  if (auto* dt = node.as_date_time()) text << dt->get();
  return SettingValue(text.str());
}

}  // namespace

bool load_settings_file(const std::string& path, SettingOverrides& overrides, Diagnostics& diags) {
  std::string error;
  const auto bytes = read_source_bytes(path, size_t{16} << 20, error);
  if (!bytes) {
    diags.error(path, 0, 0, "", error);
    return false;
  }
  toml::table root;
  try {
    root = toml::parse(*bytes, std::string_view(path));
  } catch (const toml::parse_error& e) {
    diags.error(path, e.source().begin.line, e.source().begin.column, "", std::string(e.description()));
    return false;
  }
  for (const auto& [policy, node] : root) {
    const auto* table = node.as_table();
    if (table == nullptr) {
      diags.error(path, node.source().begin.line, node.source().begin.column, std::string(policy.str()),
                  "expected a table [POLICY-ID] of settings");
      continue;
    }
    for (const auto& [key, value] : *table) {
      overrides[std::string(policy.str())][std::string(key.str())] = to_setting(value);
    }
  }
  return !diags.has_errors();
}

}  // namespace topocheck
