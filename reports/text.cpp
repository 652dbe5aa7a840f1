// Text report for people: findings grouped by rule (rules in id order), each with its CI, message,
// location, evidence and paths. Colour only when the caller asks (terminal, no NO_COLOR).
// Control characters from the estate or a policy are escaped so they cannot drive the terminal.
#include <map>
#include <ostream>

#include <fmt/format.h>

#include "reports/text_format.h"
#include "reports/writers.h"

namespace topocheck {
namespace {

struct Palette {
  bool on = false;
  std::string paint(std::string_view code, std::string_view text) const {
    if (!on) return std::string(text);
    return fmt::format("\x1b[{}m{}\x1b[0m", code, text);
  }
  std::string severity(Severity s) const {
    static constexpr std::string_view codes[] = {"2", "36", "33", "31", "1;31"};
    return paint(codes[static_cast<size_t>(s)], to_string(s));
  }
};

void write_finding(std::ostream& out, const Finding& f, const Palette& p) {
  const std::string who = f.ci.empty() ? std::string("(estate)") : printable(f.ci);
  std::string state;
  if (!f.waiver.empty()) state = p.paint("2", fmt::format("  [waived: {}]", printable(f.waiver)));
  if (f.baseline == "unchanged") state += p.paint("2", "  [known from baseline]");
  if (f.baseline == "new") state += p.paint("1", "  [new]");
  out << fmt::format("  {} {}{}\n", p.paint("1", who), printable(f.message), state);
  if (!f.location.file.empty()) out << fmt::format("      at {}\n", format_file_line(f.location));
  for (const Evidence& e : f.evidence) {
    out << fmt::format("      - {}", printable(e.fact));
    if (!e.where.file.empty()) out << fmt::format("  ({})", format_file_line(e.where));
    out << '\n';
  }
  for (const auto& [key, value] : f.data) {
    std::visit([&, k = key](const auto& v) {
      if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::string>) {
        out << fmt::format("      {}: {}\n", k, printable(v));
      } else {
        out << fmt::format("      {}: {}\n", k, v);
      }
    }, value);
  }
  for (size_t i = 0; i < f.paths.size(); ++i) {
    const Path& path = f.paths[i];
    out << fmt::format("      path {}{}:\n", i + 1, path.kind.empty() ? "" : " (" + printable(path.kind) + ")");
    for (size_t h = 0; h < path.hops.size(); ++h) out << "        " << format_hop(path.hops[h], h == 0) << '\n';
  }
  if (f.more_paths > 0) out << fmt::format("      ... and {} more path(s)\n", f.more_paths);
}

class TextWriter : public ReportWriter {
 public:
  void write(const Report& r, std::ostream& out, const WriteOptions& options) const override {
    const Palette p{options.color};
    out << fmt::format("topocheck {} - as of {} - {} input file(s) - {} polic{} (pack {})\n",
                       r.info.tool_version, r.info.as_of, r.info.inputs.size(), r.policies.size(),
                       r.policies.size() == 1 ? "y" : "ies", r.info.policy_pack_version);
    std::map<std::string, const PolicyMeta*> meta;
    for (const PolicyMeta& m : r.policies) meta[m.id] = &m;
    std::string current;
    for (const Finding& f : r.findings) {
      if (f.rule != current) {
        current = f.rule;
        const auto it = meta.find(f.rule);
        const Severity severity = it != meta.end() ? it->second->severity : f.severity;
        out << '\n'
            << fmt::format("{} {} {} - {}\n", p.paint("1", printable(f.rule)), p.severity(severity),
                           printable(f.clause), printable(f.title));
        if (auto it = meta.find(f.rule); it != meta.end() && !it->second->remediation.empty()) {
          out << fmt::format("  remediation: {}\n", printable(it->second->remediation));
        }
      }
      write_finding(out, f, p);
    }
    if (!r.notices.empty()) {
      out << '\n' << p.paint("1", "Notices") << '\n';
      for (const Notice& n : r.notices) {
        out << fmt::format("  {}: {}\n", printable(n.policy), printable(n.message));
      }
    }
    if (!r.errors.empty()) {
      out << '\n' << p.paint("1;31", "Policy errors") << '\n';
      for (const PolicyError& e : r.errors) {
        out << fmt::format("  {}: {}\n", printable(e.policy), printable(e.message));
        if (!e.traceback.empty()) {
          std::string_view tb = e.traceback;
          while (!tb.empty()) {
            const size_t nl = tb.find('\n');
            out << "      " << printable(tb.substr(0, nl)) << '\n';
            if (nl == std::string_view::npos) break;
            tb.remove_prefix(nl + 1);
          }
        }
      }
    }
    out << '\n' << summary_line(r) << '\n';
  }
};

}  // namespace

std::unique_ptr<ReportWriter> make_text_writer() { return std::make_unique<TextWriter>(); }

}  // namespace topocheck
