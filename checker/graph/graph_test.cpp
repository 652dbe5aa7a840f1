// The estate graph: queries by class, by neighbour (relations in and out), zone membership and
// CA chains.
#include "checker/graph/graph.h"

#include <catch2/catch.hpp>

#include "checker/load/toml_loader.h"

using namespace topocheck;

namespace {

const char* kEstate = R"(
[[zone]]
id = "dmz"
kind = "dmz"
[[zone]]
id = "app"
kind = "internal"
[[subnet]]
id = "dmz-a"
zone = "dmz"
cidr = "10.1.0.0/24"
[[ci]]
id = "waf"
class = "waf"
interfaces = [{ subnet = "dmz-a", ip = "10.1.0.5" }]
[[ci]]
id = "lb"
class = "load_balancer"
interfaces = [{ subnet = "dmz-a", ip = "10.1.0.6" }, { zone = "app" }]
[[ci]]
id = "app-1"
class = "server"
interfaces = [{ zone = "app" }]
certificates = ["cert-1"]
[[ci]]
id = "root"
class = "ca"
root = true
[[ci]]
id = "issuing"
class = "ca"
issuer = "root"
[[certificate]]
id = "cert-1"
issuer = "issuing"
[[relation]]
from = "waf"
to = "lb"
type = "forwards_to"
[[relation]]
from = "lb"
to = "app-1"
type = "forwards_to"
[[relation]]
from = "app-1"
to = "lb"
type = "depends_on"
)";

struct Fixture {
  LoadResult loaded = load_estate_from_strings({{"g.toml", kEstate}});
  Index id(const char* name) const { return loaded.estate.find_ci(name); }
};

std::vector<std::string> ids(const Estate& e, const std::vector<Neighbour>& list) {
  std::vector<std::string> out;
  for (const Neighbour& n : list) out.push_back(e.cis[n.ci].id);
  return out;
}

}  // namespace

TEST_CASE("the graph answers CIs by class in input order", "[graph]") {
  Fixture f;
  REQUIRE_FALSE(f.loaded.diagnostics.has_errors());
  const EstateGraph g(f.loaded.estate);
  const auto cas = g.cis_of_class(CiClass::ca);
  CHECK(std::vector<Index>(cas.begin(), cas.end()) == std::vector<Index>{f.id("root"), f.id("issuing")});
  CHECK(g.cis_of_class(CiClass::router).empty());
}

TEST_CASE("the graph answers relations by type and direction", "[graph]") {
  Fixture f;
  const EstateGraph g(f.loaded.estate);
  const Estate& e = f.loaded.estate;
  CHECK(ids(e, g.related_out(f.id("lb"), RelationType::forwards_to)) == std::vector<std::string>{"app-1"});
  CHECK(ids(e, g.related_in(f.id("lb"), RelationType::forwards_to)) == std::vector<std::string>{"waf"});
  CHECK(ids(e, g.related_in(f.id("lb"), RelationType::depends_on)) == std::vector<std::string>{"app-1"});
  CHECK(g.related_out(f.id("waf"), RelationType::depends_on).empty());
}

TEST_CASE("the graph knows zone membership through subnets and zone-only interfaces", "[graph]") {
  Fixture f;
  const EstateGraph g(f.loaded.estate);
  const Estate& e = f.loaded.estate;
  CHECK(g.zones_of(f.id("lb")) == std::vector<Index>{e.find_zone("dmz"), e.find_zone("app")});
  const auto app = g.cis_in_zone(e.find_zone("app"));
  CHECK(std::vector<Index>(app.begin(), app.end()) == std::vector<Index>{f.id("lb"), f.id("app-1")});
}

TEST_CASE("the graph follows a certificate's issuer chain up to the root", "[graph]") {
  Fixture f;
  const EstateGraph g(f.loaded.estate);
  CHECK(g.issuer_chain(f.loaded.estate.find_certificate("cert-1")) ==
        std::vector<Index>{f.id("issuing"), f.id("root")});
}
