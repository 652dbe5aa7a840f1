// A fast reader for the plain TOML that CMDB and network exports are written in: [table] and
// [[array]] headers with one bare key, `key = value` lines with bare keys, basic and literal
// one-line strings, decimal integers, floats, booleans, dates and date-times with seconds,
// arrays (over several lines, with comments) and one-line inline tables.
//
// It reads such a file into the same tree, with the same lines and columns, as toml++ does
// (tests/unit/fast_toml_test.cpp and the fuzz_fast_toml target compare the two), at several
// hundred MB/s instead of toml++'s 25-40 MB/s, and without toml++'s node-per-allocation tree,
// which takes about 11x the file's size.
//
// Anything outside that subset, and anything it is not sure toml++ would accept (a duplicate
// key, a control character, invalid UTF-8, an out-of-range date ...), makes it give up: the
// caller then reads the file with toml++, which reports syntax errors with its own messages.
// Giving up is never an error in itself.
#pragma once

#include <memory>
#include <string>

#include "checker/load/doc.h"

namespace topocheck::doc {

// The document, or nullptr when it is not within the subset (read it with toml++ instead).
// `text` moves into the document either way only on success.
std::unique_ptr<Document> parse_fast(std::string& text);

}  // namespace topocheck::doc
