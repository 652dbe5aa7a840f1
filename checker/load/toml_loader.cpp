// The loader's public API: one document at a time (read, hash, parse, convert, drop the tree),
// then the checks that need the whole estate. Nothing is thrown across this API; whatever goes
// wrong inside, down to running out of memory, becomes a diagnostic.
#include "checker/load/toml_loader.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <cctype>
#include <deque>
#include <future>
#include <optional>
#include <thread>

#include "checker/load/cross_checks.h"
#include "checker/load/doc.h"
#include "checker/load/entity_readers.h"
#include "checker/load/fast_toml.h"
#include "checker/load/load_context.h"
#include "checker/load/overlay.h"
#include "checker/load/source_bytes.h"
#include "checker/util/sha256.h"

namespace topocheck {
namespace {

// toml++ says "Error while parsing table header: cannot redefine ..."; ours read
// "invalid table header: cannot redefine ...", starting lower-case like every diagnostic.
std::string syntax_message(std::string_view description) {
  constexpr std::string_view kPrefix = "Error while parsing ";
  if (description.substr(0, kPrefix.size()) == kPrefix) {
    return "invalid " + std::string(description.substr(kPrefix.size()));
  }
  std::string out(description);
  if (!out.empty()) out[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[0])));
  return out;
}

// One document read, hashed and parsed, ready to be converted into the model. Parsing is the
// expensive part, so it runs on worker threads; conversion stays in file order on the caller's
// thread, so ids, diagnostics and indices are the same however the work was scheduled.
struct ParsedDocument {
  std::string read_error;      // the file could not be read or is too large
  std::string sha256;
  bool empty = false;
  std::unique_ptr<doc::Document> tree;
  std::optional<toml::table> toml_root;    // instead of `tree`, for overlays to edit
  std::optional<Diagnostic> syntax_error;  // line/column/message; file filled in later
  std::string internal_error;
};

// How a document is parsed: the fast reader, with toml++ for what it leaves (and for every
// syntax error); or toml++ alone, keeping its tree, where overlays edit the trees.
enum class Parse { fast, toml_tree };

ParsedDocument parse_document(std::string text, Parse how) {
  ParsedDocument doc;
  doc.sha256 = sha256_hex(text);
  if (text.empty()) {
    doc.empty = true;
    return doc;
  }
  try {
    if (how == Parse::fast) doc.tree = doc::parse_fast(text);
    if (doc.tree) return doc;
    toml::table root = toml::parse(std::string_view(text));
    if (how == Parse::toml_tree) {
      doc.toml_root = std::move(root);
    } else {
      doc.tree = doc::from_toml(root);
    }
  } catch (const toml::parse_error& e) {
    Diagnostic d;
    d.line = e.source().begin.line;
    d.column = e.source().begin.column;
    d.message = syntax_message(e.description());
    doc.syntax_error = std::move(d);
  } catch (const std::exception& e) {
    doc.internal_error = std::string("internal error while loading: ") + e.what();
  }
  return doc;
}

ParsedDocument read_and_parse(const std::string& path, size_t max_bytes, Parse how) {
  std::string error;
  try {
    auto bytes = read_source_bytes(path, max_bytes, error);
    if (bytes) return parse_document(std::move(*bytes), how);
  } catch (const std::exception& e) {
    error = std::string("internal error while reading: ") + e.what();
  }
  ParsedDocument doc;
  doc.read_error = error;
  return doc;
}

// Converts a parsed document into the model and reports what went wrong with it.
void convert_document(LoadContext& ctx, ParsedDocument& doc) {
  const SourceLoc whole_file{ctx.file, 0, 0};
  SourceFile& file = ctx.source_file();
  file.sha256 = doc.sha256;
  if (!doc.read_error.empty()) return ctx.error(whole_file, "", doc.read_error);
  if (!doc.internal_error.empty()) return ctx.error(whole_file, "", doc.internal_error);
  if (doc.empty) return ctx.warning(whole_file, "", "file is empty");
  if (doc.syntax_error) {
    return ctx.error(SourceLoc{ctx.file, doc.syntax_error->line, doc.syntax_error->column}, "",
                     doc.syntax_error->message);
  }
  try {
    if (!doc.tree && doc.toml_root) doc.tree = doc::from_toml(*doc.toml_root);
    if (doc.tree) read_document(ctx, doc.tree->root.table());
  } catch (const std::exception& e) {
    ctx.error(whole_file, "", std::string("internal error while loading: ") + e.what());
  }
}

uint32_t add_file(LoadContext& ctx, const std::string& path) {
  ctx.estate.files.push_back(SourceFile{path, {}, {}, {}, {}});
  return static_cast<uint32_t>(ctx.estate.files.size() - 1);
}

void finish_load(LoadContext& ctx) {
  try {
    resolve_references(ctx);
    complete_interfaces(ctx);
    check_ca_chains(ctx);
  } catch (const std::exception& e) {
    ctx.diags.error("", 0, 0, "", std::string("internal error while loading: ") + e.what());
  }
  ctx.diags.sort();
}

// How many [[name]] headers each top-level table has in the files, counted by a scan of the
// mapped files, not by parsing: a header inside a multi-line string counts too, and an indented
// one does not. The counts only size the estate's vectors before the shards join: grown by
// doubling, the vectors of a million CIs touched (and the kernel zeroed) three times the memory
// they end up using.
std::array<size_t, 12> count_table_headers(const std::vector<std::string>& files, size_t max_bytes) {
  std::array<size_t, 12> counts{};
  for (const std::string& path : files) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);  // a FIFO must not block
    if (fd < 0) continue;
    struct stat st {};
    if (::fstat(fd, &st) != 0 || st.st_size <= 0 || !S_ISREG(st.st_mode) ||
        (max_bytes != 0 && static_cast<size_t>(st.st_size) > max_bytes)) {  // refused later
      ::close(fd);
      continue;
    }
    const auto size = static_cast<size_t>(st.st_size);
    void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (map == MAP_FAILED) continue;
    const char* begin = static_cast<const char*>(map);
    const char* end = begin + size;
    for (const char* p = begin; p < end;) {
      // memchr is several times faster than memmem for "[[": most brackets open arrays.
      const void* found = std::memchr(p, '[', static_cast<size_t>(end - p));
      if (found == nullptr) break;
      const char* at = static_cast<const char*>(found);
      p = at + 1;
      if ((at != begin && at[-1] != '\n') || p == end || *p != '[') continue;
      p = at + 2;
      const char* name_end = p;
      while (name_end < end && name_end - p < 16 && *name_end != ']') ++name_end;
      const std::string_view name(p, static_cast<size_t>(name_end - p));
      for (size_t t = 0; t < counts.size(); ++t) {
        if (table_name(static_cast<Table>(t)) == name) ++counts[t];
      }
    }
    ::munmap(map, size);
  }
  return counts;
}

void reserve_tables(Estate& e, const std::array<size_t, 12>& counts) {
  auto count = [&counts](Table t) { return counts[static_cast<size_t>(t)]; };
  e.zones.reserve(count(Table::zone));
  e.subnets.reserve(count(Table::subnet));
  e.cis.reserve(count(Table::ci));
  e.rules.reserve(count(Table::rule));
  e.nats.reserve(count(Table::nat));
  e.relations.reserve(count(Table::relation));
  e.certificates.reserve(count(Table::certificate));
  e.vulnerabilities.reserve(count(Table::vulnerability));
  e.accounts.reserve(count(Table::account));
  e.changes.reserve(count(Table::change));
  e.waivers.reserve(count(Table::waiver));
  for (size_t t = 0; t < counts.size(); ++t) {
    if (IdMap* ids = id_map(e, static_cast<Table>(t))) ids->reserve(counts[t]);
  }
}

// One file read into an estate of its own, on a worker thread; join_shard adds it to the whole.
struct Shard {
  Estate estate;
  Diagnostics diags;
  LoadContext ctx{estate, diags};
};

std::unique_ptr<Shard> read_shard(const std::string& path, uint32_t file, size_t max_bytes) {
  auto shard = std::make_unique<Shard>();
  shard->ctx.shard = true;
  shard->ctx.file = file;
  shard->ctx.shard_file.path = path;
  try {
    ParsedDocument doc = read_and_parse(path, max_bytes, Parse::fast);
    convert_document(shard->ctx, doc);
  } catch (const std::exception& e) {
    shard->ctx.error(SourceLoc{file, 0, 0}, "", std::string("internal error while loading: ") + e.what());
  }
  return shard;
}

}  // namespace

LoadResult load_estate_files(const std::vector<std::string>& files, const LoadOptions& options) {
  LoadResult result;
  LoadContext ctx{result.estate, result.diagnostics};
  for (const std::string& path : files) add_file(ctx, path);
  // Files are read (parsed and converted into a shard each) on worker threads, a window of them
  // ahead, and join the estate in file order: ids, indices and messages come out the same
  // whatever the scheduling. Each file's tree (a few times the file's size) lives only while
  // its shard is read.
  const size_t cores = std::max(1u, std::thread::hardware_concurrency());
  const size_t window = std::min<size_t>(cores + 1, 8);  // one waiting to join while all cores read
  std::deque<std::future<std::unique_ptr<Shard>>> ahead;
  size_t next = 0;
  auto launch = [&] {
    while (next < files.size() && ahead.size() < window) {
      ahead.push_back(std::async(std::launch::async, read_shard, files[next],
                                 static_cast<uint32_t>(next), options.max_file_bytes));
      ++next;
    }
  };
  launch();
  // While the first files are read: an estimate is enough, a failure is no error.
  try {
    reserve_tables(ctx.estate, count_table_headers(files, options.max_file_bytes));
  } catch (const std::exception&) {
  }
  for (size_t i = 0; i < files.size(); ++i) {
    std::unique_ptr<Shard> shard = ahead.front().get();
    ahead.pop_front();
    launch();
    try {
      join_shard(ctx, shard->ctx);
    } catch (const std::exception& e) {
      ctx.error(SourceLoc{static_cast<uint32_t>(i), 0, 0}, "",
                std::string("internal error while loading: ") + e.what());
    }
    shard.reset();
    if (options.on_file_loaded) options.on_file_loaded(files[i], i + 1, files.size());
  }
  finish_load(ctx);
  return result;
}

LoadResult load_estate(const std::vector<std::string>& args, const LoadOptions& options) {
  Diagnostics collected;
  std::vector<std::string> files;
  try {
    files = collect_estate_files(args, collected);
  } catch (const std::exception& e) {
    collected.error("", 0, 0, "", std::string("internal error while listing files: ") + e.what());
  }
  LoadResult result = load_estate_files(files, options);
  result.diagnostics.append(collected);
  result.diagnostics.sort();
  return result;
}

LoadResult load_estate_with_overlays(const std::vector<std::string>& args,
                                     const std::vector<std::string>& overlay_files,
                                     const LoadOptions& options) {
  if (overlay_files.empty()) return load_estate(args, options);
  LoadResult result;
  LoadContext ctx{result.estate, result.diagnostics};
  Diagnostics collected;
  const std::vector<std::string> files = collect_estate_files(args, collected);
  // Overlays need every tree at once: parse all, edit the trees, then convert in order.
  std::vector<ParsedDocument> base_docs, overlay_docs;
  for (const std::string& path : files) base_docs.push_back(read_and_parse(path, options.max_file_bytes, Parse::toml_tree));
  for (const std::string& path : overlay_files) {
    overlay_docs.push_back(read_and_parse(path, options.max_file_bytes, Parse::toml_tree));
  }
  std::vector<toml::table*> base_roots, overlay_roots;
  std::vector<std::string> overlay_paths;
  for (ParsedDocument& d : base_docs) {
    if (d.toml_root) base_roots.push_back(&*d.toml_root);
  }
  for (size_t i = 0; i < overlay_docs.size(); ++i) {
    if (!overlay_docs[i].toml_root) continue;
    overlay_roots.push_back(&*overlay_docs[i].toml_root);
    overlay_paths.push_back(overlay_files[i]);
  }
  apply_overlays(base_roots, overlay_roots, overlay_paths, result.diagnostics);
  for (size_t i = 0; i < files.size(); ++i) {
    ctx.file = add_file(ctx, files[i]);
    convert_document(ctx, base_docs[i]);
    base_docs[i] = ParsedDocument{};
  }
  for (size_t i = 0; i < overlay_files.size(); ++i) {
    ctx.file = add_file(ctx, overlay_files[i]);
    convert_document(ctx, overlay_docs[i]);
    overlay_docs[i] = ParsedDocument{};
  }
  finish_load(ctx);
  result.diagnostics.append(collected);
  result.diagnostics.sort();
  return result;
}

LoadResult load_estate_from_strings(const std::vector<std::pair<std::string, std::string>>& docs,
                                    const LoadOptions& options) {
  LoadResult result;
  LoadContext ctx{result.estate, result.diagnostics};
  for (const auto& [name, text] : docs) {
    ctx.file = add_file(ctx, name);
    std::string too_big = check_source_size(text.size(), options.max_file_bytes);
    if (!too_big.empty()) {
      ctx.error(SourceLoc{ctx.file, 0, 0}, "", too_big);
      continue;
    }
    ParsedDocument doc = parse_document(text, Parse::fast);
    convert_document(ctx, doc);
  }
  finish_load(ctx);
  return result;
}

}  // namespace topocheck
