-- HTTPS-ONLY: user interfaces are reachable only over encrypted transport.
-- A live CI (not a firewall or router) that listens on a plaintext service (setting
-- plaintext_services) is a finding when that service is reachable from the internet or from a
-- user zone (named in `user_zones` or holding a workstation) on a path whose first CI is the CI
-- itself: the user talks plaintext to it. A CI reached only through a proxy is judged at the
-- proxy, which is the user-facing interface. With allow_edge_redirect, tcp/80 on the customer's
-- edge devices (WAF, CDN, DDoS protection) is accepted: it serves the redirect to HTTPS.
-- Classes in exempt_classes (CA, proxies, DNS, NTP, DHCP) offer no user interface.
local common = import("common")
local network = import("network")

-- Which users a source stands for: "the internet", "user zone ID", "workstations", or false.
-- Depends only on the source: looked up once per source (see check).
local function source_users(path, user_zones)
  if path.source_kind == "internet" then return "the internet" end
  if path.source_zone and user_zones[path.source_zone] then return "user zone " .. path.source_zone end
  for _, m in ipairs(network.members(path)) do
    if m.class == "workstation" then return "workstations" end
  end
  return false
end

-- The plaintext sources of users reaching `ci` on `svc`, each (source, service) once, added to
-- `bad` and, described, to `whom`. `peer_sources`: see network.any_peer_source; `ask`:
-- network.answers for `ci`'s reach class. The paths of reaching_sources reach `ci` directly (its
-- first CI is `ci` itself, no proxy in between), so a user source talks plaintext to it.
local function user_paths(ci, svc, users, bad, whom, seen, peer_sources, ask)
  -- Same-zone peers are many: they are only asked for when one of them is a user.
  for _, source in ipairs(network.sources_unless_peers_matter(ci, svc, users, peer_sources, nil, ask)) do
    local who = users(source)
    if who and not seen[source.source .. " " .. source.service] then
      seen[source.source .. " " .. source.service] = true
      bad[#bad + 1] = source
      whom[#whom + 1] = string.format("%s from %s", source.service, who)
    end
  end
end

-- The users reaching `ci` (of a reach class listening on `plaintext`) on its plaintext services
-- ({bad = sources, whom = descriptions}); with `redirect`, tcp/80 is left out (see check_class).
-- The same for every CI of the class.
local function plaintext_users(ci, plaintext, redirect, users, peer_sources, ask)
  local found, seen = { bad = {}, whom = {} }, {}
  for _, svc in ipairs(plaintext) do
    if not (redirect and svc == "tcp/80") then
      user_paths(ci, svc, users, found.bad, found.whom, seen, peer_sources, ask)
    end
  end
  return found
end

-- Reports the CIs of one reach class (`group`, listening on `listens`) that users reach on a
-- plaintext service. The users are the same for each CI of the class but for the customer's edge
-- redirect (tcp/80 on a customer edge device, see plaintext_users), which depends on the CI:
-- they are looked up once per case.
local function check_class(group, listens, settings, users, peer_sources)
  local plaintext = network.listened(listens, settings.plaintext_services)
  if #plaintext == 0 then return end
  local may_redirect = false
  if settings.allow_edge_redirect then
    for _, svc in ipairs(plaintext) do may_redirect = may_redirect or svc == "tcp/80" end
  end
  local ask, by_case = network.answers(), {}
  for _, ci in ipairs(group) do
    local redirect = may_redirect and common.is_customer_edge(ci)
    local found = by_case[redirect]
    if found == nil then
      found = plaintext_users(ci, plaintext, redirect, users, peer_sources, ask)
      by_case[redirect] = found
    end
    if #found.bad > 0 then
      local first, left = common.first_paths(found.bad, settings.max_paths)
      local services = common.path_services(found.bad)
      report(ci, "reachable without encryption: " .. table.concat(found.whom, ", "), {
        key = "plaintext:" .. table.concat(services, ","),
        paths = network.paths_of(ci, first),
        more_paths = left,
        evidence = { { fact = "listens on " .. table.concat(plaintext, ", "), at = ci:where("listens") } },
      })
    end
  end
end

return {
  id = "HTTPS-ONLY",
  title = "User interfaces are reachable only over encrypted transport",
  severity = "high",
  cost = "high",  -- routes many sources per CI: started first on a large estate
  clause = "001_7ec376e99bc09a3c.txt §B.3",
  rationale = [[
"Die Oberfläche ist passwortgeschützt und nur über eine verschlüsselte Verbindung (https) zu
erreichen." (B.3)]],
  remediation = [[
Offer the user interface over HTTPS only: close the plaintext listener or the firewall rules that
admit users or the internet to it; let only the customer's edge redirect HTTP to HTTPS.]],
  settings = {
    -- Unencrypted services a user must never reach: HTTP, HTTP-alt, FTP, Telnet.
    plaintext_services = { "tcp/80", "tcp/8080", "tcp/21", "tcp/23" },
    -- Ids of user zones (zones holding a workstation count anyway).
    user_zones = {},
    -- Accept tcp/80 on the customer's WAF/CDN/DDoS protection (HTTP to HTTPS redirect).
    allow_edge_redirect = true,
    -- Infrastructure whose plaintext protocols are no user interface: CRL/OCSP distribution on a
    -- CA, the proxy port of a web proxy (it carries TLS via CONNECT), DNS, NTP, DHCP.
    exempt_classes = { "ca", "swg", "web_proxy", "dns", "ntp", "dhcp" },
    max_paths = 5,
  },

  check = function(estate, settings)
    local user_zones = network.user_zones(settings.user_zones)
    local users = network.per_source(function(path) return source_users(path, user_zones) end)
    local peer_sources = {}
    -- Classes out of scope: the exempt ones and network devices (common.is_network_device), so
    -- that a CI's class is read once.
    local skipped = common.set(settings.exempt_classes)
    skipped.firewall, skipped.router = true, true
    local candidates = {}
    for ci in estate.cis() do
      if not skipped[ci.class] and common.is_live(ci) then candidates[#candidates + 1] = ci end
    end
    -- CIs reached alike listen on the same services and are asked about once.
    for _, group in ipairs(network.by_reach_class(candidates, function(ci) return ci end)) do
      local listens = group[1].listens
      if #listens > 0 then
        for _, ci in ipairs(group) do checked(ci) end
        check_class(group, listens, settings, users, peer_sources)
      end
    end
  end,
}
