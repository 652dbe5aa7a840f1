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

-- The foreign peers of a path into `ci` of `service` (ids), empty when the peer belongs.
local function foreign_peers(path, ci, service, shared, declared)
  local function belongs(m)
    return m.id == ci.id or m.service == service or shared[m.class] or common.is_network_device(m)
      or declared[m.id]
  end
  if #path.cis >= 2 then
    local peer = path.cis[#path.cis - 1]
    return belongs(peer) and {} or { peer.id }
  end
  if path.source_kind == "internet" then return { "the internet" } end
  local foreign = {}
  local members = network.members(path)
  if #members == 0 then return { path.source } end
  for _, m in ipairs(members) do
    if not belongs(m) then foreign[#foreign + 1] = m.id end
  end
  return foreign
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
    for _, service in ipairs(network.sorted_keys(closed)) do
      for _, ci in ipairs(closed[service]) do
        checked(ci)
        local bad, peers, seen = {}, {}, {}
        local declared = settings.declared_dependencies and dependants(ci) or {}
        for _, path in ipairs(estate.sources_reaching(ci)) do
          if #path.firewalls > 0 then
            for _, p in ipairs(foreign_peers(path, ci, service, shared, declared)) do
              if not seen[p] then
                seen[p] = true
                peers[#peers + 1] = p
                bad[#bad + 1] = path
              end
            end
          end
        end
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
    end
  end,
}
