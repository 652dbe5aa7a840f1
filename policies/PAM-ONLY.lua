-- PAM-ONLY: administration of customer systems only through the customer's PAM system (or a
-- jump server that is itself administrable only from PAM), with customer AD admin accounts, and
-- an alternative access path for PAM outages.
local common = import("common")
local network = import("network")

-- Evidence items report() keeps per finding (docs/policy-api.md).
local MAX_EVIDENCE = 1000

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

-- A known CI of the source other than the one with id `id` is not approved.
local function has_unapproved_other(info, id, approved)
  for _, other in ipairs(info.ids) do
    if other ~= id and not approved[other] then return true end
  end
  return false
end

-- How many keys a set has.
local function count_keys(set)
  local n = 0
  for _ in pairs(set) do n = n + 1 end
  return n
end

-- Of `entries` (reaching_sources{peers = false} into the CI with id `id`; `id` nil: a CI that
-- none of their sources stands for), those whose sources are not approved, the first entry per
-- source (network.paths_of gives their paths). A source that stands for no known CI but that CI
-- itself (its own subnet) is not someone else; one that stands for no known CI at all (an office
-- subnet, a partner link, the internet) is. A source standing for more CIs than are approved,
-- besides that CI, certainly stands for an unapproved one.
local function offending_sources(estate, entries, id, approved, cache)
  local crossing, seen = {}, {}
  local approved_count = count_keys(approved)
  for _, path in ipairs(entries) do
    if not seen[path.source] then
      local offending = true
      if path.source_kind ~= "internet" and path.source_size <= approved_count + 1 then
        local info = source_info(estate, cache, path.source)
        local others = #info.ids - (info.has[id] and 1 or 0)
        offending = (others == 0 and not info.has[id]) or has_unapproved_other(info, id, approved)
      end
      if offending then
        seen[path.source] = true
        crossing[#crossing + 1] = path
      end
    end
  end
  return crossing
end

-- The CIs of the reach class of `ci` that the sources of `entries` stand for, as far as
-- offending_sources looks into them ({id = true}, or nil for none): only for those does the
-- verdict differ from the one for a CI that none of the sources stands for.
local function looked_into(estate, ci, entries, approved, cache)
  local class, ids = estate.reach_class(ci), nil
  local approved_count = count_keys(approved)
  for _, path in ipairs(entries) do
    if path.source_kind ~= "internet" and path.source_size <= approved_count + 1 then
      for _, id in ipairs(source_info(estate, cache, path.source).ids) do
        local member = estate.ci(id)
        if member == ci or (class ~= nil and estate.reach_class(member) == class) then
          ids = ids or {}
          ids[id] = true
        end
      end
    end
  end
  return ids
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
-- once per zone; each source's members are read once and not kept. The zone's finding is
-- gathered in the same table (see add_peer_finding).
local function zone_peers(ctx, zone, sources)
  local key = "zone peers " .. zone
  if ctx.cache[key] == nil then
    local set, count, first, size = {}, 0, {}, ctx.settings.max_peers_named + 1
    local approved, network_devices = ctx.approved, ctx.network_devices
    for _, source in ipairs(sources) do
      for _, m in ipairs(estate.source_members(source)) do
        local id = m.id
        if not set[id] and not approved[id] and not network_devices[id] then
          set[id] = true
          count = count + 1
          -- keep_smallest's own first test, without a call for most members.
          local last = first[size]
          if last == nil or id < last then keep_smallest(first, id, size) end
        end
      end
    end
    ctx.cache[key] = { zone = zone, count = count, has = set, first = first, systems = 0, evidence = {} }
    ctx.zones[zone] = ctx.cache[key]
  end
  return ctx.cache[key]
end

-- "srv-02, srv-03" or "srv-02, srv-03, ... and 120 more": the peers of the CI with id `id`, at
-- most `limit` named.
local function describe_peers(peers, id, limit)
  local count = peers.count - (peers.has[id] and 1 or 0)
  local named = {}
  for _, other in ipairs(peers.first) do
    if #named == limit then break end
    if other ~= id then named[#named + 1] = other end
  end
  if count > #named then
    return string.format("%s and %d more", table.concat(named, ", "), count - #named)
  end
  return table.concat(named, ", ")
end

-- describe_peers for the CI with id `id`. Only the first few peers are named: a CI that is not
-- one of them is described like any other that is (or is not) a peer, so the text is made once
-- per zone for each of those two cases.
local function peers_text(peers, id, limit)
  for _, other in ipairs(peers.first) do
    if other == id then return describe_peers(peers, id, limit) end
  end
  local case = peers.has[id] and "text_peer" or "text_other"
  peers[case] = peers[case] or describe_peers(peers, id, limit)
  return peers[case]
end

-- What every CI of one reach class (that of `ci`) shares for the admin service `svc`: the
-- reaching_sources{peers = false} entries, those offending for a CI that none of their sources
-- stands for (`crossing`), the CIs for which that may differ (`looked_into`, nil for none), and
-- the peers of each zone whose sources reach the class with no firewall between (`zones`, see
-- zone_peers), in the order of the zone ids.
local function class_service(ctx, ci, svc)
  local entries, peer_sources = estate.reaching_sources(ci, svc, { peers = false })
  local zones = {}
  for _, zone in ipairs(sorted_keys(peer_sources)) do
    zones[#zones + 1] = zone_peers(ctx, zone, peer_sources[zone])
  end
  return {
    svc = svc,
    entries = entries,
    crossing = offending_sources(estate, entries, nil, ctx.approved, ctx.cache),
    looked_into = looked_into(estate, ci, entries, ctx.approved, ctx.cache),
    zones = zones,
  }
end

-- class_service for each admin service of `ci`: a reach class listens on the same services.
local function class_answers(ctx, ci)
  local answers = {}
  for _, svc in ipairs(admin_services(ci, ctx.settings)) do
    answers[#answers + 1] = class_service(ctx, ci, svc)
  end
  return answers
end

-- Reports that unapproved sources (`crossing`) reach the admin service `svc` of `ci` across a
-- firewall.
local function report_crossing(ci, svc, crossing, settings)
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

-- Adds the admin service `svc` of `ci` (id `id`), the `position`th CI in scope, to the finding
-- of the zone of `peers`. CIs come in scope order, their services in the order of the setting;
-- report() keeps the first MAX_EVIDENCE items, so the rest are counted and not made.
local function add_peer_finding(peers, ci, id, position, svc, limit)
  if peers.last ~= position then
    peers.last = position
    peers.systems = peers.systems + 1
  end
  if #peers.evidence < MAX_EVIDENCE then
    peers.evidence[#peers.evidence + 1] = {
      fact = id .. " " .. svc .. " is reachable from " .. peers_text(peers, id, limit),
      at = ci:where("listens"),
    }
  end
end

-- Judges the admin services of `ci`, the `position`th CI in scope; `answers`: class_answers for
-- its reach class. Reports those that unapproved sources reach across a firewall, and adds
-- those its zone peers reach to the zones' findings. ci.id is read only when the verdict or the
-- evidence needs it: on a large estate the field reads are much of what a CI costs.
local function check_ci(ctx, ci, position, answers)
  local id
  for _, answer in ipairs(answers) do
    local crossing = answer.crossing
    if answer.looked_into then
      id = id or ci.id
      if answer.looked_into[id] then
        crossing = offending_sources(estate, answer.entries, id, ctx.approved, ctx.cache)
      end
    end
    if #crossing > 0 then report_crossing(ci, answer.svc, crossing, ctx.settings) end
    for _, peers in ipairs(answer.zones) do
      -- Peers besides the CI itself: with two or more there are always some.
      local reached = peers.count > 1
      if peers.count == 1 then
        id = id or ci.id
        reached = not peers.has[id]
      end
      if reached then
        if #peers.evidence < MAX_EVIDENCE then id = id or ci.id end
        add_peer_finding(peers, ci, id, position, answer.svc, ctx.settings.max_peers_named)
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
            local entries = estate.reaching_sources(jump, svc, { peers = false })
            if #offending_sources(estate, entries, jump.id, approved, cache) > 0 then clean = false end
          end
          if clean then
            approved[jump.id] = true
            changed = true
          end
        end
      end
    end

    -- One pass over the CIs: those in scope (live, not the customer's own, which includes its PAM
    -- systems), and whether one documents a break-glass path.
    local in_scope, break_glass = {}, false
    for ci in estate.cis() do
      if common.is_live(ci) then
        break_glass = break_glass or ci.break_glass
        if ci.provided_by ~= "customer" then in_scope[#in_scope + 1] = ci end
      end
    end
    -- Firewalls and routers by id: zone_peers leaves them out without reading every member's class.
    local network_devices = {}
    for device in estate.cis{class = { "firewall", "router" }} do network_devices[device.id] = true end
    -- `zones`: the zone_peers of every zone met, by zone id.
    local ctx = { settings = settings, approved = approved, cache = cache,
                  network_devices = network_devices, zones = {} }
    -- CIs reached alike are asked about once.
    local answers_of = {}
    for _, group in ipairs(network.by_reach_class(in_scope, function(ci) return ci end)) do
      local answers = class_answers(ctx, group[1])
      for _, ci in ipairs(group) do answers_of[ci] = answers end
    end
    -- In scope order: the evidence of a zone's finding follows the order of the CIs.
    for position, ci in ipairs(in_scope) do check_ci(ctx, ci, position, answers_of[ci]) end
    -- Peers inside one zone: no firewall between them; one finding per zone, lower severity.
    for _, zone in ipairs(sorted_keys(ctx.zones)) do
      local peers = ctx.zones[zone]
      if peers.systems > 0 then
        report(nil, string.format("administrative services of %d system(s) in zone %s are reachable from peers in the same zone (no firewall between)",
                                  peers.systems, zone), {
          key = "peers:" .. zone,
          severity = "low",
          at = estate.zone(zone):where(),
          evidence = peers.evidence,
        })
      end
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
    if not break_glass then
      report(nil, "no break-glass access path for PAM outages is documented (no CI with break_glass = true)", {
        key = "break-glass",
        severity = "medium",
      })
    end
  end,
}
