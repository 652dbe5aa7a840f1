#include "checker/cli/outputs.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>

#include "checker/cli/support.h"

namespace topocheck::cli {
namespace {

bool known_format(std::string_view name) {
  const auto formats = report_formats();
  return std::find(formats.begin(), formats.end(), name) != formats.end();
}

std::string format_list() {
  std::string list;
  for (std::string_view f : report_formats()) list += (list.empty() ? "" : ", ") + std::string(f);
  return list;
}

// "sarif=out.sarif" -> the format's name, when the text before '=' is a word and not a path.
std::optional<std::string> format_prefix(const std::string& value) {
  const size_t eq = value.find('=');
  if (eq == std::string::npos || eq == 0) return std::nullopt;
  const std::string word = value.substr(0, eq);
  const bool is_word = std::all_of(word.begin(), word.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
  if (!is_word) return std::nullopt;
  return word;
}

// Streams the report into a temporary file beside `path` and renames it into place, so that a
// reader never sees half a report and a report of gigabytes is never held in memory.
bool write_report_file(const ReportWriter& writer, const Report& report, const std::string& path,
                       std::string& error) {
  return write_file_atomically(
      path, [&](std::ostream& out) { writer.write(report, out, WriteOptions{}); }, error);
}

}  // namespace

bool parse_outputs(const std::optional<std::string>& format, const std::vector<std::string>& outputs,
                   std::vector<ReportOutput>& result, std::string& error) {
  result.clear();
  if (format && !known_format(*format)) {
    error = "unknown format '" + *format + "' (" + format_list() + ")";
    return false;
  }
  std::optional<std::string> plain_file;
  for (const std::string& value : outputs) {
    if (const auto word = format_prefix(value)) {
      if (!known_format(*word)) {
        error = "unknown format '" + *word + "' in --output " + value + " (" + format_list() +
                "; write ./" + value + " for a file whose name holds '=')";
        return false;
      }
      const std::string file = value.substr(word->size() + 1);
      if (file.empty()) {
        error = "--output " + value + " names no file";
        return false;
      }
      result.push_back({*word, file == "-" ? "" : file});
    } else if (plain_file) {
      error = "--output " + value + ": only one --output FILE without FORMAT= (for --format); "
              "write several reports as --output FORMAT=FILE";
      return false;
    } else {
      plain_file = value;
    }
  }
  if (plain_file || result.empty() || format) {
    const std::string file = plain_file && *plain_file != "-" ? *plain_file : "";
    result.insert(result.begin(), {format.value_or("text"), file});
  }
  std::set<std::string> files;
  size_t on_stdout = 0;
  for (const ReportOutput& o : result) {
    if (o.file.empty()) {
      ++on_stdout;
    } else if (!files.insert(o.file).second) {
      error = "two reports would be written to " + o.file;
      return false;
    }
  }
  if (on_stdout > 1) {
    error = "only one report can go to standard output";
    return false;
  }
  return true;
}

bool text_on_stdout(const std::vector<ReportOutput>& outputs) {
  return std::any_of(outputs.begin(), outputs.end(),
                     [](const ReportOutput& o) { return o.format == "text" && o.file.empty(); });
}

bool write_outputs(const Report& report, const std::vector<ReportOutput>& outputs, bool color,
                   std::string& error) {
  for (const ReportOutput& o : outputs) {
    if (!o.file.empty() && !write_report_file(*make_report_writer(o.format), report, o.file, error)) return false;
  }
  for (const ReportOutput& o : outputs) {
    if (!o.file.empty()) continue;
    WriteOptions options;
    options.color = color && o.format == "text";
    make_report_writer(o.format)->write(report, std::cout, options);
  }
  std::cout << std::flush;
  return true;
}

}  // namespace topocheck::cli
