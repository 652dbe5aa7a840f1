-- IDS-IPS: the IPS module is active on every firewall operated for the customer, and every
-- network segment has IDS visibility into its lateral traffic (a central IDS/IPS, a SPAN port
-- or tap feeding one, or endpoint agents on its systems).
local common = import("common")
local inventory = import("inventory")

local function check_firewall(fw)
  if fw.ips == false then
    report(fw, "does not run its IPS module", {
      key = "ips-off",
      evidence = { { fact = "ips: false", at = fw:where("ips") } },
    })
  elseif fw.ips == nil then
    report(fw, "does not record whether its IPS module is active", {
      key = "ips-unknown",
      severity = "medium",
      evidence = { { fact = "ips: not set", at = fw:where() } },
    })
  end
end

-- The endpoint alternative: the zone holds hosts, and every one of them runs an agent of one of
-- the kinds.
local function endpoint_covered(zone, host_classes, agent_kinds)
  if next(agent_kinds) == nil then return false end
  local hosts = 0
  for _, ci in ipairs(zone:cis()) do
    if host_classes[ci.class] and common.is_live(ci) then
      hosts = hosts + 1
      local covered = false
      for _, a in ipairs(ci.agents) do
        if agent_kinds[a.kind] and a.state == "running" then covered = true end
      end
      if not covered then return false end
    end
  end
  return hosts > 0
end

local function describe_gap(zone, agent_kinds)
  local fact = string.format("zone %s: ids_visibility not set", zone.id)
  if #agent_kinds == 0 then return fact end
  return fact .. string.format(", and not every system in it runs an endpoint agent (%s)", table.concat(agent_kinds, ", "))
end

local function check_zones(settings)
  local kinds = common.set(settings.zone_kinds)
  local hosts = common.set(settings.host_classes)
  local agents = common.set(settings.endpoint_agent_kinds)
  for zone in estate.zones() do
    if kinds[zone.kind] and #zone.ids_visibility == 0 and not endpoint_covered(zone, hosts, agents) then
      report(nil, string.format("network segment %s (%s) has no IDS visibility into its lateral traffic",
                                zone.id, zone.kind), {
        key = "no-ids:" .. zone.id,
        at = zone:where(),
        data = { zone = zone.id },
        evidence = { { fact = describe_gap(zone, settings.endpoint_agent_kinds), at = zone:where("ids_visibility") } },
      })
    end
  end
end

return {
  id = "IDS-IPS",
  title = "IPS runs on every firewall and every segment has IDS visibility",
  severity = "high",
  clause = "003_43a5403071fef7fe.txt §7.3",
  rationale = [[
"Der Auftragnehmer stellt eine hinreichende, dem Stand der Technik entsprechende Überwachung des
Netzwerkverkehrs der für den Auftraggeber betriebenen Netzwerke sicher. Dies umfasst: den Betrieb
von IPS-Modulen an den für den Auftraggeber betriebenen Firewalls; den Einsatz eines zentralen
IDS- oder IPS-Moduls oder einer anderweitigen Maßnahme, bspw. über einen SPAN-Port, ein
Tap-Device oder Endpunkt-Agenten, welches Visibilität in den lateralen Traffic innerhalb von
Netzwerksegmenten besitzt."]],
  remediation = [[
Enable the IPS module on the firewall (ips = true). Give every segment IDS visibility: feed its
traffic to the IDS/IPS by SPAN port or tap and record it on the zone (ids_visibility), or run an
endpoint agent with network visibility on every system in it.]],
  settings = {
    -- Classes of devices whose IPS module must run; only CIs provided by `providers` are in scope.
    classes = { "firewall" },
    providers = { "contractor" },
    -- Kinds of zones that are network segments operated for the customer.
    zone_kinds = { "dmz", "internal", "management" },
    -- The endpoint alternative: a zone without ids_visibility passes when every system of these
    -- classes in it runs an agent of one of these kinds (an empty list turns the alternative off).
    host_classes = { "server", "vm", "container_host", "workstation", "jump_server" },
    endpoint_agent_kinds = { "edr" },
  },

  check = function(estate, settings)
    local firewalls = inventory.in_scope(settings.classes, settings.providers)
    if #firewalls > 0 and not inventory.any(firewalls, function(fw) return fw.ips ~= nil end) then
      notice(string.format("none of the %d firewall(s) in scope records whether its IPS module is active (ips); "
                           .. "IPS is not checked", #firewalls))
    else
      for _, fw in ipairs(firewalls) do
        checked(fw)
        check_firewall(fw)
      end
    end
    local visible = false
    for zone in estate.zones() do
      if #zone.ids_visibility > 0 then visible = true end
    end
    if visible then
      check_zones(settings)
    elseif estate.count("zone") > 0 then
      notice("no zone records IDS visibility (ids_visibility); network segments are not checked")
    end
  end,
}
