-- SEGMENT-GW: traffic between network segments (zones) always passes a firewall acting as the
-- gateway, and every firewall forwards its logs to the customer's log server.
--   1. A live router with interfaces in two or more zones forwards between them unfiltered.
--   2. A live CI of any other class (except firewalls and the classes in `gateway_classes`) with
--      interfaces in two or more zones bridges them outside the firewall. Interfaces in zones of
--      the kinds in `ignore_zone_kinds` (out-of-band management by default) do not count.
--   3. Every live firewall has `log_to` naming at least one CI of class log_server or siem that
--      the customer provides.
local common = import("common")

-- The zone ids of a CI's interfaces that count as segments.
local function segments(ci, ignore_kinds)
  local ids = {}
  for _, zone in ipairs(ci.zones) do
    if not ignore_kinds[zone.kind] then ids[#ids + 1] = zone.id end
  end
  table.sort(ids)
  return ids
end

local function is_customer_log_server(ci)
  return ci.provided_by == "customer" and (ci.class == "log_server" or ci.class == "siem")
end

local function check_firewall_logs(fw)
  local targets, good = {}, false
  for _, target in ipairs(fw.log_to or {}) do
    targets[#targets + 1] = target.id
    good = good or is_customer_log_server(target)
  end
  if #targets == 0 then
    report(fw, "forwards no logs (log_to is empty); firewalls forward their logs to the customer's log server", {
      key = "no-log-forwarding",
      evidence = { { fact = "firewall " .. fw.id, at = fw:where() } },
    })
  elseif not good then
    report(fw, string.format("forwards its logs only to %s, none a log server or SIEM of the customer",
                             table.concat(targets, ", ")), {
      key = "log-target",
      evidence = { { fact = "log_to = " .. table.concat(targets, ", "), at = fw:where("log_to") } },
    })
  end
end

return {
  id = "SEGMENT-GW",
  title = "Traffic between segments passes a firewall, and firewalls log to the customer",
  severity = "high",
  clause = "003_43a5403071fef7fe.txt §9.7, §9.8",
  rationale = [[
"Der Auftragnehmer stellt sicher, dass Systeme logisch segmentiert werden können." (§9.7) "Die
Firewall ermöglicht die Segmentierung der angebotenen Services auf Netzwerkebene, dient bei
Netzübergängen innerhalb des Datacenters stets als Gateway ... Die Firewall soll zu
Analysezwecken ein Logforwarding auf Logserver des Auftraggebers durchführen." (§9.8)]],
  remediation = [[
Route traffic between zones through a firewall: replace routers between segments by the firewall
or restrict them to one zone, and remove second interfaces of servers that bridge zones. Configure
every firewall to forward its logs to the customer's log server (log_to).]],
  settings = {
    -- Classes that may legitimately sit in several zones besides firewalls.
    gateway_classes = { "sdwan_edge" },
    -- Interfaces in zones of these kinds do not make a CI a bridge (out-of-band management).
    ignore_zone_kinds = { "management" },
  },

  check = function(estate, settings)
    local gateway, ignore = common.set(settings.gateway_classes), common.set(settings.ignore_zone_kinds)
    for ci in estate.cis() do
      if common.is_live(ci) and ci.interface_count > 0 then
        checked(ci)
        if ci.class == "firewall" then
          check_firewall_logs(ci)
        elseif not gateway[ci.class] then
          local zones = segments(ci, ignore)
          if #zones >= 2 then
            local message
            if ci.class == "router" then
              message = string.format("router with interfaces in zones %s forwards between them unfiltered; traffic between segments must pass a firewall",
                                      table.concat(zones, ", "))
            else
              message = string.format("%s with interfaces in zones %s bridges segments outside a firewall",
                                      ci.class, table.concat(zones, ", "))
            end
            report(ci, message, {
              key = "bridge:" .. table.concat(zones, ","),
              evidence = { { fact = "interfaces in " .. table.concat(zones, ", "), at = ci:where("interfaces") } },
            })
          end
        end
      end
    end
  end,
}
