// TOML value conversions shared by all readers.
#include "checker/load/toml_values.h"

namespace topocheck {
namespace {

int32_t days_of(const doc::LocalDate& d) { return days_from_civil(d.year, d.month, d.day); }

}  // namespace

std::string_view toml_type_name(const doc::Node& node) { return doc::type_name(node.type()); }

std::optional<Timestamp> toml_timestamp(const doc::Node& node) {
  if (node.type() == doc::Type::date) {
    Timestamp t;
    t.epoch_seconds = int64_t{days_of(node.date())} * 86400;
    t.date_only = true;
    return t;
  }
  if (node.type() != doc::Type::date_time) return std::nullopt;
  const doc::DateTime& v = node.date_time();
  Timestamp t;
  t.offset_minutes = v.offset_minutes;
  t.epoch_seconds = int64_t{days_of(v.date)} * 86400 + int64_t{v.time.hour} * 3600 +
                    int64_t{v.time.minute} * 60 + v.time.second - int64_t{t.offset_minutes} * 60;
  return t;
}

std::optional<Date> toml_date(const doc::Node& node) {
  if (node.type() == doc::Type::date) return Date{days_of(node.date())};
  if (node.type() == doc::Type::date_time) return Date{days_of(node.date_time().date)};
  return std::nullopt;
}

}  // namespace topocheck
