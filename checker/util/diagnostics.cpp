// Collecting, ordering and printing diagnostics. Printing re-reads the source line from disk
// rather than keeping every input file in memory for the whole run: diagnostics are rare, inputs
// can be large.
#include "checker/util/diagnostics.h"

#include <algorithm>
#include <fstream>
#include <optional>
#include <string_view>
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

// Input files and the values quoted in messages are untrusted: a control character (an ANSI
// escape in a CI name, binary garbage on the echoed line) is shown as "\xNN" so that it cannot
// drive the terminal. Tab is kept, for the caret to line up.
std::string printable_text(std::string_view text) {
  constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\t') || c == 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += ch;
    }
  }
  return out;
}

std::string location_prefix(const Diagnostic& d) {
  if (d.file.empty()) return {};
  std::string out = printable_text(d.file);
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
    const auto byte = static_cast<unsigned char>(c);
    if ((byte & 0xC0) == 0x80) continue;  // UTF-8 continuation byte
    if ((byte < 0x20 && c != '\t') || byte == 0x7f) {
      pad += "    ";  // shown as "\xNN" (printable_text)
    } else {
      pad += c == '\t' ? '\t' : ' ';
    }
    ++seen;
  }
  while (seen < column) {
    pad += ' ';
    ++seen;
  }
  return pad;
}

// Longest part of a source line echoed under a diagnostic: a 100 MB line (one huge array) would
// otherwise be printed once per error on it.
constexpr size_t kMaxEchoBytes = 160;

// Cuts a long source line to a window around `column` (1-based, in code points), marking the cuts
// with "..."; returns the column of the same spot in the window.
uint32_t clip_source_line(std::string& line, uint32_t column) {
  if (line.size() <= kMaxEchoBytes) return column;
  // Byte offset of the column, counting code points as caret_padding does.
  size_t at = 0;
  for (uint32_t seen = 1; at < line.size() && seen < column; ++at) {
    if ((static_cast<unsigned char>(line[at]) & 0xC0) != 0x80) ++seen;
  }
  size_t start = at > kMaxEchoBytes / 2 ? at - kMaxEchoBytes / 2 : 0;
  while (start > 0 && (static_cast<unsigned char>(line[start]) & 0xC0) == 0x80) --start;
  size_t end = std::min(line.size(), start + kMaxEchoBytes);
  while (end < line.size() && (static_cast<unsigned char>(line[end]) & 0xC0) == 0x80) ++end;
  uint32_t new_column = column;
  for (size_t i = 0; i < start; ++i) {
    if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) --new_column;
  }
  std::string clipped =
      (start > 0 ? "..." : "") + line.substr(start, end - start) + (end < line.size() ? "..." : "");
  line = std::move(clipped);
  return column == 0 ? 0 : new_column + (start > 0 ? 3 : 0);
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
  out += " " + printable_text(d.message) + "\n";
  if (d.file.empty() || d.line == 0) return out;
  auto source = read_source_line(d.file, d.line);
  if (!source) return out;
  const uint32_t column = clip_source_line(*source, d.column);
  const std::string shown = printable_text(*source);
  out += "    " + shown + "\n";
  if (column > 0) out += "    " + caret_padding(*source, column) + paint("^", kGreen) + "\n";
  return out;
}

}  // namespace topocheck
