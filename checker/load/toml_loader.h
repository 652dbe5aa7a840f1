// The estate loader: estate/1 TOML files -> the typed Estate model. It is the only place that
// reads TOML; it validates everything once (syntax, types, enums, ids, references, addresses,
// services, dates) and reports every problem of a run as a Diagnostic with file:line:column and
// the field, instead of stopping at the first. Unknown keys are warnings. The TOML document tree
// of each file is converted and freed before the next file is parsed.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "checker/model/estate.h"
#include "checker/util/diagnostics.h"

namespace topocheck {

struct LoadOptions {
  // Files larger than this are refused with an error rather than parsed (a 200 MB export is a
  // mistake more often than an estate). 0 = no limit.
  size_t max_file_bytes = size_t{512} << 20;
  // Called after each file is converted into the model (progress for large estates), with the
  // file, how many files are done and how many there are.
  std::function<void(const std::string& file, size_t done, size_t total)> on_file_loaded;
};

struct LoadResult {
  Estate estate;
  Diagnostics diagnostics;  // sorted; estate is only trustworthy when !diagnostics.has_errors()
};

// Expands the command line's ESTATE arguments: a directory is walked recursively for *.toml
// files (sorted by path, symlink loops detected), a file is taken as given. Problems (missing
// path, unreadable directory, a directory without .toml files) become errors in `diags`.
std::vector<std::string> collect_estate_files(const std::vector<std::string>& args,
                                              Diagnostics& diags);

// Loads and merges the given files (already expanded) into one estate.
LoadResult load_estate_files(const std::vector<std::string>& files,
                             const LoadOptions& options = {});

// collect_estate_files + load_estate_files.
LoadResult load_estate(const std::vector<std::string>& args, const LoadOptions& options = {});

// Loads the estate and applies overlay files on top (checker/load/overlay.h): entries add,
// replace the entry with the same key, or remove it (`remove = true`). For what-if checks.
LoadResult load_estate_with_overlays(const std::vector<std::string>& args,
                                     const std::vector<std::string>& overlay_files,
                                     const LoadOptions& options = {});

// Loads in-memory documents, each (display name, TOML text); for tests and for inline estates
// in policy tests.
LoadResult load_estate_from_strings(const std::vector<std::pair<std::string, std::string>>& docs,
                                    const LoadOptions& options = {});

}  // namespace topocheck
