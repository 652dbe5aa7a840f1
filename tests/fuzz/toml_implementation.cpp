// toml++'s implementation, for the fuzz build only (see CMakeLists.txt beside this file).
// Its internal assertions are off, as in the Debian library the checker links (built with
// NDEBUG): the fuzzer then checks the parser that ships. With them on, `[ = "x"` trips
// TOML_ASSERT_ASSUME in parse_key(), which the shipped parser reports as "invalid key"
// (tests/fuzz/regressions/fuzz_estate_file/toml-key-assert-table-header).
#define TOML_ASSERT(expr) static_cast<void>(0)
#define TOML_IMPLEMENTATION
#include <toml++/toml.h>
