-- BREAKOUT: the internet breakout and the traffic between data centres pass the customer's
-- firewall cluster with IPS (the customer's SD-WAN firewall), and traffic between data centres
-- is explicitly allowed, never any-to-any.
-- A boundary device is a live CI of a class in `device_classes` (firewall, sdwan_edge, router)
-- with an interface in a zone of kind internet (a breakout), or with interfaces in zones of two
-- or more sites (a link between data centres). For each one:
--   1. a router is a finding (it filters nothing);
--   2. it is the customer's: provided_by = "customer", or managed_by a firewall_manager CI the
--      customer provides (operated by the customer's central management);
--   3. a firewall has ips = true (an sdwan_edge, too, when it sets ips);
--   4. on a device between sites: no allow rule whose source or destination is "any" (or
--      0.0.0.0/0, ::/0), and no default_action = "allow".
local common = import("common")

local function sites_of(ci)
  local sites = {}
  for _, zone in ipairs(ci.zones) do
    if zone.site then sites[zone.site] = true end
  end
  local list = {}
  for s in pairs(sites) do list[#list + 1] = s end
  table.sort(list)
  return list
end

local function faces_internet(ci)
  for _, zone in ipairs(ci.zones) do
    if zone.kind == "internet" then return true end
  end
  return false
end

local function customer_operated(ci)
  if ci.provided_by == "customer" then return true end
  local manager = ci.managed_by
  return manager ~= nil and manager.class == "firewall_manager" and manager.provided_by == "customer"
end

local function is_any(endpoint)
  return endpoint == "any" or endpoint == "cidr:0.0.0.0/0" or endpoint == "cidr:::/0"
end

local function check_inter_site_rules(fw, sites)
  local what = "between data centres " .. table.concat(sites, ", ")
  if fw.default_action == "allow" then
    report(fw, string.format("allows all traffic no rule matches (default_action = \"allow\") %s", what), {
      key = "inter-site:default-allow",
      evidence = { { fact = "default_action = allow", at = fw:where("default_action") } },
    })
  end
  for rule in estate.rules{firewall = fw.id} do
    if rule.action == "allow" then
      local any_from, any_to = false, false
      for _, e in ipairs(rule.from) do any_from = any_from or is_any(e) end
      for _, e in ipairs(rule.to) do any_to = any_to or is_any(e) end
      if any_from or any_to then
        report(fw, string.format("allow rule %d%s admits %s to %s on %s %s: traffic between data centres must be explicitly allowed",
                                 rule.order, rule.ref and (" (" .. rule.ref .. ")") or "",
                                 table.concat(rule.from, ", "), table.concat(rule.to, ", "),
                                 table.concat(rule.services, ", "), what), {
          key = string.format("inter-site:rule:%d", rule.order),
          evidence = { { fact = "rule " .. rule.order, at = rule:where() } },
        })
      end
    end
  end
end

local function check_device(ci, breakout, sites)
  local role = breakout and "internet breakout" or "link between data centres " .. table.concat(sites, ", ")
  if ci.class == "router" then
    report(ci, string.format("router on the %s: the traffic passes no firewall with IPS", role), {
      key = "router",
      evidence = { { fact = "interfaces", at = ci:where("interfaces") } },
    })
    return
  end
  if not customer_operated(ci) then
    report(ci, string.format("%s on the %s is not the customer's (provided by %s, managed by %s)", ci.class, role,
                             ci.provided_by or "unset", ci.managed_by and ci.managed_by.id or "nothing"), {
      key = "not-customer",
      evidence = { { fact = "provided_by = " .. (ci.provided_by or "unset"), at = ci:where("provided_by") } },
    })
  end
  if (ci.class == "firewall" or ci.ips ~= nil) and ci.ips ~= true then
    report(ci, string.format("%s on the %s has no active IPS (ips = %s)", ci.class, role, tostring(ci.ips)), {
      key = "no-ips",
      evidence = { { fact = "ips = " .. tostring(ci.ips), at = ci:where("ips") } },
    })
  end
  if #sites >= 2 and ci.class ~= "router" then check_inter_site_rules(ci, sites) end
end

return {
  id = "BREAKOUT",
  title = "Internet breakout and traffic between data centres pass the customer's IPS firewall",
  severity = "high",
  clause = "003_43a5403071fef7fe.txt §9.10, §9.11, §9.1",
  rationale = [[
"Der gesamte Datenverkehr wird von einem State-of-the-art Firewallcluster, bereitgestellt durch den
Auftraggeber, analysiert und mit Hilfe eines Intrusion-Prevention-System gefiltert." (§9.10)
"Sämtlicher Traffic zwischen den Datacentern des Auftraggebers, so wie ins Internet, wird über die
vom Auftraggeber betriebenen SD WAN Firewall geleitet." (§9.11) The dedicated lines between the
data centres (§9.1) carry only explicitly allowed traffic.]],
  remediation = [[
Route the internet breakout and the links between data centres through the customer's firewall
cluster (provided by the customer or managed by its central firewall management) with IPS
enabled; replace any-to-any rules between sites by explicit rules.]],
  settings = {
    -- Classes of the devices at the breakout and between sites.
    device_classes = { "firewall", "sdwan_edge", "router" },
  },

  check = function(estate, settings)
    local any_site = false
    for zone in estate.zones() do any_site = any_site or zone.site ~= nil end
    if not any_site then
      notice("no zone names its site (data centre): traffic between data centres was not checked")
    end
    for ci in estate.cis{class = settings.device_classes} do
      if common.is_live(ci) then
        checked(ci)
        local sites = sites_of(ci)
        local breakout = faces_internet(ci)
        if breakout or #sites >= 2 then check_device(ci, breakout, sites) end
      end
    end
  end,
}
