// Reference resolution: one table describes every reference field (who owns it, what it names,
// how messages spell it, which class the target must have), and one switch finds the model
// field a reference fills.
#include "checker/load/references.h"

#include <algorithm>
#include <functional>
#include <future>
#include <optional>
#include <thread>

#include "checker/load/load_context.h"

namespace topocheck {
namespace {

struct SlotInfo {
  Table owner;
  Table target;  // for rule endpoints: decided by the endpoint's kind
  const char* field;
  const char* subfield = nullptr;  // "subnet" in "interfaces[0].subnet"
  bool list = false;               // the field is a list: messages name the element
  std::optional<CiClass> required_class = std::nullopt;
  bool optional = false;  // a missing target is no error (fixed_by_change may name any change)
};

SlotInfo slot_info(RefSlot slot) {
  using T = Table;
  switch (slot) {
    case RefSlot::zone_ids_visibility:
      return {.owner = T::zone, .target = T::ci, .field = "ids_visibility", .list = true};
    case RefSlot::subnet_zone:
      return {.owner = T::subnet, .target = T::zone, .field = "zone"};
    case RefSlot::rule_firewall:
      return {.owner = T::rule,
              .target = T::ci,
              .field = "firewall",
              .required_class = CiClass::firewall};
    case RefSlot::rule_from:
      return {.owner = T::rule, .target = T::ci, .field = "from", .list = true};
    case RefSlot::rule_to:
      return {.owner = T::rule, .target = T::ci, .field = "to", .list = true};
    case RefSlot::nat_firewall:
      return {.owner = T::nat,
              .target = T::ci,
              .field = "firewall",
              .required_class = CiClass::firewall};
    case RefSlot::nat_to_ci:
      return {.owner = T::nat, .target = T::ci, .field = "to_ci"};
    case RefSlot::ci_interface_subnet:
      return {.owner = T::ci,
              .target = T::subnet,
              .field = "interfaces",
              .subfield = "subnet",
              .list = true};
    case RefSlot::ci_interface_zone:
      return {.owner = T::ci,
              .target = T::zone,
              .field = "interfaces",
              .subfield = "zone",
              .list = true};
    case RefSlot::ci_trust_root:
      return {.owner = T::ci,
              .target = T::ci,
              .field = "trust.roots",
              .list = true,
              .required_class = CiClass::ca};
    case RefSlot::ci_certificate:
      return {.owner = T::ci, .target = T::certificate, .field = "certificates", .list = true};
    case RefSlot::ci_dns:
      return {.owner = T::ci, .target = T::ci, .field = "dns", .list = true};
    case RefSlot::ci_ntp:
      return {.owner = T::ci, .target = T::ci, .field = "ntp", .list = true};
    case RefSlot::ci_log_target:
      return {.owner = T::ci, .target = T::ci, .field = "log_targets", .list = true};
    case RefSlot::ci_monitored_by:
      return {.owner = T::ci, .target = T::ci, .field = "monitored_by", .list = true};
    case RefSlot::ci_managed_by:
      return {.owner = T::ci, .target = T::ci, .field = "managed_by"};
    case RefSlot::ci_log_to:
      return {.owner = T::ci, .target = T::ci, .field = "log_to", .list = true};
    case RefSlot::ci_issuer:
      return {.owner = T::ci, .target = T::ci, .field = "issuer", .required_class = CiClass::ca};
    case RefSlot::relation_from:
      return {.owner = T::relation, .target = T::ci, .field = "from"};
    case RefSlot::relation_to:
      return {.owner = T::relation, .target = T::ci, .field = "to"};
    case RefSlot::certificate_issuer:
      return {.owner = T::certificate,
              .target = T::ci,
              .field = "issuer",
              .required_class = CiClass::ca};
    case RefSlot::vulnerability_ci:
      return {.owner = T::vulnerability, .target = T::ci, .field = "ci"};
    case RefSlot::vulnerability_fixed_by_change:
      return {.owner = T::vulnerability,
              .target = T::change,
              .field = "fixed_by_change",
              .optional = true};
    case RefSlot::change_ci:
      return {.owner = T::change, .target = T::ci, .field = "cis", .list = true};
  }
  return {.owner = T::ci, .target = T::ci, .field = "?", .optional = true};
}

// A reference as the resolver sees it, whether queued or not yet copied into the queue.
struct RefView {
  RefSlot slot;
  Index entity;
  uint32_t position;
  SourceLoc loc;
  std::string_view id;
};

template <typename T>
T* element(std::vector<T>& v, uint32_t i) {
  return i < v.size() ? &v[i] : nullptr;
}

Endpoint* endpoint(Estate& e, const RefView& p) {
  Rule* rule = element(e.rules, p.entity);
  if (rule == nullptr) return nullptr;
  return element(p.slot == RefSlot::rule_from ? rule->from : rule->to, p.position);
}

Index* index_in(std::vector<Index>& v, uint32_t i) { return element(v, i); }

Index* ci_slot(Ci& ci, const RefView& p) {
  switch (p.slot) {
    case RefSlot::ci_interface_subnet: {
      Interface* i = element(ci.interfaces, p.position);
      return i ? &i->subnet : nullptr;
    }
    case RefSlot::ci_interface_zone: {
      Interface* i = element(ci.interfaces, p.position);
      return i ? &i->zone : nullptr;
    }
    case RefSlot::ci_trust_root:
      return index_in(ci.trust.roots, p.position);
    case RefSlot::ci_certificate:
      return index_in(ci.certificates, p.position);
    case RefSlot::ci_dns:
      return index_in(ci.dns, p.position);
    case RefSlot::ci_ntp:
      return index_in(ci.ntp, p.position);
    case RefSlot::ci_log_target:
      return index_in(ci.log_targets, p.position);
    case RefSlot::ci_monitored_by:
      return index_in(ci.monitored_by, p.position);
    case RefSlot::ci_managed_by:
      return &ci.managed_by;
    case RefSlot::ci_log_to:
      return index_in(ci.log_to, p.position);
    case RefSlot::ci_issuer:
      return &ci.issuer;
    default:
      return nullptr;
  }
}

// The model field the reference fills, or nullptr when the entity does not exist (defensive:
// readers create the entity and size its lists before adding references).
Index* slot_field(Estate& e, const RefView& p) {
  switch (p.slot) {
    case RefSlot::zone_ids_visibility: {
      Zone* z = element(e.zones, p.entity);
      return z ? index_in(z->ids_visibility, p.position) : nullptr;
    }
    case RefSlot::subnet_zone: {
      Subnet* s = element(e.subnets, p.entity);
      return s ? &s->zone : nullptr;
    }
    case RefSlot::rule_firewall: {
      Rule* r = element(e.rules, p.entity);
      return r ? &r->firewall : nullptr;
    }
    case RefSlot::rule_from:
    case RefSlot::rule_to: {
      Endpoint* ep = endpoint(e, p);
      return ep ? &ep->target : nullptr;
    }
    case RefSlot::nat_firewall:
    case RefSlot::nat_to_ci: {
      Nat* n = element(e.nats, p.entity);
      if (n == nullptr) return nullptr;
      return p.slot == RefSlot::nat_firewall ? &n->firewall : &n->to_ci;
    }
    case RefSlot::relation_from:
    case RefSlot::relation_to: {
      Relation* r = element(e.relations, p.entity);
      if (r == nullptr) return nullptr;
      return p.slot == RefSlot::relation_from ? &r->from : &r->to;
    }
    case RefSlot::certificate_issuer: {
      Certificate* c = element(e.certificates, p.entity);
      return c ? &c->issuer : nullptr;
    }
    case RefSlot::vulnerability_ci:
    case RefSlot::vulnerability_fixed_by_change: {
      Vulnerability* v = element(e.vulnerabilities, p.entity);
      if (v == nullptr) return nullptr;
      return p.slot == RefSlot::vulnerability_ci ? &v->ci : &v->fixed_by_change_index;
    }
    case RefSlot::change_ci: {
      Change* c = element(e.changes, p.entity);
      return c ? index_in(c->cis, p.position) : nullptr;
    }
    default: {
      Ci* ci = element(e.cis, p.entity);
      return ci ? ci_slot(*ci, p) : nullptr;
    }
  }
}

Table target_table(Estate& e, const RefView& p, const SlotInfo& info) {
  if (p.slot != RefSlot::rule_from && p.slot != RefSlot::rule_to) return info.target;
  const Endpoint* ep = endpoint(e, p);
  if (ep == nullptr) return info.target;
  switch (ep->kind) {
    case Endpoint::Kind::zone:
      return Table::zone;
    case Endpoint::Kind::subnet:
      return Table::subnet;
    default:
      return Table::ci;
  }
}

// "interfaces[0].subnet", "dns[2]", "firewall"
std::string field_key(const SlotInfo& info, uint32_t position) {
  std::string key = info.field;
  if (info.list) key += "[" + std::to_string(position) + "]";
  if (info.subfield != nullptr) key += std::string(".") + info.subfield;
  return key;
}

void report(const LoadContext& ctx, Diagnostics& out, const RefView& p, const SlotInfo& info,
            std::string problem) {
  std::string key = field_key(info, p.position);
  out.error(ctx.path(p.loc.file), p.loc.line, p.loc.column,
            std::string(table_name(info.owner)) + "." + key,
            "field '" + key + "' of " + describe_entity(ctx, info.owner, p.entity) + ": " + problem);
}

// Finds the target and checks its class; writes it into the model field when both hold.
// Returns false when the target is not (yet) defined.
// Messages go to `out`: ctx.diags, or one part's own list when the queue is resolved in parts.
bool try_resolve(LoadContext& ctx, const RefView& p, Diagnostics& out) {
  SlotInfo info = slot_info(p.slot);
  Table target = target_table(ctx.estate, p, info);
  auto* map = id_map(ctx.estate, target);
  auto it = map->find(p.id);
  if (it == map->end()) return false;
  if (info.required_class && target == Table::ci) {
    const Ci& ci = ctx.estate.cis[it->second];
    if (ci.cls != *info.required_class) {
      report(ctx, out, p, info,
             "ci \"" + std::string(p.id) + "\" has class " + ci.class_name +
                 ", expected a ci of class " + std::string(to_string(*info.required_class)));
      return true;
    }
  }
  if (Index* field = slot_field(ctx.estate, p)) *field = it->second;
  return true;
}

}  // namespace

void add_reference(LoadContext& ctx, RefSlot slot, Index entity, uint32_t position,
                   std::string_view id, const SourceLoc& at) {
  if (!ctx.shard && try_resolve(ctx, RefView{slot, entity, position, at, id}, ctx.diags)) return;
  ctx.pending.push_back(PendingRef{slot, entity, position, at, std::string(id)});
}

void add_reference(LoadContext& ctx, PendingRef&& ref) {
  if (!ctx.shard && try_resolve(ctx, RefView{ref.slot, ref.entity, ref.position, ref.loc, ref.id}, ctx.diags)) {
    return;
  }
  ctx.pending.push_back(std::move(ref));
}

Table reference_owner(RefSlot slot) { return slot_info(slot).owner; }

namespace {

void resolve_range(LoadContext& ctx, size_t begin, size_t end, Diagnostics& out) {
  for (size_t i = begin; i < end; ++i) {
    const PendingRef& queued = ctx.pending[i];
    RefView p{queued.slot, queued.entity, queued.position, queued.loc, queued.id};
    if (try_resolve(ctx, p, out)) continue;
    SlotInfo info = slot_info(p.slot);
    if (info.optional) continue;
    std::string target(table_name(target_table(ctx.estate, p, info)));
    report(ctx, out, p, info, "no " + target + " with id \"" + queued.id + "\"");
  }
}

}  // namespace

void resolve_references(LoadContext& ctx) {
  // Each queued reference fills a model field of its own and the id maps are only read now, so
  // a long queue (a million CIs leave about ten million) is resolved in parts, one per core;
  // each part's messages are added in queue order.
  const size_t n = ctx.pending.size();
  const size_t parts =
      n < 200000 ? 1 : std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 8);
  if (parts == 1) {
    resolve_range(ctx, 0, n, ctx.diags);
  } else {
    std::vector<Diagnostics> found(parts);
    std::vector<std::future<void>> running;
    for (size_t k = 0; k < parts; ++k) {
      running.push_back(std::async(std::launch::async, resolve_range, std::ref(ctx), n * k / parts,
                                   n * (k + 1) / parts, std::ref(found[k])));
    }
    for (auto& r : running) r.get();
    for (const Diagnostics& d : found) ctx.diags.append(d);
  }
  ctx.pending.clear();
  ctx.pending.shrink_to_fit();
}

}  // namespace topocheck
