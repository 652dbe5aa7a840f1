// Fuzz target: the whole loader on a small multi-file estate, through the file system as the
// command line uses it (directory walk, size check, parallel parse, merge across files,
// references between files, overlays). The input is split into files at lines "%%%"; a section
// after a line "%%%overlay" is an overlay file applied on top.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "checker/graph/graph.h"
#include "checker/graph/reach.h"
#include "checker/load/toml_loader.h"
#include "tests/fuzz/fuzz_support.h"

using namespace topocheck;
namespace fs = std::filesystem;

namespace {

constexpr size_t kMaxFiles = 8;

const fs::path& work_dir() {
  static const fs::path dir = [] {
    fs::path d = fs::temp_directory_path() / ("topocheck-fuzz-dir-" + std::to_string(::getpid()));
    fs::remove_all(d);
    std::atexit([] {
      std::error_code ec;
      fs::remove_all(work_dir(), ec);
    });
    return d;
  }();
  return dir;
}

void write_file(const fs::path& path, std::string_view text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary)
      .write(text.data(), static_cast<std::streamsize>(text.size()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const fs::path estate_dir = work_dir() / "estate";
  const fs::path overlay_dir = work_dir() / "overlays";
  fs::remove_all(work_dir());
  fs::create_directories(estate_dir);

  std::string_view base = input, overlays;
  if (const size_t at = input.find("\n%%%overlay\n"); at != std::string_view::npos) {
    base = input.substr(0, at + 1);
    overlays = input.substr(at + 12);
  }
  // Files in two sub-directories, so the walk's sorting and nesting take part.
  const auto sections = fuzz::split_sections(base, "%%%");
  for (size_t i = 0; i < sections.size() && i < kMaxFiles; ++i) {
    const char* sub = i % 2 == 0 ? "cmdb" : "network";
    write_file(estate_dir / sub / ("part-" + std::to_string(i) + ".toml"), sections[i]);
  }
  std::vector<std::string> overlay_files;
  if (!overlays.empty()) {
    const auto parts = fuzz::split_sections(overlays, "%%%");
    for (size_t i = 0; i < parts.size() && i < kMaxFiles; ++i) {
      const fs::path p = overlay_dir / ("overlay-" + std::to_string(i) + ".toml");
      write_file(p, parts[i]);
      overlay_files.push_back(p.string());
    }
  }
  const LoadResult loaded = load_estate_with_overlays({estate_dir.string()}, overlay_files);
  fuzz::check_diagnostics(loaded.diagnostics);
  if (!loaded.diagnostics.has_errors()) {
    const EstateGraph graph(loaded.estate);
    const ReachabilityIndex reach(graph);
  }
  return 0;
}
