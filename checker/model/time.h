// Dates and timestamps of the estate model. TOML offers local dates, local date-times and
// offset date-times; the model keeps them as one of two plain values so that every date
// comparison in the checker (expiry, SLAs, maintenance windows) is integer arithmetic that does
// not depend on the machine's time zone.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace topocheck {

// A calendar date as days since 1970-01-01 (proleptic Gregorian).
struct Date {
  int32_t days = 0;
  friend auto operator<=>(const Date&, const Date&) = default;
};

// An instant. `offset_minutes` is the UTC offset the value was written with (0 for "Z" and for
// values without an offset, which the loader reads as UTC); `epoch_seconds` is always UTC, so
// comparisons ignore the offset while local-time rules (maintenance windows) can still use it.
struct Timestamp {
  int64_t epoch_seconds = 0;
  int16_t offset_minutes = 0;
  bool date_only = false;  // written as a plain date; epoch_seconds is its midnight UTC

  Date utc_date() const;
  friend bool operator==(const Timestamp& a, const Timestamp& b) {
    return a.epoch_seconds == b.epoch_seconds;
  }
  friend auto operator<=>(const Timestamp& a, const Timestamp& b) {
    return a.epoch_seconds <=> b.epoch_seconds;
  }
};

int32_t days_from_civil(int year, unsigned month, unsigned day);
bool valid_civil(int year, unsigned month, unsigned day);
// 0 = Monday ... 6 = Sunday.
int weekday(Date d);

// "2026-11-23". Refuses dates that do not exist (2026-02-30).
std::optional<Date> parse_date(std::string_view text);
std::string to_string(Date d);
// "2026-11-28T18:00:00+01:00", or "2026-11-28" for date_only values.
std::string to_string(const Timestamp& t);

}  // namespace topocheck
