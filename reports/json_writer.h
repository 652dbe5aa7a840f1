// A streaming JSON writer for the reports that are too big to build as a document first (JSON,
// SARIF): values are written as they come, through a buffer, laid out byte for byte as
// nlohmann::json's dump(2) lays out the same document (two-space indent, `"key": value`, empty
// containers as {} and []), with strings escaped as dump() escapes them with ensure_ascii off and
// error_handler_t::replace. The caller opens and closes containers in the right order and gives
// each member of an object a key; the writer does not check the structure.
#pragma once

#include <concepts>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace topocheck {

// Appends `s` to `out` as a JSON string literal, quotes included: `"` and `\` backslash-escaped,
// control characters below 0x20 as \b \t \n \f \r or \u00xx, every other valid UTF-8 sequence
// (DEL too) as it is, and each invalid or truncated UTF-8 sequence as one U+FFFD, exactly as
// nlohmann::json's dump(..., ensure_ascii = false, error_handler_t::replace) does.
void append_json_string(std::string& out, std::string_view s);

class JsonStream {
 public:
  explicit JsonStream(std::ostream& out);
  ~JsonStream();  // flushes
  JsonStream(const JsonStream&) = delete;
  JsonStream& operator=(const JsonStream&) = delete;

  void begin_object();
  void end_object();
  void begin_array();
  void end_array();
  // The name of the next member of the current object; its value follows.
  JsonStream& key(std::string_view name);

  void value(std::string_view s);
  void value(const std::string& s) { value(std::string_view(s)); }
  void value(const char* s) { value(std::string_view(s)); }
  void value(bool b);
  void value(std::nullptr_t);
  void value(double d);  // as nlohmann::json writes it; NaN and infinity as null
  template <std::integral T>
  requires(!std::same_as<T, bool>) void value(T n) {
    before_value();
    append_integer(n);
  }

  // key(name) followed by value(v).
  template <typename T>
  void member(std::string_view name, const T& v) {
    key(name);
    value(v);
  }

  // A value that is already JSON as dump(2) writes it at the top level; it is re-indented to the
  // current depth (JSON text holds no raw newlines inside strings, so every newline is layout).
  void formatted(std::string_view json);

  // Passes the buffered text to the stream.
  void flush();

 private:
  void before_value();
  void open(char bracket);
  void close(char bracket);
  void new_line();
  // Room for `n` more bytes at buffer_[used_]: flushes, or grows the buffer for a long string.
  char* reserve(size_t n);
  void append(std::string_view text);
  void append_string(std::string_view s);
  void append_integer(int64_t n);
  void append_integer(uint64_t n);
  template <std::integral T>
  void append_integer(T n) {
    if constexpr (std::is_signed_v<T>) {
      append_integer(static_cast<int64_t>(n));
    } else {
      append_integer(static_cast<uint64_t>(n));
    }
  }

  std::ostream& out_;
  std::string buffer_;  // written up to used_: its size is its capacity
  size_t used_ = 0;
  std::vector<bool> has_members_;  // per open container: written a member yet?
  bool after_key_ = false;
};

}  // namespace topocheck
