// Reading input files with a size limit.
#include "checker/load/source_bytes.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace topocheck {

std::string check_source_size(size_t size, size_t max_bytes) {
  if (max_bytes == 0 || size <= max_bytes) return {};
  return "file has " + std::to_string(size) + " bytes, more than the limit of " +
         std::to_string(max_bytes) + " bytes";
}

std::optional<std::string> read_source_bytes(const std::string& path, size_t max_bytes,
                                             std::string& error) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec) {
    error = "cannot read file: " + ec.message();
    return std::nullopt;
  }
  error = check_source_size(static_cast<size_t>(size), max_bytes);
  if (!error.empty()) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot read file: " + std::string(std::strerror(errno));
    return std::nullopt;
  }
  std::string bytes(static_cast<size_t>(size), '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (in.gcount() != static_cast<std::streamsize>(bytes.size())) {
    error = "cannot read file: it changed size while being read";
    return std::nullopt;
  }
  return bytes;
}

}  // namespace topocheck
