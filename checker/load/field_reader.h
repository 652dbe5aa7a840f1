// FieldReader reads the fields of one TOML table into model values. It checks each value's type,
// records where each field of an entity was written (Located::fields), and reports problems as
// diagnostics that name the entity and the field. Every key a reader asks for counts as known;
// finish() warns about the keys nobody asked for, with a did-you-mean.
#pragma once

#include "checker/load/doc.h"

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checker/load/load_context.h"

namespace topocheck {

// "dns[2]": the name of one element of a list field in messages.
std::string indexed(std::string_view key, size_t index);

class FieldReader {
 public:
  // `located` receives a FieldLoc for each field present (for an entity's own table; nullptr for
  // nested tables). `prefix` names a nested table in messages: "trust.", "interfaces[0].".
  FieldReader(LoadContext& ctx, const doc::Table& table, Table owner, Index entity,
              Located* located, std::string prefix = {});

  // Getters: an absent key gives nothing; a value of the wrong type gives nothing and an error.
  // `key` must be a string literal (FieldLocs keep the pointer), and each key is asked for once:
  // finish() counts the keys found to skip the unknown-key scan in the common case.
  const doc::Node* node(const char* key);
  std::optional<std::string_view> string(const char* key);
  std::optional<int64_t> integer(const char* key);
  std::optional<double> number(const char* key);  // a float or an integer
  std::optional<bool> boolean(const char* key);
  std::optional<Timestamp> timestamp(const char* key);
  std::optional<Date> date(const char* key);
  const doc::Table* table(const char* key);
  // `expected` describes the wanted elements in the type error: "an array of strings".
  const doc::Array* array(const char* key, std::string_view expected);
  template <typename E>
  std::optional<E> enumeration(const char* key);

  // Calls fn(index, text, location) for each string element; other elements are type errors.
  template <typename Fn>
  void each_string(const char* key, const doc::Array& array, Fn&& fn);
  // Calls fn(index, table, location) for each table element; other elements are type errors.
  template <typename Fn>
  void each_table(const char* key, const doc::Array& array, Fn&& fn);

  // An error for each key in `keys` that is absent.
  void require(std::initializer_list<const char*> keys);
  // Sorts the recorded field locations into written order and warns about unknown keys.
  void finish();

  SourceLoc value_loc(std::string_view key) const;  // the value's location, or the table's
  SourceLoc table_loc() const { return ctx_.loc(table_.source()); }
  bool has(std::string_view key) const { return table_.contains(key); }

  // "field 'KEY' of OWNER: MESSAGE" at `at`; `key` may carry an element suffix ("dns[2]").
  void field_error(std::string_view key, const SourceLoc& at, std::string message);
  void field_warning(std::string_view key, const SourceLoc& at, std::string message);
  // "ci "app-01"", computed on demand so that it reflects the fields read so far.
  std::string owner() const { return describe_entity(ctx_, owner_, entity_); }
  std::string field_name(std::string_view key) const;  // "ci.trust.roots"
  LoadContext& context() { return ctx_; }
  Index entity() const { return entity_; }

 private:
  void wrong_type(std::string_view key, const doc::Node& value, std::string_view expected);
  void unknown_value(const char* key, std::string_view value,
                     const std::vector<std::string_view>& spellings);

  LoadContext& ctx_;
  const doc::Table& table_;
  Table owner_;
  Index entity_;
  Located* located_;
  std::string prefix_;
  size_t first_field_ = 0;  // FieldLocs before this one belong to an earlier reader
  size_t present_ = 0;      // asked-for keys that were present
  std::vector<std::string_view> asked_;
};

template <typename E>
std::optional<E> FieldReader::enumeration(const char* key) {
  auto text = string(key);
  if (!text) return std::nullopt;
  if (auto value = enum_from_string<E>(*text)) return value;
  unknown_value(key, *text, enum_spellings<E>());
  return std::nullopt;
}

template <typename Fn>
void FieldReader::each_string(const char* key, const doc::Array& array, Fn&& fn) {
  for (size_t i = 0; i < array.size(); ++i) {
    const doc::Node& item = array[i];
    if (item.is_string()) {
      fn(static_cast<uint32_t>(i), item.string(), ctx_.loc(item.source()));
    } else {
      wrong_type(indexed(key, i), item, "a string");
    }
  }
}

template <typename Fn>
void FieldReader::each_table(const char* key, const doc::Array& array, Fn&& fn) {
  for (size_t i = 0; i < array.size(); ++i) {
    const doc::Node& item = array[i];
    if (const auto* t = item.as_table()) {
      fn(static_cast<uint32_t>(i), *t, ctx_.loc(item.source()));
    } else {
      wrong_type(indexed(key, i), item, "a table");
    }
  }
}

}  // namespace topocheck
