-- CLOSED-SERVERS: the servers of a closed service communicate only among themselves, plus the
-- declared shared services.
-- A closed service is a `service` value named in `closed_services`; with the list empty, every
-- service with at least `min_members` live servers (classes in `server_classes`). For each such
-- server, every source that reaches it across a firewall (reaching_sources, all services; a path
-- with at least one firewall) is a finding unless the CIs it stands for (its peers; these paths
-- are direct, no proxy talks in their place) are of the same service or of a class in
-- `shared_classes`; the internet, and a source that stands for no known CI, are always foreign.
-- With `declared_dependencies` (default), a CI with a depends_on relation to the server (or to a
-- CI that runs_on/hosted_on it) is a documented interface of the service and belongs too.
-- Traffic inside one zone passes no firewall and is not judged here (SEGMENT-GW and the zone
-- design cover it). One finding per server: how many foreign peers, the first `max_peers` of
-- them by id, and the first path that showed each peer (at most `max_paths`); its key does not
-- name the peers, so it stays the same while they come and go.
local common = import("common")
local network = import("network")

local function closed_services(estate, settings)
  local members = {}
  local classes = common.set(settings.server_classes)
  for ci in estate.cis{class = settings.server_classes} do
    if classes[ci.class] and common.is_live(ci) and ci.service then
      members[ci.service] = members[ci.service] or {}
      table.insert(members[ci.service], ci)
    end
  end
  local closed = {}
  if #settings.closed_services > 0 then
    for _, s in ipairs(settings.closed_services) do closed[s] = members[s] or {} end
  else
    for s, list in pairs(members) do
      if #list >= settings.min_members then closed[s] = list end
    end
  end
  return closed
end

-- CIs with a depends_on relation to `ci` or to a CI running on it (ids).
local function dependants(ci)
  local ids = {}
  local targets = { ci }
  for _, type in ipairs{"runs_on", "hosted_on"} do
    for _, r in ipairs(ci:related(type, "in")) do targets[#targets + 1] = r.ci end
  end
  for _, t in ipairs(targets) do
    for _, r in ipairs(t:related("depends_on", "in")) do ids[r.ci.id] = true end
  end
  return ids
end

-- What a source says about the servers it reaches, looked up once per source: `any` (it stands
-- for any CI at all), and its CIs that are neither shared infrastructure nor network devices.
-- Those with one interface belong to this source alone: they are counted per service
-- (`count[service]`, `total`) and kept sorted (`sorted`, for naming the first few); those with
-- several (`multi`, {id, service} in member order) may stand behind other sources too and are
-- added one by one.
local function source_systems(source, shared)
  local members = network.members(source)
  local info = { any = #members > 0, count = {}, total = 0, sorted = {}, service = {}, multi = {} }
  for _, m in ipairs(members) do
    if not shared[m.class] and not common.is_network_device(m) then
      local id, service = m.id, m.service or false
      if #m.interfaces > 1 then
        info.multi[#info.multi + 1] = { id = id, service = service }
      else
        info.total = info.total + 1
        info.count[service] = (info.count[service] or 0) + 1
        info.sorted[#info.sorted + 1] = id
        info.service[id] = service
      end
    end
  end
  table.sort(info.sorted)
  return info
end

-- The foreign peers of one server: how many, the entries (reaching_sources) that showed them,
-- one per peer in the order found (evidence), and what names them. A peer is a CI the source
-- stands for, of another service, not the server and not declared (see dependants); the
-- internet; or a source that stands for no known CI (by its label).
local function new_peers()
  return { count = 0, bad = {}, seen = {}, named = {}, sources = {} }
end

local function add_evidence(found, entry, n, max_paths)
  for _ = 1, math.min(n, max_paths - #found.bad) do found.bad[#found.bad + 1] = entry end
end

-- A peer that is not among a source's one-interface CIs: counted and named one by one.
local function add_single_peer(found, id, entry, max_paths)
  if found.seen[id] then return end
  found.seen[id] = true
  found.count = found.count + 1
  found.named[#found.named + 1] = id
  add_evidence(found, entry, 1, max_paths)
end

-- Declared CIs among a source's one-interface CIs of another service than `service`.
local function declared_in(info, service, declared)
  local n = 0
  for id in pairs(declared) do
    local s = info.service[id]
    if s ~= nil and s ~= service then n = n + 1 end
  end
  return n
end

-- Adds the foreign peers behind one source that reaches `ci` of `service` across a firewall.
-- sources_reaching's paths are direct (no proxies): the peers are what the source stands for.
local function add_foreign_peers(found, entry, ci, service, ctx)
  if entry.source_kind == "internet" then return add_single_peer(found, "the internet", entry, ctx.max_paths) end
  local info = ctx.systems(entry)
  if not info.any then return add_single_peer(found, entry.source, entry, ctx.max_paths) end
  local ones = info.total - (info.count[service] or 0) - declared_in(info, service, ctx.declared)
  found.count = found.count + ones
  add_evidence(found, entry, ones, ctx.max_paths)
  if ones > 0 then found.sources[#found.sources + 1] = entry.source end
  for _, m in ipairs(info.multi) do
    if m.service ~= service and m.id ~= ci.id and not ctx.declared[m.id] then
      add_single_peer(found, m.id, entry, ctx.max_paths)
    end
  end
end

-- The first `n` ids, ascending, of the one-interface CIs of `sources` (labels) that are not of
-- `service`: the same for every server of a service reached by the same sources, so kept in
-- ctx.first_cache. `complete`: no further id exists (fewer than `n` then).
local function first_foreign(ctx, service, sources, n)
  local key = service .. "|" .. table.concat(sources, "|")
  local hit = ctx.first_cache[key]
  if hit and (hit.complete or hit.n >= n) then return hit end
  local ids, complete = {}, true
  for _, label in ipairs(sources) do
    local info, taken = ctx.systems({ source = label }), 0
    for _, id in ipairs(info.sorted) do
      if info.service[id] ~= service then
        if taken == n then complete = false break end
        ids[#ids + 1] = id
        taken = taken + 1
      end
    end
  end
  table.sort(ids)
  complete = complete and #ids <= n
  for i = #ids, n + 1, -1 do ids[i] = nil end
  hit = { ids = ids, n = n, complete = complete }
  ctx.first_cache[key] = hit
  return hit
end

-- The first `max_peers` foreign peers in sorted order.
local function first_names(found, service, ctx)
  local want = ctx.max_peers
  local declared = 0
  for _ in pairs(ctx.declared) do declared = declared + 1 end
  local names = {}
  for _, id in ipairs(first_foreign(ctx, service, found.sources, want + declared).ids) do
    if #names == want then break end
    if not ctx.declared[id] then names[#names + 1] = id end
  end
  -- The peers counted one by one (few) join the sorted list.
  if #found.named > 0 then
    for _, id in ipairs(found.named) do names[#names + 1] = id end
    table.sort(names)
    for i = #names, want + 1, -1 do names[i] = nil end
  end
  return names
end

-- "from 1 CI outside the service: a" or "from 2973 CIs outside the service: a, b, ... and 2963 more"
local function describe_peers(count, names)
  local text = string.format("%d CI%s outside the service: %s", count, count == 1 and "" or "s", table.concat(names, ", "))
  if count > #names then text = text .. string.format(" and %d more", count - #names) end
  return text
end

-- Findings for one server `ci` of `service`: the foreign peers that reach it across a firewall,
-- counted once each, with the first path that showed each one as evidence (at most max_paths).
-- `ask`: network.answers for the server's reach class.
local function check_server(ci, service, settings, ctx, ask)
  local found = new_peers()
  local sources_done = {}
  ctx.declared = settings.declared_dependencies and dependants(ci) or {}
  -- Same-zone peers cross no firewall: they are not judged here. A source names the same peers
  -- on every path: once is enough.
  for _, entry in ipairs(ask(ci, nil, { peers = false })) do
    if entry.firewall_count > 0 and not sources_done[entry.source] then
      sources_done[entry.source] = true
      add_foreign_peers(found, entry, ci, service, ctx)
    end
  end
  if found.count > 0 then
    local names = first_names(found, service, ctx)
    report(ci, string.format("server of the closed service %s is reachable across a firewall from %s",
                             service, describe_peers(found.count, names)), {
      key = "foreign-peers",
      paths = network.paths_of(ci, found.bad),
      more_paths = found.count - #found.bad,
    })
  end
end

return {
  id = "CLOSED-SERVERS",
  title = "The servers of a closed service communicate only among themselves",
  severity = "medium",
  cost = "high",  -- routes many sources per CI: started first on a large estate
  clause = "004_d83fd7519f0bbbd8.txt §3.3",
  rationale = [[
"Die Server des Gesamtsystems können nur untereinander kommunizieren." (§3.3)]],
  remediation = [[
Restrict the firewall rules towards the service's servers to the service's own servers and the
shared infrastructure services (DNS, NTP, logging, monitoring, PAM ...), or mark the peer as part
of the service (service = ...) if it is.]],
  settings = {
    -- Services whose servers form a closed system; empty: every service with min_members servers.
    closed_services = {},
    min_members = 2,
    -- A CI that depends_on a server of the service (or on what runs on it) may reach it.
    declared_dependencies = true,
    server_classes = { "server", "vm", "container_host", "application", "database" },
    -- Shared infrastructure every closed system may talk to.
    shared_classes = { "dns", "ntp", "siem", "log_server", "monitoring", "pam", "jump_server",
                       "vuln_scanner", "edr_console", "directory", "waf", "load_balancer" },
    max_paths = 5,
    -- Foreign peers named in a finding (the first in sorted order); the rest are counted.
    max_peers = 10,
  },

  check = function(estate, settings)
    local closed = closed_services(estate, settings)
    if next(closed) == nil then
      notice("no closed service: no service has enough servers (service = ...) and none is named in closed_services")
      return
    end
    local shared = common.set(settings.shared_classes)
    local ctx = {
      systems = network.per_source(function(source) return source_systems(source, shared) end),
      first_cache = {},
      max_paths = settings.max_paths,
      max_peers = settings.max_peers,
    }
    local servers = {}
    for _, service in ipairs(network.sorted_keys(closed)) do
      for _, ci in ipairs(closed[service]) do
        checked(ci)
        servers[#servers + 1] = { ci = ci, service = service }
      end
    end
    -- Servers reached alike are asked about once.
    for _, group in ipairs(network.by_reach_class(servers, function(s) return s.ci end)) do
      local ask = network.answers()
      for _, s in ipairs(group) do check_server(s.ci, s.service, settings, ctx, ask) end
    end
  end,
}
