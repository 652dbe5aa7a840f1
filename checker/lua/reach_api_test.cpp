// The reachability part of the policy API, through Lua: reaching_sources against
// sources_reaching on every CI of the sample estate, sources_reaching{sources = ...}, reach
// classes, and ci.relation_count.
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "checker/check/engine.h"
#include "checker/check/policy.h"
#include "checker/graph/reach.h"
#include "tests/unit/support.h"

using namespace topocheck;
using topocheck::testing::load_fixture;
using topocheck::testing::options_as_of;
using topocheck::testing::run_pack_over;
using topocheck::testing::TempDir;
using Lines = std::vector<std::string>;

namespace {

// Runs `check_body` as the check of a policy PROBE over a fixture; returns the messages it
// reported (report(nil, message)) as findings are sorted (by message), or the policy error.
Lines probe(const std::string& fixture, const std::string& check_body) {
  TempDir dir("reach-api");
  dir.write("PROBE.lua", "return { id = 'PROBE', title = 't', severity = 'low', clause = 'c', rationale = 'r',\n"
                         "  remediation = 'm', check = function(estate, settings)\n" + check_body + "\nend }\n");
  const CheckResult result = run_pack_over(dir.root.string(), load_fixture(fixture), options_as_of());
  Lines lines;
  for (const PolicyError& e : result.errors) lines.push_back("error: " + e.message);
  for (const Finding& f : result.findings) lines.push_back(f.message);
  return lines;
}

// Lua: describe(list) -> "source service firewalls; ..." for paths or reaching_sources entries.
const std::string kDescribe = R"(
  local function describe(list)
    local parts = {}
    for _, p in ipairs(list) do
      local firewalls = p.firewall_count or #p.firewalls
      parts[#parts + 1] = table.concat({ p.source, p.source_kind, p.source_zone or "-", p.source_size,
                                         p.service, firewalls }, " ")
    end
    return table.concat(parts, "; ")
  end
  local function peers(by_zone)
    local zones = {}
    for zone, labels in pairs(by_zone or {}) do zones[#zones + 1] = zone .. "=" .. table.concat(labels, ",") end
    table.sort(zones)
    return table.concat(zones, " ")
  end
)";

}  // namespace

TEST_CASE("reaching_sources gives sources_reaching's answer without the paths, for every CI", "[lua][reach]") {
  const Lines lines = probe("fixtures/sample", kDescribe + R"(
    local compared, differ = 0, 0
    for ci in estate.cis() do
      for _, svc in ipairs({ false, "tcp/22", "tcp/443" }) do
        local service = svc or nil
        if describe(estate.reaching_sources(ci, service)) ~= describe(estate.sources_reaching(ci, service)) then
          differ = differ + 1
        end
        local light, light_peers = estate.reaching_sources(ci, service, { peers = false })
        local full, full_peers = estate.sources_reaching(ci, service, { peers = false })
        if describe(light) ~= describe(full) or peers(light_peers) ~= peers(full_peers) then differ = differ + 1 end
        compared = compared + #full
      end
    end
    report(nil, string.format("%s paths compared, %d answers differ", compared > 100 and "over 100" or compared, differ))
  )");
  CHECK(lines == Lines{"over 100 paths compared, 0 answers differ"});
}

TEST_CASE("reaching_sources entries carry the source fields and how many firewalls the path crosses", "[lua][reach]") {
  const Lines lines = probe("fixtures/rules/CLOSED-SERVERS/fail-foreign-peer", kDescribe + R"(
    local light, by_zone = estate.reaching_sources(estate.ci("db-srv-01"), nil, { peers = false })
    report(nil, describe(light))
    report(nil, peers(by_zone))
  )");
  CHECK(lines == Lines{"ci:app-01 ci app 1 tcp/5432 1; ci:report-01 ci office 1 tcp/5432 1", "db=subnet:db-a"});
}

TEST_CASE("sources_reaching with sources gives just the paths of those sources, in order", "[lua][reach]") {
  const Lines lines = probe("fixtures/sample", kDescribe + R"(
    local differ, asked = 0, 0
    for ci in estate.cis() do
      local all = estate.sources_reaching(ci)
      local chosen, wanted = {}, {}
      for i, p in ipairs(all) do
        if i % 2 == 1 then chosen[#chosen + 1] = p.source; wanted[p.source] = true end
      end
      local expected = {}
      for _, p in ipairs(all) do
        if wanted[p.source] then expected[#expected + 1] = p end
      end
      local got = estate.sources_reaching(ci, nil, { sources = chosen })
      asked = asked + #got
      if describe(got) ~= describe(expected) then differ = differ + 1 end
    end
    report(nil, string.format("%s, %d differ", asked > 20 and "over 20 paths" or tostring(asked), differ))
    report(nil, #estate.sources_reaching(estate.ci("app-01"), nil, { sources = { "no such source" } }) .. " paths from an unknown source")
  )");
  CHECK(lines == Lines{"0 paths from an unknown source", "over 20 paths, 0 differ"});
}

TEST_CASE("reaching_sources takes no sources option; sources_reaching wants a list of labels", "[lua][reach]") {
  const Lines lines = probe("fixtures/sample", R"(
    local ok, err = pcall(estate.reaching_sources, estate.ci("app-01"), nil, { sources = {} })
    report(nil, tostring(err))
    ok, err = pcall(estate.sources_reaching, estate.ci("app-01"), nil, { sources = { 1 } })
    report(nil, tostring(err))
  )");
  CHECK(lines == Lines{"option 'sources' must list source labels", "unknown option 'sources'"});
}

TEST_CASE("CIs of one reach class get the same reaching_sources answer; a rule's target is a class of its own", "[lua][reach]") {
  const Lines lines = probe("fixtures/rules/CLOSED-SERVERS/fail-many-peers", kDescribe + R"(
    local first, classes, differ = {}, {}, 0
    for ci in estate.cis() do
      local class = estate.reach_class(ci)
      if class then
        classes[class] = (classes[class] or 0) + 1
        local answer = describe(estate.reaching_sources(ci))
        first[class] = first[class] or answer
        if first[class] ~= answer then differ = differ + 1 end
      end
    end
    local shared = 0
    for _, n in pairs(classes) do if n > 1 then shared = shared + 1 end end
    report(nil, string.format("%d classes with several CIs, %d differ", shared, differ))
    local same = estate.reach_class(estate.ci("report-01")) == estate.reach_class(estate.ci("report-02"))
    report(nil, "report-01 and report-02 alike: " .. tostring(same))
    report(nil, "db-srv-01 (named by rules): " .. tostring(estate.reach_class(estate.ci("db-srv-01"))))
    report(nil, "db-01 (no interface): " .. tostring(estate.reach_class(estate.ci("db-01"))))
    report(nil, "fw-1 (several interfaces): " .. tostring(estate.reach_class(estate.ci("fw-1"))))
  )");
  CHECK(lines == Lines{"1 classes with several CIs, 0 differ", "db-01 (no interface): nil",
                       "db-srv-01 (named by rules): nil", "fw-1 (several interfaces): nil",
                       "report-01 and report-02 alike: true"});
}

TEST_CASE("ci.relation_count counts the relations naming a CI either way", "[lua][views]") {
  const Lines lines = probe("fixtures/rules/CLOSED-SERVERS/fail-many-peers", R"(
    for _, id in ipairs({ "db-srv-01", "db-01", "app-01", "etl-01", "ws-01" }) do
      report(nil, id .. " " .. estate.ci(id).relation_count)
    end
  )");
  CHECK(lines == Lines{"app-01 1", "db-01 2", "db-srv-01 2", "etl-01 1", "ws-01 0"});
}

TEST_CASE("ci.interface_count is the length of ci.interfaces", "[lua][views]") {
  const Lines lines = probe("fixtures/rules/CLOSED-SERVERS/fail-many-peers", R"(
    for _, id in ipairs({ "fw-1", "db-srv-01", "db-01" }) do
      local ci = estate.ci(id)
      report(nil, string.format("%s %d %d", id, ci.interface_count, #ci.interfaces))
    end
  )");
  CHECK(lines == Lines{"db-01 0 0", "db-srv-01 1 1", "fw-1 5 5"});
}

namespace {

// The findings of a PROBE policy (see probe) over a fixture.
CheckResult probe_findings(const std::string& fixture, const std::string& check_body) {
  TempDir dir("reach-api");
  dir.write("PROBE.lua", "return { id = 'PROBE', title = 't', severity = 'low', clause = 'c', rationale = 'r',\n"
                         "  remediation = 'm', check = function(estate, settings)\n" + check_body + "\nend }\n");
  return run_pack_over(dir.root.string(), load_fixture(fixture), options_as_of());
}

std::string describe_paths(const std::vector<Path>& paths) {
  std::string text;
  for (const Path& p : paths) {
    text += "[" + p.kind + "]";
    for (const Hop& h : p.hops) {
      text += " " + h.node + "|" + h.service + "|" + h.via + "|" + h.firewall + "|" + h.rule_ref + "|" +
              std::to_string(h.rule_order) + "|" + h.nat + "|" + h.where.file + ":" + std::to_string(h.where.line);
    }
    text += "\n";
  }
  return text;
}

}  // namespace

TEST_CASE("A path reported unread carries the hops it would have had as tables", "[lua][reach]") {
  // Internet paths (NAT, kind) and internal ones (firewall rules with their lines), every CI.
  const CheckResult result = probe_findings("fixtures/sample", R"(
    for ci in estate.cis() do
      local unread, read = estate.sources_reaching(ci), estate.sources_reaching(ci)
      for _, p in ipairs(read) do assert(#p.hops > 0 and p.cis and p.firewalls) end
      if #unread > 0 then
        report(ci, "unread", { paths = unread, key = "unread" })
        report(ci, "read", { paths = read, key = "read" })
      end
      local exposure, again = estate.internet_paths(ci), estate.internet_paths(ci)
      if exposure then
        for _, p in ipairs(again.paths) do assert(p.hops) end
        report(ci, "internet unread", { paths = exposure.paths, key = "iu" })
        report(ci, "internet read", { paths = again.paths, key = "ir" })
      end
    end
  )");
  REQUIRE(result.errors.empty());
  std::map<std::string, std::string> by_kind;
  size_t compared = 0, with_rules = 0, with_nat = 0;
  for (const Finding& f : result.findings) by_kind[f.ci + " " + f.message] = describe_paths(f.paths);
  for (const Finding& f : result.findings) {
    if (f.message != "unread" && f.message != "internet unread") continue;
    const std::string read = f.message == "unread" ? "read" : "internet read";
    CHECK(by_kind.at(f.ci + " " + read) == describe_paths(f.paths));
    ++compared;
    for (const Path& p : f.paths) {
      for (const Hop& h : p.hops) {
        with_rules += !h.rule_ref.empty() && h.where.line != 0;
        with_nat += !h.nat.empty();
      }
    }
  }
  CHECK(compared > 10);
  CHECK(with_rules > 10);
  CHECK(with_nat > 0);
}

TEST_CASE("A path's hops, cis and firewalls are made on first read; hops a policy sets win", "[lua][reach]") {
  const CheckResult result = probe_findings("fixtures/sample", R"(
    local db = estate.ci("db-srv-01")
    local first_across = 1
    for i, e in ipairs(estate.reaching_sources(db)) do
      if e.firewall_count > 0 then first_across = i break end
    end
    local p = estate.sources_reaching(db)[first_across]
    local keys = {}
    for k in pairs(p) do if type(k) == "string" then keys[#keys + 1] = k end end
    table.sort(keys)
    report(nil, "before reading: " .. table.concat(keys, ","))
    report(nil, string.format("%d hops, %d cis, first firewall %s, from %s", #p.hops, #p.cis, p.firewalls[1].id, p.source))
    report(nil, "metatable: " .. tostring(getmetatable(p)))
    report(nil, "other fields: " .. tostring(p.nothing))
    local own = estate.sources_reaching(estate.ci("db-srv-01"))[1]
    own.hops = { { node = "somewhere", service = "tcp/1", via = "start" } }
    report(estate.ci("db-srv-01"), "own hops", { paths = { own } })
    -- A packed path swapped for something else under its key is no path, not a crash.
    local swapped = estate.sources_reaching(estate.ci("db-srv-01"))[1]
    for k in pairs(swapped) do if type(k) == "userdata" then swapped[k] = estate.ci("fw-1") end end
    report(nil, "swapped: " .. tostring(swapped.hops))
    report(estate.ci("fw-1"), "swapped", { paths = { swapped } })
  )");
  for (const PolicyError& e : result.errors) UNSCOPED_INFO(e.message);
  REQUIRE(result.errors.empty());
  std::map<std::string, const Finding*> by_message;
  for (const Finding& f : result.findings) by_message[f.message] = &f;
  CHECK(by_message.count("before reading: service,source,source_ci,source_kind,source_size,source_subnet,source_zone"));
  CHECK(by_message.count("2 hops, 1 cis, first firewall fw-int-1, from ci:pam-cust-1"));
  CHECK(by_message.count("metatable: false"));
  CHECK(by_message.count("other fields: nil"));
  REQUIRE(by_message.count("own hops"));
  REQUIRE(by_message["own hops"]->paths.size() == 1);
  CHECK(describe_paths(by_message["own hops"]->paths) == "[] somewhere|tcp/1|start|||0||:0\n");
  CHECK(by_message.count("swapped: nil"));
  REQUIRE(by_message.count("swapped"));
  CHECK(by_message["swapped"]->paths.size() == 1);
  CHECK(by_message["swapped"]->paths[0].hops.empty());
}
