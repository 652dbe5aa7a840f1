-- DNS-NTP: every contractor system resolves names with the customer's DNS and takes its time from
-- the customer's NTP; DHCP comes only from the customer's DDI system; every private address
-- range in use has been agreed with the customer.
local inventory = import("inventory")

-- One base service (dns or ntp) of a CI: it names servers, and all of them are the customer's.
local function check_service(ci, field, what)
  local servers = ci[field]
  if #servers == 0 then
    report(ci, string.format("names no %s server; it must use the customer's %s service", what, what), {
      key = "no-" .. field,
      evidence = { { fact = field .. ": none", at = ci:where(field) } },
    })
    return
  end
  for _, server in ipairs(servers) do
    if server.provided_by ~= "customer" then
      report(ci, string.format("uses %s %s (provided by %s), not the customer's %s service", what, server.id,
                               inventory.provider_noun(server.provided_by), what), {
        key = "foreign-" .. field .. ":" .. server.id,
        evidence = { { fact = field .. ": " .. inventory.describe_cis(servers), at = ci:where(field) } },
      })
    end
  end
end

local function check_dhcp()
  for dhcp in estate.cis{class = "dhcp"} do
    if dhcp.lifecycle ~= "retired" and dhcp.lifecycle ~= "planned" and dhcp.provided_by ~= "customer" then
      checked(dhcp)
      report(dhcp, string.format("is a DHCP service provided by %s; DHCP comes only from the customer's DDI system",
                                 inventory.provider_noun(dhcp.provided_by)), {
        key = "foreign-dhcp",
        evidence = { { fact = "class dhcp, provided_by: " .. (dhcp.provided_by or "not set"),
                       at = dhcp:where("provided_by") } },
      })
    end
  end
end

-- Private subnets whose range the customer has not agreed to. Returns false when no subnet
-- records `agreed` at all (no data).
local function check_ranges(private_ranges)
  local any_recorded, unagreed = false, {}
  for subnet in estate.subnets() do
    if subnet.agreed ~= nil then any_recorded = true end
    local range = inventory.range_holding(subnet.cidr, private_ranges)
    if range ~= nil and subnet.agreed ~= true then unagreed[#unagreed + 1] = { subnet = subnet, range = range } end
  end
  if not any_recorded then return false end
  for _, u in ipairs(unagreed) do
    local subnet = u.subnet
    local state = subnet.agreed == false and "has not been agreed" or "has no record of being agreed"
    report(nil, string.format("private address range %s (subnet %s) %s with the customer", subnet.cidr, subnet.id, state), {
      key = "unagreed-range:" .. subnet.id,
      at = subnet:where(),
      data = { subnet = subnet.id, cidr = subnet.cidr },
      evidence = { { fact = string.format("subnet %s: cidr %s (inside %s), agreed: %s", subnet.id, subnet.cidr, u.range,
                                          tostring(subnet.agreed == nil and "not set" or subnet.agreed)),
                     at = subnet:where("agreed") } },
    })
  end
  return true
end

return {
  id = "DNS-NTP",
  title = "Systems use the customer's DNS, NTP and DHCP, on agreed address ranges",
  severity = "medium",
  clause = "003_43a5403071fef7fe.txt §9.5",
  rationale = [[
"Der Auftraggeber stellt einen DNS Service zur Verfügung, der für alle Systeme des Auftragnehmers
genutzt werden muss." "Der Auftragnehmer muss die verwendeten, privaten IP Adressräume vorab mit
dem Auftraggeber abstimmen. DHCP Services werden bei Bedarf exklusiv durch das DDI-System des
Auftraggebers bereitgestellt. Außerdem wird der NTP Service durch den Auftraggeber auf diesem
System betrieben."]],
  remediation = [[
Point the system's resolver and time source at the customer's DNS and NTP servers only (the
customer's DNS may forward external names to the contractor's resolvers, the systems may not
use them directly), take DHCP from the customer's DDI system, and agree every private address
range with the customer before using it (subnet.agreed = true).]],
  settings = {
    -- Classes of systems that must use the customer's DNS and NTP; only CIs provided by
    -- `providers` are in scope.
    classes = { "server", "vm", "container_host", "workstation", "jump_server", "firewall", "router",
                "load_balancer", "reverse_proxy", "waf", "web_proxy", "swg", "sdwan_edge" },
    providers = { "contractor" },
    -- Address ranges that count as private: a subnet inside one of them needs the customer's
    -- agreement.
    private_ranges = { "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7" },
  },

  check = function(estate, settings)
    local cis = inventory.in_scope(settings.classes, settings.providers)
    local services = { { field = "dns", what = "DNS" }, { field = "ntp", what = "NTP" } }
    local present = {}
    for _, s in ipairs(services) do
      present[s.field] = inventory.any(cis, function(ci) return #ci[s.field] > 0 end)
      if #cis > 0 and not present[s.field] then
        notice(string.format("none of the %d system(s) in scope names its %s servers (%s); %s use is not checked",
                             #cis, s.what, s.field, s.what))
      end
    end
    for _, ci in ipairs(cis) do
      if present.dns or present.ntp then checked(ci) end
      for _, s in ipairs(services) do
        if present[s.field] then check_service(ci, s.field, s.what) end
      end
    end
    check_dhcp()
    if estate.count("subnet") > 0 and not check_ranges(settings.private_ranges) then
      notice("no subnet records whether its address range was agreed with the customer (agreed); "
             .. "address ranges are not checked")
    end
  end,
}
