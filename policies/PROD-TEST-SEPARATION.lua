-- PROD-TEST-SEPARATION: production and test are separated: no CI serves both, and no network
-- flow is allowed between them.
-- A CI's environment is its own `environment`, else the one of its zones. Production is the
-- environments in `prod` (prod, dr), test the ones in `test` (test, dev).
--   1. A live CI (not a firewall or router) with interfaces in a production zone and in a test zone serves both.
--   2. A runs_on, hosted_on, depends_on or replicates_to relation between a production CI and a
--      test CI (either way) makes one serve the other: a finding on the relation's `from` CI.
--   3. A live CI of one side that a source of the other side reaches (sources_reaching, all
--      services) is a finding; the source's side is its zone's environment, else the environments
--      of the CIs it stands for (firewalls and routers with an interface in it do not count). Sources that stand only for shared infrastructure
--      (shared_classes: PAM, monitoring, scanners ...) serve both sides and are not judged.
local common = import("common")
local network = import("network")

local RELATIONS = { "runs_on", "hosted_on", "depends_on", "replicates_to" }

local function side_of(env, sides)
  if env == nil then return nil end
  return sides[env]
end

-- The CIs a source stands for, without the firewalls and routers that merely have an interface
-- in it: a production firewall's leg in the office subnet does not make the office production.
local function source_systems(path)
  local systems = {}
  for _, m in ipairs(network.members(path)) do
    if not common.is_network_device(m) then systems[#systems + 1] = m end
  end
  return systems
end

-- The side a source belongs to, or nil (the internet, shared infrastructure, no or mixed
-- environments). Depends only on the source: looked up once per source (see check).
local function source_side(path, sides, shared)
  if path.source_kind == "internet" then return nil end
  local members = source_systems(path)
  local all_shared = #members > 0
  for _, m in ipairs(members) do all_shared = all_shared and shared[m.class] == true end
  if all_shared then return nil end
  local zone = path.source_zone and estate.zone(path.source_zone)
  if zone and zone.environment then return side_of(zone.environment, sides) end
  local found
  for _, m in ipairs(members) do
    local s = side_of(network.environment(m), sides)
    if s and found and s ~= found then return nil end
    found = s or found
  end
  return found
end

local function zone_sides(ci, sides)
  local by_side = {}
  for _, zone in ipairs(ci.zones) do
    local s = side_of(zone.environment, sides)
    if s then
      by_side[s] = by_side[s] or {}
      table.insert(by_side[s], zone.id)
    end
  end
  return by_side
end

-- Reports a CI (live, not a firewall or router) with interfaces in a production and a test zone.
local function check_zones(ci, sides)
  local by_side = zone_sides(ci, sides)
  if by_side.prod and by_side.test then
    report(ci, string.format("has interfaces in production zone(s) %s and test zone(s) %s",
                             table.concat(by_side.prod, ", "), table.concat(by_side.test, ", ")), {
      key = "zones",
      evidence = { { fact = "interfaces", at = ci:where("interfaces") } },
    })
  end
end

-- Reports the relations that make a CI of one side serve one of the other.
local function check_relations(sides)
  for _, type in ipairs(RELATIONS) do
    for rel in estate.relations{type = type} do
      local from = rel.from
      local a = side_of(network.environment(from), sides)
      -- The other end matters only when this one has a side.
      if a then
        local to = rel.to
        local b = side_of(network.environment(to), sides)
        if b and a ~= b and common.is_live(from) and common.is_live(to) then
          report(from, string.format("%s system %s %s, a %s system", a, type, to.id, b), {
            key = type .. ":" .. to.id,
            evidence = { { fact = string.format("%s %s %s", from.id, type, to.id), at = rel:where() } },
          })
        end
      end
    end
  end
end

-- The sources of the other side that reach a CI of `side` in `ci`'s reach class, and the
-- finding's message and key; false for none. The same for every CI of the class and side.
-- `side_of_source(path)` is source_side memoised per source, false for no side; `peer_sources`:
-- see network.any_peer_source; `ask`: network.answers for the class.
local function flows_into(ci, side, side_of_source, peer_sources, ask)
  local function other_side(path)
    local s = side_of_source(path)
    return s and s ~= side
  end
  -- Same-zone peers are many: they are only asked for when one of them is of the other side.
  local bad, seen = {}, {}
  for _, source in ipairs(network.sources_unless_peers_matter(ci, nil, other_side, peer_sources, nil, ask)) do
    if other_side(source) and not seen[source.source] then
      seen[source.source] = true
      bad[#bad + 1] = source
    end
  end
  if #bad == 0 then return false end
  local other = side == "prod" and "test" or "prod"
  return {
    bad = bad,
    message = string.format("%s system reachable from %s: %s on %s", side, other,
                            network.source_names(network.one_per_source(bad)),
                            table.concat(common.path_services(bad), ", ")),
    key = "flow:" .. network.source_names(bad),
  }
end

-- Reports the CIs of one reach class (`group`, {ci, side} each) that sources of the other side
-- reach. The sources are judged once per side of the class; only the reported CIs are routed.
local function check_flows(group, settings, side_of_source, peer_sources)
  local ask, flows = network.answers(), {}
  for _, j in ipairs(group) do
    local found = flows[j.side]
    if found == nil then
      found = flows_into(j.ci, j.side, side_of_source, peer_sources, ask)
      flows[j.side] = found
    end
    if found then
      local first, left = common.first_paths(found.bad, settings.max_paths)
      report(j.ci, found.message, {
        key = found.key,
        paths = network.paths_of(j.ci, first),
        more_paths = left,
      })
    end
  end
end

return {
  id = "PROD-TEST-SEPARATION",
  title = "Production and test are separated",
  severity = "high",
  cost = "high",  -- routes many sources per CI: started first on a large estate
  clause = "001_7ec376e99bc09a3c.txt §B.4",
  rationale = [[
"Es gibt eine physische Trennung zwischen der Produktiv- und der Testumgebung mit dedizierten
Servern und Umgebungen. Die Testumgebung ist von der Produktivumgebung getrennt, damit die zu
testende Software keinen Schaden für den produktiven Betrieb anrichten kann." (B.4)]],
  remediation = [[
Give test its own servers and zones: move test CIs off production hosts, remove dependencies and
replication between the environments, and delete firewall rules that let one reach the other.]],
  settings = {
    prod = { "prod", "dr" },
    test = { "test", "dev" },
    -- Shared infrastructure that serves both environments; flows from it are not judged.
    shared_classes = { "pam", "jump_server", "vuln_scanner", "monitoring", "siem", "log_server", "dns",
                       "ntp", "directory", "edr_console", "firewall_manager" },
    max_paths = 5,
  },

  check = function(estate, settings)
    local sides = {}
    for _, e in ipairs(settings.prod) do sides[e] = "prod" end
    for _, e in ipairs(settings.test) do sides[e] = "test" end
    -- The sides of the zones (few). A CI without an environment of its own takes its zones'.
    local any_env, zone_present = false, {}
    for zone in estate.zones() do
      any_env = any_env or zone.environment ~= nil
      local s = side_of(zone.environment, sides)
      if s then zone_present[s] = true end
    end
    -- One pass over the CIs: reports those with interfaces in zones of both sides (none without
    -- such zones), records the checked ones (`candidates`, their sides in `candidate_sides`), and
    -- finds the sides present, those of the zones and of the CIs' own environments: of any CI
    -- (`present_any`, a relation joins two CIs) and of the systems (`present`, source_side reads
    -- nothing else).
    local present, present_any = {}, {}
    for s in pairs(zone_present) do present[s], present_any[s] = true, true end
    local zones_of_both = zone_present.prod and zone_present.test
    local candidates, candidate_sides = {}, {}
    for ci in estate.cis() do
      local env = ci.environment
      local own = side_of(env, sides)
      local network_device = common.is_network_device(ci)
      any_env = any_env or env ~= nil
      if own then
        present_any[own] = true
        if not network_device then present[own] = true end
      end
      if not network_device and common.is_live(ci) then
        -- A CI with one interface has one zone.
        if zones_of_both and ci.interface_count > 1 then check_zones(ci, sides) end
        local side = own
        if env == nil then side = side_of(network.environment(ci), sides) end
        if side and ci.interface_count > 0 then
          checked(ci)
          candidates[#candidates + 1] = ci
          candidate_sides[#candidates] = side
        end
      end
    end
    if not any_env then
      notice("neither zones nor CIs name their environment: production and test could not be told apart")
      return
    end
    -- Without a CI of each side, no relation joins the sides.
    if present_any.prod and present_any.test then check_relations(sides) end
    -- A checked CI's side is present: its flows are judged when the other side is present too,
    -- otherwise no source is of the other side.
    if not (present.prod and present.test) then return end
    local judged = {}
    for k, ci in ipairs(candidates) do judged[k] = { ci = ci, side = candidate_sides[k] } end
    local shared = common.set(settings.shared_classes)
    local side_of_source = network.per_source(function(path) return source_side(path, sides, shared) or false end)
    local peer_sources = {}
    -- CIs reached alike are asked about once.
    for _, group in ipairs(network.by_reach_class(judged, function(j) return j.ci end)) do
      check_flows(group, settings, side_of_source, peer_sources)
    end
  end,
}
