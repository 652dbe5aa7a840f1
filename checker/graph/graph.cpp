#include "checker/graph/graph.h"

#include <algorithm>
#include <utility>

#include <boost/range/iterator_range.hpp>

namespace topocheck {
namespace {

using EdgeList = std::vector<std::pair<size_t, size_t>>;

struct EdgeBuilder {
  EdgeList ends;
  std::vector<EstateEdge> props;
  void add(size_t from, size_t to, EstateEdge e) {
    ends.emplace_back(from, to);
    props.push_back(e);
  }
};

}  // namespace

EstateGraph::EstateGraph(const Estate& estate) : estate_(estate) {
  zone_base_ = estate.cis.size();
  subnet_base_ = zone_base_ + estate.zones.size();
  cert_base_ = subnet_base_ + estate.subnets.size();
  const size_t vertex_count = cert_base_ + estate.certificates.size();

  EdgeBuilder edges;
  edges.ends.reserve(estate.relations.size() + estate.cis.size() * 2);
  edges.props.reserve(edges.ends.capacity());
  by_zone_.resize(estate.zones.size());

  for (Index r = 0; r < estate.relations.size(); ++r) {
    const Relation& rel = estate.relations[r];
    edges.add(rel.from, rel.to, {EdgeKind::relation, rel.type, r});
  }
  for (Index s = 0; s < estate.subnets.size(); ++s) {
    edges.add(subnet_vertex(s), zone_vertex(estate.subnets[s].zone), {EdgeKind::subnet_in_zone});
  }
  for (Index c = 0; c < estate.cis.size(); ++c) {
    const Ci& ci = estate.cis[c];
    by_class_[static_cast<size_t>(ci.cls)].push_back(c);
    for (const Interface& itf : ci.interfaces) {
      const Vertex target = itf.subnet != kNoIndex ? subnet_vertex(itf.subnet) : zone_vertex(itf.zone);
      edges.add(c, target, {EdgeKind::interface});
      auto& members = by_zone_[itf.zone];
      if (members.empty() || members.back() != c) members.push_back(c);
    }
    for (Index cert : ci.certificates) edges.add(c, certificate_vertex(cert), {EdgeKind::presents});
    if (ci.issuer != kNoIndex) edges.add(ci.issuer, c, {EdgeKind::issued_ca});
  }
  for (Index cert = 0; cert < estate.certificates.size(); ++cert) {
    edges.add(estate.certificates[cert].issuer, certificate_vertex(cert), {EdgeKind::issued});
  }

  graph_ = Graph(boost::edges_are_unsorted_multi_pass, edges.ends.begin(), edges.ends.end(),
                 edges.props.begin(), vertex_count);
  for (Index c = 0; c < estate.cis.size(); ++c) graph_[c] = {VertexKind::ci, c};
  for (Index z = 0; z < estate.zones.size(); ++z) graph_[zone_vertex(z)] = {VertexKind::zone, z};
  for (Index s = 0; s < estate.subnets.size(); ++s) {
    graph_[subnet_vertex(s)] = {VertexKind::subnet, s};
  }
  for (Index cert = 0; cert < estate.certificates.size(); ++cert) {
    graph_[certificate_vertex(cert)] = {VertexKind::certificate, cert};
  }
  // A CI with several interfaces in one zone was pushed once per zone run; keep members unique.
  for (auto& members : by_zone_) {
    std::sort(members.begin(), members.end());
    members.erase(std::unique(members.begin(), members.end()), members.end());
  }
}

std::span<const Index> EstateGraph::cis_of_class(CiClass cls) const {
  return by_class_[static_cast<size_t>(cls)];
}

std::span<const Index> EstateGraph::cis_in_zone(Index zone) const { return by_zone_[zone]; }

std::vector<Neighbour> EstateGraph::related_out(Index ci, RelationType type) const {
  std::vector<Neighbour> result;
  for (auto e : boost::make_iterator_range(boost::out_edges(static_cast<Vertex>(ci), graph_))) {
    const EstateEdge& p = graph_[e];
    if (p.kind == EdgeKind::relation && p.relation_type == type) {
      result.push_back({static_cast<Index>(boost::target(e, graph_)), p.relation});
    }
  }
  std::sort(result.begin(), result.end(),
            [](const Neighbour& a, const Neighbour& b) { return a.relation < b.relation; });
  return result;
}

std::vector<Neighbour> EstateGraph::related_in(Index ci, RelationType type) const {
  std::vector<Neighbour> result;
  for (auto e : boost::make_iterator_range(boost::in_edges(static_cast<Vertex>(ci), graph_))) {
    const EstateEdge& p = graph_[e];
    if (p.kind == EdgeKind::relation && p.relation_type == type) {
      result.push_back({static_cast<Index>(boost::source(e, graph_)), p.relation});
    }
  }
  std::sort(result.begin(), result.end(),
            [](const Neighbour& a, const Neighbour& b) { return a.relation < b.relation; });
  return result;
}

std::vector<Index> EstateGraph::zones_of(Index ci) const {
  std::vector<Index> zones;
  for (const Interface& itf : estate_.cis[ci].interfaces) zones.push_back(itf.zone);
  std::sort(zones.begin(), zones.end());
  zones.erase(std::unique(zones.begin(), zones.end()), zones.end());
  return zones;
}

std::vector<Index> EstateGraph::issuer_chain(Index certificate) const {
  std::vector<Index> chain;
  Index ca = estate_.certificates[certificate].issuer;
  // The bound is a second line of defence behind the loader's cycle check.
  while (ca != kNoIndex && chain.size() <= estate_.cis.size()) {
    chain.push_back(ca);
    ca = estate_.cis[ca].issuer;
  }
  return chain;
}

}  // namespace topocheck
