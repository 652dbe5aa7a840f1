-- DDOS: every system the internet reaches on a confirmed path (a public address, NAT or an
-- interface in an internet zone leads there) is protected by the customer's DDoS protection or
-- CDN: the first CI on each confirmed internet path (path.cis[1]) is a CI of class cdn or
-- ddos_protection provided by the customer. Firewalls, routers and the customer's CDN/DDoS CIs
-- themselves are out of scope; a customer WAF is in scope (a WAF does not absorb a volumetric
-- attack). Latent paths (rules only, no public address) are EXPOSURE's business, not this rule's.
-- The clause asks that the public DNS names point at the protection; the estate models no DNS
-- records, so with `origin_counts` (default) a first hop that the customer's CDN/DDoS service
-- itself forwards to (its origin) counts as protected: its public name is served by the CDN,
-- and a direct route to the origin is EXPOSURE's and FW-HYGIENE's business. Set it to false to
-- report origins that the internet also reaches around the CDN.
local common = import("common")

local function is_customer_ddos(ci)
  return ci.provided_by == "customer" and (ci.class == "cdn" or ci.class == "ddos_protection")
end

return {
  id = "DDOS",
  title = "Publicly reachable systems are protected by the customer's DDoS protection or CDN",
  severity = "high",
  clause = "003_43a5403071fef7fe.txt §7.1",
  rationale = [[
"Betreibt der Auftragnehmer für den Auftraggeber öffentlich aus dem Internet erreichbare Systeme,
sind diese in Abstimmung mit dem Auftraggeber über einen zentralen dDoS-Protection-Anbieter oder
ein Content-Delivery-Network (CDN) des Auftraggebers abzusichern. Dafür notwendige DNS-Einträge
sind durch den Auftragnehmer, nach Anforderungen des Auftraggebers, zu setzen." (§7.1)]],
  remediation = [[
Publish the system only through the customer's DDoS protection or CDN (point its public DNS name
there and let the edge firewall admit the internet only from the CDN/DDoS service), or remove the
public address or NAT that leads to it.]],
  settings = {
    -- Paths listed per finding; the rest are counted.
    max_paths = 5,
    -- A CI the customer's CDN/DDoS service forwards to counts as protected (see above).
    origin_counts = true,
  },

  check = function(estate, settings)
    local protection, origins = false, {}
    for edge in estate.cis{class = {"cdn", "ddos_protection"}, provided_by = "customer"} do
      protection = true
      for _, r in ipairs(edge:related("forwards_to")) do origins[r.ci.id] = settings.origin_counts end
    end
    local exposed = 0
    for ci in estate.exposed() do
      if not common.is_network_device(ci) and not is_customer_ddos(ci) then
        exposed = exposed + 1
        checked(ci)
        local exposure = estate.internet_paths(ci)
        local bare, first = {}, {}
        for _, path in ipairs(exposure.paths) do
          if path.kind == "confirmed" and not is_customer_ddos(path.cis[1]) and not origins[path.cis[1].id] then
            bare[#bare + 1] = path
            first[path.cis[1].id] = true
          end
        end
        if #bare > 0 then
          local shown, left = common.first_paths(bare, settings.max_paths)
          local services = common.path_services(bare)
          local firsts = {}
          for id in pairs(first) do firsts[#firsts + 1] = id end
          table.sort(firsts)
          report(ci, string.format("publicly reachable on %s without the customer's DDoS protection or CDN in front (first hop from the internet: %s)",
                                   table.concat(services, ", "), table.concat(firsts, ", ")), {
            key = "unprotected:" .. table.concat(services, ","),
            paths = shown,
            more_paths = left + exposure.more_paths,
            evidence = { { fact = "first rule admitting the internet: " .. common.describe_rule_hop(common.first_rule_hop(bare[1])),
                           at = (common.first_rule_hop(bare[1]) or {}).where } },
          })
        end
      end
    end
    if exposed > 0 and not protection then
      notice("the estate names no DDoS protection or CDN provided by the customer (class cdn or ddos_protection); every public system is reported")
    end
  end,
}
