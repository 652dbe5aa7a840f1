// Calendar arithmetic for the model's dates and timestamps. days_from_civil and its inverse are
// Howard Hinnant's algorithms (http://howardhinnant.github.io/date_algorithms.html): exact for
// the proleptic Gregorian calendar and free of the C library's time-zone state.
#include "checker/model/time.h"

#include <cstdio>

namespace topocheck {
namespace {

constexpr int64_t kSecondsPerDay = 86400;

struct Civil {
  int year;
  unsigned month;
  unsigned day;
};

Civil civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return Civil{static_cast<int>(y + (m <= 2)), m, d};
}

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

bool is_leap(int year) { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0); }

std::optional<unsigned> fixed_digits(std::string_view s) {
  unsigned value = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  return value;
}

std::string civil_text(const Civil& c) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", c.year, c.month, c.day);
  return buf;
}

}  // namespace

int32_t days_from_civil(int year, unsigned month, unsigned day) {
  const int64_t y = static_cast<int64_t>(year) - (month <= 2);
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<int32_t>(era * 146097 + static_cast<int64_t>(doe) - 719468);
}

bool valid_civil(int year, unsigned month, unsigned day) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1) return false;
  unsigned last = kDays[month - 1] + (month == 2 && is_leap(year) ? 1 : 0);
  return day <= last;
}

int weekday(Date d) {
  // 1970-01-01 was a Thursday (3 when Monday is 0).
  return static_cast<int>(((d.days % 7) + 7 + 3) % 7);
}

std::optional<Date> parse_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto year = fixed_digits(text.substr(0, 4));
  auto month = fixed_digits(text.substr(5, 2));
  auto day = fixed_digits(text.substr(8, 2));
  if (!year || !month || !day) return std::nullopt;
  if (!valid_civil(static_cast<int>(*year), *month, *day)) return std::nullopt;
  return Date{days_from_civil(static_cast<int>(*year), *month, *day)};
}

Date Timestamp::utc_date() const {
  return Date{static_cast<int32_t>(floor_div(epoch_seconds, kSecondsPerDay))};
}

std::string to_string(Date d) { return civil_text(civil_from_days(d.days)); }

std::string to_string(const Timestamp& t) {
  if (t.date_only) return to_string(t.utc_date());
  const int64_t local = t.epoch_seconds + int64_t{t.offset_minutes} * 60;
  const int64_t days = floor_div(local, kSecondsPerDay);
  const int64_t second_of_day = local - days * kSecondsPerDay;
  char clock[16];
  std::snprintf(clock, sizeof clock, "T%02d:%02d:%02d", static_cast<int>(second_of_day / 3600),
                static_cast<int>(second_of_day / 60 % 60), static_cast<int>(second_of_day % 60));
  std::string out = civil_text(civil_from_days(days)) + clock;
  if (t.offset_minutes == 0) return out + "Z";
  const int offset = t.offset_minutes < 0 ? -t.offset_minutes : t.offset_minutes;
  char zone[16];
  std::snprintf(zone, sizeof zone, "%c%02d:%02d", t.offset_minutes < 0 ? '-' : '+', offset / 60,
                offset % 60);
  return out + zone;
}

}  // namespace topocheck
