// The reports one check run writes, and where. `--format F [--output FILE]` writes one report
// (the default: text on standard output); `--output FORMAT=FILE`, repeatable, writes several at
// once (`--output sarif=out.sarif --output junit=junit.xml`), and `--format F` beside them puts F
// on standard output as well. FILE "-" is standard output; at most one report goes there.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reports/report.h"

namespace topocheck::cli {

struct ReportOutput {
  std::string format;  // a name of report_formats()
  std::string file;    // "" = standard output
};

// From the --format value and the --output values. Returns false with `error` (a usage error
// message) for an unknown format, two plain FILEs, an empty file name, the same file twice, or
// two reports on standard output.
bool parse_outputs(const std::optional<std::string>& format, const std::vector<std::string>& outputs,
                   std::vector<ReportOutput>& result, std::string& error);

// True when a text report goes to standard output (it ends with the summary line itself).
bool text_on_stdout(const std::vector<ReportOutput>& outputs);

// Renders and writes every report: files atomically, standard output last. `color` applies to a
// text report on standard output. Returns false with `error` when a file cannot be written.
bool write_outputs(const Report& report, const std::vector<ReportOutput>& outputs, bool color,
                   std::string& error);

}  // namespace topocheck::cli
