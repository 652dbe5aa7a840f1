-- Helpers for the network-segmentation policies (DDOS, SWG-EGRESS, SEGMENT-GW, BREAKOUT,
-- TIER-SEPARATION, HTTPS-ONLY, PROD-TEST-SEPARATION, CLOSED-SERVERS): import("network").
local common = import("common")

local network = {}

-- Sorted list of the keys of a set.
function network.sorted_keys(set)
  local keys = {}
  for k in pairs(set) do keys[#keys + 1] = k end
  table.sort(keys)
  return keys
end

-- The zones a CI has interfaces in, by id ({id = zone view}), and their ids sorted.
function network.zones_by_id(ci)
  local zones = {}
  for _, zone in ipairs(ci.zones) do zones[zone.id] = zone end
  return zones, network.sorted_keys(zones)
end

function network.in_zone_of_kind(ci, kind)
  for _, zone in ipairs(ci.zones) do
    if zone.kind == kind then return true end
  end
  return false
end

-- Does a listened service (or any of a list) overlap one of `services`? Returns the first
-- service of `services` that overlaps, or nil.
function network.overlapping(listens, services)
  for _, svc in ipairs(services) do
    for _, listened in ipairs(listens) do
      if estate.service_overlaps(listened, svc) then return svc end
    end
  end
  return nil
end

-- The services of `services` that a CI's `listens` (read once: ci.listens makes a new list on
-- every read) overlap, in the order of `services`.
function network.listened(listens, services)
  local result = {}
  for _, svc in ipairs(services) do
    if network.overlapping(listens, { svc }) then result[#result + 1] = svc end
  end
  return result
end

-- Effective environment of a CI: its own, else the one its zones agree on.
function network.environment(ci)
  if ci.environment then return ci.environment end
  local env
  for _, zone in ipairs(ci.zones) do
    if zone.environment then
      if env and env ~= zone.environment then return nil end
      env = zone.environment
    end
  end
  return env
end

-- A user zone: named in `user_zones`, or holding a workstation.
function network.user_zones(user_zone_ids)
  local users = common.set(user_zone_ids)
  for ws in estate.cis{class = "workstation"} do
    for _, zone in ipairs(ws.zones) do users[zone.id] = true end
  end
  return users
end

-- The CIs a path's source stands for (none for the internet, or for an unknown source).
function network.members(path)
  if path.source_kind == "internet" then return {} end
  local ok, members = pcall(estate.source_members, path.source)
  return ok and members or {}
end

-- Memoises `compute(path)` by the path's source for one policy run: what depends only on the
-- source (its members, its side, whether it is shared infrastructure ...) is worked out once per
-- source, not once per path. Estates have a few hundred sources and many thousand paths naming
-- them. `compute` may read only the source fields of the path (source, source_kind,
-- source_zone). Create one per check; it is no global state.
function network.per_source(compute)
  local cache = {}
  return function(path)
    local value = cache[path.source]
    if value == nil then
      value = compute(path)
      cache[path.source] = value
    end
    return value
  end
end

-- The source fields of a path for a same-zone peer source that sources_reaching{peers = false}
-- named without a path (`label` in zone `zone`; never the internet), for per_source lookups.
function network.peer_source(label, zone)
  return { source = label, source_kind = label:match("^(%a+):"), source_zone = zone }
end

-- Does `test(source fields)` hold for any peer source of a sources_reaching{peers = false}
-- answer ({zone id = {label, ...}})? Peer sources have no paths; a policy that judges them asks
-- for the full answer only when one of them matters. `known` (optional, one per policy run)
-- keeps the source fields made for each label, the same peers coming back for every CI of a
-- zone; with `never(source fields)`, a source for which it holds is never tested again.
function network.any_peer_source(peer_sources, test, known, never)
  known = known or {}
  for zone, labels in pairs(peer_sources) do
    for _, label in ipairs(labels) do
      local source = known[label]
      if source == nil then
        source = network.peer_source(label, zone)
        if never and never(source) then source = false end
        known[label] = source
      end
      if source and test(source) then return true end
    end
  end
  return false
end

-- Items of a list grouped by the reach class of their CI (`ci_of(item)`, estate.reach_class):
-- classes in the order of their first item, items in list order; an item whose CI is a class of
-- its own forms a group alone. CIs of one class get the same reaching_sources answer, so a policy
-- asks once per group (see answers) and keeps one group's answers at a time.
function network.by_reach_class(items, ci_of)
  local groups, index = {}, {}
  for _, item in ipairs(items) do
    local class = estate.reach_class(ci_of(item))
    local group = class and index[class]
    if group == nil then
      group = {}
      groups[#groups + 1] = group
      if class then index[class] = group end
    end
    group[#group + 1] = item
  end
  return groups
end

-- A memo of estate.reaching_sources for the CIs of one reach class: answers(ci, service, opts)
-- asks once per (service, peers option) and then gives the same (shared, not to be changed)
-- answer to every CI of the class. Make one per group of by_reach_class.
function network.answers()
  local memo = {}
  return function(ci, service, opts)
    local key = tostring(service) .. (opts and opts.peers == false and " nopeers" or "")
    local hit = memo[key]
    if hit == nil then
      hit = table.pack(estate.reaching_sources(ci, service, opts))
      memo[key] = hit
    end
    return hit[1], hit[2]
  end
end

-- The sources that reach `ci` on `service` as estate.reaching_sources gives them (one entry per
-- path, without the hops), leaving out those of the same-zone peers unless `peer_matters(source
-- fields)` holds for one of them: a zone's peers are many and alike. The entries kept are those
-- reaching_sources(ci, service) gives, in its order, whenever a left-out peer could not matter to
-- the caller. Each entry remembers the service it was asked for (`asked`), for paths_of.
-- `known`, `never`: see any_peer_source; `ask` (optional): network.answers for `ci`'s reach class.
function network.sources_unless_peers_matter(ci, service, peer_matters, known, never, ask)
  ask = ask or estate.reaching_sources
  local entries, peer_sources = ask(ci, service, { peers = false })
  if network.any_peer_source(peer_sources, peer_matters, known, never) then
    entries = ask(ci, service)
  end
  for _, e in ipairs(entries) do e.asked = service end
  return entries
end

-- The paths (as sources_reaching gives them) of a list of reaching_sources entries into `ci`,
-- in the order of the list: the evidence for the few entries a policy reports. An entry asked
-- for one service (`asked`, see sources_unless_peers_matter) gets the path of that question.
function network.paths_of(ci, entries)
  local by_asked = {}
  for _, e in ipairs(entries) do
    local asked = e.asked or false
    local labels = by_asked[asked]
    if labels == nil then
      labels = {}
      by_asked[asked] = labels
    end
    labels[#labels + 1] = e.source
  end
  -- found[asked][source][service]: the first path of each.
  local found = {}
  for asked, labels in pairs(by_asked) do
    local of_asked = {}
    found[asked] = of_asked
    for _, p in ipairs(estate.sources_reaching(ci, asked or nil, { sources = labels })) do
      local of_source = of_asked[p.source]
      if of_source == nil then
        of_source = {}
        of_asked[p.source] = of_source
      end
      if of_source[p.service] == nil then of_source[p.service] = p end
    end
  end
  local paths = {}
  for i, e in ipairs(entries) do
    local of_source = found[e.asked or false][e.source]
    paths[i] = of_source and of_source[e.service]
  end
  return paths
end

-- Is an IPv4 CIDR outside the private, loopback and link-local ranges (the internet)?
local function public_ipv4(cidr)
  local a, b = cidr:match("^(%d+)%.(%d+)%.")
  a, b = tonumber(a), tonumber(b)
  if a == nil then return false end
  if a == 0 then return cidr:match("/0$") ~= nil end
  if a == 10 or a == 127 then return false end
  if a == 172 and b >= 16 and b <= 31 then return false end
  if a == 192 and b == 168 then return false end
  if a == 169 and b == 254 then return false end
  if a == 100 and b >= 64 and b <= 127 then return false end
  return true
end

-- Does a rule endpoint ("any", "zone:ID", "cidr:...", ...) stand for (part of) the internet?
function network.endpoint_is_internet(endpoint)
  if endpoint == "any" then return true end
  local kind, value = endpoint:match("^(%a+):(.+)$")
  if kind == "zone" then
    local zone = estate.zone(value)
    return zone ~= nil and zone.kind == "internet"
  elseif kind == "cidr" then
    return value == "::/0" or public_ipv4(value)
  end
  return false
end

-- Is a CI one of `ids` (a set of CI ids) by a rule endpoint "ci:ID"?
function network.endpoint_ci(endpoint)
  return endpoint:match("^ci:(.+)$")
end

-- "fw-1 rule 100 (CHG0100)" for a rule view.
function network.describe_rule(rule)
  if rule.ref then return string.format("%s rule %d (%s)", rule.firewall.id, rule.order, rule.ref) end
  return string.format("%s rule %d", rule.firewall.id, rule.order)
end

-- Paths from the same source listed once (the first per source), in input order.
function network.one_per_source(paths)
  local seen, kept = {}, {}
  for _, p in ipairs(paths) do
    if not seen[p.source] then
      seen[p.source] = true
      kept[#kept + 1] = p
    end
  end
  return kept
end

-- The sources of a list of paths, "a, b".
function network.source_names(paths)
  local names = {}
  for _, p in ipairs(paths) do names[#names + 1] = p.source end
  return table.concat(names, ", ")
end

return network
