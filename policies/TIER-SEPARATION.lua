-- TIER-SEPARATION: application and database run on separate servers, and a database accepts
-- connections only from its application tier.
--   1. A live database that runs_on/hosted_on the same host as an application (class
--      application), or runs_on/hosted_on an application itself, shares its server.
--   2. For each service a live database listens on (its host's network position when the
--      database has no interfaces of its own), a source reaching it is forbidden when it is the
--      internet, lies in a zone of a kind in `forbidden_zone_kinds` (dmz, partner), lies in a
--      user zone (named in `user_zones` or holding a workstation), or stands for a workstation.
--   3. The application tier is declared by depends_on relations to the database (or its host):
--      when the database has such relations, a source whose members include a CI that is not in
--      the tier (not the database, its host, a network device, another database or a class in
--      `shared_classes`) is forbidden too. Without depends_on relations only 2. applies.
local common = import("common")
local network = import("network")

local function hosts_of(ci)
  local hosts = {}
  for _, type in ipairs{"runs_on", "hosted_on"} do
    for _, r in ipairs(ci:related(type, "out")) do hosts[#hosts + 1] = r.ci end
  end
  return hosts
end

-- Applications on the same host as the database, or the host itself when it is an application.
local function shared_hosts(db)
  local found = {}
  for _, host in ipairs(hosts_of(db)) do
    if host.class == "application" then found[#found + 1] = { app = host, host = host } end
    for _, type in ipairs{"runs_on", "hosted_on"} do
      for _, r in ipairs(host:related(type, "in")) do
        if r.ci.class == "application" then found[#found + 1] = { app = r.ci, host = host } end
      end
    end
  end
  return found
end

-- The application tier: CIs with depends_on to the database or one of its hosts (ids), or nil.
local function app_tier(db, hosts)
  local tier, any = {}, false
  for _, target in ipairs({ db, table.unpack(hosts) }) do
    for _, r in ipairs(target:related("depends_on", "in")) do
      tier[r.ci.id] = true
      any = true
      for _, h in ipairs(hosts_of(r.ci)) do tier[h.id] = true end
    end
  end
  return any and tier or nil
end

-- Databases and the servers they run on may reach each other (replication).
local function is_database_tier(ci)
  if ci.class == "database" then return true end
  for _, type in ipairs{"runs_on", "hosted_on"} do
    for _, r in ipairs(ci:related(type, "in")) do
      if r.ci.class == "database" then return true end
    end
  end
  return false
end

local function forbidden_reason(path, ctx)
  if path.source_kind == "internet" then return "the internet" end
  local zone = path.source_zone and estate.zone(path.source_zone)
  if zone and ctx.forbidden_kinds[zone.kind] then return string.format("a %s zone", zone.kind) end
  if zone and ctx.user_zones[zone.id] then return "a user zone" end
  for _, m in ipairs(network.members(path)) do
    if m.class == "workstation" then return "workstations" end
    if ctx.tier and not ctx.tier[m.id] and not ctx.self[m.id] and not common.is_network_device(m)
      and not is_database_tier(m) and not ctx.shared[m.class] then
      return "outside its application tier (" .. m.id .. ")"
    end
  end
  return nil
end

return {
  id = "TIER-SEPARATION",
  title = "Application and database are separated; a database accepts only its application tier",
  severity = "high",
  clause = "001_7ec376e99bc09a3c.txt §B.3",
  rationale = [[
"Die Trennung zwischen Applikationsserver und Datenbankserver stellt sicher, dass der
Datenbankserver keine unautorisierten Zugriffe über den Webserver erhält." "Durch restriktive
Hardware-Firewall-Einstellungen (Port-, URL-Einschränkungen) wird der Zugriff auf das System auf
das Minimalste eingeschränkt." (B.3)]],
  remediation = [[
Run the database on its own server, and restrict the firewall rules for the database services to
the application servers that depend on it (no internet, DMZ or user sources).]],
  settings = {
    -- Zones whose systems must never reach a database.
    forbidden_zone_kinds = { "dmz", "partner", "internet" },
    -- Ids of user zones (zones holding a workstation count anyway).
    user_zones = {},
    -- Classes that may reach a database besides its application tier.
    shared_classes = { "pam", "jump_server", "vuln_scanner", "monitoring", "backup" },
    max_paths = 5,
  },

  check = function(estate, settings)
    local user_zones = network.user_zones(settings.user_zones)
    for db in estate.cis{class = "database"} do
      if common.is_live(db) then
        checked(db)
        for _, s in ipairs(shared_hosts(db)) do
          report(db, string.format("runs on the same server %s as the application %s", s.host.id, s.app.id), {
            key = "shared-host:" .. s.host.id .. ":" .. s.app.id,
            evidence = { { fact = db.id .. " runs on " .. s.host.id, at = db:where() } },
          })
        end
        local hosts = hosts_of(db)
        local target = db
        if #db.interfaces == 0 and #hosts > 0 then target = hosts[1] end
        local ctx = {
          forbidden_kinds = common.set(settings.forbidden_zone_kinds), user_zones = user_zones,
          shared = common.set(settings.shared_classes), tier = app_tier(db, hosts), self = { [db.id] = true },
        }
        for _, t in ipairs({ db, table.unpack(hosts) }) do
          ctx.self[t.id] = true
          for _, dir in ipairs{"out", "in"} do
            for _, r in ipairs(t:related("replicates_to", dir)) do ctx.self[r.ci.id] = true end
          end
        end
        local bad, reasons, seen = {}, {}, {}
        for _, svc in ipairs(db.listens) do
          for _, path in ipairs(estate.sources_reaching(target, svc)) do
            local reason = forbidden_reason(path, ctx)
            if reason and not seen[path.source] then
              seen[path.source] = true
              bad[#bad + 1] = path
              reasons[#reasons + 1] = string.format("%s (%s) on %s", path.source, reason, path.service)
            end
          end
        end
        if #bad > 0 then
          local shown, left = common.first_paths(bad, settings.max_paths)
          report(db, "accepts connections from outside its application tier: " .. table.concat(reasons, "; "), {
            key = "sources:" .. network.source_names(bad),
            paths = shown,
            more_paths = left,
          })
        end
      end
    end
  end,
}
