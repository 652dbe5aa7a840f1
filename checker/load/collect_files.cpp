// Expanding ESTATE arguments into the list of files to read. Directory walks are sorted (output
// must not depend on the file system's listing order), follow symlinks, and stop at a symlink
// that leads back into a directory being walked. A file reachable under several names is read
// once, under the first name in sorted order.
#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "checker/load/toml_loader.h"

namespace topocheck {
namespace {

namespace fs = std::filesystem;

struct Walk {
  Diagnostics& diags;
  std::vector<std::string> found;  // .toml files of the current argument
  std::set<fs::path> visited;      // canonical directories already walked
  std::vector<fs::path> on_path;   // canonical directories of the current descent
};

std::vector<fs::path> sorted_entries(const fs::path& dir, Walk& w) {
  std::vector<fs::path> entries;
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) entries.push_back(it->path());
  if (ec) w.diags.error(dir.string(), 0, 0, "", "cannot read directory: " + ec.message());
  std::sort(entries.begin(), entries.end());
  return entries;
}

void walk_directory(const fs::path& dir, const fs::path& canonical, Walk& w);

void walk_subdirectory(const fs::path& dir, Walk& w) {
  std::error_code ec;
  fs::path canonical = fs::canonical(dir, ec);
  if (ec) {
    w.diags.error(dir.string(), 0, 0, "", "cannot resolve directory: " + ec.message());
    return;
  }
  if (std::find(w.on_path.begin(), w.on_path.end(), canonical) != w.on_path.end()) {
    w.diags.warning(dir.string(), 0, 0, "",
                    "symlink loop: leads back to " + canonical.string() + "; not followed");
    return;
  }
  if (w.visited.count(canonical) != 0) return;  // already walked under another name
  walk_directory(dir, canonical, w);
}

void walk_directory(const fs::path& dir, const fs::path& canonical, Walk& w) {
  w.visited.insert(canonical);
  w.on_path.push_back(canonical);
  for (const fs::path& entry : sorted_entries(dir, w)) {
    std::error_code ec;
    fs::file_status status = fs::status(entry, ec);  // follows symlinks
    if (fs::is_directory(status)) {
      walk_subdirectory(entry, w);
    } else if (entry.extension() == ".toml") {
      if (fs::exists(status)) {
        w.found.push_back(entry.string());
      } else {
        w.diags.error(entry.string(), 0, 0, "", "cannot read file: broken symbolic link");
      }
    }
  }
  w.on_path.pop_back();
}

// The files of one argument, in sorted order.
std::vector<std::string> expand_argument(const std::string& arg, Walk& w) {
  std::error_code ec;
  fs::file_status status = fs::status(arg, ec);
  if (!fs::exists(status)) {
    w.diags.error(arg, 0, 0, "", "no such file or directory");
    return {};
  }
  if (!fs::is_directory(status)) return {arg};
  fs::path canonical = fs::canonical(arg, ec);
  if (ec) {
    w.diags.error(arg, 0, 0, "", "cannot resolve directory: " + ec.message());
    return {};
  }
  if (w.visited.count(canonical) != 0) return {};  // given twice, or inside an earlier argument
  size_t errors_before = w.diags.error_count();
  w.found.clear();
  walk_directory(arg, canonical, w);
  if (w.found.empty() && w.diags.error_count() == errors_before) {
    w.diags.error(arg, 0, 0, "", "directory contains no .toml files");
  }
  std::sort(w.found.begin(), w.found.end());
  return std::move(w.found);
}

}  // namespace

std::vector<std::string> collect_estate_files(const std::vector<std::string>& args,
                                              Diagnostics& diags) {
  Walk walk{diags, {}, {}, {}};
  std::vector<std::string> files;
  std::set<fs::path> seen;  // canonical paths of the files taken
  for (const std::string& arg : args) {
    for (std::string& file : expand_argument(arg, walk)) {
      std::error_code ec;
      fs::path canonical = fs::canonical(file, ec);
      if (!ec && !seen.insert(canonical).second) continue;
      files.push_back(std::move(file));
    }
  }
  return files;
}

}  // namespace topocheck
