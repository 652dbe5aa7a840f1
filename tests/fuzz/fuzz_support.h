// Helpers shared by the libFuzzer targets (tests/fuzz/*.cpp): a crash is any sanitizer report, an
// uncaught exception or a broken invariant (FUZZ_ASSERT), never merely an input error.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "checker/util/diagnostics.h"

// Aborts (which libFuzzer records as a crash with the input) when an invariant does not hold.
#define FUZZ_ASSERT(cond)                                                               \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                     \
    }                                                                                   \
  } while (0)

namespace topocheck::fuzz {

// Splits the fuzzer's bytes into sections at lines that are exactly `separator`.
inline std::vector<std::string_view> split_sections(std::string_view data,
                                                    std::string_view separator) {
  std::vector<std::string_view> sections;
  const std::string marker = "\n" + std::string(separator) + "\n";
  size_t start = 0;
  while (true) {
    const size_t at = data.find(marker, start);
    if (at == std::string_view::npos) break;
    sections.push_back(data.substr(start, at - start + 1));
    start = at + marker.size();
  }
  sections.push_back(data.substr(start));
  return sections;
}

// Every diagnostic must be printable and must say something.
inline void check_diagnostics(const Diagnostics& diags) {
  for (const Diagnostic& d : diags.items()) {
    FUZZ_ASSERT(!d.message.empty());
    (void)format_diagnostic(d, false);
  }
}

}  // namespace topocheck::fuzz
