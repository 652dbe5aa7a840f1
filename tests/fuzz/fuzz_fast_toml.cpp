// Fuzz target: the fast TOML reader (checker/load/fast_toml.h) against toml++. Whatever the fast
// reader reads, toml++ must read too, into the same tree: values, keys, lines and columns. What
// it gives up on must be left unchanged for toml++.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "checker/load/doc.h"
#include "checker/load/fast_toml.h"
#include "tests/fuzz/fuzz_support.h"

using namespace topocheck;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::string input = text;
  auto mine = doc::parse_fast(input);
  if (mine == nullptr) {
    FUZZ_ASSERT(input == text);
    return 0;
  }
  toml::table theirs;
  try {
    theirs = toml::parse(std::string_view(text));
  } catch (const toml::parse_error& e) {
    std::fprintf(stderr, "toml++ rejects what the fast reader read: %s\n",
                 std::string(e.description()).c_str());
    std::abort();
  }
  const std::string difference = doc::first_difference(mine->root, doc::from_toml(theirs)->root);
  if (!difference.empty()) {
    std::fprintf(stderr, "the trees differ at %s\n", difference.c_str());
    std::abort();
  }
  return 0;
}
