// The constructors of the individual report writers, for the registry (registry.cpp).
#pragma once

#include <cstddef>
#include <memory>

#include "reports/report.h"

namespace topocheck {

std::unique_ptr<ReportWriter> make_text_writer();
std::unique_ptr<ReportWriter> make_json_writer();
std::unique_ptr<ReportWriter> make_sarif_writer();
std::unique_ptr<ReportWriter> make_junit_writer();
// `max_bytes` caps the whole text (default: GitHub's comment limit of 65536 characters; bytes
// never undercount characters).
std::unique_ptr<ReportWriter> make_markdown_writer(size_t max_bytes = 65536);
std::unique_ptr<ReportWriter> make_html_writer();
std::unique_ptr<ReportWriter> make_csv_writer();

}  // namespace topocheck
