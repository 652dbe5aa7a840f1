// The loader's document tree: what a TOML file says, as compact read-only values with the line
// and column of every key and value. Estate files are read into it either by the fast parser
// (fast_toml.h: the common, plain subset of TOML, several times faster than toml++ and without
// its per-node allocations) or, for everything else, by toml++ and then converted. The readers
// see one tree whichever parser made it.
//
// Nodes, entries and decoded strings live in the Document's arena; strings without escapes point
// into the document's text, which the Document keeps. A Document is therefore never copied or
// moved: it is handed around as a unique_ptr.
#pragma once

#include <toml++/toml.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace topocheck::doc {

enum class Type : uint8_t { table, array, string, integer, floating_point, boolean, date, time, date_time };

// 1-based, as toml++ counts them: the column counts code points, not bytes.
struct Pos {
  uint32_t line = 0;
  uint32_t column = 0;
  friend bool operator==(const Pos&, const Pos&) = default;
};

struct LocalDate {
  int32_t year = 0;
  uint8_t month = 0;
  uint8_t day = 0;
  friend bool operator==(const LocalDate&, const LocalDate&) = default;
};

struct LocalTime {
  uint8_t hour = 0;
  uint8_t minute = 0;
  uint8_t second = 0;
  uint32_t nanosecond = 0;
  friend bool operator==(const LocalTime&, const LocalTime&) = default;
};

struct DateTime {
  LocalDate date;
  LocalTime time;
  bool has_offset = false;
  int16_t offset_minutes = 0;
  friend bool operator==(const DateTime&, const DateTime&) = default;
};

struct Entry;
class Node;

// A table's entries, sorted by key (the order toml++ iterates in), keys unique; and where the
// table starts (its header, or its '{').
class Table {
 public:
  Table() = default;
  Table(const Entry* data, uint32_t size, Pos at = {}) : data_(data), size_(size), pos_(at) {}
  Pos source() const { return pos_; }
  const Entry* begin() const { return data_; }
  const Entry* end() const;
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const Entry* find(std::string_view key) const;  // nullptr when absent
  const Node* get(std::string_view key) const;
  bool contains(std::string_view key) const { return find(key) != nullptr; }

 private:
  const Entry* data_ = nullptr;
  uint32_t size_ = 0;
  Pos pos_;
};

class Array {
 public:
  Array() = default;
  Array(const Node* data, uint32_t size) : data_(data), size_(size) {}
  const Node* begin() const { return data_; }
  const Node* end() const;
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const Node& operator[](size_t i) const;

 private:
  const Node* data_ = nullptr;
  uint32_t size_ = 0;
};

class Node {
 public:
  Node() : string_() {}
  static Node make_string(Pos at, std::string_view s) { Node n(Type::string, at); n.string_ = s; return n; }
  static Node make_integer(Pos at, int64_t v) { Node n(Type::integer, at); n.integer_ = v; return n; }
  static Node make_float(Pos at, double v) { Node n(Type::floating_point, at); n.float_ = v; return n; }
  static Node make_boolean(Pos at, bool v) { Node n(Type::boolean, at); n.boolean_ = v; return n; }
  static Node make_date(Pos at, LocalDate v) { Node n(Type::date, at); n.date_time_.date = v; return n; }
  static Node make_time(Pos at, LocalTime v) { Node n(Type::time, at); n.date_time_.time = v; return n; }
  static Node make_date_time(Pos at, DateTime v) { Node n(Type::date_time, at); n.date_time_ = v; return n; }
  static Node make_table(Pos at, Table t) {
    Node n(Type::table, at);
    n.table_ = Table(t.begin(), static_cast<uint32_t>(t.size()), at);
    return n;
  }
  static Node make_array(Pos at, Array a) { Node n(Type::array, at); n.array_ = a; return n; }

  Type type() const { return type_; }
  Pos source() const { return pos_; }
  // For the parser, which fills a table after its header.
  void set_table(Table t) { table_ = Table(t.begin(), static_cast<uint32_t>(t.size()), pos_); }
  void set_array(Array a) { array_ = a; }

  bool is_string() const { return type_ == Type::string; }
  bool is_table() const { return type_ == Type::table; }
  bool is_array_of_tables() const;  // a non-empty array whose elements are all tables

  // The value; only valid for the matching type (checked by the caller with type()/is_*()).
  std::string_view string() const { return string_; }
  int64_t integer() const { return integer_; }
  double floating() const { return float_; }
  bool boolean() const { return boolean_; }
  LocalDate date() const { return date_time_.date; }
  LocalTime time() const { return date_time_.time; }
  const DateTime& date_time() const { return date_time_; }
  const Table& table() const { return table_; }
  const Array& array() const { return array_; }

  // nullptr unless of the type: `if (const Table* t = node.as_table())`.
  const Table* as_table() const { return type_ == Type::table ? &table_ : nullptr; }
  const Array* as_array() const { return type_ == Type::array ? &array_ : nullptr; }

 private:
  Node(Type type, Pos at) : type_(type), pos_(at), string_() {}

  Type type_ = Type::string;
  Pos pos_;
  union {
    std::string_view string_;
    int64_t integer_;
    double float_;
    bool boolean_;
    DateTime date_time_;
    Table table_;
    Array array_;
  };
};

struct Entry {
  std::string_view key;
  Pos key_pos;
  Node value;
};

inline const Entry* Table::end() const { return data_ + size_; }
inline const Node* Array::end() const { return data_ + size_; }
inline const Node& Array::operator[](size_t i) const { return data_[i]; }

// Bump allocation for one document's nodes, entries and decoded strings; freed all at once.
// Its 1 MiB blocks go back to a process-wide pool when the document is dropped, for the next
// document: fresh blocks come from mmap, and faulting in a new page for every byte of every tree
// cost more system time than parsing did.
class Arena {
 public:
  Arena() = default;
  ~Arena();
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  template <typename T>
  T* copy(const T* items, size_t n) {
    if (n == 0) return nullptr;
    void* at = allocate(n * sizeof(T), alignof(T));
    std::uninitialized_copy(items, items + n, static_cast<T*>(at));
    return static_cast<T*>(at);
  }
  std::string_view copy(std::string_view s) {
    if (s.empty()) return {};
    char* at = static_cast<char*>(allocate(s.size(), 1));
    std::char_traits<char>::copy(at, s.data(), s.size());
    return {at, s.size()};
  }

 private:
  void* allocate(size_t size, size_t align);

  std::vector<std::byte*> blocks_;  // kBlock bytes each, from the pool
  std::vector<std::unique_ptr<std::byte[]>> large_;  // single allocations larger than a block
  std::byte* next_ = nullptr;
  size_t left_ = 0;
};

struct Document {
  std::string text;  // the source; strings without escapes point into it
  Arena arena;
  Node root = Node::make_table(Pos{1, 1}, Table{});
};

// "a string", "an integer", "a date-time" ...
std::string_view type_name(Type type);

// Where two trees differ (type, value, key, line or column), as "ci[3].agents[0].kind: ...";
// empty when they are the same. The fast parser's tests and fuzz target compare it with toml++.
std::string first_difference(const Node& a, const Node& b);

// The same document read by toml++ (for what the fast parser leaves to it, and for overlays,
// which edit toml++ trees).
std::unique_ptr<Document> from_toml(const toml::table& root);

}  // namespace topocheck::doc
