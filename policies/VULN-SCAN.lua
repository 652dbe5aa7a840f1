-- VULN-SCAN: every system operated for the customer is scanned for vulnerabilities daily, at
-- least weekly, by an authenticated scan or an endpoint agent (a port scan does not count).
local inventory = import("inventory")

local function check_scan(ci, settings)
  local scan = ci.vuln_scan
  if scan.last == nil then
    report(ci, "has no vulnerability scan on record", {
      key = "never-scanned",
      evidence = { { fact = "vuln_scan.last: not set", at = ci:where("vuln_scan") } },
    })
    return
  end
  local age = inventory.age_days(scan.last)
  local facts = { { fact = "vuln_scan.last: " .. scan.last, at = ci:where("vuln_scan") } }
  local data = { last_scan = scan.last, days_since_scan = age }
  if age > settings.weekly_max_days then
    report(ci, string.format("was last scanned for vulnerabilities %s before the evaluation date, on %s; "
                             .. "the contract requires at least a weekly scan", inventory.days(age), scan.last:sub(1, 10)), {
      key = "weekly-missed",
      data = data,
      evidence = facts,
    })
  elseif age > settings.daily_max_days then
    report(ci, string.format("was last scanned for vulnerabilities %s before the evaluation date, on %s; "
                             .. "the contract requires a daily scan", inventory.days(age), scan.last:sub(1, 10)), {
      key = "daily-missed",
      severity = settings.daily_severity,
      data = data,
      evidence = facts,
    })
  end
  if scan.method == "port_only" then
    report(ci, "is scanned by port scan only; an authenticated scan or an endpoint agent is required", {
      key = "port-scan-only",
      evidence = { { fact = "vuln_scan.method: port_only", at = ci:where("vuln_scan") } },
    })
  elseif scan.method == nil then
    report(ci, "does not record how it is scanned; only an authenticated scan or an endpoint agent counts", {
      key = "method-unknown",
      severity = settings.daily_severity,
      evidence = { { fact = "vuln_scan.method: not set", at = ci:where("vuln_scan") } },
    })
  end
end

return {
  id = "VULN-SCAN",
  title = "Every system is scanned for vulnerabilities daily, at least weekly, with authentication",
  severity = "high",
  clause = "003_43a5403071fef7fe.txt §7.4, §7.9",
  rationale = [[
"Alle für den Auftraggeber betriebenen Systeme sind täglich, mindestens aber wöchentlich auf
Schwachstellen zu prüfen." (§7.4) "Die Überprüfung von Schwachstellen erfolgt mit der notwendigen
Transparenz auf den Zielsystemen. Dies kann entweder durch authentifizierte Netzwerkscans oder
auf den Zielsystemen installierte Endpunktagenten realisiert werden. Reine Portscans erfüllen
dieses Kriterium nicht." (§7.9)]],
  remediation = [[
Add the system to the daily vulnerability scan with credentials (authenticated scan) or install
the scanner's endpoint agent, and make sure the scan result reaches the CMDB export
(vuln_scan.last, vuln_scan.method).]],
  settings = {
    -- A last scan more than this many whole days before the evaluation date misses the daily
    -- scan (reported with daily_severity).
    daily_max_days = 1,
    -- A last scan more than this many whole days before the evaluation date misses even the
    -- weekly minimum (reported with the policy's severity).
    weekly_max_days = 7,
    -- Severity of a missed daily scan (still within the week) and of an unrecorded scan method.
    daily_severity = "medium",
    -- Classes of systems that are scanned; only CIs provided by `providers` are in scope.
    classes = { "server", "vm", "container_host", "workstation", "jump_server", "firewall", "router",
                "load_balancer", "reverse_proxy", "waf", "web_proxy", "swg", "sdwan_edge" },
    providers = { "contractor" },
  },

  check = function(estate, settings)
    local cis = inventory.in_scope(settings.classes, settings.providers)
    if #cis > 0 and not inventory.any(cis, function(ci) return ci.vuln_scan.last ~= nil end) then
      notice(string.format("none of the %d system(s) in scope records a vulnerability scan (vuln_scan); "
                           .. "the estate carries no scan data to check", #cis))
      return
    end
    for _, ci in ipairs(cis) do
      checked(ci)
      check_scan(ci, settings)
    end
  end,
}
