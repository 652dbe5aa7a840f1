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

-- What a source says whatever the database: a reason that forbids it outright (the internet, a
-- forbidden or user zone), or else the ids of its members that matter, in member order:
-- workstations (marked in `workstation`) and those that only a database's application tier may
-- contain (no network devices, databases or shared classes); `workstations`: whether any is a
-- workstation. Looked up once per source.
local function source_facts(path, ctx)
  if path.source_kind == "internet" then return { reason = "the internet" } end
  local zone = path.source_zone and estate.zone(path.source_zone)
  if zone and ctx.forbidden_kinds[zone.kind] then return { reason = string.format("a %s zone", zone.kind) } end
  if zone and ctx.user_zones[zone.id] then return { reason = "a user zone" } end
  local ids, workstation = {}, {}
  for _, m in ipairs(network.members(path)) do
    if m.class == "workstation" then
      ids[#ids + 1] = m.id
      workstation[#ids] = true
    elseif not common.is_network_device(m) and not ctx.shared[m.class] and not ctx.database_tier(m) then
      ids[#ids + 1] = m.id
    end
  end
  return { ids = ids, workstation = workstation, workstations = next(workstation) ~= nil }
end

-- Why a source (a path or a reaching_sources entry) may not reach the database of `db_ctx`
-- ({tier, self}), or nil.
local function forbidden_reason(path, ctx, db_ctx)
  local facts = ctx.facts(path)
  if facts.reason then return facts.reason end
  -- Without an application tier only workstations are forbidden.
  if not db_ctx.tier then return facts.workstations and "workstations" or nil end
  local tier, self = db_ctx.tier, db_ctx.self
  for k, id in ipairs(facts.ids) do
    if facts.workstation[k] then return "workstations" end
    if not tier[id] and not self[id] then return "outside its application tier (" .. id .. ")" end
  end
  return nil
end

-- The database itself, its hosts and what replicates with them (ids).
local function own_systems(db, hosts)
  local self = { [db.id] = true }
  for _, t in ipairs({ db, table.unpack(hosts) }) do
    self[t.id] = true
    for _, dir in ipairs{"out", "in"} do
      for _, r in ipairs(t:related("replicates_to", dir)) do self[r.ci.id] = true end
    end
  end
  return self
end

-- Where a database's services are reached: the database, or its first host when it has no
-- interfaces of its own.
local function target_of(db)
  local hosts = hosts_of(db)
  if #db.interfaces == 0 and #hosts > 0 then return hosts[1] end
  return db
end

-- Reports a live database that shares a server with an application, and the sources that reach
-- it from outside its application tier. `ask`: network.answers for the target's reach class.
local function check_database(db, ctx, settings, ask)
  for _, s in ipairs(shared_hosts(db)) do
    report(db, string.format("runs on the same server %s as the application %s", s.host.id, s.app.id), {
      key = "shared-host:" .. s.host.id .. ":" .. s.app.id,
      evidence = { { fact = db.id .. " runs on " .. s.host.id, at = db:where() } },
    })
  end
  local hosts = hosts_of(db)
  local target = target_of(db)
  local db_ctx = { tier = app_tier(db, hosts), self = own_systems(db, hosts) }
  local function forbidden(source) return forbidden_reason(source, ctx, db_ctx) ~= nil end
  -- A source's verdict is the same on every service: `seen` (forbidden) and `cleared` (not).
  local bad, reasons, seen, cleared = {}, {}, {}, {}
  for _, svc in ipairs(db.listens) do
    -- Same-zone peers are many: they are only asked for when one of them is forbidden. Sources
    -- come without their paths; only the reported ones are routed hop by hop.
    for _, source in ipairs(network.sources_unless_peers_matter(target, svc, forbidden, ctx.peer_sources, ctx.never_forbidden, ask)) do
      if not seen[source.source] and not cleared[source.source] then
        local reason = forbidden_reason(source, ctx, db_ctx)
        if reason then
          seen[source.source] = true
          bad[#bad + 1] = source
          reasons[#reasons + 1] = string.format("%s (%s) on %s", source.source, reason, source.service)
        else
          cleared[source.source] = true
        end
      end
    end
  end
  if #bad > 0 then
    local first, left = common.first_paths(bad, settings.max_paths)
    local shown = network.paths_of(target, first)
    report(db, "accepts connections from outside its application tier: " .. table.concat(reasons, "; "), {
      key = "sources:" .. network.source_names(bad),
      paths = shown,
      more_paths = left,
    })
  end
end

return {
  id = "TIER-SEPARATION",
  title = "Application and database are separated; a database accepts only its application tier",
  severity = "high",
  cost = "high",  -- routes many sources per CI: started first on a large estate
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
    local database_tier = {}
    local ctx = {
      forbidden_kinds = common.set(settings.forbidden_zone_kinds),
      user_zones = network.user_zones(settings.user_zones),
      shared = common.set(settings.shared_classes),
      peer_sources = {},
      database_tier = function(ci)
        if database_tier[ci.id] == nil then database_tier[ci.id] = is_database_tier(ci) end
        return database_tier[ci.id]
      end,
    }
    ctx.facts = network.per_source(function(path) return source_facts(path, ctx) end)
    -- A source with neither a reason nor members that matter is forbidden for no database.
    ctx.never_forbidden = function(source)
      local facts = ctx.facts(source)
      return facts.reason == nil and #facts.ids == 0
    end
    local live = {}
    for db in estate.cis{class = "database"} do
      if common.is_live(db) then
        checked(db)
        live[#live + 1] = { db = db, target = target_of(db) }
      end
    end
    -- Databases reached alike are asked about once.
    for _, group in ipairs(network.by_reach_class(live, function(d) return d.target end)) do
      local ask = network.answers()
      for _, d in ipairs(group) do check_database(d.db, ctx, settings, ask) end
    end
  end,
}
