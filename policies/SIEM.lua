-- SIEM: every system provided for the customer runs the customer's SIEM agent or, where an agent
-- cannot be installed, forwards its system events to the customer (syslog).
local common = import("common")
local inventory = import("inventory")

local function customer_siem_agents(ci)
  local agents = {}
  for _, a in ipairs(ci.agents) do
    if a.kind == "siem" and a.provided_by == "customer" then agents[#agents + 1] = a end
  end
  return agents
end

-- The customer's SIEM or log servers among the CI's log targets.
local function customer_log_targets(ci, receivers)
  local targets = {}
  for _, t in ipairs(ci.log_targets) do
    if inventory.is_customers(t, receivers) then targets[#targets + 1] = t end
  end
  return targets
end

local function check_ci(ci, receivers)
  local agents = customer_siem_agents(ci)
  for _, a in ipairs(agents) do
    if a.state == "running" then return end
  end
  if #agents > 0 then
    local a = agents[1]
    report(ci, string.format("the customer's SIEM agent %s is %s, not running", a.product or "?",
                             a.state or "in an unknown state"), {
      key = "agent-not-running",
      evidence = { { fact = common.describe_agent(a), at = a.where } },
    })
    return
  end
  if #customer_log_targets(ci, receivers) > 0 then return end
  report(ci, "neither runs the customer's SIEM agent nor forwards its events to the customer's SIEM or log server", {
    key = "no-siem",
    evidence = { { fact = string.format("%d agent(s), none of kind siem provided by the customer", #ci.agents),
                   at = ci:where("agents") },
                 { fact = "log_targets: " .. inventory.describe_cis(ci.log_targets), at = ci:where("log_targets") } },
  })
end

return {
  id = "SIEM",
  title = "Every system feeds the customer's SIEM, by its agent or else by syslog",
  severity = "high",
  clause = "003_43a5403071fef7fe.txt §7.6",
  rationale = [[
"Der Auftragnehmer implementiert einen Prozess zur automatisierten Installation der vom
Auftraggeber bereitgestellten SIEM-Agent Software auf den für den Auftraggeber bereitgestellten
Systemen." "Ist die Installation eines SIEM-Agenten nicht möglich, sind auftretende
Systemereignisse über alternative Wege (bspw. und insbesondere Syslog) bereitzustellen." The
contractor ensures "dass die Protokollierung fortlaufend und fehlerfrei abläuft".]],
  remediation = [[
Install the customer's SIEM agent and keep it running; on an appliance that cannot run it,
forward the system events by syslog to the customer's SIEM or log server (log_targets).]],
  settings = {
    -- Classes of systems that must feed the SIEM; only CIs provided by `providers` are in scope.
    classes = { "server", "vm", "container_host", "workstation", "jump_server", "firewall", "router",
                "load_balancer", "reverse_proxy", "waf", "web_proxy", "swg", "sdwan_edge" },
    providers = { "contractor" },
    -- Classes of the customer's CIs that receive forwarded events (the syslog alternative).
    receiver_classes = { "siem", "log_server" },
  },

  check = function(estate, settings)
    local cis = inventory.in_scope(settings.classes, settings.providers)
    local function has_data(ci) return #ci.agents > 0 or #ci.log_targets > 0 end
    if #cis > 0 and not inventory.any(cis, has_data) then
      notice(string.format("none of the %d system(s) in scope records agents or log targets; "
                           .. "the estate carries no data on SIEM connection", #cis))
      return
    end
    local receivers = common.set(settings.receiver_classes)
    for _, ci in ipairs(cis) do
      checked(ci)
      check_ci(ci, receivers)
    end
  end,
}
