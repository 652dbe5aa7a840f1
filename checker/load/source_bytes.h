// The bytes of an input file. The loader reads each file itself (rather
// than letting the TOML parser open it) so it can refuse oversized files before reading them and
// hash exactly the bytes it parses (checker/util/sha256.h) for the digest reports cite.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace topocheck {

// The whole file, or nothing with `error` set ("cannot read file: Permission denied",
// "file has 600 bytes, more than the limit of 512 bytes"). max_bytes 0 = no limit.
std::optional<std::string> read_source_bytes(const std::string& path, size_t max_bytes,
                                             std::string& error);

// "file has N bytes, more than the limit of M bytes", or "" when within the limit.
std::string check_source_size(size_t size, size_t max_bytes);

}  // namespace topocheck
