-- Helpers shared by the bundled policies: import("common").
local common = {}

-- Systems that exist (not only planned, not retired) are in scope of operational rules.
function common.is_live(ci)
  local lc = ci.lifecycle
  return lc ~= "planned" and lc ~= "retired"
end

-- A set from a list: set{"a", "b"}["a"] == true.
function common.set(list)
  local s = {}
  for _, v in ipairs(list or {}) do s[v] = true end
  return s
end

-- "a, b, c" from a list of strings or views (views by id).
function common.join(list, sep)
  local parts = {}
  for i, v in ipairs(list or {}) do
    parts[i] = type(v) == "string" and v or (v.id or tostring(v))
  end
  return table.concat(parts, sep or ", ")
end

-- The customer's root CAs: CIs of class ca with root = true, provided by the customer.
function common.customer_roots()
  local roots = {}
  for ca in estate.cis{class = "ca", provided_by = "customer"} do
    if ca.root then roots[#roots + 1] = ca end
  end
  return roots
end

-- "{kind} {product} ({provided_by}, {state}, {role})" for an agent table.
function common.describe_agent(a)
  local details = {}
  for _, k in ipairs{"provided_by", "state", "role"} do
    if a[k] then details[#details + 1] = a[k] end
  end
  return string.format("%s agent %s (%s)", a.kind, a.product or "?", table.concat(details, ", "))
end

-- Network devices are the boundary, not exposed systems.
function common.is_network_device(ci)
  return ci.class == "firewall" or ci.class == "router"
end

-- The customer's edge protection: a WAF, CDN or DDoS service provided by the customer.
function common.is_customer_edge(ci)
  return ci.provided_by == "customer"
    and (ci.class == "waf" or ci.class == "cdn" or ci.class == "ddos_protection")
end

function common.is_customer_waf(ci)
  return ci.provided_by == "customer" and ci.class == "waf"
end

-- The first hop of a path that is a firewall rule: the rule that admits the flow.
function common.first_rule_hop(path)
  for _, hop in ipairs(path.hops) do
    if hop.firewall then return hop end
  end
  return nil
end

-- "fw-edge-1 rule 210 (CHG0012345)"; a firewall that lets the flow through by its default action
-- has no rule to name.
function common.describe_rule_hop(hop)
  if hop == nil then return "no firewall on the path" end
  if hop.via == "default_action" or hop.rule_ref == "default_action allow" then
    return string.format("%s by its default action (allow)", hop.firewall)
  end
  return string.format("%s rule %d (%s)", hop.firewall, hop.rule_order or 0, hop.rule_ref or "")
end

-- The services of a list of paths, each once, in the order the paths give them.
function common.path_services(paths)
  local services, seen = {}, {}
  for _, p in ipairs(paths) do
    if not seen[p.service] then
      seen[p.service] = true
      services[#services + 1] = p.service
    end
  end
  return services
end

-- Keeps the first n paths of a list; returns them and how many were left out.
function common.first_paths(paths, n)
  local kept = {}
  for i = 1, math.min(n, #paths) do kept[i] = paths[i] end
  return kept, #paths - #kept
end

return common
