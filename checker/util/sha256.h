// SHA-256 digests (OpenSSL's libcrypto), as lower-case hex: input file digests in reports and
// finding fingerprints.
#pragma once

#include <string>
#include <string_view>

namespace topocheck {

std::string sha256_hex(std::string_view data);

}  // namespace topocheck
