-- MONITORED: every system and service the contractor is responsible for is monitored, and the
-- monitoring events reach the customer's central event management.
local common = import("common")
local inventory = import("inventory")

-- The customer's event management receives the events of `tool` when the tool is the
-- customer's event management itself, or passes its events on to it: through its log_targets or
-- a forwards_to relation, directly or through further tools.
local function reaches_customer(tool, is_event_mgmt, seen)
  if is_event_mgmt(tool) then return true end
  if seen[tool.id] then return false end
  seen[tool.id] = true
  local next_hops = tool.log_targets
  for _, r in ipairs(tool:related("forwards_to", "out")) do next_hops[#next_hops + 1] = r.ci end
  for _, hop in ipairs(next_hops) do
    if reaches_customer(hop, is_event_mgmt, seen) then return true end
  end
  return false
end

local function check_ci(ci, is_event_mgmt, can_trace)
  local tools = ci.monitored_by
  if #tools == 0 then
    report(ci, "is not monitored", {
      key = "unmonitored",
      evidence = { { fact = "monitored_by: none", at = ci:where("monitored_by") } },
    })
    return
  end
  if not can_trace then return end
  for _, tool in ipairs(tools) do
    if reaches_customer(tool, is_event_mgmt, {}) then return end
  end
  report(ci, string.format("is monitored by %s, whose events do not reach the customer's central event management",
                           common.join(tools)), {
    key = "events-not-forwarded",
    evidence = { { fact = "monitored_by: " .. inventory.describe_cis(tools), at = ci:where("monitored_by") } },
  })
end

return {
  id = "MONITORED",
  title = "Every system is monitored and its events reach the customer's event management",
  severity = "medium",
  clause = "003_43a5403071fef7fe.txt §4.1, §4.2",
  rationale = [[
"Jegliche Event Management Tools, die beim Auftragnehmer zur Überwachung der zu erbringenden
Leistungen für den Auftraggeber eingesetzt werden, müssen über eine technische Schnittstelle an
das zentrale Event Management des Auftraggebers angebunden werden." (§4.1) "Das
IT-Service-Monitoring wird für alle IT-Services, die durch den Auftragnehmer in Rahmen dieses
Vertrags verantwortet werden, erbracht." (§4.2.3)]],
  remediation = [[
Add the system to the monitoring (monitored_by), and connect the monitoring tool to the
customer's central event management so that status changes reach it in near real time (the
tool's log_targets or a forwards_to relation to the customer's event management CI).]],
  settings = {
    -- Classes of systems and services that must be monitored; only CIs provided by `providers`
    -- are in scope.
    classes = { "server", "vm", "container_host", "jump_server", "database", "application", "firewall",
                "router", "load_balancer", "reverse_proxy", "waf", "web_proxy", "swg", "log_server",
                "dns", "ntp", "dhcp", "directory", "sdwan_edge", "saas" },
    providers = { "contractor" },
    -- Classes of the customer's CIs that are its central event management.
    event_management_classes = { "monitoring" },
  },

  check = function(estate, settings)
    local cis = inventory.in_scope(settings.classes, settings.providers)
    if #cis > 0 and not inventory.any(cis, function(ci) return #ci.monitored_by > 0 end) then
      notice(string.format("none of the %d CI(s) in scope records its monitoring (monitored_by); "
                           .. "the estate carries no monitoring data to check", #cis))
      return
    end
    local event_classes = common.set(settings.event_management_classes)
    local function is_event_mgmt(ci) return inventory.is_customers(ci, event_classes) end
    local can_trace = #inventory.customer_cis(settings.event_management_classes) > 0
    if #cis > 0 and not can_trace then
      notice("the estate names no central event management of the customer (class "
             .. table.concat(settings.event_management_classes, ", ")
             .. ", provided by the customer); whether events reach it is not checked")
    end
    for _, ci in ipairs(cis) do
      checked(ci)
      check_ci(ci, is_event_mgmt, can_trace)
    end
  end,
}
