#include "reports/json_writer.h"

#include <array>
#include <charconv>
#include <cstring>
#include <nlohmann/json.hpp>
#include <ostream>

namespace topocheck {
namespace {

constexpr size_t kBufferSize = 1 << 16;

// Bytes that stand for themselves inside a JSON string: printable ASCII but the quote and the
// backslash, and DEL (nlohmann::json escapes DEL only with ensure_ascii).
constexpr std::array<bool, 256> kPlain = [] {
  std::array<bool, 256> plain{};
  for (int c = 0x20; c < 0x80; ++c) plain[c] = c != '"' && c != '\\';
  return plain;
}();

// Björn Höhrmann's UTF-8 decoder as nlohmann::json uses it (serializer::decode): character
// classes of the bytes, then the transitions. It rejects overlong forms, surrogates and code
// points beyond U+10FFFF.
constexpr uint8_t kAccept = 0;
constexpr uint8_t kReject = 1;
// clang-format off
constexpr std::array<uint8_t, 400> kUtf8Table = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // 00..1F
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // 20..3F
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // 40..5F
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // 60..7F
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9,  // 80..9F
    7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,  // A0..BF
    8, 8, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,  // C0..DF
    0xA, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x4, 0x3, 0x3,                  // E0..EF
    0xB, 0x6, 0x6, 0x6, 0x5, 0x8, 0x8, 0x8, 0x8, 0x8, 0x8, 0x8, 0x8, 0x8, 0x8, 0x8,                  // F0..FF
    0x0, 0x1, 0x2, 0x3, 0x5, 0x8, 0x7, 0x1, 0x1, 0x1, 0x4, 0x6, 0x1, 0x1, 0x1, 0x1,                  // s0..s0
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 0, 1, 0, 1, 1, 1, 1, 1, 1,  // s1..s2
    1, 2, 1, 1, 1, 1, 1, 2, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1,  // s3..s4
    1, 2, 1, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3, 1, 3, 1, 1, 1, 1, 1, 1,  // s5..s6
    1, 3, 1, 1, 1, 1, 1, 3, 1, 3, 1, 1, 1, 1, 1, 1, 1, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,  // s7..s8
};
// clang-format on

uint8_t next_state(uint8_t state, unsigned char byte) {
  return kUtf8Table[256 + static_cast<size_t>(state) * 16 + kUtf8Table[byte]];
}

// The longest a string of `n` bytes gets as a JSON string literal: quotes, and six bytes
// (\u001f) for each control character.
constexpr size_t max_escaped_size(size_t n) { return 6 * n + 2; }

char* write_escaped_ascii(char* out, unsigned char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  *out++ = '\\';
  switch (c) {
    case '\b':
      *out++ = 'b';
      break;
    case '\t':
      *out++ = 't';
      break;
    case '\n':
      *out++ = 'n';
      break;
    case '\f':
      *out++ = 'f';
      break;
    case '\r':
      *out++ = 'r';
      break;
    case '"':
      *out++ = '"';
      break;
    case '\\':
      *out++ = '\\';
      break;
    default:
      *out++ = 'u';
      *out++ = '0';
      *out++ = '0';
      *out++ = kHex[c >> 4];
      *out++ = kHex[c & 0xf];
  }
  return out;
}

char* write_replacement(char* out) {
  *out++ = '\xEF';  // U+FFFD
  *out++ = '\xBF';
  *out++ = '\xBD';
  return out;
}

// The multi-byte sequence at `p` (a byte >= 0x80): written as it is when it is valid UTF-8, else
// as one U+FFFD. Returns what it consumed. As in nlohmann::json, a byte that breaks a sequence
// begun before it is not consumed: it may start the next character.
const unsigned char* write_multibyte(char*& out, const unsigned char* p, const unsigned char* end) {
  const unsigned char* start = p;
  uint8_t state = kAccept;
  for (; p < end; ++p) {
    state = next_state(state, *p);
    if (state == kAccept) {
      for (const unsigned char* c = start; c <= p; ++c) *out++ = static_cast<char>(*c);
      return p + 1;
    }
    if (state == kReject) {
      out = write_replacement(out);
      return p == start ? p + 1 : p;
    }
  }
  out = write_replacement(out);  // truncated at the end of the string
  return p;
}

// Whether all eight bytes of `v` are plain (kPlain), tested at once: none is below 0x20, at or
// above 0x80, a quote or a backslash ("Bit Twiddling Hacks": hasless, haszero).
bool all_plain(uint64_t v) {
  constexpr uint64_t kOnes = 0x0101010101010101;
  constexpr uint64_t kHigh = 0x8080808080808080;
  const uint64_t quote = v ^ (kOnes * '"');
  const uint64_t backslash = v ^ (kOnes * '\\');
  const uint64_t control = (v - kOnes * 0x20) & ~v;
  return ((control | ((quote - kOnes) & ~quote) | ((backslash - kOnes) & ~backslash) | v) &
          kHigh) == 0;
}

// Writes `s` as a JSON string literal to `out`, which has room for max_escaped_size(s.size()).
char* write_json_string(char* out, std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  *out++ = '"';
  while (p < end) {
    for (uint64_t v; end - p >= 8; p += 8, out += 8) {
      std::memcpy(&v, p, 8);
      if (!all_plain(v)) break;
      std::memcpy(out, p, 8);
    }
    if (p == end) break;
    const unsigned char c = *p;
    if (kPlain[c]) {
      *out++ = static_cast<char>(c);
      ++p;
    } else if (c < 0x80) {
      out = write_escaped_ascii(out, c);
      ++p;
    } else {
      p = write_multibyte(out, p, end);
    }
  }
  *out++ = '"';
  return out;
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  const size_t old_size = out.size();
  out.resize(old_size + max_escaped_size(s.size()));
  const char* end = write_json_string(out.data() + old_size, s);
  out.resize(static_cast<size_t>(end - out.data()));
}

JsonStream::JsonStream(std::ostream& out) : out_(out), buffer_(kBufferSize, '\0') {}

JsonStream::~JsonStream() { flush(); }

void JsonStream::flush() {
  out_.write(buffer_.data(), static_cast<std::streamsize>(used_));
  used_ = 0;
}

char* JsonStream::reserve(size_t n) {
  if (used_ + n > buffer_.size()) {
    flush();
    if (n > buffer_.size()) buffer_.resize(n);
  }
  return buffer_.data() + used_;
}

void JsonStream::append(std::string_view text) {
  std::memcpy(reserve(text.size()), text.data(), text.size());
  used_ += text.size();
}

void JsonStream::append_string(std::string_view s) {
  char* start = reserve(max_escaped_size(s.size()));
  used_ += static_cast<size_t>(write_json_string(start, s) - start);
}

void JsonStream::new_line() {
  const size_t indent = 2 * has_members_.size();
  char* out = reserve(indent + 2);
  if (has_members_.back()) *out++ = ',';
  *out++ = '\n';
  std::memset(out, ' ', indent);
  used_ = static_cast<size_t>(out + indent - buffer_.data());
  has_members_.back() = true;
}

void JsonStream::before_value() {
  if (after_key_) {
    after_key_ = false;
  } else if (!has_members_.empty()) {
    new_line();  // an array element
  }
}

JsonStream& JsonStream::key(std::string_view name) {
  new_line();
  append_string(name);
  append(": ");
  after_key_ = true;
  return *this;
}

void JsonStream::open(char bracket) {
  before_value();
  append(std::string_view(&bracket, 1));
  has_members_.push_back(false);
}

void JsonStream::close(char bracket) {
  const bool had_members = has_members_.back();
  has_members_.pop_back();
  const size_t indent = 2 * has_members_.size();
  char* out = reserve(indent + 2);
  if (had_members) {
    *out++ = '\n';
    std::memset(out, ' ', indent);
    out += indent;
  }
  *out++ = bracket;
  used_ = static_cast<size_t>(out - buffer_.data());
}

void JsonStream::begin_object() { open('{'); }
void JsonStream::end_object() { close('}'); }
void JsonStream::begin_array() { open('['); }
void JsonStream::end_array() { close(']'); }

void JsonStream::value(std::string_view s) {
  before_value();
  append_string(s);
}

void JsonStream::value(bool b) {
  before_value();
  append(b ? "true" : "false");
}

void JsonStream::value(std::nullptr_t) {
  before_value();
  append("null");
}

void JsonStream::value(double d) {
  before_value();
  append(nlohmann::json(d).dump());  // its shortest round-trip form ("1.0", "1e+100")
}

void JsonStream::append_integer(int64_t n) {
  char* out = reserve(24);
  used_ = static_cast<size_t>(std::to_chars(out, out + 24, n).ptr - buffer_.data());
}

void JsonStream::append_integer(uint64_t n) {
  char* out = reserve(24);
  used_ = static_cast<size_t>(std::to_chars(out, out + 24, n).ptr - buffer_.data());
}

void JsonStream::formatted(std::string_view json) {
  before_value();
  const std::string indent(2 * has_members_.size(), ' ');
  for (size_t newline; (newline = json.find('\n')) != std::string_view::npos;) {
    append(json.substr(0, newline + 1));
    append(indent);
    json.remove_prefix(newline + 1);
  }
  append(json);
}

}  // namespace topocheck
