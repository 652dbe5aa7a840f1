-- EDR-LEADING: the customer's EDR agent is installed, running and leading on every system, and
-- no other AV/EDR agent runs beside it.
local common = import("common")

return {
  id = "EDR-LEADING",
  title = "The customer's EDR agent is the leading AV/EDR system on every system",
  severity = "high",
  clause = "003_43a5403071fef7fe.txt §7.2",
  rationale = [[
"Die auf den Auftraggeber-Systemen betriebenen EDR-Agenten sind das führende AV- und
EDR-System." The contractor installs the customer's EDR agent on all systems and deploys no
agents of its own that impair it ("bspw. konträre AV-Agents").]],
  remediation = [[
Install the customer-provided EDR agent, keep it running in the leading role, and remove every
other antivirus or EDR agent from the system.]],
  settings = {
    -- Classes of systems that must run the customer's EDR agent.
    classes = { "server", "vm", "workstation", "jump_server" },
  },

  check = function(estate, settings)
    for ci in estate.cis{class = settings.classes} do
      if common.is_live(ci) then
        checked(ci)
        local agents = ci.agents
        local edr
        for _, a in ipairs(agents) do
          if a.kind == "edr" and a.provided_by == "customer" and (edr == nil or a.role == "leading") then
            edr = a
          end
        end
        if edr == nil then
          report(ci, "no EDR agent provided by the customer is installed", {
            key = "missing",
            evidence = { { fact = string.format("%d agent(s), none of kind edr provided by the customer", #agents),
                           at = ci:where("agents") } },
          })
        else
          if edr.state ~= "running" then
            report(ci, string.format("the customer's EDR agent %s is %s, not running",
                                     edr.product or "?", edr.state or "in an unknown state"), {
              key = "not-running",
              evidence = { { fact = common.describe_agent(edr), at = edr.where } },
            })
          end
          if edr.role ~= "leading" then
            report(ci, string.format("the customer's EDR agent %s is not the leading AV/EDR system (role: %s)",
                                     edr.product or "?", edr.role or "none"), {
              key = "not-leading",
              evidence = { { fact = common.describe_agent(edr), at = edr.where } },
            })
          end
        end
        for _, a in ipairs(agents) do
          if (a.kind == "edr" or a.kind == "av") and a ~= edr then
            report(ci, string.format("a further %s agent, %s (provided by %s), is installed; only the customer's EDR may run",
                                     a.kind, a.product or "?", a.provided_by or "unknown"), {
              key = "extra:" .. a.kind .. ":" .. (a.product or "?"),
              evidence = { { fact = common.describe_agent(a), at = a.where } },
            })
          end
        end
      end
    end
  end,
}
