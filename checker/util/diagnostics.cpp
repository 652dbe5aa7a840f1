// Collecting, ordering and printing diagnostics. Printing re-reads the source line from disk
// rather than keeping every input file in memory for the whole run: diagnostics are rare, inputs
// can be large.
#include "checker/util/diagnostics.h"

#include <algorithm>
#include <fstream>
#include <optional>
#include <tuple>

namespace topocheck {
namespace {

constexpr const char* kBold = "\033[1m";
constexpr const char* kRed = "\033[1;31m";
constexpr const char* kMagenta = "\033[1;35m";
constexpr const char* kCyan = "\033[1;36m";
constexpr const char* kGreen = "\033[1;32m";
constexpr const char* kReset = "\033[0m";

std::string_view level_name(DiagLevel level) {
  switch (level) {
    case DiagLevel::error:
      return "error";
    case DiagLevel::warning:
      return "warning";
    case DiagLevel::notice:
      return "note";
  }
  return "error";
}

const char* level_color(DiagLevel level) {
  switch (level) {
    case DiagLevel::error:
      return kRed;
    case DiagLevel::warning:
      return kMagenta;
    case DiagLevel::notice:
      return kCyan;
  }
  return kRed;
}

std::string location_prefix(const Diagnostic& d) {
  if (d.file.empty()) return {};
  std::string out = d.file;
  if (d.line > 0) {
    out += ":" + std::to_string(d.line);
    if (d.column > 0) out += ":" + std::to_string(d.column);
  }
  return out + ": ";
}

// The 1-based `line` of `path`, or nothing when the file cannot be read (in-memory documents
// have names that are not paths) or is shorter.
std::optional<std::string> read_source_line(const std::string& path, uint32_t line) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string text;
  for (uint32_t i = 0; i < line; ++i) {
    if (!std::getline(in, text)) return std::nullopt;
  }
  if (!text.empty() && text.back() == '\r') text.pop_back();
  return text;
}

// Spaces up to the 1-based `column`, counted in code points as TOML parsers count them; tabs are
// kept so that the caret lines up however the terminal expands them.
std::string caret_padding(std::string_view source, uint32_t column) {
  std::string pad;
  uint32_t seen = 1;
  for (char c : source) {
    if (seen >= column) break;
    if ((static_cast<unsigned char>(c) & 0xC0) == 0x80) continue;  // UTF-8 continuation byte
    pad += c == '\t' ? '\t' : ' ';
    ++seen;
  }
  while (seen < column) {
    pad += ' ';
    ++seen;
  }
  return pad;
}

auto sort_key(const Diagnostic& d) {
  return std::tie(d.level, d.file, d.line, d.column, d.message, d.field);
}

}  // namespace

void Diagnostics::error(std::string file, uint32_t line, uint32_t column, std::string field,
                        std::string message) {
  items_.push_back(Diagnostic{DiagLevel::error, std::move(file), line, column, std::move(field),
                              std::move(message)});
}

void Diagnostics::warning(std::string file, uint32_t line, uint32_t column, std::string field,
                          std::string message) {
  items_.push_back(Diagnostic{DiagLevel::warning, std::move(file), line, column, std::move(field),
                              std::move(message)});
}

void Diagnostics::append(const Diagnostics& other) {
  items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

bool Diagnostics::has_errors() const { return error_count() > 0; }

size_t Diagnostics::error_count() const {
  return static_cast<size_t>(std::count_if(items_.begin(), items_.end(), [](const Diagnostic& d) {
    return d.level == DiagLevel::error;
  }));
}

size_t Diagnostics::warning_count() const {
  return static_cast<size_t>(std::count_if(items_.begin(), items_.end(), [](const Diagnostic& d) {
    return d.level == DiagLevel::warning;
  }));
}

void Diagnostics::sort() {
  std::stable_sort(items_.begin(), items_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return sort_key(a) < sort_key(b);
  });
}

std::string format_diagnostic(const Diagnostic& d, bool color) {
  auto paint = [color](std::string_view text, const char* code) {
    return color ? code + std::string(text) + kReset : std::string(text);
  };
  std::string out = paint(location_prefix(d), kBold);
  out += paint(std::string(level_name(d.level)) + ":", level_color(d.level));
  out += " " + d.message + "\n";
  if (d.file.empty() || d.line == 0) return out;
  auto source = read_source_line(d.file, d.line);
  if (!source) return out;
  out += "    " + *source + "\n";
  if (d.column > 0) out += "    " + caret_padding(*source, d.column) + paint("^", kGreen) + "\n";
  return out;
}

}  // namespace topocheck
