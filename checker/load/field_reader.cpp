// Typed field access over a TOML table (doc.h), with the loader's messages.
#include "checker/load/field_reader.h"

#include <algorithm>
#include <tuple>

#include "checker/load/suggest.h"
#include "checker/load/toml_values.h"

namespace topocheck {

FieldReader::FieldReader(LoadContext& ctx, const doc::Table& table, Table owner, Index entity,
                         Located* located, std::string prefix)
    : ctx_(ctx),
      table_(table),
      owner_(owner),
      entity_(entity),
      located_(located),
      prefix_(std::move(prefix)),
      first_field_(located ? located->fields.size() : 0) {
  // Exactly one FieldLoc per key at most: no growth slack, kept for the whole run.
  if (located_ != nullptr) located_->fields.reserve(first_field_ + table.size());
}

const doc::Node* FieldReader::node(const char* key) {
  asked_.push_back(key);
  const doc::Entry* entry = table_.find(key);
  if (entry == nullptr) return nullptr;
  ++present_;
  if (located_ != nullptr) located_->fields.push_back(FieldLoc{key, entry->key_pos.line, entry->key_pos.column});
  return &entry->value;
}

std::optional<std::string_view> FieldReader::string(const char* key) {
  const doc::Node* n = node(key);
  if (n == nullptr) return std::nullopt;
  if (n->is_string()) return n->string();
  wrong_type(key, *n, "a string");
  return std::nullopt;
}

std::optional<int64_t> FieldReader::integer(const char* key) {
  const doc::Node* n = node(key);
  if (n == nullptr) return std::nullopt;
  if (n->type() == doc::Type::integer) return n->integer();
  wrong_type(key, *n, "an integer");
  return std::nullopt;
}

std::optional<double> FieldReader::number(const char* key) {
  const doc::Node* n = node(key);
  if (n == nullptr) return std::nullopt;
  if (n->type() == doc::Type::floating_point) return n->floating();
  if (n->type() == doc::Type::integer) return static_cast<double>(n->integer());
  wrong_type(key, *n, "a number");
  return std::nullopt;
}

std::optional<bool> FieldReader::boolean(const char* key) {
  const doc::Node* n = node(key);
  if (n == nullptr) return std::nullopt;
  if (n->type() == doc::Type::boolean) return n->boolean();
  wrong_type(key, *n, "a boolean");
  return std::nullopt;
}

std::optional<Timestamp> FieldReader::timestamp(const char* key) {
  const doc::Node* n = node(key);
  if (n == nullptr) return std::nullopt;
  if (auto t = toml_timestamp(*n)) return t;
  wrong_type(key, *n, "a date-time");
  return std::nullopt;
}

std::optional<Date> FieldReader::date(const char* key) {
  const doc::Node* n = node(key);
  if (n == nullptr) return std::nullopt;
  if (auto d = toml_date(*n)) return d;
  wrong_type(key, *n, "a date");
  return std::nullopt;
}

const doc::Table* FieldReader::table(const char* key) {
  const doc::Node* n = node(key);
  if (n == nullptr) return nullptr;
  if (const auto* t = n->as_table()) return t;
  wrong_type(key, *n, "a table");
  return nullptr;
}

const doc::Array* FieldReader::array(const char* key, std::string_view expected) {
  const doc::Node* n = node(key);
  if (n == nullptr) return nullptr;
  if (const auto* a = n->as_array()) return a;
  wrong_type(key, *n, expected);
  return nullptr;
}

void FieldReader::require(std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    if (table_.contains(key)) continue;
    std::string what =
        prefix_.empty() ? owner() : prefix_.substr(0, prefix_.size() - 1) + " of " + owner();
    ctx_.error(table_loc(), field_name(key),
               what + " is missing required field '" + std::string(key) + "'");
  }
}

void FieldReader::finish() {
  if (located_ != nullptr) {
    std::sort(located_->fields.begin() + static_cast<std::ptrdiff_t>(first_field_),
              located_->fields.end(), [](const FieldLoc& a, const FieldLoc& b) {
                return std::tie(a.line, a.column) < std::tie(b.line, b.column);
              });
  }
  if (present_ == table_.size()) return;  // the common case: every key was asked for
  for (const doc::Entry& entry : table_) {
    std::string_view name = entry.key;
    if (std::find(asked_.begin(), asked_.end(), name) != asked_.end()) continue;
    std::string where =
        prefix_.empty() ? "" : "'" + prefix_.substr(0, prefix_.size() - 1) + "' of ";
    ctx_.warning(ctx_.loc(entry.key_pos), field_name(name),
                 "unknown key '" + std::string(name) + "' in " + where + owner() +
                     did_you_mean(name, asked_));
  }
}

SourceLoc FieldReader::value_loc(std::string_view key) const {
  const doc::Node* n = table_.get(key);
  return n != nullptr ? ctx_.loc(n->source()) : table_loc();
}

std::string FieldReader::field_name(std::string_view key) const {
  return std::string(table_name(owner_)) + "." + prefix_ + std::string(key);
}

void FieldReader::field_error(std::string_view key, const SourceLoc& at, std::string message) {
  ctx_.error(at, field_name(key),
             "field '" + prefix_ + std::string(key) + "' of " + owner() + ": " + message);
}

void FieldReader::field_warning(std::string_view key, const SourceLoc& at, std::string message) {
  ctx_.warning(at, field_name(key),
               "field '" + prefix_ + std::string(key) + "' of " + owner() + ": " + message);
}

void FieldReader::wrong_type(std::string_view key, const doc::Node& value,
                             std::string_view expected) {
  field_error(key, ctx_.loc(value.source()),
              "expected " + std::string(expected) + ", got " + std::string(toml_type_name(value)));
}

void FieldReader::unknown_value(const char* key, std::string_view value,
                                const std::vector<std::string_view>& spellings) {
  std::string list;
  for (std::string_view s : spellings) list += (list.empty() ? "" : ", ") + std::string(s);
  field_error(key, value_loc(key),
              "unknown value \"" + std::string(value) + "\"; expected one of " + list);
}

std::string indexed(std::string_view key, size_t index) {
  return std::string(key) + "[" + std::to_string(index) + "]";
}

}  // namespace topocheck
