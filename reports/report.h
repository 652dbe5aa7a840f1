// What every report format renders: the run's metadata (for reproducibility), the policies, the
// findings, notices, policy errors and input warnings of one check run. Report writers sit
// behind one interface, one writer per format (reports/<format>.cpp); they only read a Report.
#pragma once

#include <iosfwd>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "checker/check/engine.h"
#include "checker/util/diagnostics.h"

namespace topocheck {

struct InputFile {
  std::string path;
  std::string sha256;
};

struct RunInfo {
  std::string tool_version;
  std::string policy_dir;
  std::string policy_pack_version;
  std::string as_of;  // "2026-11-23"
  std::vector<InputFile> inputs;
};

struct Report {
  RunInfo info;
  std::vector<PolicyMeta> policies;
  std::vector<Finding> findings;
  std::vector<Notice> notices;
  std::vector<PolicyError> errors;
  std::vector<Diagnostic> warnings;  // input warnings (unknown keys ...)
  // Per policy id: the CIs it evaluated, sorted; checked without a finding = passed.
  std::map<std::string, std::vector<std::string>> checked;
};

struct WriteOptions {
  bool color = false;  // ANSI colours (text only; the CLI decides: terminal and no NO_COLOR)
};

class ReportWriter {
 public:
  virtual ~ReportWriter() = default;
  virtual void write(const Report& report, std::ostream& out, const WriteOptions& options) const = 0;
};

// The writer for a format name ("text", "json"), or nullptr for an unknown one.
std::unique_ptr<ReportWriter> make_report_writer(std::string_view format);
std::vector<std::string_view> report_formats();

// One line for stderr: "topocheck: 7 findings (2 high, 5 medium) from 2 policies; 0 policy errors"
std::string summary_line(const Report& report);

}  // namespace topocheck
