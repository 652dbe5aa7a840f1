-- WAF-DMZ: internet-reachable systems sit behind the customer's WAF, in a DMZ, with an
-- application-specific WAF rule set.
local common = import("common")

local function in_dmz(ci)
  for _, zone in ipairs(ci.zones) do
    if zone.kind == "dmz" then return true end
  end
  return false
end

local function zone_ids(ci)
  local ids = {}
  for _, zone in ipairs(ci.zones) do ids[#ids + 1] = zone.id end
  return #ids > 0 and table.concat(ids, ", ") or "none"
end

local function passes_customer_waf(path)
  for _, hop_ci in ipairs(path.cis) do
    if common.is_customer_waf(hop_ci) then return true end
  end
  return false
end

return {
  id = "WAF-DMZ",
  title = "Internet-facing systems are behind the customer's WAF, in a DMZ, with their own WAF rules",
  severity = "high",
  clause = "003_43a5403071fef7fe.txt §7.11",
  rationale = [[
Internet-reachable systems require the "Einsatz einer vom Auftraggeber bereitgestellten
Web-Application-Firewall ... sowie die Platzierung in einer demilitarisierenden Zone (DMZ)", with
"spezifische WAF-Regeln für die jeweils abgesicherte Applikation".]],
  remediation = [[
Publish the system only through the customer's WAF, place the systems the WAF forwards to in a
DMZ zone, and give each WAF forwarding an application-specific rule set.]],
  settings = { max_paths = 5 },

  check = function(estate, settings)
    -- Every internet path passes a customer WAF.
    for ci in estate.exposed() do
      if not common.is_network_device(ci) and not common.is_customer_edge(ci) then
        local unprotected = {}
        for _, path in ipairs(estate.internet_paths(ci).paths) do
          if not passes_customer_waf(path) then unprotected[#unprotected + 1] = path end
        end
        if #unprotected > 0 then
          local shown, left = common.first_paths(unprotected, settings.max_paths)
          local services = common.path_services(unprotected)
          report(ci, string.format("reachable from the internet on %s on a path that passes no WAF of the customer",
                                   table.concat(services, ", ")), {
            key = "no-waf:" .. table.concat(services, ","),
            paths = shown,
            more_paths = left,
          })
        end
      end
    end
    -- What a customer WAF forwards to sits in a DMZ and has its own rule set.
    for rel in estate.relations{type = "forwards_to"} do
      local waf, target = rel.from, rel.to
      if common.is_customer_waf(waf) then
        if not in_dmz(target) then
          report(target, string.format("the customer's WAF %s forwards to it, but it is not in a DMZ zone (zones: %s)",
                                       waf.id, zone_ids(target)), {
            key = "not-in-dmz:" .. waf.id,
            evidence = { { fact = string.format("%s forwards_to %s", waf.id, target.id), at = rel:where() },
                         { fact = "interfaces of " .. target.id, at = target:where("interfaces") } },
          })
        end
        if rel.ruleset == nil or rel.ruleset == "default" then
          report(target, string.format("the customer's WAF %s protects it without an application-specific rule set (ruleset: %s)",
                                       waf.id, rel.ruleset or "none"), {
            key = "ruleset:" .. waf.id,
            evidence = { { fact = string.format("%s forwards_to %s with ruleset %s", waf.id, target.id,
                                                rel.ruleset or "(missing)"), at = rel:where("ruleset") } },
          })
        end
      end
    end
  end,
}
