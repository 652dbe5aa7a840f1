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

-- The services of `services` a CI listens on, in the order of `services`.
function network.listened(ci, services)
  local result = {}
  for _, svc in ipairs(services) do
    if network.overlapping(ci.listens, { svc }) then result[#result + 1] = svc end
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
