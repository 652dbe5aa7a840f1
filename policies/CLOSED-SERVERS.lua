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
-- them by id, and one path from each source that showed a peer (at most `max_paths`; more_paths
-- counts the other sources); its key does not name the peers, so it stays the same while they
-- come and go.
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
-- Registers each CI in ctx.owner (its source's label; true when behind several) or ctx.multi.
local function source_systems(source, shared, ctx)
  local members = network.members(source)
  local info = { label = source.source, any = #members > 0, count = {}, total = 0, sorted = {}, service = {}, multi = {} }
  for _, m in ipairs(members) do
    if not shared[m.class] and not common.is_network_device(m) then
      local id, service = m.id, m.service or false
      if m.interface_count > 1 then
        info.multi[#info.multi + 1] = { id = id, service = service }
        ctx.multi[id] = true
      else
        local owner = ctx.owner[id]
        ctx.owner[id] = (owner == nil or owner == source.source) and source.source or true
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

-- The foreign peers that a reach class's sources show a server of `service`: how many
-- (`count`), the sources that showed one (`showing`, the first `max_paths` kept in `bad` as
-- evidence), what names them, and `sources`, the labels whose one-interface CIs are counted. A
-- peer is a CI the source stands for, of another service, not the server (`ci`, nil when no
-- multi-interface CI is the server) and not declared (see dependants); the internet; or a source
-- that stands for no known CI (by its label).
local NONE = {}

local function new_peers()
  return { count = 0, showing = 0, shown = {}, bad = {}, seen = {}, named = {}, sources = {} }
end

-- A peer that is not among a source's one-interface CIs: counted and named one by one.
local function add_single_peer(found, id)
  if found.seen[id] then return end
  found.seen[id] = true
  found.count = found.count + 1
  found.named[#found.named + 1] = id
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

-- Adds the foreign peers behind one source that reaches a server of `service` across a
-- firewall (`info`: its source_systems, false for the internet). sources_reaching's paths are
-- direct (no proxies): the peers are what the source stands for.
local function add_foreign_peers(found, entry, info, ci, service, declared)
  if not info then return add_single_peer(found, "the internet") end
  if not info.any then return add_single_peer(found, entry.source) end
  local ones = info.total - (info.count[service] or 0)
  if next(declared) ~= nil then ones = ones - declared_in(info, service, declared) end
  found.count = found.count + ones
  if ones > 0 then found.sources[#found.sources + 1] = entry.source end
  for _, m in ipairs(info.multi) do
    if m.service ~= service and (ci == nil or m.id ~= ci.id) and not declared[m.id] then
      add_single_peer(found, m.id)
    end
  end
end

-- The first `n` ids, ascending, of the one-interface CIs of `sources` (labels) that are not of
-- `service`: the same for every server of a service reached by the same sources, so kept in
-- ctx.first_cache. `complete`: no further id exists (fewer than `n` then).
local function first_foreign(ctx, service, sources, n, sources_key)
  local key = service .. "|" .. (sources_key or table.concat(sources, "|"))
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
local function first_names(found, service, declared, ctx)
  local want = ctx.max_peers
  local n_declared = 0
  for _ in pairs(declared) do n_declared = n_declared + 1 end
  local names = {}
  for _, id in ipairs(first_foreign(ctx, service, found.sources, want + n_declared, found.sources_key).ids) do
    if #names == want then break end
    if not declared[id] then names[#names + 1] = id end
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

-- The foreign peers that the sources of a reach class (`sources`: {entry, info}, a
-- reaching_sources entry across a firewall and its source_systems, one per source) show a server
-- of `service` with the `declared` dependants (see new_peers).
local function collect(sources, ci, service, declared, ctx)
  local found = new_peers()
  for _, source in ipairs(sources) do
    local before = found.count
    add_foreign_peers(found, source.entry, source.info, ci, service, declared)
    if found.count > before then
      found.showing = found.showing + 1
      found.shown[found.showing] = source
      if #found.bad < ctx.max_paths then found.bad[#found.bad + 1] = source.entry end
    end
  end
  return found
end

-- false when `found` holds no foreign peer, else the finding's message, its evidence entries
-- (`bad`, the first `max_paths` sources that showed a peer) and how many more sources did
-- (`more`).
local function finish(found, service, declared, ctx)
  if found.count == 0 then return false end
  local names = first_names(found, service, declared, ctx)
  return {
    message = string.format("server of the closed service %s is reachable across a firewall from %s",
                            service, describe_peers(found.count, names)),
    bad = found.bad,
    more = found.showing - #found.bad,
  }
end

local function verdict(sources, ci, service, declared, ctx)
  return finish(collect(sources, ci, service, declared, ctx), service, declared, ctx)
end

local NOT_A_SERVICE = {}  -- a service no CI has: every source shows all its one-interface CIs

-- What every source of a reach class shows whatever the service (collect for NOT_A_SERVICE), or
-- false when a source stands for CIs with several interfaces (they are judged one by one).
-- Classes whose sources are the same (`key`: their labels and the single peers) share
-- ctx.by_sources[key]: the verdict per service (the estate has a few such sets and thousands of
-- classes).
local function class_peers(sources, ctx)
  local infos = {}
  for _, source in ipairs(sources) do
    local info = source.info
    if info and info.any then
      if #info.multi > 0 then return false end
      if info.total > 0 then infos[#infos + 1] = info end
    end
  end
  local all = collect(sources, nil, NOT_A_SERVICE, NONE, ctx)
  all.infos = infos
  all.sources_key = table.concat(all.sources, "|")
  local key = all.sources_key .. "\0" .. table.concat(all.named, "|")
  all.by_service = ctx.by_sources[key] or {}
  ctx.by_sources[key] = all.by_service
  return all
end

-- The verdict for a server of `service` without declared dependants, from class_peers (`all`;
-- without it the class's sources are gone through again). The sources show the peers they show
-- every service, less the CIs of `service`; a source that stands for CIs of `service` alone
-- shows none. Count and message are the same for every class with the same sources
-- (all.by_service); the evidence is the class's own.
local function class_verdict(all, sources, service, ctx)
  if not all then return verdict(sources, nil, service, NONE, ctx) end
  local shared = all.by_service[service]
  if shared == nil then
    local same, alone, alone_count = 0, nil, 0
    for _, info in ipairs(all.infos) do
      local n = info.count[service]
      if n then
        same = same + n
        if n == info.total then
          alone = alone or {}
          alone[info.label] = true
          alone_count = alone_count + 1
        end
      end
    end
    shared = false
    if all.count > same then
      local found = { count = all.count - same, showing = 0, bad = {}, named = all.named,
                      sources = all.sources, sources_key = all.sources_key }
      if alone then
        found.sources, found.sources_key = {}, nil
        for _, label in ipairs(all.sources) do
          if not alone[label] then found.sources[#found.sources + 1] = label end
        end
      end
      shared = { message = finish(found, service, NONE, ctx).message, alone = alone, alone_count = alone_count }
    end
    all.by_service[service] = shared
  end
  if not shared then return false end
  if not shared.alone then return { message = shared.message, bad = all.bad, more = all.showing - #all.bad } end
  -- The sources of `service` alone showed peers to every service (they stand for CIs): not here.
  local bad = {}
  for _, source in ipairs(all.shown) do
    if #bad == ctx.max_paths then break end
    if not (source.info and shared.alone[source.info.label]) then bad[#bad + 1] = source.entry end
  end
  return { message = shared.message, bad = bad, more = all.showing - shared.alone_count - #bad }
end

-- Could the server `ci` of `service`, with its `declared` dependants, get another verdict than
-- any server of its service in the reach class whose sources are `in_class` (labels)? Only
-- when a declared CI is a one-interface CI of another service behind one of those sources, or
-- the server or a declared CI is a multi-interface CI behind any source (ctx.owner, ctx.multi:
-- filled by ctx.systems for every source of the class).
local function own_verdict(ci, service, declared, in_class, ctx)
  if ctx.multi[ci.id] then return true end
  for id in pairs(declared) do
    if ctx.multi[id] then return true end
    local owner = ctx.owner[id]
    if owner == true then return true end
    if owner and in_class[owner] and ctx.systems({ source = owner }).service[id] ~= service then return true end
  end
  return false
end

-- Findings for the servers (`group`: {ci, service}) of one reach class: the foreign peers that
-- reach a server across a firewall, counted once each, with the first path of each source that
-- showed one as evidence (at most max_paths). Same-zone peers cross no firewall: they are not
-- judged here. The sources, and the verdict per service, are the same for every server of the
-- class unless its declared dependants or its own id make a difference (own_verdict); both only
-- take peers away, so a server without foreign peers is done before they are looked up.
local function check_class(group, settings, ctx)
  local ask = network.answers()
  local sources, in_class = {}, {}
  for _, entry in ipairs(ask(group[1].ci, nil, { peers = false })) do
    if entry.firewall_count > 0 and not in_class[entry.source] then
      in_class[entry.source] = true
      sources[#sources + 1] = { entry = entry, info = entry.source_kind ~= "internet" and ctx.systems(entry) }
    end
  end
  local all = class_peers(sources, ctx)
  local by_service = {}
  for _, s in ipairs(group) do
    local ci, service = s.ci, s.service
    local v = by_service[service]
    if v == nil then
      v = class_verdict(all, sources, service, ctx)
      by_service[service] = v
    end
    if v then
      local declared = settings.declared_dependencies and dependants(ci) or NONE
      if own_verdict(ci, service, declared, in_class, ctx) then v = verdict(sources, ci, service, declared, ctx) end
    end
    if v then
      report(ci, v.message, { key = "foreign-peers", paths = network.paths_of(ci, v.bad), more_paths = v.more })
    end
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
      owner = {},
      multi = {},
      first_cache = {},
      by_sources = {},
      max_paths = settings.max_paths,
      max_peers = settings.max_peers,
    }
    ctx.systems = network.per_source(function(source) return source_systems(source, shared, ctx) end)
    local servers = {}
    for _, service in ipairs(network.sorted_keys(closed)) do
      for _, ci in ipairs(closed[service]) do
        checked(ci)
        servers[#servers + 1] = { ci = ci, service = service }
      end
    end
    -- Servers reached alike are asked about once.
    for _, group in ipairs(network.by_reach_class(servers, function(s) return s.ci end)) do
      check_class(group, settings, ctx)
    end
  end,
}
