-- PATCH-VIA-CHANGE: every fixed vulnerability was fixed by a patch change that touched its CI, and
-- the CMDB was updated after that change (002, patch management slide).
local common = import("common")
local changes = import("changes")

local function vuln_evidence(v)
  return { fact = string.format("%s: status fixed, fixed_by_change %s", v.cve, v.fixed_by_change or "not set"),
           at = v:where(v.fixed_by_change and "fixed_by_change" or "status") }
end

local function change_evidence(change, field)
  return { fact = string.format("change %s: kind %s, %s, %s to %s, touches %s", change.id, change.kind or "not set",
                                change.environment or "no environment", change.start or "?", change["end"] or "?",
                                changes.describe_cis(change)),
           at = change:where(field) }
end

-- The checks on a fix whose change is in the estate. Each failed check is its own finding.
local function check_change(ci, v, change, settings)
  local kinds = common.set(settings.change_kinds)
  if not kinds[change.kind] then
    report(ci, string.format("%s was fixed by %s, a change of kind %s, not a %s", v.cve, change.id,
                             change.kind or "(not set)", table.concat(settings.change_kinds, " or ")), {
      key = "kind:" .. v.cve,
      evidence = { vuln_evidence(v), change_evidence(change, "kind") },
    })
  end
  local touches = false
  for _, c in ipairs(change.cis) do
    if c == ci then touches = true end
  end
  if not touches then
    report(ci, string.format("%s was fixed by %s, which does not touch %s", v.cve, change.id, ci.id), {
      key = "not-touched:" .. v.cve,
      evidence = { vuln_evidence(v), change_evidence(change, "cis") },
    })
  end
  if v.fixed_at and change.start and v.fixed_at < changes.local_date(change.start) then
    report(ci, string.format("%s was fixed on %s, before %s started (%s)", v.cve, v.fixed_at, change.id,
                             change.start), {
      key = "fixed-before-change:" .. v.cve,
      evidence = { { fact = "fixed_at: " .. v.fixed_at, at = v:where("fixed_at") }, change_evidence(change, "start") },
    })
  end
end

-- The CMDB record of a CI must not be older than the end of a change that fixed something on it:
-- one finding per CI and change, naming every vulnerability it fixed there.
local function check_cmdb_updates(fixes, settings)
  local order, by_pair = {}, {}
  for _, f in ipairs(fixes) do
    local change_end = f.change["end"]
    local updated = f.ci.updated_at
    if change_end and (updated == nil or dates.hours_between(updated, change_end) > 0) then
      local pair = f.ci.id .. "\0" .. f.change.id
      if by_pair[pair] == nil then
        by_pair[pair] = { ci = f.ci, change = f.change, cves = {} }
        order[#order + 1] = pair
      end
      table.insert(by_pair[pair].cves, f.cve)
    end
  end
  for _, pair in ipairs(order) do
    local p = by_pair[pair]
    report(p.ci, string.format("the CMDB record of %s (updated_at %s) is older than the end of %s (%s), which fixed %s",
                               p.ci.id, p.ci.updated_at or "not set", p.change.id, p.change["end"],
                               table.concat(p.cves, ", ")), {
      key = "cmdb-stale:" .. p.change.id,
      severity = settings.cmdb_severity,
      evidence = { { fact = "updated_at: " .. (p.ci.updated_at or "not set"), at = p.ci:where("updated_at") },
                   change_evidence(p.change, "end") },
    })
  end
end

return {
  id = "PATCH-VIA-CHANGE",
  title = "Patches are installed through a change, and the CMDB is updated afterwards",
  severity = "medium",
  clause = "002_9168eeb60e2c8c67.txt §SPM",
  rationale = [[
Softwareaktualisierung (Patch Management, SPM), Maßnahmen: "Integration in die
Standardproduktionsprozesse: Nutzung des Change-Managements zur Steuerung der Installation von
Patches und anderer Reparaturmaßnahmen; Trigger erfolgt nur durch einen Change-Request"; "Führen
eines Patch-Registers; Aktualisierung der CMDB"; "Möglichkeit für Emergency-Patches (und
Workarounds) mit modifiziertem Change-Management".]],
  remediation = [[
Record for every fixed vulnerability the change that installed the fix (fixed_by_change); install
patches only through a patch or emergency-fix change that lists the CIs it touches, and update the
CI's CMDB record after the change.]],
  settings = {
    -- The kinds of change a fix may be installed by.
    change_kinds = { "patch", "emergency_fix" },
    -- Severity of a CMDB record not updated after the fixing change.
    cmdb_severity = "low",
  },

  check = function(estate, settings)
    local fixed = {}
    for v in estate.vulnerabilities{status = "fixed"} do fixed[#fixed + 1] = v end
    if #fixed == 0 then
      notice(estate.count("vulnerability") == 0
             and "the estate has no vulnerability records ([[vulnerability]]); patches cannot be traced to changes"
             or "no vulnerability is marked fixed; there is no patch to trace to a change")
      return
    end
    local have_changes = estate.count("change") > 0
    local naming = 0
    for _, v in ipairs(fixed) do
      if v.fixed_by_change then naming = naming + 1 end
    end
    if not have_changes and naming > 0 then
      notice(string.format("the estate has no change records ([[change]]); the changes named by %d fixed "
                           .. "vulnerabilit%s cannot be verified", naming, naming == 1 and "y" or "ies"))
    end
    local fixes = {}
    for _, v in ipairs(fixed) do
      local ci = v.ci
      checked(ci)
      if v.fixed_by_change == nil then
        report(ci, string.format("%s is marked fixed without naming the change that installed the fix", v.cve), {
          key = "no-change:" .. v.cve,
          evidence = { vuln_evidence(v) },
        })
      elseif v.change ~= nil then
        check_change(ci, v, v.change, settings)
        fixes[#fixes + 1] = { ci = ci, change = v.change, cve = v.cve }
      elseif have_changes then
        report(ci, string.format("%s names %s as its fix, a change that is not in the estate", v.cve, v.fixed_by_change), {
          key = "unknown-change:" .. v.cve,
          evidence = { vuln_evidence(v) },
        })
      end
    end
    check_cmdb_updates(fixes, settings)
  end,
}
