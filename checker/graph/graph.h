// The estate as a graph (Boost.Graph, compressed sparse row: built once from the immutable
// model, 10-20 bytes per edge). Vertices are CIs, zones, subnets and certificates; edges are the
// relations between CIs, interface membership (CI -> subnet or zone, subnet -> zone), and the
// PKI (CI presents certificate, CA issued certificate, parent CA issued CA). Queries answer by
// class, by relation type and by neighbour, in index order, so results are deterministic.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include <boost/graph/compressed_sparse_row_graph.hpp>

#include "checker/model/estate.h"

namespace topocheck {

enum class VertexKind : uint8_t { ci, zone, subnet, certificate };

enum class EdgeKind : uint8_t {
  relation,        // CI -> CI, Relation::type in EstateEdge::relation_type
  interface,       // CI -> subnet, or CI -> zone when the interface names no subnet
  subnet_in_zone,  // subnet -> zone
  presents,        // CI -> certificate
  issued,          // CA CI -> certificate
  issued_ca,       // parent CA CI -> child CA CI
};

struct EstateVertex {
  VertexKind kind = VertexKind::ci;
  Index index = kNoIndex;  // into the estate table of that kind
};

struct EstateEdge {
  EdgeKind kind = EdgeKind::relation;
  RelationType relation_type = RelationType::depends_on;
  Index relation = kNoIndex;  // Estate::relations index for relation edges
};

// One neighbour reached through an edge.
struct Neighbour {
  Index ci = kNoIndex;         // CI index of the neighbour (for CI-to-CI edges)
  Index relation = kNoIndex;   // the relation behind the edge, when it is one
};

class EstateGraph {
 public:
  using Graph = boost::compressed_sparse_row_graph<boost::bidirectionalS, EstateVertex, EstateEdge>;
  using Vertex = Graph::vertex_descriptor;

  explicit EstateGraph(const Estate& estate);

  const Estate& estate() const { return estate_; }
  const Graph& graph() const { return graph_; }

  Vertex ci_vertex(Index ci) const { return ci; }
  Vertex zone_vertex(Index zone) const { return zone_base_ + zone; }
  Vertex subnet_vertex(Index subnet) const { return subnet_base_ + subnet; }
  Vertex certificate_vertex(Index cert) const { return cert_base_ + cert; }

  // CIs of one class, in index order.
  std::span<const Index> cis_of_class(CiClass cls) const;
  // CIs with an interface in the zone (directly or through one of its subnets), in index order.
  std::span<const Index> cis_in_zone(Index zone) const;

  // Relations of a type leaving / entering a CI, in relation index order.
  std::vector<Neighbour> related_out(Index ci, RelationType type) const;
  std::vector<Neighbour> related_in(Index ci, RelationType type) const;

  // Zones a CI has interfaces in, ascending, without duplicates.
  std::vector<Index> zones_of(Index ci) const;

  // The CA chain above a certificate: issuer, its issuer, ... up to a root or a CA without
  // issuer. The loader refuses cycles, so this ends.
  std::vector<Index> issuer_chain(Index certificate) const;

 private:
  const Estate& estate_;
  Vertex zone_base_ = 0, subnet_base_ = 0, cert_base_ = 0;
  Graph graph_;
  std::array<std::vector<Index>, static_cast<size_t>(CiClass::other) + 1> by_class_;
  std::vector<std::vector<Index>> by_zone_;
};

}  // namespace topocheck
