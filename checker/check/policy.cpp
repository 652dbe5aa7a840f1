#include "checker/check/policy.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "checker/util/sha256.h"

namespace topocheck {
namespace fs = std::filesystem;

namespace {

bool read_text(const fs::path& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream buffer;
  buffer << in.rdbuf();
  out = buffer.str();
  return true;
}

std::string trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t start = 0;
  while (start < s.size() && std::isspace(static_cast<unsigned char>(s[start]))) ++start;
  return s.substr(start);
}

}  // namespace

bool load_policy_pack(const std::string& dir, PolicyPack& pack, std::string& error) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    error = "policy directory " + dir + " does not exist or is not a directory";
    return false;
  }
  pack = {};
  pack.dir = dir;
  pack.lib_dir = (fs::path(dir) / "lib").string();
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".lua" &&
        entry.path().filename() != "example.lua") {
      files.push_back(entry.path());
    }
  }
  if (ec) {
    error = "cannot read policy directory " + dir + ": " + ec.message();
    return false;
  }
  std::sort(files.begin(), files.end());
  std::string digest_input;
  for (const auto& file : files) {
    PolicySource src;
    src.path = file.string();
    if (!read_text(file, src.source)) {
      error = "cannot read policy file " + src.path;
      return false;
    }
    digest_input += file.filename().string() + '\0' + sha256_hex(src.source) + '\n';
    pack.policies.push_back(std::move(src));
  }
  if (pack.policies.empty()) {
    error = "policy directory " + dir + " holds no policy (*.lua)";
    return false;
  }
  std::string declared;
  if (!read_text(fs::path(dir) / "VERSION", declared) || trim(declared).empty()) {
    declared = "unversioned";
  }
  pack.version = trim(declared) + "+" + sha256_hex(digest_input).substr(0, 12);
  return true;
}

std::string default_policy_dir() {
  if (const char* env = std::getenv("TOPOCHECK_POLICIES"); env != nullptr && *env != '\0') {
    return env;
  }
  return std::string(TOPOCHECK_SOURCE_DIR) + "/policies";
}

}  // namespace topocheck
