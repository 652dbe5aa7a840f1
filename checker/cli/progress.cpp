#include "checker/cli/progress.h"

#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

namespace topocheck {
namespace {

constexpr auto kQuietStart = std::chrono::seconds(2);
constexpr auto kMinInterval = std::chrono::milliseconds(100);

}  // namespace

bool progress_wanted(bool quiet) { return !quiet && isatty(STDERR_FILENO) != 0; }

Progress::Progress(bool enabled) : enabled_(enabled), start_(Clock::now()) {}

Progress::~Progress() {
  const std::lock_guard<std::mutex> lock(mutex_);
  clear_line();
}

bool Progress::visible(Clock::time_point now) const { return enabled_ && now - start_ >= kQuietStart; }

void Progress::clear_line() {
  if (!line_open_) return;
  std::fputs("\r\x1b[K", stderr);
  line_open_ = false;
}

void Progress::update(const std::string& text) {
  const auto now = Clock::now();
  const std::lock_guard<std::mutex> lock(mutex_);
  if (!visible(now) || now - last_update_ < kMinInterval) return;
  last_update_ = now;
  std::fprintf(stderr, "\r\x1b[Ktopocheck: %s", text.c_str());
  std::fflush(stderr);
  line_open_ = true;
}

void Progress::done(const std::string& text) {
  const auto now = Clock::now();
  const std::lock_guard<std::mutex> lock(mutex_);
  if (!visible(now)) return;
  clear_line();
  const double seconds = std::chrono::duration<double>(now - start_).count();
  std::fputs(fmt::format("topocheck: {} ({:.1f} s)\n", text, seconds).c_str(), stderr);
}

}  // namespace topocheck
