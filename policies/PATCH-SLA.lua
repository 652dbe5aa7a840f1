-- PATCH-SLA: every open vulnerability in the contractor's treatment responsibility is fixed within
-- the deadline of its risk class (003 §7.4, Tabelle 1), counted from its detection or, when it is
-- actively exploited, from its listing in the CISA KEV catalogue.
local common = import("common")
local changes = import("changes")

local function is_leap(y)
  return y % 4 == 0 and (y % 100 ~= 0 or y % 400 == 0)
end

local function days_in_month(y, m)
  if m == 2 then return is_leap(y) and 29 or 28 end
  return ({ 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 })[m]
end

-- "6 Monaten nach Feststellung" is counted in calendar months, as German law counts a period of
-- months (BGB §188(2), (3)): it ends on the day of the last month that has the start day's number,
-- or on that month's last day when it has no such day. 2026-05-15 + 6 months = 2026-11-15;
-- 2026-08-31 + 6 months = 2027-02-28. (Not 182 or 183 days: those drift from the calendar the
-- contract's parties read the deadline in.)
local function add_months(date, n)
  local y, m, d = date:match("^(%d%d%d%d)-(%d%d)-(%d%d)")
  local months = tonumber(y) * 12 + tonumber(m) - 1 + n
  y, m = months // 12, months % 12 + 1
  return string.format("%04d-%02d-%02d", y, m, math.min(tonumber(d), days_in_month(y, m)))
end

-- "14 days", "6 months": a class's period.
local function describe_period(class)
  if class.months then return string.format("%d months", class.months) end
  return string.format("%d days", class.days)
end

-- The CVSS classes of Tabelle 1, highest first. A score falls into the first class whose lower
-- bound it reaches, so a score between two written ranges (8.95) belongs to the lower class.
local function sorted_classes(classes)
  local list = {}
  for i, c in ipairs(classes) do
    if type(c.min_cvss) ~= "number" or (c.days == nil) == (c.months == nil) then
      error(string.format("PATCH-SLA: class %d of settings.classes needs min_cvss and either days or months", i), 0)
    end
    list[i] = c
  end
  table.sort(list, function(a, b) return a.min_cvss > b.min_cvss end)
  return list
end

local function cvss_class(cvss, classes)
  for _, c in ipairs(classes) do
    if cvss >= c.min_cvss then return c end
  end
  return nil
end

-- The deadline of a vulnerability: { due, basis (text), risk_class, at (location) }, or nil when
-- it has none or it cannot be computed. A KEV-listed vulnerability (kev = true, or a kev_added
-- date) of CVSS kev_min_cvss or more is due kev_days after its KEV listing ("3 Tagen nach
-- Bekanntgabe im CISA-KEV-Katalog"), counted literally from the listing even when it was detected
-- later; its CVSS class deadline still applies when that is earlier, so a KEV listing never
-- extends a deadline. Without kev_added the KEV clock starts at first_seen.
local function deadline(v, classes, settings)
  local candidates = {}
  local class = cvss_class(v.cvss, classes)
  if class and v.first_seen then
    local due = class.months and add_months(v.first_seen, class.months) or dates.add_days(v.first_seen, class.days)
    candidates[#candidates + 1] = {
      due = due, risk_class = class.name,
      basis = string.format("%s after detection on %s", describe_period(class), v.first_seen),
      at = v:where("first_seen"),
    }
  end
  if (v.kev or v.kev_added) and v.cvss >= settings.kev_min_cvss then
    local listed, basis = v.kev_added, nil
    if listed then
      basis = string.format("%d days after its CISA KEV listing on %s", settings.kev_days, listed)
    elseif v.first_seen then
      listed = v.first_seen
      basis = string.format("%d days after detection on %s (KEV-listed, listing date not recorded)",
                            settings.kev_days, listed)
    end
    if listed then
      table.insert(candidates, 1, {
        due = dates.add_days(listed, settings.kev_days), risk_class = "emergency", basis = basis,
        at = v:where(v.kev_added and "kev_added" or "first_seen"),
      })
    end
  end
  local best = nil
  for _, c in ipairs(candidates) do
    if best == nil or c.due < best.due then best = c end
  end
  return best
end

local function report_deadline(ci, v, d, settings)
  local days_overdue = dates.days_since(d.due)
  local head = string.format("open vulnerability %s (CVSS %.1f)", v.cve, v.cvss)
  local data = { due = d.due, days_overdue = days_overdue, risk_class = d.risk_class, cve = v.cve }
  local evidence = { { fact = string.format("%s, status %s, due %s: %s", v.cve, v.status, d.due, d.basis), at = d.at } }
  if days_overdue > 0 then
    report(ci, string.format("%s is %d day(s) overdue: due %s, %s", head, days_overdue, d.due, d.basis), {
      key = "overdue:" .. v.cve,
      severity = d.risk_class == "emergency" and settings.kev_overdue_severity or nil,
      data = data,
      evidence = evidence,
    })
  elseif -days_overdue <= settings.warning_days then
    local when = days_overdue == 0 and string.format("today, %s", d.due)
                 or string.format("in %d day(s), on %s", -days_overdue, d.due)
    report(ci, string.format("%s is due %s: %s", head, when, d.basis), {
      key = "due-soon:" .. v.cve,
      severity = settings.due_soon_severity,
      data = data,
      evidence = evidence,
    })
  end
end

-- A risk the customer accepted is not held to the deadline; while its deadline has passed it is
-- listed (info) so the acceptance stays visible.
local function report_accepted(ci, v, d)
  local days_overdue = dates.days_since(d.due)
  if days_overdue <= 0 then return end
  report(ci, string.format("vulnerability %s (CVSS %.1f) is risk-accepted and not held to its deadline, "
                           .. "which passed %d day(s) ago: due %s, %s", v.cve, v.cvss, days_overdue, d.due, d.basis), {
    key = "risk-accepted:" .. v.cve,
    severity = "info",
    data = { due = d.due, days_overdue = days_overdue, risk_class = d.risk_class, cve = v.cve },
    evidence = { { fact = "status: risk_accepted", at = v:where("status") } },
  })
end

-- An open vulnerability without the data its deadline is computed from is reported (low) rather
-- than passed: a CVSS score below every class (0.0) has no deadline, a missing one does.
local function report_no_deadline(ci, v, classes)
  local missing = {}
  if not changes.written(v, "cvss") then
    missing[#missing + 1] = "cvss"
  elseif cvss_class(v.cvss, classes) == nil then
    return
  end
  if v.first_seen == nil then missing[#missing + 1] = "first_seen" end
  report(ci, string.format("open vulnerability %s records no %s: its patch deadline cannot be computed",
                           v.cve, table.concat(missing, " and ")), {
    key = "no-deadline:" .. v.cve,
    severity = "low",
    evidence = { { fact = v.cve .. ": " .. table.concat(missing, ", ") .. " not set", at = v:where() } },
  })
end

return {
  id = "PATCH-SLA",
  title = "Open vulnerabilities are fixed within the deadlines of the risk class table",
  severity = "high",
  clause = "003_43a5403071fef7fe.txt §7.4",
  rationale = [[
"Identifizierte Schwachstellen in Behandlungsverantwortung des Auftragnehmers sind im Rahmen
folgender Fristen zu behandeln" (Tabelle 1: Fristen für Schwachstellen): Emergency, CVSS 7.0 - 10.0
in aktiver Ausnutzung (anhand CISA-KEV-Katalog): "3 Tagen nach Bekanntgabe im CISA-KEV-Katalog";
Kritisch 9.0 - 10.0: "14 Tagen nach Feststellung"; Hoch 7.0 - 8.9: 30 Tagen; Mittel 4.0 - 6.9:
60 Tagen; Gering 0.1 - 3.9: "6 Monaten nach Feststellung". A deadline is met on its last day: a
vulnerability due on the evaluation date is not yet overdue.]],
  remediation = [[
Install the fix (or an agreed workaround) through a patch or emergency change, then close the
vulnerability in the vulnerability management export. If the customer accepts the risk, record
it (status = "risk_accepted"); a deadline that cannot be met needs the customer's agreement.]],
  settings = {
    -- An open vulnerability due within this many days of the evaluation date (0 = due that day)
    -- is reported as due soon, with due_soon_severity; past its due date it is overdue (high).
    warning_days = 7,
    due_soon_severity = "medium",
    -- Overdue actively exploited (KEV, Emergency class) vulnerabilities.
    kev_overdue_severity = "critical",
    -- Emergency class: KEV-listed with at least this CVSS, due kev_days after the listing.
    kev_min_cvss = 7.0,
    kev_days = 3,
    -- The CVSS classes of Tabelle 1: a score belongs to the class with the highest min_cvss it
    -- reaches; the deadline is `days` or calendar `months` after detection (first_seen). A score
    -- below every class (0.0) has no deadline. An override replaces the whole list.
    classes = {
      { name = "critical", min_cvss = 9.0, days = 14 },
      { name = "high", min_cvss = 7.0, days = 30 },
      { name = "medium", min_cvss = 4.0, days = 60 },
      { name = "low", min_cvss = 0.1, months = 6 },
    },
    -- List risk-accepted vulnerabilities whose deadline has passed (info), instead of dropping
    -- them silently.
    list_risk_accepted = true,
    -- Vulnerabilities on CIs these parties provide are in their own treatment responsibility
    -- ("in Behandlungsverantwortung des Auftragnehmers"), not the contractor's.
    exclude_providers = { "customer" },
  },

  check = function(estate, settings)
    if estate.count("vulnerability") == 0 then
      notice("the estate has no vulnerability records ([[vulnerability]]); patch deadlines cannot be checked")
      return
    end
    local classes = sorted_classes(settings.classes)
    local excluded = common.set(settings.exclude_providers)
    for v in estate.vulnerabilities{status = { "open", "risk_accepted" }} do
      local ci = v.ci
      -- Planned and retired systems are not operated; their findings belong to the CMDB rules.
      if common.is_live(ci) and not excluded[ci.provided_by] then
        checked(ci)
        local d = deadline(v, classes, settings)
        if v.status == "risk_accepted" then
          if d and settings.list_risk_accepted then report_accepted(ci, v, d) end
        elseif d then
          report_deadline(ci, v, d, settings)
        else
          report_no_deadline(ci, v, classes)
        end
      end
    end
  end,
}
