// Benchmark: times each phase of a full check (collect, load, graph, reachability, policies,
// JSON report) on an estate and prints a table with the peak memory after each phase.
//
//   tests/bench/run.sh                  # the whole benchmark: 10k, 100k and 1M CIs
//   tests/bench/gen_estate.py --cis 100000 --out /tmp/estate-100k
//   build-rel/tests/bench/topocheck_bench /tmp/estate-100k [--policies DIR] [--policy ID|none]...
//                                         [--threads N]
//   BENCH_REPORTS=json,sarif,junit ...     # the report formats to time, each a phase (default json)
//   BENCH_REPORT_SINK=null                 # discard the reports (default: keep each in memory)
//   BENCH_POLICY_CPU=1                     # also list every policy's CPU time, slowest first
//
// Columns: wall seconds of the phase, peak resident memory so far, resident memory at its end
// (BENCH_TRIM=1 returns freed memory to the system after loading, to show what the model keeps).
// Then the slowest policies, each with its own wall time (they overlap when run in parallel),
// and their CPU time (not inflated by other load; the sum over all policies too).
#include <sys/resource.h>
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ostream>
#include <sstream>
#include <streambuf>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "checker/check/engine.h"
#include "checker/check/policy.h"
#include "checker/graph/graph.h"
#include "checker/graph/reach.h"
#include "checker/load/toml_loader.h"
#include "reports/report.h"

using namespace topocheck;
using Clock = std::chrono::steady_clock;

namespace {

double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

// Resident memory now (peak memory never goes down: this shows what a phase keeps).
double rss_mib() {
  long pages = 0, resident = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / (1 << 20);
}

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// A stream buffer that counts and drops what is written: the report's cost without its bytes.
class CountingSink : public std::streambuf {
 public:
  size_t size() const { return size_; }

 protected:
  int_type overflow(int_type c) override {
    if (!traits_type::eq_int_type(c, traits_type::eof())) ++size_;
    return traits_type::not_eof(c);
  }
  std::streamsize xsputn(const char*, std::streamsize n) override {
    size_ += static_cast<size_t>(n);
    return n;
  }

 private:
  size_t size_ = 0;
};

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

struct Phase {
  std::string name;
  double seconds;
  double peak_mib;
  double rss_mib;
  std::string detail;
};

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> estate_args;
  std::string policy_dir = default_policy_dir();
  unsigned threads = 0;
  std::vector<std::string> only;  // --policy ID (repeatable); "none" skips the policies
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--policies" && i + 1 < argc) {
      policy_dir = argv[++i];
    } else if (a == "--policy" && i + 1 < argc) {
      only.emplace_back(argv[++i]);
    } else if (a == "--threads" && i + 1 < argc) {
      threads = static_cast<unsigned>(std::stoul(argv[++i]));
    } else if (a == "--help" || a == "-h") {
      std::puts("usage: topocheck_bench ESTATE... [--policies DIR] [--policy ID|none]... [--threads N]");
      return 0;
    } else {
      estate_args.push_back(a);
    }
  }
  if (estate_args.empty()) {
    std::fputs("usage: topocheck_bench ESTATE... [--policies DIR] [--policy ID|none]... [--threads N]\n", stderr);
    return 2;
  }
  std::vector<Phase> phases;
  auto t = Clock::now();
  auto lap = [&](const std::string& name, std::string detail) {
    const auto now = Clock::now();
    phases.push_back({name, std::chrono::duration<double>(now - t).count(), peak_rss_mib(), rss_mib(), std::move(detail)});
    t = now;
  };
  const auto start = t;

  Diagnostics diags;
  const auto files = collect_estate_files(estate_args, diags);
  lap("collect", fmt::format("{} files", files.size()));
  const LoadResult loaded = load_estate_files(files);
  if (loaded.diagnostics.has_errors()) {
    std::fprintf(stderr, "estate has %zu input errors\n", loaded.diagnostics.error_count());
    return 2;
  }
  const Estate& e = loaded.estate;
  if (std::getenv("BENCH_TRIM")) malloc_trim(0);
  lap("load (parse + model)", fmt::format("{} CIs, {} relations, {} rules", e.cis.size(), e.relations.size(), e.rules.size()));
  const EstateGraph graph(e);
  lap("graph", fmt::format("{} vertices, {} edges", boost::num_vertices(graph.graph()), boost::num_edges(graph.graph())));
  const ReachabilityIndex reach(graph);
  lap("reachability", fmt::format("{} source atoms, {} internet-exposed CIs", reach.atoms().size(), reach.internet_exposures().size()));
  PolicyPack pack;
  std::string error;
  if (!load_policy_pack(policy_dir, pack, error)) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 2;
  }
  RunOptions options;
  options.as_of = *parse_date("2026-11-23");
  options.threads = threads;
  options.only = only;
  if (only.size() == 1 && only[0] == "none") {
    pack.policies.clear();
    options.only.clear();
  }
  CheckResult result = run_policies(pack, e, graph, &reach, options);
  lap("policies", fmt::format("{} policies, {} findings, {} errors", result.policies.size(), result.findings.size(), result.errors.size()));
  Report report;
  report.findings = std::move(result.findings);
  report.policies = std::move(result.policies);
  const char* formats = std::getenv("BENCH_REPORTS");
  const char* sink = std::getenv("BENCH_REPORT_SINK");
  for (const std::string& format : split_list(formats ? formats : "json")) {
    const auto writer = make_report_writer(format);
    if (!writer) {
      std::fprintf(stderr, "unknown report format %s\n", format.c_str());
      return 2;
    }
    const double cpu_before = cpu_seconds();
    size_t bytes = 0;
    if (sink && std::string(sink) == "null") {
      CountingSink counter;
      std::ostream out(&counter);
      writer->write(report, out, {});
      bytes = counter.size();
    } else {
      std::ostringstream out;
      writer->write(report, out, {});
      bytes = static_cast<size_t>(out.tellp());
    }
    // CPU time too: on a shared machine the wall time of one phase says little.
    lap("report (" + format + ")", fmt::format("{:.1f} MiB, {:.3f} s CPU", static_cast<double>(bytes) / (1 << 20),
                                               cpu_seconds() - cpu_before));
  }

  std::printf("%-22s %10s %10s %10s  %s\n", "phase", "seconds", "peak MiB", "RSS MiB", "detail");
  for (const Phase& p : phases) {
    std::printf("%-22s %10.3f %10.1f %10.1f  %s\n", p.name.c_str(), p.seconds, p.peak_mib, p.rss_mib, p.detail.c_str());
  }
  std::printf("%-22s %10.3f %10.1f %10.1f\n", "total", std::chrono::duration<double>(Clock::now() - start).count(),
              peak_rss_mib(), rss_mib());
  // The slowest policies (wall time of each; with several threads they overlap), and the same
  // policies' CPU time, which other load on the machine does not inflate.
  std::vector<std::pair<double, std::string>> slowest;
  for (const auto& [id, seconds] : result.seconds) slowest.emplace_back(seconds, id);
  std::sort(slowest.rbegin(), slowest.rend());
  slowest.resize(std::min<size_t>(slowest.size(), 6));
  std::string line, cpu_line;
  double cpu_total = 0;
  for (const auto& [id, seconds] : result.cpu_seconds) cpu_total += seconds;
  for (const auto& [seconds, id] : slowest) {
    line += fmt::format("{}{} {:.2f} s", line.empty() ? "" : ", ", id, seconds);
    cpu_line += fmt::format("{}{} {:.2f} s", cpu_line.empty() ? "" : ", ", id, result.cpu_seconds.at(id));
  }
  std::printf("slowest policies: %s\n", line.c_str());
  std::printf("their CPU time: %s; all policies %.2f s\n", cpu_line.c_str(), cpu_total);
  if (std::getenv("BENCH_POLICY_CPU")) {
    std::vector<std::pair<double, std::string>> by_cpu;
    for (const auto& [id, seconds] : result.cpu_seconds) by_cpu.emplace_back(seconds, id);
    std::sort(by_cpu.rbegin(), by_cpu.rend());
    for (const auto& [seconds, id] : by_cpu) std::printf("  cpu %-24s %8.3f s\n", id.c_str(), seconds);
  }
  for (const PolicyError& pe : result.errors) std::fprintf(stderr, "policy error: %s\n", pe.message.c_str());
  return 0;
}
