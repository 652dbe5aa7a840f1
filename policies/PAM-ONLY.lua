-- PAM-ONLY: administration of customer systems only through the customer's PAM system (or a
-- jump server that is itself administrable only from PAM), with customer AD admin accounts, and
-- an alternative access path for PAM outages.
local common = import("common")
local network = import("network")

-- Evidence items report() keeps per finding (docs/policy-api.md).
local MAX_EVIDENCE = 1000

local function is_pam(ci)
  return ci.class == "pam" and ci.provided_by == "customer"
end

-- The admin services a CI listens on: { {service = "tcp/22"}, ... } as the setting spells them.
local function admin_services(ci, settings)
  local result = {}
  for _, svc in ipairs(settings.admin_services) do
    for _, listened in ipairs(ci.listens) do
      if estate.service_overlaps(listened, svc) then
        result[#result + 1] = svc
        break
      end
    end
  end
  return result
end

-- The known CIs a source stands for (network devices aside), looked up once per source: estates
-- have a few hundred sources and many thousand CIs, each reached by most sources of its zone.
-- Only asked for small sources (see offending_sources), so the cache stays small.
local function source_info(estate, cache, source)
  local info = cache[source]
  if info == nil then
    info = { ids = {}, has = {} }
    for _, m in ipairs(estate.source_members(source)) do
      if not common.is_network_device(m) then
        info.ids[#info.ids + 1] = m.id
        info.has[m.id] = true
      end
    end
    cache[source] = info
  end
  return info
end

-- A known CI of the source other than `ci` is not approved.
local function has_unapproved_other(info, ci, approved)
  for _, id in ipairs(info.ids) do
    if id ~= ci.id and not approved[id] then return true end
  end
  return false
end

-- Sources that reach `svc` of `ci` across a firewall and are not approved, one reaching_sources
-- entry per source (network.paths_of gives their paths);
-- and the sources inside `ci`'s zones, whose CIs reach it with no firewall between
-- ({ zone id = { source, ... } }). A source that stands for no known CI but `ci` itself (its own
-- subnet) is not someone else; one that stands for no known CI at all (an office subnet, a
-- partner link, the internet) is. A source standing for more CIs than are approved, besides
-- `ci`, certainly stands for an unapproved one.
-- `ask`: network.answers for `ci`'s reach class (or estate.reaching_sources).
local function offending_sources(estate, ci, svc, approved, cache, ask)
  local crossing, seen = {}, {}
  local approved_count = 0
  for _ in pairs(approved) do approved_count = approved_count + 1 end
  local paths, peer_sources = ask(ci, svc, { peers = false })
  for _, path in ipairs(paths) do
    if not seen[path.source] then
      local offending = true
      if path.source_kind ~= "internet" and path.source_size <= approved_count + 1 then
        local info = source_info(estate, cache, path.source)
        local others = #info.ids - (info.has[ci.id] and 1 or 0)
        offending = (others == 0 and not info.has[ci.id]) or has_unapproved_other(info, ci, approved)
      end
      if offending then
        seen[path.source] = true
        crossing[#crossing + 1] = path
      end
    end
  end
  return crossing, peer_sources
end

local function sorted_keys(set)
  local keys = {}
  for k in pairs(set) do keys[#keys + 1] = k end
  table.sort(keys)
  return keys
end

-- Inserts `id` into the ascending list `first`, which keeps its `size` smallest entries.
local function keep_smallest(first, id, size)
  if #first == size and id >= first[size] then return end
  local pos = #first + 1
  while pos > 1 and first[pos - 1] > id do pos = pos - 1 end
  table.insert(first, pos, id)
  if #first > size then first[#first] = nil end
end

-- The unapproved CIs behind the sources of a zone: how many, a set for lookups, and the first
-- `limit` + 1 ids in order (enough to name `limit` besides any one CI). The same for every CI of
-- the zone (nothing filters inside a zone, so all its sources reach each of them), hence computed
-- once per zone; each source's members are read once and not kept.
local function zone_peers(estate, cache, approved, zone, sources, limit)
  local key = "zone peers " .. zone
  if cache[key] == nil then
    local set, count, first = {}, 0, {}
    for _, source in ipairs(sources) do
      for _, m in ipairs(estate.source_members(source)) do
        local id = m.id
        if not set[id] and not approved[id] and not common.is_network_device(m) then
          set[id] = true
          count = count + 1
          keep_smallest(first, id, limit + 1)
        end
      end
    end
    cache[key] = { count = count, has = set, first = first }
  end
  return cache[key]
end

-- "srv-02, srv-03" or "srv-02, srv-03, ... and 120 more": the peers of `ci`, at most `limit` named.
local function describe_peers(peers, ci, limit)
  local count = peers.count - (peers.has[ci.id] and 1 or 0)
  local named = {}
  for _, id in ipairs(peers.first) do
    if #named == limit then break end
    if id ~= ci.id then named[#named + 1] = id end
  end
  if count > #named then
    return string.format("%s and %d more", table.concat(named, ", "), count - #named)
  end
  return table.concat(named, ", ")
end

-- Reports the admin services of one CI (`s.ci`, the `s.position`th in scope) that unapproved
-- sources reach across a firewall, and collects those its zone peers reach into peer_findings.
local function check_admin_paths(estate, s, settings, approved, cache, peer_findings, ask)
  local ci = s.ci
  for order, svc in ipairs(admin_services(ci, settings)) do
    local crossing, peer_sources = offending_sources(estate, ci, svc, approved, cache, ask)
    if #crossing > 0 then
      local names = {}
      for _, p in ipairs(crossing) do names[#names + 1] = p.source end
      local first, left = common.first_paths(crossing, settings.max_paths)
      for _, e in ipairs(first) do e.asked = svc end
      report(ci, string.format("administrative service %s is reachable across a firewall from %s, not only from the customer's PAM system",
                               svc, table.concat(names, ", ")), {
        key = "cross:" .. svc .. ":" .. table.concat(names, ","),
        paths = network.paths_of(ci, first),
        more_paths = left,
      })
    end
    for _, zone in ipairs(sorted_keys(peer_sources)) do
      local peers = zone_peers(estate, cache, approved, zone, peer_sources[zone], settings.max_peers_named)
      if peers.count - (peers.has[ci.id] and 1 or 0) > 0 then
        peer_findings[zone] = peer_findings[zone] or {}
        table.insert(peer_findings[zone], { ci = ci, svc = svc, position = s.position, order = order, peers = peers })
      end
    end
  end
end

return {
  id = "PAM-ONLY",
  title = "Administration only through the customer's PAM system",
  severity = "high",
  cost = "high",  -- routes many sources per CI: started first on a large estate
  clause = "003_43a5403071fef7fe.txt §8.4.4, §8.4.2",
  rationale = [[
The contractor must use a PAM system provided by the customer "um jegliche administrative
Tätigkeiten auf den Systemen des Auftraggebers zu protokollieren"; login with an Active Directory
account of the customer; jump servers only as agreed; "Im Falle eines Desasters oder Ausfalls des
PAM-Systems muss der Auftragnehmer alternative Zugangswege ... bereitstellen."]],
  remediation = [[
Restrict the firewall rules for administrative services to the customer's PAM system (or jump
servers reachable only from PAM), use customer AD accounts for administration, and document a
break-glass access path (a CI with break_glass = true).]],
  settings = {
    -- Administrative services: SSH, Telnet, RDP, VNC, WinRM.
    admin_services = { "tcp/22", "tcp/23", "tcp/3389", "tcp/5900", "tcp/5985-5986" },
    max_paths = 5,
    -- Peers named per system in the same-zone finding; the rest are counted.
    max_peers_named = 5,
  },

  check = function(estate, settings)
    local approved, cache = {}, {}
    for pam in estate.cis{class = "pam", provided_by = "customer"} do approved[pam.id] = true end
    if next(approved) == nil then
      notice("the estate names no PAM system provided by the customer (class pam); every administrative path is reported")
    end
    -- Jump servers count as PAM only when PAM (or approved jump servers) alone can administer
    -- them across a firewall. Approving one may clear another that it administers: repeat until
    -- nothing changes, so the result does not depend on the order of the CIs.
    local changed = true
    while changed do
      changed = false
      for jump in estate.cis{class = "jump_server"} do
        if not approved[jump.id] then
          local clean = true
          for _, svc in ipairs(admin_services(jump, settings)) do
            local crossing = offending_sources(estate, jump, svc, approved, cache, estate.reaching_sources)
            if #crossing > 0 then clean = false end
          end
          if clean then
            approved[jump.id] = true
            changed = true
          end
        end
      end
    end

    local peer_findings, in_scope = {}, {}
    for ci in estate.cis() do
      if common.is_live(ci) and ci.provided_by ~= "customer" and not is_pam(ci) then
        in_scope[#in_scope + 1] = { ci = ci, position = #in_scope + 1 }
      end
    end
    -- CIs reached alike are asked about once.
    for _, group in ipairs(network.by_reach_class(in_scope, function(s) return s.ci end)) do
      local ask = network.answers()
      for _, s in ipairs(group) do
        check_admin_paths(estate, s, settings, approved, cache, peer_findings, ask)
      end
    end
    -- Evidence in the order of the CIs, then of the admin services.
    for _, entries in pairs(peer_findings) do
      table.sort(entries, function(a, b)
        if a.position ~= b.position then return a.position < b.position end
        return a.order < b.order
      end)
    end
    -- Peers inside one zone: no firewall between them; one finding per zone, lower severity.
    local zones = {}
    for zone in pairs(peer_findings) do zones[#zones + 1] = zone end
    table.sort(zones)
    for _, zone in ipairs(zones) do
      local entries, evidence, systems, count = peer_findings[zone], {}, {}, 0
      for i, e in ipairs(entries) do
        if not systems[e.position] then
          systems[e.position] = true
          count = count + 1
        end
        -- report() keeps the first MAX_EVIDENCE items: the rest would be made for nothing.
        if i <= MAX_EVIDENCE then
          evidence[i] = { fact = string.format("%s %s is reachable from %s", e.ci.id, e.svc,
                                               describe_peers(e.peers, e.ci, settings.max_peers_named)),
                          at = e.ci:where("listens") }
        end
      end
      report(nil, string.format("administrative services of %d system(s) in zone %s are reachable from peers in the same zone (no firewall between)",
                                count, zone), {
        key = "peers:" .. zone,
        severity = "low",
        at = estate.zone(zone):where(),
        evidence = evidence,
      })
    end

    -- Admin accounts are customer AD accounts.
    for account in estate.accounts() do
      if account.kind == "admin" and (account.directory ~= "ad" or account.owner ~= "customer") then
        report(nil, string.format("admin account %s is not a customer Active Directory account (directory: %s, owner: %s)",
                                  account.id, account.directory or "unset", account.owner or "unset"), {
          key = "account:" .. account.id,
          at = account:where(),
        })
      end
    end

    -- A break-glass path for PAM outages.
    local break_glass = false
    for ci in estate.cis() do
      if ci.break_glass and common.is_live(ci) then break_glass = true end
    end
    if not break_glass then
      report(nil, "no break-glass access path for PAM outages is documented (no CI with break_glass = true)", {
        key = "break-glass",
        severity = "medium",
      })
    end
  end,
}
