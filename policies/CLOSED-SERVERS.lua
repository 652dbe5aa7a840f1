-- CLOSED-SERVERS: the servers of a closed service communicate only among themselves, plus the
-- declared shared services.
-- A closed service is a `service` value named in `closed_services`; with the list empty, every
-- service with at least `min_members` live servers (classes in `server_classes`). For each such
-- server, every source that reaches it across a firewall (sources_reaching, all services; a path
-- with at least one firewall) is a finding unless the CI that actually talks to the server is of
-- the same service or of a class in `shared_classes`. That peer is the last proxy on the path
-- when the path passes one, else the CIs the source stands for; the internet reaching a server
-- directly is always foreign. With `declared_dependencies` (default), a CI with a depends_on
-- relation to the server (or to a CI that runs_on/hosted_on it) is a documented interface of the
-- service and belongs too. Traffic inside one zone passes no firewall and is not judged here
-- (SEGMENT-GW and the zone design cover it).
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

-- The CIs a source stands for that are neither shared infrastructure nor network devices, in
-- member order, as parallel lists `ids` and `services`; `any`: it stands for any CI at all.
-- Depends only on the source, so looked up once per source.
local function source_systems(path, shared)
  local members = network.members(path)
  local ids, services = {}, {}
  for _, m in ipairs(members) do
    if not shared[m.class] and not common.is_network_device(m) then
      ids[#ids + 1] = m.id
      services[#ids] = m.service or false
    end
  end
  return { any = #members > 0, ids = ids, services = services }
end

-- Adds `id` to the peers found for a server, with the path that showed it, unless seen before.
local function add_peer(found, id, path)
  if not found.seen[id] then
    found.seen[id] = true
    found.peers[#found.peers + 1] = id
    found.bad[#found.bad + 1] = path
  end
end

-- Adds the foreign peers of a path into `ci` of `service` to `found`. The peer is the last proxy
-- on the path when it passes one, else the CIs the source stands for (`systems(path)`, see
-- source_systems); the internet reaching the server directly is always foreign.
local function add_foreign_peers(found, path, ci, service, shared, declared, systems)
  if #path.cis >= 2 then
    local peer = path.cis[#path.cis - 1]
    local belongs = peer.id == ci.id or peer.service == service or shared[peer.class]
      or common.is_network_device(peer) or declared[peer.id]
    if not belongs then add_peer(found, peer.id, path) end
    return
  end
  if path.source_kind == "internet" then return add_peer(found, "the internet", path) end
  local source = systems(path)
  if not source.any then return add_peer(found, path.source, path) end
  local ids, services, ci_id = source.ids, source.services, ci.id
  for k = 1, #ids do
    local id = ids[k]
    if services[k] ~= service and id ~= ci_id and not declared[id] then add_peer(found, id, path) end
  end
end

-- Findings for one server `ci` of `service`: the foreign peers that reach it across a firewall,
-- each once, with the first path that showed it.
local function check_server(estate, ci, service, settings, shared, systems)
  local found = { peers = {}, bad = {}, seen = {} }
  local sources_done = {}
  local declared = settings.declared_dependencies and dependants(ci) or {}
  -- Same-zone peers cross no firewall: they are not judged here.
  for _, path in ipairs(estate.sources_reaching(ci, nil, { peers = false })) do
    -- A source judged by its members names the same peers on every path: once is enough.
    local by_members = #path.cis < 2
    if #path.firewalls > 0 and not (by_members and sources_done[path.source]) then
      if by_members then sources_done[path.source] = true end
      add_foreign_peers(found, path, ci, service, shared, declared, systems)
    end
  end
  local bad, peers = found.bad, found.peers
  if #bad > 0 then
    local shown, left = common.first_paths(bad, settings.max_paths)
    report(ci, string.format("server of the closed service %s is reachable across a firewall from %s, outside the service",
                             service, table.concat(peers, ", ")), {
      key = "peers:" .. table.concat(peers, ","),
      paths = shown,
      more_paths = left,
    })
  end
end

return {
  id = "CLOSED-SERVERS",
  title = "The servers of a closed service communicate only among themselves",
  severity = "medium",
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
  },

  check = function(estate, settings)
    local closed = closed_services(estate, settings)
    if next(closed) == nil then
      notice("no closed service: no service has enough servers (service = ...) and none is named in closed_services")
      return
    end
    local shared = common.set(settings.shared_classes)
    local systems = network.per_source(function(path) return source_systems(path, shared) end)
    for _, service in ipairs(network.sorted_keys(closed)) do
      for _, ci in ipairs(closed[service]) do
        checked(ci)
        check_server(estate, ci, service, settings, shared, systems)
      end
    end
  end,
}
