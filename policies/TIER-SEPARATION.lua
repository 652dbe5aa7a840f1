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
--
-- On a large estate most databases share a reach class with many others and are reached by the
-- same sources. What those sources say is worked out once per class (a plan: the verdicts, the
-- message, the key and the evidence paths), and each database only looks up the few sources its
-- own tier changes. Relations a source's member needs are asked from the member's side, once
-- per CI, not from every database's side.
local common = import("common")
local network = import("network")

local function hosts_of(ci)
  local hosts = {}
  for _, type in ipairs{"runs_on", "hosted_on"} do
    for _, r in ipairs(ci:related(type, "out")) do hosts[#hosts + 1] = r.ci end
  end
  return hosts
end

-- The CIs that run on or are hosted on `ci` (id `id`; runs_on, then hosted_on relations into
-- it): {ids, classes}, asked once per CI. A database's host, a source's member and a source's
-- first member each need them.
local function residents(ci, id, ctx)
  local found = ctx.residents[id]
  if found then return found end
  found = { ids = {}, classes = {} }
  for _, type in ipairs{"runs_on", "hosted_on"} do
    for _, r in ipairs(ci:related(type, "in")) do
      local n = #found.ids + 1
      found.ids[n] = r.ci.id
      found.classes[n] = r.ci.class
    end
  end
  ctx.residents[id] = found
  return found
end

-- The ids of the CIs that `ci` (id `id`) replicates with, either way, asked once per CI.
local function replicas(ci, id, ctx)
  local found = ctx.replicas[id]
  if found then return found end
  found = {}
  for _, dir in ipairs{"out", "in"} do
    for _, r in ipairs(ci:related("replicates_to", dir)) do found[#found + 1] = r.ci.id end
  end
  ctx.replicas[id] = found
  return found
end

-- Applications on the same host as a database (`hosts`: its hosts), or the host itself when it
-- is an application: {app = id, host = id}.
local function shared_hosts(hosts, ctx)
  local found = {}
  for _, host in ipairs(hosts) do
    local host_id = host.id
    if host.class == "application" then found[#found + 1] = { app = host_id, host = host_id } end
    local on = residents(host, host_id, ctx)
    for k, id in ipairs(on.ids) do
      if on.classes[k] == "application" then found[#found + 1] = { app = id, host = host_id } end
    end
  end
  return found
end

-- What a database's verdicts need of its own relations: `depends`, the ids of the CIs with
-- depends_on to the database or one of its hosts (nil when there are none: no application tier),
-- and `own`, the ids of the database and its hosts. The rest of its tier (the dependents' hosts)
-- and of its own systems (what replicates with them) is looked up from the other side
-- (in_tier_or_own), for the few CIs that need it.
local function database_context(db, hosts)
  local own, depends = {}, nil
  for i = 0, #hosts do
    local t = i == 0 and db or hosts[i]  -- the database, then its hosts
    own[t.id] = true
    for _, r in ipairs(t:related("depends_on", "in")) do
      depends = depends or {}
      depends[r.ci.id] = true
    end
  end
  return { depends = depends, own = own }
end

-- Is a CI (view `ci`, id `id`) in the application tier of a database (`db`, see
-- database_context): a dependent or a dependent's host? Or among its own systems: the database,
-- a host, or what replicates with one of them?
local function in_tier_or_own(db, ci, id, ctx)
  local depends, own = db.depends, db.own
  if depends[id] or own[id] then return true end
  for _, x in ipairs(residents(ci, id, ctx).ids) do
    if depends[x] then return true end
  end
  for _, x in ipairs(replicas(ci, id, ctx)) do
    if own[x] then return true end
  end
  return false
end

-- Members of these classes matter to no database: network devices, databases and the shared
-- classes. Decided once per class name (common.is_network_device looks at the class only).
local function class_never_matters(m, class, ctx)
  local never = ctx.class_never_matters[class]
  if never == nil then
    never = class == "database" or ctx.shared[class] == true or common.is_network_device(m)
    ctx.class_never_matters[class] = never
  end
  return never
end

-- What a source says whatever the database: a reason that forbids it outright (the internet, a
-- forbidden or user zone), or else its members (`members`, views), of which those that matter
-- are found only as far as a verdict needs them (member_that_matters). Looked up once per source.
local function source_facts(path, ctx)
  if path.source_kind == "internet" then return { reason = "the internet" } end
  local zone = path.source_zone and estate.zone(path.source_zone)
  if zone and ctx.forbidden_kinds[zone.kind] then return { reason = string.format("a %s zone", zone.kind) } end
  if zone and ctx.user_zones[zone.id] then return { reason = "a user zone" } end
  return { members = network.members(path), looked_at = 0, cis = {}, ids = {}, workstation = {} }
end

-- The k-th member of a source that matters, in member order: a workstation, or a CI that only a
-- database's application tier may contain (no network device, database, server a database runs
-- on, or shared class). Returns its id, its view and whether it is a workstation, or nil when
-- the source has fewer. Members are looked at once, in order, and only as far as asked.
local function member_that_matters(facts, k, ctx)
  local ids, members = facts.ids, facts.members
  while ids[k] == nil and facts.looked_at < #members do
    facts.looked_at = facts.looked_at + 1
    local m = members[facts.looked_at]
    local class = m.class
    local workstation = class == "workstation"
    if workstation or not class_never_matters(m, class, ctx) then
      local id = m.id
      local hosts_database = false
      if not workstation then
        for _, resident in ipairs(residents(m, id, ctx).classes) do
          hosts_database = hosts_database or resident == "database"
        end
      end
      if not hosts_database then
        local n = #ids + 1
        ids[n], facts.cis[n], facts.workstation[n] = id, m, workstation
      end
    end
  end
  return ids[k], facts.cis[k], facts.workstation[k]
end

-- Is any member of a source (one without a reason) a workstation?
local function has_workstation(facts, ctx)
  if facts.workstations == nil then
    local found = false
    for k = 1, #facts.ids do found = found or facts.workstation[k] end
    if ctx.workstations_exist then
      for i = facts.looked_at + 1, #facts.members do
        if found then break end
        found = facts.members[i].class == "workstation"
      end
    end
    facts.workstations = found
  end
  return facts.workstations
end

-- Why a source (its source_facts) may not reach a database (`db`, see database_context), or nil.
local function forbidden_reason(facts, db, ctx)
  if facts.reason then return facts.reason end
  -- Without an application tier only workstations are forbidden.
  if not db.depends then return has_workstation(facts, ctx) and "workstations" or nil end
  local k = 1
  while true do
    local id, ci, workstation = member_that_matters(facts, k, ctx)
    if id == nil then return nil end
    if workstation then return "workstations" end
    if not in_tier_or_own(db, ci, id, ctx) then return "outside its application tier (" .. id .. ")" end
    k = k + 1
  end
end

-- Where a database's services are reached: the database, or its first host when it has no
-- interfaces of its own.
local function target_of(db, hosts)
  if #hosts > 0 and db.interface_count == 0 then return hosts[1] end
  return db
end

-- What the databases of one reach class (`class`, made in check) are reached by on a service,
-- asked once per class: the sources without the same-zone peers (`entries`), and the peer
-- sources that may be forbidden for some database (`suspects`; the others are forbidden for
-- none). Same-zone peers are many: the answer with them (with_peers) is asked for only when a
-- suspect is forbidden for a database. Entries remember the service for paths_of.
local function service_sources(class, target, svc, ctx)
  local answer = class.services[svc]
  if answer then return answer end
  local entries, peer_sources = class.ask(target, svc, { peers = false })
  for _, e in ipairs(entries) do e.asked = svc end
  local suspects = {}
  network.any_peer_source(peer_sources, function(source)
    suspects[#suspects + 1] = source
    return false
  end, ctx.peer_sources, ctx.never_forbidden)
  answer = { entries = entries, suspects = suspects }
  class.services[svc] = answer
  return answer
end

-- The answer of service_sources with the same-zone peers, asked once per class and service.
local function with_peers(answer, class, target, svc)
  if not answer.with_peers then
    answer.with_peers = class.ask(target, svc)
    for _, e in ipairs(answer.with_peers) do e.asked = svc end
  end
  return answer.with_peers
end

-- The sources reaching a class on the services a database listens on (`lists`: one reaching
-- answer per service), each once, in the order first reached: a source's verdict is the same on
-- every service. `facts`: their source_facts; `index`: their positions by label.
local function new_plan(lists, ctx)
  local entries, facts, index = {}, {}, {}
  for _, list in ipairs(lists) do
    for _, e in ipairs(list) do
      if not index[e.source] then
        entries[#entries + 1] = e
        facts[#entries] = ctx.facts(e)
        index[e.source] = #entries
      end
    end
  end
  return { entries = entries, facts = facts, index = index, findings = {} }
end

-- The reaching answer a database gets for a service: with the same-zone peers only when one of
-- them is forbidden for this database (`db`, see database_context).
local function answer_for(db, target, svc, class, ctx)
  local answer = service_sources(class, target, svc, ctx)
  for _, source in ipairs(answer.suspects) do
    if forbidden_reason(ctx.facts(source), db, ctx) then return with_peers(answer, class, target, svc) end
  end
  return answer.entries
end

-- The plan of a database: the sources reaching it on its services. Databases of one class that
-- get the same answers share a plan: `class.plans` is a tree with an edge per answer (its table),
-- so that finding a database's plan makes nothing.
local function plan_of(db, listens, target, class, ctx)
  local node = class.plans
  for _, svc in ipairs(listens) do
    local list = answer_for(db, target, svc, class, ctx)
    local next_node = node[list]
    if next_node == nil then
      next_node = {}
      node[list] = next_node
    end
    node = next_node
  end
  if node.plan == nil then
    local lists = {}
    for _, svc in ipairs(listens) do lists[#lists + 1] = answer_for(db, target, svc, class, ctx) end
    node.plan = new_plan(lists, ctx)
  end
  return node.plan
end

-- Appends `value` to the list `index[key]`, made when needed.
local function add_to(index, key, value)
  local list = index[key]
  if list then list[#list + 1] = value else index[key] = { value } end
end

-- A source's verdict for a database without an application tier (`tiered` false), or for one
-- whose tier and own systems do not hold the source's first member that matters (true): its
-- reason, or false. Worked out once per source.
local function default_reason(facts, tiered, ctx)
  if facts.reason then return facts.reason end
  local key = tiered and "tiered" or "untiered"
  local reason = facts[key]
  if reason == nil then
    if not tiered then
      reason = has_workstation(facts, ctx) and "workstations" or false
    else
      local id, _, workstation = member_that_matters(facts, 1, ctx)
      if id == nil then
        reason = false
      elseif workstation then
        reason = "workstations"
      else
        reason = "outside its application tier (" .. id .. ")"
      end
    end
    facts[key] = reason
  end
  return reason
end

-- What the message says of a source reached on `entry.service` when its default verdict holds
-- ("label (reason) on service"), or false. Sources are reached alike in many classes: kept in
-- its facts, per verdict and service.
local function default_part(facts, tiered, entry, ctx)
  local reason = default_reason(facts, tiered, ctx)
  if not reason then return false end
  local key = tiered and "tiered_parts" or "untiered_parts"
  local parts = facts[key]
  if parts == nil then
    parts = {}
    facts[key] = parts
  end
  local part = parts[entry.service]
  if part == nil then
    part = string.format("%s (%s) on %s", entry.source, reason, entry.service)
    parts[entry.service] = part
  end
  return part
end

-- Files the sources of a plan whose tiered default names their first member under the CIs whose
-- presence in a database's context makes that member part of its tier or own systems:
-- `ctx.by_tier` by dependent (the member itself, or one that runs on it), `ctx.by_own` by own
-- system (the member itself, or one it replicates with). Each source is filed once.
local function file_sources(plan, ctx)
  if plan.filed then return end
  plan.filed = true
  for i, facts in ipairs(plan.facts) do
    if not facts.reason and not facts.filed then
      facts.filed = true
      local label = plan.entries[i].source
      local id, ci, workstation = member_that_matters(facts, 1, ctx)
      if id ~= nil and not workstation then
        add_to(ctx.by_tier, id, label)
        add_to(ctx.by_own, id, label)
        for _, x in ipairs(residents(ci, id, ctx).ids) do add_to(ctx.by_tier, x, label) end
        for _, x in ipairs(replicas(ci, id, ctx)) do add_to(ctx.by_own, x, label) end
      end
    end
  end
end

-- Judges again the sources of a plan that `filed` (ctx.by_tier or ctx.by_own) files under one
-- of `ids`: their tiered default may not hold for this database (`db`). Their verdicts go into
-- `changed` ({source index = reason or false}, made when needed).
local function judge_again(changed, ids, filed, plan, db, ctx)
  for id in pairs(ids) do
    local labels = filed[id]
    for k = 1, labels and #labels or 0 do
      local i = plan.index[labels[k]]
      if i then
        changed = changed or {}
        changed[i] = forbidden_reason(plan.facts[i], db, ctx) or false
      end
    end
  end
  return changed
end

-- The finding for a plan's forbidden sources ({message, key, first, left}), or false: the
-- verdicts are the defaults of `tiered`, but for those in `changed` (or nil).
local function finding_of(plan, tiered, changed, max_paths, ctx)
  local bad, parts, names = {}, {}, {}
  for i, source in ipairs(plan.entries) do
    local part
    if changed and changed[i] ~= nil then
      part = changed[i] and string.format("%s (%s) on %s", source.source, changed[i], source.service)
    else
      part = default_part(plan.facts[i], tiered, source, ctx)
    end
    if part then
      bad[#bad + 1] = source
      parts[#parts + 1] = part
      names[#names + 1] = source.source
    end
  end
  if #bad == 0 then return false end
  local first, left = common.first_paths(bad, max_paths)
  return {
    message = "accepts connections from outside its application tier: " .. table.concat(parts, "; "),
    key = "sources:" .. table.concat(names, ", "),
    first = first,
    left = left,
  }
end

-- Do two hop lists (or two hops, or two locations) hold the same values?
local function same_fields(a, b)
  for k, v in pairs(a) do
    local w = b[k]
    if type(v) == "table" and type(w) == "table" then
      if not same_fields(v, w) then return false end
    elseif v ~= w then
      return false
    end
  end
  for k in pairs(b) do
    if a[k] == nil then return false end
  end
  return true
end

-- Paths into the CI `from_id` made into paths into `to_id`, a CI of the same reach class: the
-- hop that names the target is copied with the other id (its documented fields; evidence_paths
-- checks that there are no others), the other hops are shared. Only what report reads of a path
-- is kept (kind, hops).
local function retargeted(paths, n, from_id, to_id)
  local moved = {}
  for i = 1, n do
    local hops = {}
    for k, hop in ipairs(paths[i].hops) do
      if hop.node == from_id then
        hop = { node = to_id, service = hop.service, via = hop.via, firewall = hop.firewall,
                rule_ref = hop.rule_ref, rule_order = hop.rule_order, nat = hop.nat, where = hop.where }
      end
      hops[k] = hop
    end
    moved[i] = { kind = paths[i].kind, hops = hops }
  end
  return moved
end

-- The evidence paths of a finding shared by the databases of a class (`finding.first`, sources
-- of the class answer), into `target` (id `target_id`). The engine routes the CIs of a reach
-- class alike, so their paths differ only in the hop that names the target, yet asking
-- sources_reaching routes the same sources again for each of them. The first database's paths
-- are asked for and retargeted for the others. The second database's are asked for too and
-- compared: a class whose paths do not retarget to exactly what the engine answers is asked for
-- every database.
local function evidence_paths(class, finding, target, target_id)
  local n = #finding.first
  local known = class.paths[finding]
  if known and known.proven then return retargeted(known.paths, n, known.id, target_id) end
  local paths = network.paths_of(target, finding.first)
  if known == nil then
    local complete = true
    for i = 1, n do complete = complete and paths[i] ~= nil end
    class.paths[finding] = { paths = paths, id = target_id, untried = complete }
  elseif known.untried then
    known.untried = false
    local moved = retargeted(known.paths, n, known.id, target_id)
    local same = true
    for i = 1, n do
      local real = paths[i]
      same = same and real ~= nil and moved[i].kind == real.kind and same_fields(moved[i].hops, real.hops)
    end
    known.proven = same
  end
  return paths
end

-- Reports a live database (`d`: {db, hosts, target}) that shares a server with an application,
-- and the sources that reach it from outside its application tier.
local function check_database(d, ctx, settings, class)
  local db, hosts, target = d.db, d.hosts, d.target
  for _, s in ipairs(shared_hosts(hosts, ctx)) do
    report(db, string.format("runs on the same server %s as the application %s", s.host, s.app), {
      key = "shared-host:" .. s.host .. ":" .. s.app,
      evidence = { { fact = db.id .. " runs on " .. s.host, at = db:where() } },
    })
  end
  local db_ctx = database_context(db, hosts)
  local plan = plan_of(db_ctx, db.listens, target, class, ctx)
  local tiered = db_ctx.depends ~= nil
  local changed
  if tiered then
    file_sources(plan, ctx)
    changed = judge_again(nil, db_ctx.depends, ctx.by_tier, plan, db_ctx, ctx)
    changed = judge_again(changed, db_ctx.own, ctx.by_own, plan, db_ctx, ctx)
  end
  local finding
  if changed then
    finding = finding_of(plan, tiered, changed, settings.max_paths, ctx)
  else
    finding = plan.findings[tiered]
    if finding == nil then
      finding = finding_of(plan, tiered, nil, settings.max_paths, ctx)
      plan.findings[tiered] = finding
    end
  end
  if finding then
    -- A finding of this database's own has no other database to share its paths with.
    local paths = changed and network.paths_of(target, finding.first)
      or evidence_paths(class, finding, target, target.id)
    report(db, finding.message, { key = finding.key, paths = paths, more_paths = finding.left })
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
    local ctx = {
      forbidden_kinds = common.set(settings.forbidden_zone_kinds),
      user_zones = network.user_zones(settings.user_zones),
      shared = common.set(settings.shared_classes),
      peer_sources = {},
      class_never_matters = {},
      residents = {},
      replicas = {},
      by_tier = {},
      by_own = {},
      -- Without workstations in the estate no source has one among its members.
      workstations_exist = false,
    }
    for _ in estate.cis{class = "workstation"} do
      ctx.workstations_exist = true
      break
    end
    ctx.facts = network.per_source(function(path) return source_facts(path, ctx) end)
    -- A source with neither a reason nor members that matter is forbidden for no database.
    ctx.never_forbidden = function(source)
      local facts = ctx.facts(source)
      return facts.reason == nil and member_that_matters(facts, 1, ctx) == nil
    end
    local live = {}
    for db in estate.cis{class = "database"} do
      if common.is_live(db) then
        checked(db)
        local hosts = hosts_of(db)
        live[#live + 1] = { db = db, hosts = hosts, target = target_of(db, hosts) }
      end
    end
    -- Databases reached alike are asked about and judged once.
    for _, group in ipairs(network.by_reach_class(live, function(d) return d.target end)) do
      local class = { ask = network.answers(), services = {}, plans = {}, paths = {} }
      for _, d in ipairs(group) do check_database(d, ctx, settings, class) end
    end
  end,
}
