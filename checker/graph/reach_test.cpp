// Reachability with path evidence: one fixture per semantic (fixtures/reach/, and the network
// fixtures of EXPOSURE and WAF-DMZ), each answer pinned exactly, with its path hop by hop.
#include "checker/graph/reach.h"

#include <algorithm>

#include <catch2/catch.hpp>

#include "tests/unit/support.h"

using namespace topocheck;
using topocheck::testing::load_fixture;
using Lines = std::vector<std::string>;

namespace {

// A fixture with its graph and reachability index.
class Network {
 public:
  explicit Network(const std::string& path) : loaded_(load_fixture(path)), graph_(loaded_.estate), reach_(graph_) {}

  const ReachabilityIndex& reach() const { return reach_; }
  const Estate& estate() const { return loaded_.estate; }

  Index ci(const std::string& id) const {
    const Index c = estate().find_ci(id);
    REQUIRE(c != kNoIndex);
    return c;
  }

  Index atom(const std::string& label) const {
    const Index a = reach_.find_atom(label);
    REQUIRE(a != kNoIndex);
    return a;
  }

  // "file:line" of the rule with this ref, as trace lines cite it.
  std::string rule_at(const std::string& ref) const {
    for (const Rule& r : estate().rules) {
      if (r.ref == ref) return estate().describe(r.loc);
    }
    FAIL("no rule " << ref);
    return {};
  }

  const InternetExposure& exposure(const std::string& id) const {
    const InternetExposure* ex = reach_.internet_exposure(ci(id));
    REQUIRE(ex != nullptr);
    return *ex;
  }

  bool exposed(const std::string& id) const { return reach_.internet_exposure(ci(id)) != nullptr; }

  std::vector<ReachPath> sources(const std::string& id, const char* service) const {
    return reach_.sources_reaching(ci(id), service ? parse_service(service) : std::nullopt);
  }

  FlowTrace trace(const std::string& source, const std::string& id, const char* service) const {
    return reach_.trace(source, ci(id), service ? parse_service(service) : std::nullopt);
  }

  // One line per path: "source -> hop -> hop on SERVICE", each hop saying what let it through.
  Lines texts(const std::vector<ReachPath>& paths) const {
    Lines out;
    for (const ReachPath& p : paths) {
      std::string text;
      for (const Hop& h : p.hops) text += (text.empty() ? "" : " -> ") + hop_text(h);
      out.push_back(text + " on " + to_string(p.service));
    }
    return out;
  }

  Lines labels(const std::vector<ReachPath>& paths) const {
    Lines out;
    for (const ReachPath& p : paths) out.push_back(reach_.atoms()[p.source_atom].label);
    return out;
  }

  Lines ids(const std::vector<Index>& cis) const {
    Lines out;
    for (Index c : cis) out.push_back(estate().cis[c].id);
    return out;
  }

 private:
  static std::string hop_text(const Hop& h) {
    if (h.via == "start") return h.node;
    std::string text = h.node;
    const std::string rule = h.rule_ref == "default_action allow"
                                 ? h.firewall + " default action"
                                 : h.firewall + " rule " + std::to_string(h.rule_order) + " (" + h.rule_ref + ")";
    if (h.via == "rule" || h.via == "default_action") {
      text += " via " + rule;
    } else if (h.via == "forwards_to+rule" || (h.via == "forwards_to" && !h.firewall.empty())) {
      text += " via forwards_to and " + rule;
    } else if (h.via == "zone") {
      text += " in zone";
    } else {
      text += " via " + h.via;  // "forwards_to", "router rtr-1"
    }
    if (!h.nat.empty()) text += ", NAT " + h.nat;
    return text;
  }

  LoadResult loaded_;
  EstateGraph graph_;
  ReachabilityIndex reach_;
};

}  // namespace

// ---- zones, firewalls, routers ----------------------------------------------------------------

TEST_CASE("traffic inside one zone is not filtered", "[reach]") {
  const Network n("fixtures/reach/same-zone");
  CHECK(n.texts(n.sources("app-01", "tcp/22")) == Lines{"subnet:app-a -> app-01 in zone on tcp/22"});
  CHECK(n.reach().zone_links().empty());
}

TEST_CASE("a CI in another zone with no firewall or router between is unreachable", "[reach]") {
  const Network n("fixtures/reach/same-zone");
  // Only its own subnet reaches db-01; backup-01's leg in zone app routes nothing.
  CHECK(n.labels(n.sources("db-01", nullptr)) == Lines{"subnet:db-a"});
  const FlowTrace t = n.trace("subnet:app-a", "db-01", "tcp/5432");
  CHECK_FALSE(t.reached);
  CHECK(t.lines == Lines{"flow subnet:app-a -> db-01 (zone:db 10.0.2.21) on tcp/5432",
                         "  zone:app has no firewall or router to other zones", "  not reached"});
  // backup-01 reaches it through its own interface in zone db.
  CHECK(n.trace("ci:backup-01", "db-01", "tcp/5432").reached);
}

TEST_CASE("a zone exported without subnets is a source of its own", "[reach]") {
  const Network n("fixtures/reach/zone-without-subnets");
  CHECK(n.texts(n.sources("sftp-01", "tcp/22")) == Lines{"subnet:dmz-a -> sftp-01 in zone on tcp/22",
                                                          "zone:partner -> sftp-01 via fw-edge rule 100 (partner-sftp) on tcp/22"});
  CHECK(n.ids(n.reach().atom_members(n.atom("zone:partner"))) == Lines{"fw-edge"});
}

TEST_CASE("a router joins zones without filtering anything", "[reach]") {
  const Network n("fixtures/reach/router");
  CHECK(n.texts(n.sources("app-01", "tcp/22")) == Lines{"zone:internet -> app-01 via router rtr-edge on tcp/22",
                                                         "subnet:office-a -> app-01 via router rtr-1 on tcp/22",
                                                         "subnet:app-a -> app-01 in zone on tcp/22"});
  const auto& links = n.reach().zone_links();
  REQUIRE(links.size() == 2);
  CHECK_FALSE(links[0].filters);
  CHECK_FALSE(links[1].filters);
  const InternetExposure& ex = n.exposure("app-01");
  CHECK(n.texts(ex.paths) == Lines{"zone:internet -> app-01 via router rtr-edge on tcp/22",
                                   "zone:internet -> app-01 via router rtr-edge on tcp/443"});
  CHECK_FALSE(ex.confirmed());
  CHECK(n.trace("subnet:office-a", "app-01", "tcp/443").lines ==
        Lines{"flow subnet:office-a -> app-01 (zone:app 10.0.1.11) on tcp/443", "  router rtr-1 into zone:app",
              "  reached"});
}

// ---- first match wins ---------------------------------------------------------------------------

TEST_CASE("a deny rule earlier in order shadows a later allow", "[reach]") {
  const Network n("fixtures/reach/first-match");
  const RuleDecision d = n.reach().decide(n.ci("fw-1"), n.atom("subnet:office-a"), n.ci("srv-deny-first"), 0,
                                          *parse_service("tcp/443"));
  CHECK_FALSE(d.allowed);
  REQUIRE(d.rule != kNoIndex);
  CHECK(n.estate().rules[d.rule].ref == "deny-first");
  CHECK(n.labels(n.sources("srv-deny-first", "tcp/443")) == Lines{"subnet:app-a"});
  CHECK(n.trace("subnet:office-a", "srv-deny-first", "tcp/443").lines ==
        Lines{"flow subnet:office-a -> srv-deny-first (zone:app 10.0.1.11) on tcp/443",
              "  fw-1 rule 100 (deny-first) denies  (" + n.rule_at("deny-first") + ")", "  not reached"});
}

TEST_CASE("an allow rule earlier in order shadows a later deny", "[reach]") {
  const Network n("fixtures/reach/first-match");
  const RuleDecision d = n.reach().decide(n.ci("fw-1"), n.atom("subnet:office-a"), n.ci("srv-allow-first"), 0,
                                          *parse_service("tcp/443"));
  CHECK(d.allowed);
  REQUIRE(d.rule != kNoIndex);
  CHECK(n.estate().rules[d.rule].ref == "allow-first");
  const auto paths = n.sources("srv-allow-first", "tcp/443");
  CHECK(n.texts(paths) == Lines{"subnet:office-a -> srv-allow-first via fw-1 rule 110 (allow-first) on tcp/443",
                                "subnet:app-a -> srv-allow-first in zone on tcp/443"});
  // The hop cites the rule's place in the input.
  CHECK(paths[0].hops[1].where.file + ":" + std::to_string(paths[0].hops[1].where.line) == n.rule_at("allow-first"));
}

TEST_CASE("a flow no rule matches is denied by default", "[reach]") {
  const Network n("fixtures/reach/first-match");
  const RuleDecision d = n.reach().decide(n.ci("fw-1"), n.atom("subnet:office-a"), n.ci("srv-no-rule"), 0,
                                          *parse_service("tcp/443"));
  CHECK_FALSE(d.allowed);
  CHECK(d.rule == kNoIndex);
  const FlowTrace t = n.trace("subnet:office-a", "srv-no-rule", "tcp/443");
  CHECK_FALSE(t.reached);
  CHECK(t.lines == Lines{"flow subnet:office-a -> srv-no-rule (zone:app 10.0.1.13) on tcp/443",
                         "  fw-1 denies by default (no rule matches)", "  not reached"});
}

TEST_CASE("default_action allow lets through what no rule matches, after the rules", "[reach]") {
  const Network n("fixtures/reach/default-allow");
  CHECK(n.texts(n.sources("srv-a", "tcp/443")) == Lines{"subnet:office-a -> srv-a via fw-open default action on tcp/443",
                                                         "subnet:app-a -> srv-a in zone on tcp/443"});
  CHECK(n.labels(n.sources("srv-b", "tcp/22")) == Lines{"subnet:app-a"});
  CHECK(n.labels(n.sources("srv-b", "tcp/443")) == Lines{"subnet:office-a", "subnet:app-a"});
  CHECK(n.trace("subnet:office-a", "srv-a", "tcp/443").lines ==
        Lines{"flow subnet:office-a -> srv-a (zone:app 10.0.1.11) on tcp/443",
              "  fw-open allows by its default action (default_action = \"allow\") into zone:app", "  reached"});
  CHECK(n.trace("subnet:office-a", "srv-b", "tcp/22").lines ==
        Lines{"flow subnet:office-a -> srv-b (zone:app 10.0.1.12) on tcp/22",
              "  fw-open rule 100 (no-ssh-to-b) denies  (" + n.rule_at("no-ssh-to-b") + ")", "  not reached"});
}

// ---- paths through several firewalls --------------------------------------------------------

TEST_CASE("an inner firewall that denies stops a flow the outer firewall allows", "[reach]") {
  const Network n("fixtures/reach/two-firewalls");
  CHECK_FALSE(n.exposed("app-blocked"));
  const FlowTrace t = n.trace("internet", "app-blocked", "tcp/443");
  CHECK_FALSE(t.reached);
  CHECK(t.lines == Lines{"flow zone:internet -> app-blocked (zone:app 10.30.1.11) on tcp/443",
                         "  fw-outer rule 100 (CHG-outer) allows into zone:dmz  (" + n.rule_at("CHG-outer") + ")",
                         "  fw-inner rule 900 (inner-cleanup) denies  (" + n.rule_at("inner-cleanup") + ")",
                         "  not reached"});
}

TEST_CASE("a flow both firewalls allow shows both rules in order", "[reach]") {
  const Network n("fixtures/reach/two-firewalls");
  const InternetExposure& ex = n.exposure("app-open");
  CHECK(n.texts(ex.paths) == Lines{"zone:internet -> zone:dmz via fw-outer rule 100 (CHG-outer) -> app-open via "
                                   "fw-inner rule 100 (CHG-inner) on tcp/443"});
  CHECK_FALSE(ex.confirmed());
  CHECK(ex.more_paths == 0);
  CHECK(n.trace("zone:internet", "app-open", "tcp/443").lines ==
        Lines{"flow zone:internet -> app-open (zone:app 10.30.1.12) on tcp/443",
              "  fw-outer rule 100 (CHG-outer) allows into zone:dmz  (" + n.rule_at("CHG-outer") + ")",
              "  fw-inner rule 100 (CHG-inner) allows into zone:app  (" + n.rule_at("CHG-inner") + ")", "  reached"});
}

// ---- NAT and public addresses ---------------------------------------------------------------

TEST_CASE("a NAT from a public address makes the exposure confirmed and shows on the hop", "[reach]") {
  const Network n("fixtures/rules/EXPOSURE/fail-nat-confirmed");
  const InternetExposure& ex = n.exposure("web-01");
  CHECK(n.texts(ex.paths) ==
        Lines{"zone:internet -> web-01 via fw-edge rule 100 (CHG-web), NAT 203.0.113.10 -> 10.20.1.10 on tcp/443"});
  CHECK(ex.paths[0].confirmed);
  CHECK(ex.confirmed());
  // The other views of the same flow know it is confirmed too.
  const auto sources = n.sources("web-01", "tcp/443");
  REQUIRE(n.labels(sources) == Lines{"zone:internet", "subnet:dmz-a"});
  CHECK(sources[0].confirmed);
  const FlowTrace t = n.trace("internet", "web-01", "tcp/443");
  REQUIRE(t.paths.size() == 1);
  CHECK(t.paths[0].confirmed);
}

TEST_CASE("without the NAT the same rule is a latent exposure", "[reach]") {
  const Network n("fixtures/rules/EXPOSURE/fail-rule-latent");
  const InternetExposure& ex = n.exposure("web-01");
  CHECK(n.texts(ex.paths) == Lines{"zone:internet -> web-01 via fw-edge rule 100 (CHG-web) on tcp/443"});
  CHECK_FALSE(ex.confirmed());
}

TEST_CASE("a port-specific NAT confirms only the service it publishes", "[reach]") {
  const Network n("fixtures/reach/nat-port");
  const InternetExposure& ex = n.exposure("web-01");
  // tcp/22 is published by a NAT too, but no rule admits it after the NAT.
  CHECK(n.texts(ex.paths) ==
        Lines{"zone:internet -> web-01 via fw-edge rule 100 (CHG-web), NAT 203.0.113.10 -> 10.20.1.10 on tcp/443",
              "zone:internet -> web-01 via fw-edge rule 100 (CHG-web) on tcp/8080"});
  CHECK(ex.paths[0].confirmed);
  CHECK_FALSE(ex.paths[1].confirmed);
}

TEST_CASE("a public address of the CI confirms the exposure, and a rule may name it", "[reach]") {
  const Network n("fixtures/rules/EXPOSURE/fail-public-address");
  const InternetExposure& ex = n.exposure("sftp-01");
  CHECK(n.texts(ex.paths) == Lines{"zone:internet -> sftp-01 via fw-edge rule 100 (sftp-public) on tcp/22"});
  CHECK(ex.confirmed());
}

TEST_CASE("every zone of kind internet is the internet", "[reach]") {
  const Network n("fixtures/reach/two-internet-zones");
  const InternetExposure& bastion = n.exposure("bastion-01");
  CHECK(n.texts(bastion.paths) == Lines{"internet -> bastion-01 in zone on tcp/22"});
  CHECK(bastion.confirmed());
  const InternetExposure& web = n.exposure("web-01");
  CHECK(n.texts(web.paths) == Lines{"internet -> web-01 via fw-b rule 100 (web-via-isp-b) on tcp/443"});
  CHECK_FALSE(web.confirmed());
  CHECK(n.trace("zone:isp-b", "web-01", "tcp/443").reached);
  CHECK(n.trace("internet", "bastion-01", "tcp/22").lines ==
        Lines{"flow internet -> bastion-01 (zone:isp-b 198.51.100.9) on tcp/22", "  same zone: not filtered", "  reached"});
}

// ---- address ranges --------------------------------------------------------------------------

TEST_CASE("cidr 0.0.0.0/0 as a source includes the internet and the internal IPv4 subnets", "[reach]") {
  const Network n("fixtures/reach/default-route");
  // subnet:app-a and subnet:app6 share the target's zone: not filtered.
  CHECK(n.texts(n.sources("app-01", "tcp/443")) == Lines{"zone:internet -> app-01 via fw-1 rule 100 (v4-any) on tcp/443",
                                                          "subnet:office-a -> app-01 via fw-1 rule 100 (v4-any) on tcp/443",
                                                          "subnet:app-a -> app-01 in zone on tcp/443",
                                                          "subnet:app6 -> app-01 in zone on tcp/443"});
}

TEST_CASE("cidr ::/0 as a source includes the internet and IPv6 subnets, not IPv4 ones", "[reach]") {
  const Network n("fixtures/reach/default-route");
  CHECK(n.texts(n.sources("app6-01", "tcp/443")) == Lines{"zone:internet -> app6-01 via fw-1 rule 200 (v6-any) on tcp/443",
                                                           "subnet:office6 -> app6-01 via fw-1 rule 200 (v6-any) on tcp/443",
                                                           "subnet:app-a -> app6-01 in zone on tcp/443",
                                                           "subnet:app6 -> app6-01 in zone on tcp/443"});
}

TEST_CASE("an IPv6 rule naming the estate's own global range does not admit the internet", "[reach]") {
  const Network n("fixtures/reach/default-route");
  CHECK(n.texts(n.sources("app6-01", "tcp/22")) == Lines{"subnet:office6 -> app6-01 via fw-1 rule 300 (v6-office-ssh) on tcp/22",
                                                          "subnet:app-a -> app6-01 in zone on tcp/22",
                                                          "subnet:app6 -> app6-01 in zone on tcp/22"});
  CHECK(n.reach().find_atom("zone:internet cidr:2001:db8:10::/64") == kNoIndex);
  CHECK(n.texts(n.exposure("app6-01").paths) == Lines{"zone:internet -> app6-01 via fw-1 rule 200 (v6-any) on tcp/443"});
}

TEST_CASE("a rule naming a partner range exposes the target to that range only", "[reach]") {
  const Network n("fixtures/reach/partner-range");
  const InternetExposure& ex = n.exposure("sftp-01");
  CHECK(n.texts(ex.paths) == Lines{"zone:internet cidr:198.51.100.0/24 -> sftp-01 via fw-edge rule 100 (partner-sftp) on tcp/22"});
  CHECK(n.labels(n.sources("sftp-01", "tcp/22")) == Lines{"zone:internet cidr:198.51.100.0/24", "subnet:dmz-a"});
}

TEST_CASE("a deny for part of the internet before an allow for all keeps that part out", "[reach]") {
  const Network n("fixtures/reach/partner-range");
  // The partner range gets in exactly as the rest of the internet: no path of its own.
  CHECK(n.texts(n.exposure("web-01").paths) == Lines{"zone:internet -> web-01 via fw-edge rule 210 (web-open) on tcp/443"});
  CHECK(n.labels(n.sources("web-01", "tcp/443")) ==
        Lines{"zone:internet", "zone:internet cidr:198.51.100.0/24", "subnet:dmz-a"});
  const RuleDecision d = n.reach().decide(n.ci("fw-edge"), n.atom("zone:internet cidr:203.0.113.0/24"), n.ci("web-01"),
                                          0, *parse_service("tcp/443"));
  CHECK_FALSE(d.allowed);
  REQUIRE(d.rule != kNoIndex);
  CHECK(n.estate().rules[d.rule].ref == "block-abusive-range");
  CHECK(n.trace("zone:internet cidr:203.0.113.0/24", "web-01", "tcp/443").lines ==
        Lines{"flow zone:internet cidr:203.0.113.0/24 -> web-01 (zone:dmz 10.20.1.10) on tcp/443",
              "  fw-edge rule 200 (block-abusive-range) denies  (" + n.rule_at("block-abusive-range") + ")",
              "  not reached"});
}

TEST_CASE("a CI belongs to the most specific range a rule names", "[reach]") {
  const Network n("fixtures/reach/nested-ranges");
  CHECK(n.ids(n.reach().atom_members(n.atom("subnet:office-a cidr:10.1.0.0/26"))) == Lines{"fw-1", "ws-01"});
  CHECK(n.ids(n.reach().atom_members(n.atom("subnet:office-a cidr:10.1.0.0/25"))) == Lines{"ws-02"});
  CHECK(n.ids(n.reach().atom_members(n.atom("subnet:office-a"))) == Lines{"ws-03"});
  CHECK(n.labels(n.sources("app-01", "tcp/22")) == Lines{"subnet:app-a", "subnet:office-a cidr:10.1.0.0/25"});
  CHECK(n.trace("ci:ws-01", "app-01", "tcp/22").lines ==
        Lines{"flow subnet:office-a cidr:10.1.0.0/26 -> app-01 (zone:app 10.0.1.11) on tcp/22",
              "  fw-1 rule 100 (not-the-first-quarter) denies  (" + n.rule_at("not-the-first-quarter") + ")",
              "  not reached"});
}

// ---- port ranges -------------------------------------------------------------------------------

TEST_CASE("a deny for one port inside an allowed range leaves the rest of the range", "[reach]") {
  const Network n("fixtures/reach/port-range");
  CHECK(n.texts(n.exposure("app-01").paths) ==
        Lines{"zone:internet -> app-01 via fw-edge rule 200 (app-ports) on tcp/8000-8079",
              "zone:internet -> app-01 via fw-edge rule 200 (app-ports) on tcp/8081-8100"});
  const FlowTrace denied = n.trace("internet", "app-01", "tcp/8080");
  CHECK_FALSE(denied.reached);
  CHECK(denied.lines == Lines{"flow zone:internet -> app-01 (zone:dmz 10.20.1.30) on tcp/8080",
                              "  fw-edge rule 100 (no-admin-port) denies  (" + n.rule_at("no-admin-port") + ")",
                              "  not reached"});
  const FlowTrace all = n.trace("internet", "app-01", nullptr);
  CHECK(all.reached);
  CHECK(all.lines == Lines{"flow zone:internet -> app-01 (zone:dmz 10.20.1.30) on tcp/8000-8100",
                           "  on tcp/8000-8079, tcp/8081-8100:",
                           "  fw-edge rule 200 (app-ports) allows into zone:dmz  (" + n.rule_at("app-ports") + ")",
                           "  reached", "  on tcp/8080:",
                           "  fw-edge rule 100 (no-admin-port) denies  (" + n.rule_at("no-admin-port") + ")",
                           "  not reached"});
  CHECK(n.texts(all.paths) == Lines{"zone:internet -> app-01 via fw-edge rule 200 (app-ports) on tcp/8000-8079",
                                    "zone:internet -> app-01 via fw-edge rule 200 (app-ports) on tcp/8081-8100"});
}

// ---- forwarding through proxies --------------------------------------------------------------

TEST_CASE("the internet reaches an app only through the WAF and load balancer chain", "[reach]") {
  const Network n("fixtures/rules/WAF-DMZ/pass");
  const InternetExposure& app = n.exposure("app-01");
  CHECK(n.texts(app.paths) ==
        Lines{"zone:internet -> waf-1 via fw-edge rule 100 (CHG-waf-publish), NAT 203.0.113.10 -> 10.20.0.5 -> "
              "lb-1 via forwards_to and fw-edge rule 110 (CHG-waf-to-lb) -> "
              "app-01 via forwards_to and fw-int rule 100 (CHG-lb-to-app) on tcp/8443"});
  CHECK(n.ids(app.paths[0].cis) == Lines{"waf-1", "lb-1", "app-01"});
  CHECK(app.confirmed());
  CHECK(app.more_paths == 0);
  CHECK(n.texts(n.exposure("lb-1").paths) ==
        Lines{"zone:internet -> waf-1 via fw-edge rule 100 (CHG-waf-publish), NAT 203.0.113.10 -> 10.20.0.5 -> "
              "lb-1 via forwards_to and fw-edge rule 110 (CHG-waf-to-lb) on tcp/443"});
}

TEST_CASE("a forwarding hop the network denies ends the chain", "[reach]") {
  const Network n("fixtures/reach/proxy-chain-hop-denied");
  CHECK(n.exposed("waf-1"));
  CHECK_FALSE(n.exposed("lb-1"));
  CHECK_FALSE(n.exposed("app-01"));
  CHECK(n.trace("ci:waf-1", "lb-1", "tcp/443").lines ==
        Lines{"flow subnet:dmz-edge-a -> lb-1 (zone:dmz-web 10.20.1.20) on tcp/443",
              "  fw-edge rule 9999 (edge-cleanup) denies  (" + n.rule_at("edge-cleanup") + ")", "  not reached"});
}

TEST_CASE("a CI reached both around and through the WAF keeps both paths", "[reach]") {
  const Network n("fixtures/rules/WAF-DMZ/fail-bypass");
  const InternetExposure& lb = n.exposure("lb-1");
  CHECK(n.texts(lb.paths) ==
        Lines{"zone:internet -> lb-1 via fw-edge rule 200 (CHG-lb-test-temporary) on tcp/443",
              "zone:internet -> waf-1 via fw-edge rule 100 (CHG-waf-publish), NAT 203.0.113.10 -> 10.20.0.5 -> "
              "lb-1 via forwards_to and fw-edge rule 110 (CHG-waf-to-lb) on tcp/443"});
  CHECK_FALSE(lb.paths[0].confirmed);
  CHECK(lb.paths[1].confirmed);
  CHECK(n.texts(n.exposure("app-01").paths) ==
        Lines{"zone:internet -> lb-1 via fw-edge rule 200 (CHG-lb-test-temporary) -> "
              "app-01 via forwards_to and fw-int rule 100 (CHG-lb-to-app) on tcp/8443",
              "zone:internet -> waf-1 via fw-edge rule 100 (CHG-waf-publish), NAT 203.0.113.10 -> 10.20.0.5 -> "
              "lb-1 via forwards_to and fw-edge rule 110 (CHG-waf-to-lb) -> "
              "app-01 via forwards_to and fw-int rule 100 (CHG-lb-to-app) on tcp/8443"});
}

TEST_CASE("forwarding that loops back to a proxy ends", "[reach]") {
  const Network n("fixtures/reach/forward-loop");
  CHECK(n.texts(n.exposure("proxy-a").paths) ==
        Lines{"zone:internet -> proxy-a via fw-edge rule 100 (publish-proxy-a) on tcp/443"});
  const InternetExposure& b = n.exposure("proxy-b");
  CHECK(n.texts(b.paths) ==
        Lines{"zone:internet -> proxy-a via fw-edge rule 100 (publish-proxy-a) -> proxy-b via forwards_to on tcp/443"});
  CHECK(n.ids(b.paths[0].cis) == Lines{"proxy-a", "proxy-b"});
}

// ---- counting further routes ------------------------------------------------------------------

TEST_CASE("further ways into the same flow are counted, a detour back through the same firewall is not", "[reach]") {
  const Network n("fixtures/reach/more-paths");
  const InternetExposure& ex = n.exposure("web-01");
  CHECK(n.texts(ex.paths) == Lines{"zone:internet -> web-01 via fw-edge-1 rule 100 (web-via-1) on tcp/443"});
  CHECK(ex.more_paths == 1);  // through fw-edge-2; not internet -> partner -> dmz through fw-edge-1 twice
}

// ---- sources of one CI, with and without its peers ------------------------------------------------

TEST_CASE("sources asked without peers are the others' paths, and the peers are named instead", "[reach]") {
  for (const char* fixture : {"fixtures/reach/same-zone", "fixtures/reach/router", "fixtures/reach/two-firewalls",
                              "fixtures/reach/zone-without-subnets", "fixtures/reach/default-allow",
                              "fixtures/reach/nested-ranges", "fixtures/reach/two-internet-zones"}) {
    const Network n(fixture);
    for (Index c = 0; c < n.estate().cis.size(); ++c) {
      INFO(fixture << " " << n.estate().cis[c].id);
      const std::vector<ReachPath> all = n.reach().sources_reaching(c, std::nullopt);
      std::vector<Index> peers;
      const std::vector<ReachPath> others = n.reach().sources_reaching(c, std::nullopt, &peers);
      CHECK(std::is_sorted(peers.begin(), peers.end()));
      std::vector<ReachPath> expected;
      for (const ReachPath& p : all) {
        if (std::binary_search(peers.begin(), peers.end(), p.source_atom)) {
          // A peer's every path stays in the CI's zone.
          for (const Interface& itf : n.estate().cis[c].interfaces) {
            CHECK(n.reach().atoms()[p.source_atom].zone == itf.zone);
          }
          CHECK(p.hops.size() == 2);
          CHECK(p.hops.back().firewall.empty());
        } else {
          expected.push_back(p);
        }
      }
      CHECK(n.texts(others) == n.texts(expected));
      CHECK(n.labels(others) == n.labels(expected));
    }
  }
}

TEST_CASE("a source in the zone of a CI's only interface is named as a peer, not routed", "[reach]") {
  const Network n("fixtures/reach/same-zone");
  std::vector<Index> peers;
  CHECK(n.reach().sources_reaching(n.ci("app-01"), parse_service("tcp/22"), &peers).empty());
  Lines names;
  for (Index a : peers) names.push_back(n.reach().atoms()[a].label);
  CHECK(names == Lines{"subnet:app-a"});
}
