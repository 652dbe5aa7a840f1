-- SAM-SCAN: every system the contractor provides has a daily software inventory scan (or, where
-- it cannot be scanned, an external query), so the customer's software asset data is up to date.
local inventory = import("inventory")

return {
  id = "SAM-SCAN",
  title = "Every contractor system has a daily software inventory scan",
  severity = "medium",
  clause = "003_43a5403071fef7fe.txt §3.4",
  rationale = [[
"Auf allen vom Auftragnehmer bereitgestellten Systemen (Hardware, virtuell,
Cloud-Computing-Dienst) ist eine Software-Scanfunktionalität für eine tagesaktuelle Auswertung
vorzusehen. Bei Systemen, die keine Software-Scan-Funktionalität bieten, ist eine externe
Betriebsabfrage bereitzustellen."]],
  remediation = [[
Include the system in the daily software inventory scan, or set up an external query for an
appliance that cannot be scanned, and deliver the result to the customer (sam_scan.last in the
CMDB export).]],
  settings = {
    -- A last scan (or external query) more than this many whole days before the evaluation date
    -- is not a daily ("tagesaktuelle") inventory.
    max_age_days = 1,
    -- Classes of systems that are inventoried; only CIs provided by `providers` are in scope.
    classes = { "server", "vm", "container_host", "workstation", "jump_server", "firewall", "router",
                "load_balancer", "reverse_proxy", "waf", "web_proxy", "swg", "sdwan_edge" },
    providers = { "contractor" },
  },

  check = function(estate, settings)
    local cis = inventory.in_scope(settings.classes, settings.providers)
    if #cis > 0 and not inventory.any(cis, function(ci) return ci.sam_scan.last ~= nil end) then
      notice(string.format("none of the %d system(s) in scope records a software inventory scan (sam_scan); "
                           .. "the estate carries no scan data to check", #cis))
      return
    end
    for _, ci in ipairs(cis) do
      checked(ci)
      local last = ci.sam_scan.last
      local age = inventory.age_days(last)
      if last == nil then
        report(ci, "has no software inventory scan or external query on record", {
          key = "never-scanned",
          evidence = { { fact = "sam_scan.last: not set", at = ci:where("sam_scan") } },
        })
      elseif age > settings.max_age_days then
        report(ci, string.format("was last inventoried %s before the evaluation date, on %s; "
                                 .. "the contract requires a daily software scan", inventory.days(age), last:sub(1, 10)), {
          key = "stale",
          data = { last_scan = last, days_since_scan = age },
          evidence = { { fact = "sam_scan.last: " .. last, at = ci:where("sam_scan") } },
        })
      end
    end
  end,
}
