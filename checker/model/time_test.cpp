#include "checker/model/time.h"

#include <catch2/catch.hpp>

namespace topocheck {
namespace {

TEST_CASE("days_from_civil counts days since 1970-01-01", "[time]") {
  CHECK(days_from_civil(1970, 1, 1) == 0);
  CHECK(days_from_civil(1970, 1, 2) == 1);
  CHECK(days_from_civil(1969, 12, 31) == -1);
  CHECK(days_from_civil(2000, 3, 1) == 11017);
  CHECK(days_from_civil(2026, 11, 23) == 20780);
  CHECK(days_from_civil(1600, 1, 1) == -135140);
}

TEST_CASE("valid_civil knows month lengths and leap years", "[time]") {
  CHECK(valid_civil(2024, 2, 29));
  CHECK(valid_civil(2000, 2, 29));
  CHECK_FALSE(valid_civil(1900, 2, 29));
  CHECK_FALSE(valid_civil(2026, 2, 29));
  CHECK_FALSE(valid_civil(2026, 2, 30));
  CHECK_FALSE(valid_civil(2026, 4, 31));
  CHECK(valid_civil(2026, 12, 31));
  CHECK_FALSE(valid_civil(2026, 13, 1));
  CHECK_FALSE(valid_civil(2026, 0, 1));
  CHECK_FALSE(valid_civil(2026, 1, 0));
}

TEST_CASE("weekday counts Monday as 0", "[time]") {
  CHECK(weekday(Date{0}) == 3);                              // 1970-01-01, a Thursday
  CHECK(weekday(Date{days_from_civil(2026, 11, 23)}) == 0);  // a Monday
  CHECK(weekday(Date{days_from_civil(2026, 11, 29)}) == 6);  // a Sunday
  CHECK(weekday(Date{days_from_civil(1969, 12, 29)}) == 0);  // before the epoch
}

TEST_CASE("parse_date reads ISO dates and refuses dates that do not exist", "[time]") {
  CHECK(parse_date("2026-11-23")->days == days_from_civil(2026, 11, 23));
  CHECK(parse_date("2024-02-29").has_value());
  CHECK_FALSE(parse_date("2026-02-30"));
  CHECK_FALSE(parse_date("2026-2-3"));
  CHECK_FALSE(parse_date("2026-11-23T00:00:00Z"));
  CHECK_FALSE(parse_date("26-11-23"));
  CHECK_FALSE(parse_date("2026/11/23"));
  CHECK_FALSE(parse_date(""));
}

TEST_CASE("dates print as ISO dates, also before the epoch", "[time]") {
  CHECK(to_string(Date{0}) == "1970-01-01");
  CHECK(to_string(Date{days_from_civil(2026, 11, 23)}) == "2026-11-23");
  CHECK(to_string(Date{-1}) == "1969-12-31");
  CHECK(to_string(Date{days_from_civil(2024, 2, 29)}) == "2024-02-29");
}

TEST_CASE("timestamps print in the offset they were written with", "[time]") {
  // 2026-11-28T18:00:00+01:00 is 17:00 UTC.
  int64_t utc = int64_t{days_from_civil(2026, 11, 28)} * 86400 + 17 * 3600;
  CHECK(to_string(Timestamp{utc, 60, false}) == "2026-11-28T18:00:00+01:00");
  CHECK(to_string(Timestamp{utc, 0, false}) == "2026-11-28T17:00:00Z");
  CHECK(to_string(Timestamp{utc, -330, false}) == "2026-11-28T11:30:00-05:30");
  CHECK(to_string(Timestamp{utc - 17 * 3600, 0, true}) == "2026-11-28");
}

TEST_CASE("timestamps compare by instant, not by written offset", "[time]") {
  Timestamp a{1000, 60, false};
  Timestamp b{1000, 0, false};
  CHECK(a == b);
  CHECK(Timestamp{999, 0, false} < a);
}

TEST_CASE("utc_date floors towards the past", "[time]") {
  CHECK(Timestamp{86399, 0, false}.utc_date().days == 0);
  CHECK(Timestamp{86400, 0, false}.utc_date().days == 1);
  CHECK(Timestamp{-1, 0, false}.utc_date().days == -1);
}

}  // namespace
}  // namespace topocheck
