// The document tree's lookups, its arena, and the conversion from toml++.
#include "checker/load/doc.h"

#include <algorithm>
#include <mutex>

namespace topocheck::doc {

const Entry* Table::find(std::string_view key) const {
  // Entity tables hold a few dozen keys at most: a linear scan beats a binary search there.
  if (size_ <= 16) {
    for (const Entry* e = data_; e != data_ + size_; ++e) {
      if (e->key == key) return e;
    }
    return nullptr;
  }
  const Entry* end = data_ + size_;
  const Entry* it =
      std::lower_bound(data_, end, key, [](const Entry& e, std::string_view k) { return e.key < k; });
  return it != end && it->key == key ? it : nullptr;
}

const Node* Table::get(std::string_view key) const {
  const Entry* e = find(key);
  return e != nullptr ? &e->value : nullptr;
}

bool Node::is_array_of_tables() const {
  if (type_ != Type::array || array_.empty()) return false;
  return std::all_of(array_.begin(), array_.end(), [](const Node& n) { return n.is_table(); });
}

namespace {

constexpr size_t kBlock = size_t{1} << 20;
constexpr size_t kPoolMax = 512;  // blocks kept for reuse (512 MiB); the rest are freed

// Arena blocks of documents already dropped, shared by the loader's threads.
struct BlockPool {
  std::mutex mutex;
  std::vector<std::byte*> free;

  std::byte* take() {
    {
      std::lock_guard lock(mutex);
      if (!free.empty()) {
        std::byte* b = free.back();
        free.pop_back();
        return b;
      }
    }
    return new std::byte[kBlock];
  }
  void give(std::vector<std::byte*>& blocks) {
    std::lock_guard lock(mutex);
    for (std::byte* b : blocks) {
      if (free.size() < kPoolMax) {
        free.push_back(b);
      } else {
        delete[] b;
      }
    }
    blocks.clear();
  }
  ~BlockPool() {
    for (std::byte* b : free) delete[] b;
  }
};

BlockPool& block_pool() {
  static BlockPool pool;
  return pool;
}

}  // namespace

Arena::~Arena() { block_pool().give(blocks_); }

void* Arena::allocate(size_t size, size_t align) {
  size_t pad = (align - reinterpret_cast<uintptr_t>(next_) % align) % align;
  if (size + align > kBlock) {
    large_.push_back(std::make_unique_for_overwrite<std::byte[]>(size + align));
    std::byte* at = large_.back().get();
    at += (align - reinterpret_cast<uintptr_t>(at) % align) % align;
    return at;
  }
  if (left_ < size + pad) {
    blocks_.push_back(block_pool().take());
    next_ = blocks_.back();
    left_ = kBlock;
    pad = (align - reinterpret_cast<uintptr_t>(next_) % align) % align;
  }
  std::byte* at = next_ + pad;
  next_ = at + size;
  left_ -= size + pad;
  return at;
}

std::string_view type_name(Type type) {
  switch (type) {
    case Type::table:
      return "a table";
    case Type::array:
      return "an array";
    case Type::string:
      return "a string";
    case Type::integer:
      return "an integer";
    case Type::floating_point:
      return "a float";
    case Type::boolean:
      return "a boolean";
    case Type::date:
      return "a date";
    case Type::time:
      return "a time";
    case Type::date_time:
      return "a date-time";
  }
  return "an unknown value";
}

namespace {

Pos pos_of(const toml::source_region& region) { return Pos{region.begin.line, region.begin.column}; }

LocalDate date_of(const toml::date& d) { return LocalDate{d.year, d.month, d.day}; }
LocalTime time_of(const toml::time& t) { return LocalTime{t.hour, t.minute, t.second, t.nanosecond}; }

Node convert(Arena& arena, const toml::node& node);

Table convert_table(Arena& arena, const toml::table& table) {
  std::vector<Entry> entries;
  entries.reserve(table.size());
  for (auto&& [key, value] : table) {
    entries.push_back(Entry{arena.copy(key.str()), pos_of(key.source()), convert(arena, value)});
  }
  // toml++ keeps its keys in a std::map: already sorted, as Table requires.
  return Table(arena.copy(entries.data(), entries.size()), static_cast<uint32_t>(entries.size()));
}

Node convert(Arena& arena, const toml::node& node) {
  const Pos at = pos_of(node.source());
  switch (node.type()) {
    case toml::node_type::table:
      return Node::make_table(at, convert_table(arena, *node.as_table()));
    case toml::node_type::array: {
      const toml::array& array = *node.as_array();
      std::vector<Node> items;
      items.reserve(array.size());
      for (const toml::node& item : array) items.push_back(convert(arena, item));
      return Node::make_array(at, Array(arena.copy(items.data(), items.size()),
                                        static_cast<uint32_t>(items.size())));
    }
    case toml::node_type::string:
      return Node::make_string(at, arena.copy(std::string_view(node.as_string()->get())));
    case toml::node_type::integer:
      return Node::make_integer(at, node.as_integer()->get());
    case toml::node_type::floating_point:
      return Node::make_float(at, node.as_floating_point()->get());
    case toml::node_type::boolean:
      return Node::make_boolean(at, node.as_boolean()->get());
    case toml::node_type::date:
      return Node::make_date(at, date_of(node.as_date()->get()));
    case toml::node_type::time:
      return Node::make_time(at, time_of(node.as_time()->get()));
    case toml::node_type::date_time: {
      const toml::date_time& v = node.as_date_time()->get();
      DateTime dt{date_of(v.date), time_of(v.time), v.offset.has_value(),
                  v.offset ? v.offset->minutes : int16_t{0}};
      return Node::make_date_time(at, dt);
    }
    case toml::node_type::none:
      break;
  }
  return Node::make_table(at, Table{});  // toml++ never puts a `none` node into a tree
}

std::string pos_text(Pos p) { return std::to_string(p.line) + ":" + std::to_string(p.column); }

std::string scalar_difference(const Node& a, const Node& b) {
  bool same = true;
  switch (a.type()) {
    case Type::string: same = a.string() == b.string(); break;
    case Type::integer: same = a.integer() == b.integer(); break;
    case Type::floating_point: same = a.floating() == b.floating() || (a.floating() != a.floating() && b.floating() != b.floating()); break;
    case Type::boolean: same = a.boolean() == b.boolean(); break;
    case Type::date: same = a.date() == b.date(); break;
    case Type::time: same = a.time() == b.time(); break;
    case Type::date_time: same = a.date_time() == b.date_time(); break;
    default: break;
  }
  return same ? std::string() : ": different values";
}

std::string difference_at(const std::string& path, const Node& a, const Node& b) {
  if (a.type() != b.type()) {
    return path + ": " + std::string(type_name(a.type())) + " vs " + std::string(type_name(b.type()));
  }
  if (a.source() != b.source()) return path + ": at " + pos_text(a.source()) + " vs " + pos_text(b.source());
  if (const Table* ta = a.as_table()) {
    const Table& tb = b.table();
    if (ta->size() != tb.size()) return path + ": " + std::to_string(ta->size()) + " vs " + std::to_string(tb.size()) + " keys";
    for (size_t i = 0; i < ta->size(); ++i) {
      const Entry& ea = ta->begin()[i];
      const Entry& eb = tb.begin()[i];
      const std::string at = path + (path.empty() ? "" : ".") + std::string(ea.key);
      if (ea.key != eb.key) return at + ": key vs " + std::string(eb.key);
      if (ea.key_pos != eb.key_pos) return at + ": key at " + pos_text(ea.key_pos) + " vs " + pos_text(eb.key_pos);
      std::string d = difference_at(at, ea.value, eb.value);
      if (!d.empty()) return d;
    }
    return {};
  }
  if (const Array* aa = a.as_array()) {
    const Array& ab = b.array();
    if (aa->size() != ab.size()) return path + ": " + std::to_string(aa->size()) + " vs " + std::to_string(ab.size()) + " items";
    for (size_t i = 0; i < aa->size(); ++i) {
      std::string d = difference_at(path + "[" + std::to_string(i) + "]", (*aa)[i], ab[i]);
      if (!d.empty()) return d;
    }
    return {};
  }
  std::string d = scalar_difference(a, b);
  return d.empty() ? d : path + d;
}

}  // namespace

std::string first_difference(const Node& a, const Node& b) {
  std::string d = difference_at("", a, b);
  return d.empty() || d[0] != ':' ? d : "(root)" + d;
}

std::unique_ptr<Document> from_toml(const toml::table& root) {
  auto document = std::make_unique<Document>();
  document->root = Node::make_table(pos_of(root.source()), convert_table(document->arena, root));
  return document;
}

}  // namespace topocheck::doc
