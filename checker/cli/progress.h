// Progress of a long run on stderr: the phases (load, graph, reachability, policies) with their
// counts, on one line rewritten in place. Silent for the first two seconds, so a small estate's
// check prints nothing extra, and when stderr is not a terminal or --quiet is given.
#pragma once

#include <chrono>
#include <mutex>
#include <string>

namespace topocheck {

class Progress {
 public:
  explicit Progress(bool enabled);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Rewrites the progress line ("loading: 12/63 files"); at most ten times a second. Callable
  // from any thread.
  void update(const std::string& text);
  // A finished phase ("loaded 1000000 CIs ..."): a line of its own, with the time so far.
  void done(const std::string& text);

 private:
  using Clock = std::chrono::steady_clock;
  bool visible(Clock::time_point now) const;
  void clear_line();

  const bool enabled_;
  const Clock::time_point start_;
  Clock::time_point last_update_{};
  bool line_open_ = false;
  std::mutex mutex_;
};

// True when progress should be shown: stderr is a terminal and --quiet was not given.
bool progress_wanted(bool quiet);

}  // namespace topocheck
