// toml++ value conversions shared by all readers.
#include "checker/load/toml_values.h"

namespace topocheck {
namespace {

int32_t days_of(const toml::date& d) { return days_from_civil(d.year, d.month, d.day); }

}  // namespace

std::string_view toml_type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::none:
      return "nothing";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
  }
  return "an unknown value";
}

std::optional<Timestamp> toml_timestamp(const toml::node& node) {
  if (const auto* d = node.as_date()) {
    Timestamp t;
    t.epoch_seconds = int64_t{days_of(d->get())} * 86400;
    t.date_only = true;
    return t;
  }
  const auto* dt = node.as_date_time();
  if (dt == nullptr) return std::nullopt;
  const toml::date_time& v = dt->get();
  Timestamp t;
  t.offset_minutes = v.offset ? v.offset->minutes : int16_t{0};
  t.epoch_seconds = int64_t{days_of(v.date)} * 86400 + int64_t{v.time.hour} * 3600 +
                    int64_t{v.time.minute} * 60 + v.time.second - int64_t{t.offset_minutes} * 60;
  return t;
}

std::optional<Date> toml_date(const toml::node& node) {
  if (const auto* d = node.as_date()) return Date{days_of(d->get())};
  if (const auto* dt = node.as_date_time()) return Date{days_of(dt->get().date)};
  return std::nullopt;
}

}  // namespace topocheck
