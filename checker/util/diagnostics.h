// Diagnostics: the input errors and warnings of a run, collected rather than thrown, so that a
// user sees every problem of an estate in one run. Each carries file, line, column and the field
// it is about; printed ninja-style with the source line and a caret under the spot:
//
//   fixtures/broken/x.toml:4:9: error: ci "app-01": field 'class': expected a string, got integer
//       class = 42
//               ^
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace topocheck {

enum class DiagLevel : uint8_t { error, warning, notice };

struct Diagnostic {
  DiagLevel level = DiagLevel::error;
  std::string file;  // path as the user gave it; empty for diagnostics about no file
  uint32_t line = 0;  // 1-based; 0 = whole file
  uint32_t column = 0;
  std::string field;    // "ci.class", "rule.from[2]"; may be empty
  std::string message;  // without location, starting lower-case
};

class Diagnostics {
 public:
  void add(Diagnostic d) { items_.push_back(std::move(d)); }
  void error(std::string file, uint32_t line, uint32_t column, std::string field,
             std::string message);
  void warning(std::string file, uint32_t line, uint32_t column, std::string field,
               std::string message);
  void append(const Diagnostics& other);

  bool has_errors() const;
  size_t error_count() const;
  size_t warning_count() const;
  const std::vector<Diagnostic>& items() const { return items_; }

  // Errors before warnings, each group by file, line, column, then message: deterministic.
  void sort();

 private:
  std::vector<Diagnostic> items_;
};

// "file:line:column: error: message" followed, when the file can be read and the line exists,
// by the source line and a caret. `color` adds ANSI colours for terminals.
std::string format_diagnostic(const Diagnostic& d, bool color);

}  // namespace topocheck
