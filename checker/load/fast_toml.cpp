// The fast reader for plain TOML (see fast_toml.h for what it reads and when it gives up).
//
// One pass over the text, no per-value allocation: a container's entries or items collect in a
// scratch vector for their nesting depth and are copied into the document's arena when it closes.
// Tables opened by a header ([meta], [[ci]]) stay open until the next header; an array of tables
// collects its tables until the end of the file. Every rule TOML imposes that this reader checks
// itself (unique keys, valid UTF-8, no control characters, valid dates) gives up when broken, so
// toml++ is the one that reports the error.
#include "checker/load/fast_toml.h"

#include <algorithm>
#include <array>
#include <charconv>

namespace topocheck::doc {
namespace {

struct GiveUp {};
[[noreturn]] void give_up() { throw GiveUp{}; }

constexpr size_t kMaxDepth = 32;  // deeper nesting is left to toml++ (and its own limit)

// What a byte means inside a basic string.
enum : uint8_t { kPlain, kQuote, kBackslash, kMultibyte, kBad };

constexpr std::array<uint8_t, 256> make_string_classes() {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    if (c >= 0x80) t[c] = kMultibyte;
    else if ((c < 0x20 && c != '\t') || c == 0x7F) t[c] = kBad;
    else if (c == '"') t[c] = kQuote;
    else if (c == '\\') t[c] = kBackslash;
    else t[c] = kPlain;
  }
  return t;
}
constexpr std::array<uint8_t, 256> kStringClass = make_string_classes();

constexpr std::array<bool, 256> make_bare() {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c) {
    t[c] = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  }
  return t;
}
constexpr std::array<bool, 256> kBare = make_bare();

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_cont(unsigned char c) { return (c & 0xC0) == 0x80; }

// Past one well-formed UTF-8 sequence of two or more bytes at `p`. Overlong forms, surrogates,
// code points above U+10FFFF and the C1 controls (U+0080..U+009F) give up.
const char* skip_multibyte(const char* p, const char* end) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  const size_t left = static_cast<size_t>(end - p);
  const unsigned char c = u[0];
  if (c >= 0xC2 && c <= 0xDF) {
    if (left < 2 || !is_cont(u[1]) || (c == 0xC2 && u[1] < 0xA0)) give_up();
    return p + 2;
  }
  if (c >= 0xE0 && c <= 0xEF) {
    if (left < 3 || !is_cont(u[1]) || !is_cont(u[2])) give_up();
    if ((c == 0xE0 && u[1] < 0xA0) || (c == 0xED && u[1] > 0x9F)) give_up();
    return p + 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (left < 4 || !is_cont(u[1]) || !is_cont(u[2]) || !is_cont(u[3])) give_up();
    if ((c == 0xF0 && u[1] < 0x90) || (c == 0xF4 && u[1] > 0x8F)) give_up();
    return p + 4;
  }
  give_up();
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// `n` decimal digits at `s`, or give up.
unsigned digits(std::string_view s, size_t at, size_t n) {
  if (at + n > s.size()) give_up();
  unsigned v = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (!is_digit(s[i])) give_up();
    v = v * 10 + static_cast<unsigned>(s[i] - '0');
  }
  return v;
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in(int year, unsigned month) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && leap(year) ? 29 : kDays[month - 1];
}

// "YYYY-MM-DD" at the start of `s`.
LocalDate read_date(std::string_view s) {
  const int year = static_cast<int>(digits(s, 0, 4));
  if (s[4] != '-' || s.size() < 10 || s[7] != '-') give_up();
  const unsigned month = digits(s, 5, 2);
  const unsigned day = digits(s, 8, 2);
  if (month < 1 || month > 12 || day < 1 || day > days_in(year, month)) give_up();
  return LocalDate{year, static_cast<uint8_t>(month), static_cast<uint8_t>(day)};
}

// "HH:MM:SS[.fraction]" at `at`; moves `at` past it.
LocalTime read_time(std::string_view s, size_t& at) {
  const unsigned hour = digits(s, at, 2);
  if (at + 8 > s.size() || s[at + 2] != ':' || s[at + 5] != ':') give_up();
  const unsigned minute = digits(s, at + 3, 2);
  const unsigned second = digits(s, at + 6, 2);
  if (hour > 23 || minute > 59 || second > 59) give_up();
  at += 8;
  uint32_t nanos = 0;
  if (at < s.size() && s[at] == '.') {
    size_t n = 0;
    ++at;
    while (at < s.size() && is_digit(s[at])) {
      if (++n > 9) give_up();
      nanos = nanos * 10 + static_cast<uint32_t>(s[at++] - '0');
    }
    if (n == 0) give_up();
    for (; n < 9; ++n) nanos *= 10;
  }
  return LocalTime{static_cast<uint8_t>(hour), static_cast<uint8_t>(minute),
                   static_cast<uint8_t>(second), nanos};
}

// [+-]? (0 | [1-9][0-9]*): a TOML decimal integer without underscores.
bool plain_integer(std::string_view s) {
  size_t i = (!s.empty() && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
  if (i == s.size()) return false;
  if (s[i] == '0') return i + 1 == s.size();
  for (; i < s.size(); ++i) {
    if (!is_digit(s[i])) return false;
  }
  return true;
}

// A TOML float without underscores, inf or nan: an integer part, then a fraction, an exponent or
// both.
bool plain_float(std::string_view s) {
  size_t i = (!s.empty() && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
  const size_t int_start = i;
  while (i < s.size() && is_digit(s[i])) ++i;
  if (i == int_start || (s[int_start] == '0' && i - int_start > 1)) return false;
  bool more = false;
  if (i < s.size() && s[i] == '.') {
    const size_t frac = ++i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == frac) return false;
    more = true;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    const size_t exp = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == exp) return false;
    more = true;
  }
  return more && i == s.size();
}

class Parser {
 public:
  Parser(std::string_view text, Arena& arena)
      : p_(text.data()),
        end_(text.data() + text.size()),
        line_start_(p_),
        col_ptr_(p_),
        arena_(arena),
        entry_scratch_(kMaxDepth + 2),
        node_scratch_(kMaxDepth + 2) {}

  Node document() {
    if (end_ - p_ >= 3 && std::string_view(p_, 3) == "\xEF\xBB\xBF") give_up();  // a BOM
    for (;;) {
      skip_ws();
      if (p_ == end_) break;
      const char c = *p_;
      if (c == '\n' || c == '\r') {
        end_line();
      } else if (c == '#') {
        end_line();
      } else if (c == '[') {
        header();
      } else {
        key_value(target_ == Target::root ? root_ : current_);
      }
    }
    close_current();
    for (OpenArray& a : arrays_) {
      root_[a.root_index].value.set_array(
          Array(arena_.copy(a.items.data(), a.items.size()), static_cast<uint32_t>(a.items.size())));
    }
    return Node::make_table(Pos{1, 1}, finish_table(root_));
  }

 private:
  enum class Target { root, table, array_item };
  struct OpenArray {
    size_t root_index;
    std::vector<Node> items;
  };

  // The position of `at` on the current line; columns count code points, as toml++'s do.
  Pos pos_at(const char* at) {
    if (at < col_ptr_) {
      col_ptr_ = line_start_;
      col_ = 1;
    }
    for (; col_ptr_ < at; ++col_ptr_) col_ += !is_cont(static_cast<unsigned char>(*col_ptr_));
    return Pos{line_, col_};
  }

  void newline() {
    ++line_;
    line_start_ = p_;
    col_ptr_ = p_;
    col_ = 1;
  }

  void skip_ws() {
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\t')) ++p_;
  }

  // At '#': past the comment, up to the line break.
  void skip_comment() {
    for (++p_; p_ != end_;) {
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '\n' || c == '\r') return;
      if (c >= 0x80) {
        p_ = skip_multibyte(p_, end_);
        continue;
      }
      if ((c < 0x20 && c != '\t') || c == 0x7F) give_up();
      ++p_;
    }
  }

  // True past a line break at p_ (LF or CRLF); a lone CR gives up.
  bool line_break() {
    if (*p_ == '\n') {
      ++p_;
    } else if (*p_ == '\r' && end_ - p_ >= 2 && p_[1] == '\n') {
      p_ += 2;
    } else if (*p_ == '\r') {
      give_up();
    } else {
      return false;
    }
    newline();
    return true;
  }

  // After a header or a value: spaces, a comment, then the end of the line or of the file.
  void end_line() {
    skip_ws();
    if (p_ != end_ && *p_ == '#') skip_comment();
    if (p_ == end_) return;
    if (!line_break()) give_up();
  }

  // Inside an array: spaces, line breaks and comments.
  void skip_array_space() {
    for (;;) {
      skip_ws();
      if (p_ == end_) give_up();
      if (*p_ == '#') {
        skip_comment();
        if (p_ == end_) give_up();
      }
      if (!line_break()) return;
    }
  }

  std::string_view bare_key() {
    const char* start = p_;
    while (p_ != end_ && kBare[static_cast<unsigned char>(*p_)]) ++p_;
    if (p_ == start) give_up();  // a quoted key, or no key
    return {start, static_cast<size_t>(p_ - start)};
  }

  void expect(char c) {
    if (p_ == end_ || *p_ != c) give_up();
    ++p_;
  }

  // Sorted by key, as toml++'s map iterates; a duplicate key gives up. Empties `entries`.
  Table finish_table(std::vector<Entry>& entries) {
    auto by_key = [](const Entry& a, const Entry& b) { return a.key < b.key; };
    if (!std::is_sorted(entries.begin(), entries.end(), by_key)) {
      std::sort(entries.begin(), entries.end(), by_key);
    }
    for (size_t i = 1; i < entries.size(); ++i) {
      if (entries[i - 1].key == entries[i].key) give_up();
    }
    Table t(arena_.copy(entries.data(), entries.size()), static_cast<uint32_t>(entries.size()));
    entries.clear();
    return t;
  }

  void close_current() {
    if (target_ == Target::table) {
      root_[target_index_].value.set_table(finish_table(current_));
    } else if (target_ == Target::array_item) {
      arrays_[target_index_].items.back().set_table(finish_table(current_));
    }
  }

  // [name] or [[name]], one bare key.
  void header() {
    const Pos at = pos_at(p_);
    const bool array = end_ - p_ >= 2 && p_[1] == '[';
    p_ += array ? 2 : 1;
    skip_ws();
    const Pos key_at = pos_at(p_);
    const std::string_view name = bare_key();
    skip_ws();
    expect(']');
    if (array) expect(']');
    end_line();
    close_current();
    auto it = std::find_if(root_.begin(), root_.end(), [&](const Entry& e) { return e.key == name; });
    const size_t index = static_cast<size_t>(it - root_.begin());
    if (!array) {
      if (it != root_.end()) give_up();  // defined twice, or both as table and value
      root_.push_back(Entry{name, key_at, Node::make_table(at, Table{})});
      array_of_root_.push_back(-1);
      target_ = Target::table;
      target_index_ = index;
      return;
    }
    if (it == root_.end()) {
      root_.push_back(Entry{name, key_at, Node::make_array(at, Array{})});
      array_of_root_.push_back(static_cast<int>(arrays_.size()));
      arrays_.push_back(OpenArray{index, {}});
    }
    const int a = array_of_root_[index];
    if (a < 0) give_up();  // [[name]] after name = ... or [name]
    arrays_[static_cast<size_t>(a)].items.push_back(Node::make_table(at, Table{}));
    target_ = Target::array_item;
    target_index_ = static_cast<size_t>(a);
  }

  void key_value(std::vector<Entry>& into) {
    const Pos key_at = pos_at(p_);
    const std::string_view key = bare_key();
    skip_ws();
    expect('=');  // also where a dotted key gives up
    skip_ws();
    Node value = parse_value(0);
    into.push_back(Entry{key, key_at, value});
    if (&into == &root_) array_of_root_.push_back(-1);
    end_line();
  }

  Node parse_value(size_t depth) {
    if (p_ == end_) give_up();
    switch (*p_) {
      case '"':
        return basic_string();
      case '\'':
        return literal_string();
      case '[':
        return array(depth);
      case '{':
        return inline_table(depth);
      case 't':
        return word("true", true);
      case 'f':
        return word("false", false);
      default:
        return number_or_date();
    }
  }

  Node word(std::string_view w, bool value) {
    if (static_cast<size_t>(end_ - p_) < w.size() || std::string_view(p_, w.size()) != w) give_up();
    const Pos at = pos_at(p_);
    p_ += w.size();
    return Node::make_boolean(at, value);
  }

  Node basic_string() {
    const Pos at = pos_at(p_);
    ++p_;
    if (end_ - p_ >= 2 && p_[0] == '"' && p_[1] == '"') give_up();  // a multi-line string
    const char* start = p_;
    while (p_ != end_) {
      switch (kStringClass[static_cast<unsigned char>(*p_)]) {
        case kPlain:
          ++p_;
          continue;
        case kQuote: {
          std::string_view s(start, static_cast<size_t>(p_ - start));
          ++p_;
          return Node::make_string(at, s);
        }
        case kMultibyte:
          p_ = skip_multibyte(p_, end_);
          continue;
        case kBackslash:
          return escaped_string(at, start);
        default:
          give_up();
      }
    }
    give_up();
  }

  // The rest of a basic string that holds escapes, decoded into the arena.
  Node escaped_string(Pos at, const char* start) {
    decoded_.assign(start, p_);
    while (p_ != end_) {
      const char* from = p_;
      switch (kStringClass[static_cast<unsigned char>(*p_)]) {
        case kPlain:
          decoded_ += *p_++;
          continue;
        case kMultibyte:
          p_ = skip_multibyte(p_, end_);
          decoded_.append(from, p_);
          continue;
        case kQuote:
          ++p_;
          return Node::make_string(at, arena_.copy(decoded_));
        case kBackslash:
          escape();
          continue;
        default:
          give_up();
      }
    }
    give_up();
  }

  void escape() {
    ++p_;
    if (p_ == end_) give_up();
    const char c = *p_++;
    switch (c) {
      case 'b': decoded_ += '\b'; return;
      case 't': decoded_ += '\t'; return;
      case 'n': decoded_ += '\n'; return;
      case 'f': decoded_ += '\f'; return;
      case 'r': decoded_ += '\r'; return;
      case '"': decoded_ += '"'; return;
      case '\\': decoded_ += '\\'; return;
      case 'u': return unicode_escape(4);
      case 'U': return unicode_escape(8);
      default: give_up();
    }
  }

  void unicode_escape(size_t n) {
    if (static_cast<size_t>(end_ - p_) < n) give_up();
    uint32_t cp = 0;
    for (size_t i = 0; i < n; ++i) {
      const char c = *p_++;
      uint32_t v;
      if (is_digit(c)) v = static_cast<uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f') v = static_cast<uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') v = static_cast<uint32_t>(c - 'A' + 10);
      else give_up();
      cp = cp * 16 + v;
    }
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) give_up();
    append_utf8(decoded_, cp);
  }

  Node literal_string() {
    const Pos at = pos_at(p_);
    ++p_;
    if (end_ - p_ >= 2 && p_[0] == '\'' && p_[1] == '\'') give_up();  // multi-line
    const char* start = p_;
    while (p_ != end_) {
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '\'') {
        std::string_view s(start, static_cast<size_t>(p_ - start));
        ++p_;
        return Node::make_string(at, s);
      }
      if (c >= 0x80) {
        p_ = skip_multibyte(p_, end_);
        continue;
      }
      if ((c < 0x20 && c != '\t') || c == 0x7F) give_up();
      ++p_;
    }
    give_up();
  }

  Node array(size_t depth) {
    if (depth >= kMaxDepth) give_up();
    const Pos at = pos_at(p_);
    ++p_;
    std::vector<Node>& items = node_scratch_[depth];
    for (;;) {
      skip_array_space();
      if (*p_ == ']') break;
      items.push_back(parse_value(depth + 1));
      skip_array_space();
      if (*p_ == ',') {
        ++p_;
        continue;
      }
      if (*p_ != ']') give_up();
      break;
    }
    ++p_;
    Array a(arena_.copy(items.data(), items.size()), static_cast<uint32_t>(items.size()));
    items.clear();
    return Node::make_array(at, a);
  }

  // One line, no trailing comma (TOML 1.0).
  Node inline_table(size_t depth) {
    if (depth >= kMaxDepth) give_up();
    const Pos at = pos_at(p_);
    ++p_;
    std::vector<Entry>& entries = entry_scratch_[depth];
    skip_ws();
    if (p_ != end_ && *p_ == '}') {
      ++p_;
      return Node::make_table(at, Table{});
    }
    for (;;) {
      const Pos key_at = pos_at(p_);
      const std::string_view key = bare_key();
      skip_ws();
      expect('=');
      skip_ws();
      Node value = parse_value(depth + 1);
      entries.push_back(Entry{key, key_at, value});
      skip_ws();
      if (p_ == end_) give_up();
      if (*p_ == ',') {
        ++p_;
        skip_ws();
        continue;
      }
      expect('}');
      break;
    }
    return Node::make_table(at, finish_table(entries));
  }

  Node number_or_date() {
    const char* start = p_;
    while (p_ != end_) {
      const char c = *p_;
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == ']' || c == '}' ||
          c == '#') {
        break;
      }
      ++p_;
    }
    const std::string_view tok(start, static_cast<size_t>(p_ - start));
    // toml++ refuses a number of more than 126 characters; a long one is left to it.
    if (tok.size() > 64) give_up();
    const Pos at = pos_at(start);
    if (tok.size() >= 10 && tok[4] == '-') return date_or_date_time(at, tok);
    if (tok.size() >= 3 && tok[2] == ':') give_up();  // a local time
    const std::string_view unsigned_tok = !tok.empty() && tok[0] == '+' ? tok.substr(1) : tok;
    if (plain_integer(tok)) {
      int64_t v = 0;
      auto [end, ec] = std::from_chars(unsigned_tok.data(), unsigned_tok.data() + unsigned_tok.size(), v);
      if (ec != std::errc() || end != unsigned_tok.data() + unsigned_tok.size()) give_up();
      return Node::make_integer(at, v);
    }
    if (plain_float(tok)) {
      double v = 0;
      auto [end, ec] = std::from_chars(unsigned_tok.data(), unsigned_tok.data() + unsigned_tok.size(), v);
      if (ec != std::errc() || end != unsigned_tok.data() + unsigned_tok.size()) give_up();
      return Node::make_float(at, v);
    }
    give_up();
  }

  Node date_or_date_time(Pos at, std::string_view tok) {
    const LocalDate date = read_date(tok);
    if (tok.size() == 10) {
      // "1979-05-27 07:32:00": a date-time written with a space; left to toml++.
      if (end_ - p_ >= 2 && *p_ == ' ' && is_digit(p_[1])) give_up();
      return Node::make_date(at, date);
    }
    if (tok[10] != 'T') give_up();
    size_t i = 11;
    DateTime dt;
    dt.date = date;
    dt.time = read_time(tok, i);
    if (i < tok.size() && tok[i] == 'Z') {
      dt.has_offset = true;
      ++i;
    } else if (i < tok.size() && (tok[i] == '+' || tok[i] == '-')) {
      const int sign = tok[i] == '-' ? -1 : 1;
      const unsigned hours = digits(tok, i + 1, 2);
      if (i + 6 > tok.size() || tok[i + 3] != ':') give_up();
      const unsigned minutes = digits(tok, i + 4, 2);
      if (hours > 23 || minutes > 59) give_up();
      dt.has_offset = true;
      dt.offset_minutes = static_cast<int16_t>(sign * static_cast<int>(hours * 60 + minutes));
      i += 6;
    }
    if (i != tok.size()) give_up();
    return Node::make_date_time(at, dt);
  }

  const char* p_;
  const char* end_;
  uint32_t line_ = 1;
  const char* line_start_;
  const char* col_ptr_;  // columns are counted up to here on the current line
  uint32_t col_ = 1;
  Arena& arena_;

  std::vector<Entry> root_;
  std::vector<int> array_of_root_;  // per root entry: its index in arrays_, or -1
  std::vector<OpenArray> arrays_;
  std::vector<Entry> current_;      // the entries of the table the last header opened
  Target target_ = Target::root;
  size_t target_index_ = 0;

  std::vector<std::vector<Entry>> entry_scratch_;  // per nesting depth
  std::vector<std::vector<Node>> node_scratch_;
  std::string decoded_;
};

}  // namespace

std::unique_ptr<Document> parse_fast(std::string& text) {
  auto document = std::make_unique<Document>();
  document->text = std::move(text);
  try {
    Parser parser(document->text, document->arena);
    document->root = parser.document();
    return document;
  } catch (const GiveUp&) {
    text = std::move(document->text);
    return nullptr;
  }
}

}  // namespace topocheck::doc
