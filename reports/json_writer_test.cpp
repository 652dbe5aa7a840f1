// The streaming JSON writer must write what nlohmann::json's dump(2, ' ', false, replace) writes
// for the same document, byte for byte: the JSON and SARIF reports moved from one to the other
// and their goldens, baselines and consumers compare bytes.
#include "reports/json_writer.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

namespace topocheck {
namespace {

using Json = nlohmann::ordered_json;

std::string nlohmann_string(const std::string& s) {
  return Json(s).dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string streamed_string(const std::string& s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

std::string dumped(const Json& j) {
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

TEST_CASE("JSON strings escape quotes, backslashes and control characters as nlohmann does",
          "[reports][json]") {
  CHECK(streamed_string("") == "\"\"");
  CHECK(streamed_string("plain text") == "\"plain text\"");
  CHECK(streamed_string("say \"hi\" \\ there") == "\"say \\\"hi\\\" \\\\ there\"");
  CHECK(streamed_string("\b\t\n\f\r") == "\"\\b\\t\\n\\f\\r\"");
  CHECK(streamed_string(std::string("\x00\x01\x1b\x1f", 4)) == "\"\\u0000\\u0001\\u001b\\u001f\"");
  CHECK(streamed_string("del \x7f stays") == "\"del \x7f stays\"");
  CHECK(streamed_string("/ is not escaped") == "\"/ is not escaped\"");
}

TEST_CASE("valid UTF-8 is kept and each invalid sequence becomes one U+FFFD", "[reports][json]") {
  const std::string fffd = "\xEF\xBF\xBD";
  CHECK(streamed_string("Grüße € \xF0\x9F\x98\x80") == "\"Grüße € \xF0\x9F\x98\x80\"");
  CHECK(streamed_string("bad \xff byte") == "\"bad " + fffd + " byte\"");
  CHECK(streamed_string("\x80") == "\"" + fffd + "\"");              // lone continuation byte
  CHECK(streamed_string("\xC0\xAF") == "\"" + fffd + fffd + "\"");   // overlong '/'
  CHECK(streamed_string("cut \xE2\x82") == "\"cut " + fffd + "\"");  // truncated at the end
  // The byte that breaks a sequence is read again: here it is a quote, escaped as usual.
  CHECK(streamed_string("\xE2\x82\"x") == "\"" + fffd + "\\\"x\"");
  CHECK(streamed_string("\xE2\x82\xE2\x82\xAC") == "\"" + fffd + "\xE2\x82\xAC\"");
  CHECK(streamed_string("\xED\xA0\x80") == nlohmann_string("\xED\xA0\x80"));          // a surrogate
  CHECK(streamed_string("\xF4\x90\x80\x80") == nlohmann_string("\xF4\x90\x80\x80"));  // > U+10FFFF
}

TEST_CASE("JSON strings agree with nlohmann on every string of up to two bytes",
          "[reports][json]") {
  for (int a = 0; a < 256; ++a) {
    const std::string one(1, static_cast<char>(a));
    REQUIRE(streamed_string(one) == nlohmann_string(one));
    for (int b = 0; b < 256; ++b) {
      const std::string two = {static_cast<char>(a), static_cast<char>(b)};
      INFO("bytes " << a << " " << b);
      REQUIRE(streamed_string(two) == nlohmann_string(two));
    }
  }
}

TEST_CASE("JSON strings agree with nlohmann on random bytes around UTF-8 boundaries",
          "[reports][json]") {
  // Bytes that start, continue, break and bound UTF-8 sequences, and the escaped ones.
  const std::string alphabet =
      std::string(
          "a\"\\\n\x01\x1f\x7f\x80\x8f\x90\x9f\xa0\xbf\xc0\xc1\xc2\xdf\xe0\xe1\xed\xee\xef"
          "\xf0\xf1\xf3\xf4\xf5\xff") +
      std::string(1, '\0');
  std::mt19937 random(20261123);
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
  std::uniform_int_distribution<size_t> length(1, 40);
  for (int i = 0; i < 200000; ++i) {
    std::string s(length(random), ' ');
    for (char& c : s) c = alphabet[pick(random)];
    INFO("case " << i);
    REQUIRE(streamed_string(s) == nlohmann_string(s));
  }
}

TEST_CASE("the stream lays out documents as nlohmann's dump(2)", "[reports][json]") {
  std::ostringstream out;
  {
    JsonStream j(out);
    j.begin_object();
    j.member("name", "topocheck");
    j.key("empty object").begin_object();
    j.end_object();
    j.key("empty array").begin_array();
    j.end_array();
    j.key("numbers").begin_array();
    j.value(std::numeric_limits<int64_t>::min());
    j.value(std::numeric_limits<uint64_t>::max());
    j.value(uint32_t{7});
    j.value(-3);
    j.value(0.1);
    j.value(1.0);
    j.value(1e100);
    j.value(-2.5e-7);
    j.value(std::nan(""));
    j.end_array();
    j.key("nested").begin_array();
    j.begin_object();
    j.member("null", nullptr);
    j.member("yes", true);
    j.member("no", false);
    j.key("inner").begin_array();
    j.begin_array();
    j.end_array();
    j.value("x\ny");
    j.end_array();
    j.end_object();
    j.end_array();
    j.end_object();
  }
  Json expected = Json::object();
  expected["name"] = "topocheck";
  expected["empty object"] = Json::object();
  expected["empty array"] = Json::array();
  expected["numbers"] =
      Json::array({std::numeric_limits<int64_t>::min(), std::numeric_limits<uint64_t>::max(), 7, -3,
                   0.1, 1.0, 1e100, -2.5e-7, std::nan("")});
  Json nested = Json::object();
  nested["null"] = nullptr;
  nested["yes"] = true;
  nested["no"] = false;
  nested["inner"] = Json::array({Json::array(), "x\ny"});
  expected["nested"] = Json::array({nested});
  CHECK(out.str() == dumped(expected));
}

TEST_CASE("a top-level value and a formatted value are written at their depth", "[reports][json]") {
  std::ostringstream scalar;
  {
    JsonStream j(scalar);
    j.value("alone");
  }
  CHECK(scalar.str() == "\"alone\"");

  const Json part = {{"a", 1}, {"b", Json::array({"x", Json::object()})}};
  std::ostringstream out;
  {
    JsonStream j(out);
    j.begin_object();
    j.key("list").begin_array();
    j.formatted(dumped(part));
    j.value(2);
    j.end_array();
    j.end_object();
  }
  Json expected = Json::object();
  expected["list"] = Json::array({part, 2});
  CHECK(out.str() == dumped(expected));
}

TEST_CASE("the stream passes its text on in chunks, not at the end only", "[reports][json]") {
  std::ostringstream out;
  JsonStream j(out);
  j.begin_array();
  const std::string item(1000, 'x');
  for (int i = 0; i < 1000; ++i) j.value(item);
  // About 1 MB written: all but the last chunk already reached the stream.
  CHECK(out.tellp() > 900 * 1000);
  j.end_array();
  j.flush();
  CHECK(out.str() == dumped(Json::array_t(1000, item)));
}

}  // namespace topocheck
