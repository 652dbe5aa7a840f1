// Plain-text building blocks shared by the text report and the `explain` command: escaping of
// untrusted strings for terminals, file:line, and one line per path hop.
#pragma once

#include <string>
#include <string_view>

#include "checker/check/finding.h"

namespace topocheck {

// Escapes control characters (\x1b, newlines, ...) as \xNN so estate and policy strings cannot
// drive the terminal.
std::string printable(std::string_view s);

// "file:line", or "" when there is no file.
std::string format_file_line(const FileLine& where);

// "-> app-01 on tcp/8443  [fw-int-1 rule 120 \"CHG1\"]  (network/fw.toml:12)"; the first hop of
// a path is the source and has no arrow.
std::string format_hop(const Hop& hop, bool first);

}  // namespace topocheck
