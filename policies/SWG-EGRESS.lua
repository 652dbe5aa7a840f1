-- SWG-EGRESS: systems operated for the customer reach the web only through the customer's
-- Secure Web Gateway (class swg, provided by the customer) or CDN.
--   1. No web proxy of the contractor's own: a live CI of class swg or web_proxy not provided by
--      the customer is a finding.
--   2. No firewall rule allows direct web access: an allow rule whose destination is the internet
--      ("any", a zone of kind internet, 0.0.0.0/0, ::/0 or a public IPv4 range) on a web service
--      (setting web_services), from a source that is not the customer's SWG/CDN (by "ci:ID", or
--      a subnet/zone whose members are all customer SWG/CDN CIs), is a finding on the firewall.
--      Rules from the internet itself are inbound and out of scope.
--   3. Where topocheck offers estate.internet_egress(ci), each system in scope (live, not
--      provided by the customer, not a network device) whose web egress paths do not pass the
--      customer's SWG/CDN is a finding, with the paths. Without it: one notice.
--   4. Trust: the SWG's inspection CA issues the certificates the customer's SWG CI lists
--      (`certificates`); every system in scope that declares trust roots must trust a CA of that
--      chain (usually its root). No SWG with such a certificate: one notice.
local common = import("common")
local network = import("network")

local function is_customer_swg(ci)
  return ci.provided_by == "customer" and (ci.class == "swg" or ci.class == "cdn")
end

local function in_scope(ci, settings)
  return common.is_live(ci) and ci.provided_by ~= "customer" and not common.is_network_device(ci)
    and common.set(settings.classes)[ci.class]
end

-- A rule source that stands only for the customer's SWG/CDN.
local function source_is_swg(endpoint)
  local id = network.endpoint_ci(endpoint)
  if id then
    local ci = estate.ci(id)
    return ci ~= nil and is_customer_swg(ci)
  end
  if endpoint == "any" or endpoint:match("^cidr:") then return false end
  local ok, members = pcall(estate.source_members, endpoint)
  if not ok or #members == 0 then return false end
  for _, m in ipairs(members) do
    if not is_customer_swg(m) and not common.is_network_device(m) then return false end
  end
  return true
end

local function direct_web_rules(settings)
  for rule in estate.rules{} do
    if rule.action == "allow" then
      local to_internet, web = false, network.overlapping(rule.services, settings.web_services)
      for _, to in ipairs(rule.to) do
        if network.endpoint_is_internet(to) then to_internet = true end
      end
      if to_internet and web then
        local offending = {}
        for _, from in ipairs(rule.from) do
          local from_internet = from ~= "any" and network.endpoint_is_internet(from)
          if not from_internet and not source_is_swg(from) then offending[#offending + 1] = from end
        end
        if #offending > 0 then
          report(rule.firewall, string.format("allow rule %d%s lets %s reach the internet (%s) on %s directly, not through the customer's SWG",
                                              rule.order, rule.ref and (" (" .. rule.ref .. ")") or "",
                                              table.concat(offending, ", "), table.concat(rule.to, ", "),
                                              table.concat(rule.services, ", ")), {
            key = string.format("rule:%d:%s", rule.order, table.concat(offending, ",")),
            evidence = { { fact = network.describe_rule(rule), at = rule:where() } },
          })
        end
      end
    end
  end
end

local function egress_paths(estate, settings)
  local ok, egress = pcall(function() return estate.internet_egress end)
  if not ok or egress == nil then
    notice("estate.internet_egress is not available: web egress was checked on the firewall rules only, not path by path")
    return
  end
  for ci in estate.cis() do
    if in_scope(ci, settings) and not is_customer_swg(ci) then
      local result, direct = egress(ci), {}
      for _, path in ipairs(result and result.paths or {}) do
        local via_swg = false
        for _, hop_ci in ipairs(path.cis or {}) do
          if hop_ci.id ~= ci.id and is_customer_swg(hop_ci) then via_swg = true end
        end
        if not via_swg then direct[#direct + 1] = path end
      end
      if #direct > 0 then
        local shown, left = common.first_paths(direct, settings.max_paths)
        local services = common.path_services(direct)
        report(ci, string.format("reaches the internet on %s without passing the customer's SWG",
                                 table.concat(services, ", ")), {
          key = "egress:" .. table.concat(services, ","),
          paths = shown,
          more_paths = left,
        })
      end
    end
  end
end

-- The inspection CA: the SWG re-signs inspected traffic with the certificates it lists
-- (`certificates` on the customer's SWG CI); their issuer chains, up to the root, are the CAs a
-- system may trust for inspection to work. As a set of CA ids.
local function inspection_cas(estate)
  local cas, swgs = {}, 0
  for swg in estate.cis{class = "swg", provided_by = "customer"} do
    swgs = swgs + 1
    for _, cert in ipairs(swg.certificates or {}) do
      for _, ca in ipairs(cert:chain()) do cas[ca.id] = true end
    end
  end
  return cas, swgs
end

local function trust_roots(ci)
  local ids = {}
  for _, root in ipairs(ci.trust and ci.trust.roots or {}) do
    ids[#ids + 1] = type(root) == "string" and root or root.id
  end
  return ids
end

local function check_trust(estate, settings)
  local cas, swgs = inspection_cas(estate)
  if next(cas) == nil then
    if swgs > 0 then
      notice("the customer's SWG lists no inspection certificate (certificates): trust in the SWG's inspection was not checked")
    end
    return
  end
  local names = network.sorted_keys(cas)
  for ci in estate.cis() do
    if in_scope(ci, settings) and not is_customer_swg(ci) then
      local roots = trust_roots(ci)
      if #roots > 0 then
        local trusts = false
        for _, id in ipairs(roots) do trusts = trusts or cas[id] == true end
        if not trusts then
          report(ci, string.format("does not trust the customer's SWG inspection CA (%s); trusted roots: %s",
                                   table.concat(names, ", "), table.concat(roots, ", ")), {
            key = "trust:" .. table.concat(names, ","),
            evidence = { { fact = "trust roots: " .. table.concat(roots, ", "), at = ci:where("trust") } },
          })
        end
      end
    end
  end
end

return {
  id = "SWG-EGRESS",
  title = "Internet access only through the customer's Secure Web Gateway",
  severity = "high",
  clause = "003_43a5403071fef7fe.txt §7.5",
  rationale = [[
"Haben durch den Auftragnehmer für den Auftraggeber betriebene Systeme die Notwendigkeit, auf das
Internet zuzugreifen, ist der Traffic über das zentrale Secure Web Gateway (SWG) des Auftraggebers
oder ein CDN des Auftraggebers zu leiten. Es ist eine Vertrauensstellung zwischen den für den
Auftraggeber betriebenen Systemen sowie dem SWG herzustellen, sodass verschlüsselter Traffic
inspiziert werden kann. Durch den Auftragnehmer ist im Rahmen der Vertragsleistungen kein eigenes
SWG oder ein andersartiger Webproxy zu betreiben ... Es sind ohne Absprache keine direkten
Webzugriffe von für den Auftraggeber betriebene Systeme auf das Internet zu erlauben. Dies ist
technisch sicherzustellen." (§7.5)]],
  remediation = [[
Remove firewall rules that let internal systems reach the internet on web ports directly; allow
web egress only from the customer's SWG. Decommission contractor web proxies and point systems at
the customer's SWG. Add the SWG's inspection CA to every system's trust store.]],
  settings = {
    -- Web services whose direct egress is forbidden.
    web_services = { "tcp/80", "tcp/443" },
    -- Classes of the systems that must use the SWG.
    classes = { "server", "vm", "container_host", "workstation", "jump_server", "application", "database" },
    max_paths = 5,
  },

  check = function(estate, settings)
    for ci in estate.cis() do
      if in_scope(ci, settings) then checked(ci) end
    end
    for proxy in estate.cis{class = {"swg", "web_proxy"}} do
      if common.is_live(proxy) and proxy.provided_by ~= "customer" then
        checked(proxy)
        report(proxy, string.format("a web proxy of class %s provided by %s: the contractor must not run its own SWG or web proxy",
                                    proxy.class, proxy.provided_by or "an unknown provider"), {
          key = "own-proxy",
          evidence = { { fact = "provided_by = " .. (proxy.provided_by or "unset"), at = proxy:where("provided_by") } },
        })
      end
    end
    direct_web_rules(settings)
    egress_paths(estate, settings)
    check_trust(estate, settings)
  end,
}
