-- MAINT-WINDOW: every planned change of SEN-TEST and SEN-PROD fits a maintenance window of its
-- environment (weekday, time of day, downtime), was announced early enough, and no window is used
-- more often than the tables allow (000 §5.8.9-5.8.11, Tabelle 4 and 5). SEN-DEV is unrestricted;
-- emergency changes may run at any time and are listed for review.
local common = import("common")
local changes = import("changes")

-- "07:00" -> 420; "24:00" -> 1440 (the end of the day).
local function minutes_of(hhmm)
  local h, m = hhmm:match("^(%d%d?):(%d%d)$")
  if not h then error("MAINT-WINDOW: window time '" .. tostring(hhmm) .. "' is not HH:MM", 0) end
  return tonumber(h) * 60 + tonumber(m)
end

-- "Mon-Fri", "Sat", "Mon, Thu": a window's weekdays, consecutive runs joined.
local function describe_days(days)
  local nums = {}
  for _, d in ipairs(days) do
    local n = changes.weekday_number(d)
    if not n then error("MAINT-WINDOW: unknown weekday '" .. tostring(d) .. "' (use Mon .. Sun)", 0) end
    nums[#nums + 1] = n
  end
  table.sort(nums)
  local parts, i = {}, 1
  while i <= #nums do
    local j = i
    while j < #nums and nums[j + 1] == nums[j] + 1 do j = j + 1 end
    local run = changes.weekday_name(nums[i])
    if j > i + 1 then
      run = run .. "-" .. changes.weekday_name(nums[j])
    elseif j == i + 1 then
      run = run .. ", " .. changes.weekday_name(nums[j])
    end
    parts[#parts + 1] = run
    i = j + 1
  end
  return table.concat(parts, ", ")
end

local function describe_window(w)
  return string.format("%s (%s %s-%s)", w.name, describe_days(w.days), w.from, w.to)
end

-- The notice a change needs in a window: work with downtime may need more than work without.
local function needed_notice_days(w, change)
  if change.downtime then return w.notice_days_downtime or w.notice_days or 0 end
  return w.notice_days or 0
end

-- How a change meets one window: { time, downtime, notice (booleans), needed (days) }.
-- The change must start and end inside the window on one of its weekdays, in the UTC offset its
-- start was written with (the end is taken at the same offset). A notice of N days is N x 24 hours
-- from announced_at to start.
local function assess(w, change, slot, lead_hours)
  local day_ok = false
  for _, d in ipairs(w.days) do
    if changes.weekday_number(d) == slot.weekday then day_ok = true end
  end
  local needed = needed_notice_days(w, change)
  return {
    window = w,
    time = day_ok and slot.start >= minutes_of(w.from) and slot.finish <= minutes_of(w.to),
    downtime = w.downtime or not change.downtime,
    notice = needed == 0 or (lead_hours ~= nil and lead_hours >= needed * 24),
    needed = needed,
  }
end

-- Start and end of a change as minutes of its start's local day, and the local weekday.
local function slot_of(change)
  local lt = dates.local_time(change.start)
  local start = lt.hour * 60 + lt.minute
  return { weekday = lt.weekday, start = start,
           finish = start + dates.hours_between(change.start, change["end"]) * 60 }
end

-- "Sat 2026-11-28 08:00-14:00 +01:00", or both ends in full when the change passes midnight.
local function describe_run(change, slot)
  if slot.finish <= 24 * 60 then
    local full = changes.describe_time(change.start)
    local finish = math.floor(slot.finish + 0.5)
    return string.format("%s-%02d:%02d%s", full:sub(1, 20), finish // 60, finish % 60, full:sub(21))
  end
  return changes.describe_time(change.start) .. " to " .. changes.describe_time(change["end"])
end

local function timing_evidence(change, lead_hours)
  local facts = {
    { fact = "start: " .. change.start, at = change:where("start") },
    { fact = "end: " .. change["end"], at = change:where("end") },
    { fact = "downtime: " .. tostring(change.downtime), at = change:where("downtime") },
  }
  if lead_hours then
    facts[#facts + 1] = { fact = string.format("announced_at: %s (%s before start)", change.announced_at,
                                               changes.describe_hours(lead_hours)), at = change:where("announced_at") }
  else
    facts[#facts + 1] = { fact = "announced_at: not set", at = change:where() }
  end
  return facts
end

local function list_windows(env, windows)
  local parts = {}
  for i, w in ipairs(windows) do parts[i] = describe_window(w) end
  return { fact = env .. " windows: " .. table.concat(parts, "; ") }
end

-- Finds the window a change uses (the first it meets fully), or reports why it meets none. Returns
-- the window whose time slot it occupies (for the use limits), or nil.
local function check_fit(change, env, windows, slot, lead_hours)
  local fits_time, fits_downtime = {}, {}
  for _, w in ipairs(windows) do
    local a = assess(w, change, slot, lead_hours)
    if a.time and a.downtime and a.notice then return w end
    if a.time then fits_time[#fits_time + 1] = a end
    if a.time and a.downtime then fits_downtime[#fits_downtime + 1] = a end
  end
  local head = string.format("%s (%s) runs %s", change.id, env, describe_run(change, slot))
  local evidence = timing_evidence(change, lead_hours)
  if #fits_time == 0 then
    evidence[#evidence + 1] = list_windows(env, windows)
    changes.report(change, "outside-window", head .. ", outside every " .. env .. " maintenance window",
                   { evidence = evidence })
    return nil
  end
  if #fits_downtime == 0 then
    changes.report(change, "downtime", string.format("%s with downtime, which the %s does not allow", head,
                                                     describe_window(fits_time[1].window)), { evidence = evidence })
    return fits_time[1].window
  end
  table.sort(fits_downtime, function(a, b) return a.needed < b.needed end)
  local a = fits_downtime[1]
  local announced = lead_hours and string.format("was announced %s before its start", changes.describe_hours(lead_hours))
                    or "records no announcement (announced_at)"
  if lead_hours and lead_hours < 0 then
    announced = string.format("was announced %s after its start", changes.describe_hours(-lead_hours))
  end
  changes.report(change, "late-notice", string.format("%s and %s; the %s needs %d day(s)' notice%s", head,
                                                      announced, describe_window(a.window), a.needed,
                                                      a.needed ~= (a.window.notice_days or 0) and " for work with downtime" or ""),
                 { evidence = evidence, data = { notice_days = a.needed,
                                                 lead_hours = lead_hours and math.floor(lead_hours * 100 + 0.5) / 100 } })
  return a.window
end

-- The period a window use counts against: "2026-11" (month) or the Monday of its week.
local function period_of(date, weekday, per)
  if per == "month" then return date:sub(1, 7) end
  return dates.add_days(date, 1 - weekday)
end

-- Reports the uses of window `w` (sorted by date) on days beyond `limit` distinct days per `per`
-- ("week" or "month"); all changes on one day share that day's window.
local function check_limit(w, uses, per, limit, env)
  local days_in_period = {}
  for _, u in ipairs(uses) do
    local p = period_of(u.date, u.weekday, per)
    local days = days_in_period[p] or {}
    days_in_period[p] = days
    if days[#days] ~= u.date then days[#days + 1] = u.date end
    if #days > limit then
      changes.report(u.change, "limit-" .. per, string.format(
        "%s (%s) uses the %s on %s, a further day in %s after %s; the window may be used on at most %d day(s) a %s",
        u.change.id, env, w.name, u.date, per == "month" and p or ("the week of " .. p),
        table.concat(days, ", ", 1, #days - 1), limit, per), {
        evidence = { { fact = "start: " .. u.change.start, at = u.change:where("start") } },
      })
    end
  end
end

-- At most max_per_week / max_per_month distinct days per window (windows of one name count
-- together, as the test small window's two time slots do) and environment.
local function check_limits(uses, env)
  local by_window, names = {}, {}
  for _, u in ipairs(uses) do
    local name = u.window.name
    if by_window[name] == nil then
      by_window[name] = { window = u.window, uses = {} }
      names[#names + 1] = name
    end
    table.insert(by_window[name].uses, u)
  end
  table.sort(names)
  for _, name in ipairs(names) do
    local w, list = by_window[name].window, by_window[name].uses
    table.sort(list, function(a, b) return a.date < b.date or (a.date == b.date and a.change.id < b.change.id) end)
    for _, per in ipairs{ "week", "month" } do
      local limit = w["max_per_" .. per]
      if limit then check_limit(w, list, per, limit, env) end
    end
  end
end

local function report_emergency(change, env, severity)
  local when = change.start and ("at " .. changes.describe_time(change.start)) or "at an unrecorded time"
  changes.report(change, "emergency", string.format(
    "%s (%s) is an emergency change %s: the emergency window allows it at any time; listed for review",
    change.id, env, when), {
    severity = severity,
    evidence = { { fact = string.format("emergency: %s, kind: %s", tostring(change.emergency), change.kind or "not set"),
                   at = change:where(change.emergency and "emergency" or "kind") } },
  })
end

-- A planned (not emergency) change: placed in a window, its use recorded for the limits.
local function check_planned(change, env, windows, uses)
  if change.start == nil or change["end"] == nil then
    changes.report(change, "no-time", string.format("%s (%s) records no %s: it cannot be placed in a maintenance window",
                                                    change.id, env, change.start == nil and "start" or "end"),
                   { severity = "low" })
    return
  end
  local lead = change.announced_at and dates.hours_between(change.announced_at, change.start) or nil
  local slot = slot_of(change)
  local used = check_fit(change, env, windows, slot, lead)
  if used then
    uses[#uses + 1] = { window = used, change = change, date = changes.local_date(change.start), weekday = slot.weekday }
  end
end

return {
  id = "MAINT-WINDOW",
  title = "Changes run in a maintenance window of their environment, announced in time",
  severity = "medium",
  clause = "000_a90e8a8b6ae18376.txt §5.8.9–5.8.11",
  rationale = [[
"Die Entwicklungsumgebung SEN-DEV untersteht keinerlei Einschränkungen in Bezug auf
Wartungsfenster." (§5.8.9) Tabelle 4 (SEN-TEST): kleines Wartungsfenster Mo.-Fr. 07:00-09:00 oder
15:00-17:00 Uhr, Vorankündigung 1 Tag; Regel-Wartungsfenster Do. 07:00-17:00 Uhr, 3 Tage; großes
Wartungsfenster "max. 1. pro Monat", Samstag 00:00-24:00 Uhr, 14 Tage; Emergency-Wartungsfenster
immer. Tabelle 5 (SEN-PROD): kleines Wartungsfenster ohne Downtime Mo.-Fr. 07:00-17:00 Uhr,
Betriebsunterbrechung nein, Vorankündigung keine; kleines Wartungsfenster mit Downtime Mo.-Fr.
17:00-22:00 Uhr, 3 Tage; großes Wartungsfenster "max. 1 pro Monat", Samstag 00:00-24:00 Uhr,
14 Tage; Emergency-Wartungsfenster immer, "Vorankündigungen der Wartungsarbeiten erfolgen
einzelfallabhängig". "Arbeiten, die zu Betriebsunterbrechungen führen, werden mit 3 Tagen Vorlauf
angekündigt. Wartungsarbeiten, die zu keinen Betriebsunterbrechungen führen, nicht." The small
windows take place "maximal einmal pro Woche".]],
  remediation = [[
Reschedule the change into a maintenance window of its environment that allows its downtime,
announce it with the window's notice period, or declare it an emergency (with the ISB involved,
§5.8.6). A window outside the tables needs the customer's agreement.]],
  settings = {
    -- Per environment, the maintenance windows of Tabelle 4 (test) and 5 (prod). A change uses the
    -- first window it meets fully, so list the regular window before overlapping ones. Each window:
    -- days (Mon .. Sun), from / to (HH:MM in the change's own UTC offset, "24:00" = end of day),
    -- downtime (work with downtime allowed), notice_days (notice for work without downtime),
    -- notice_days_downtime (with downtime), max_per_week / max_per_month (distinct days the window
    -- may be used). A notice of N days is N x 24 hours. An override replaces the whole table, so
    -- give every environment (add one, e.g. dr, to check its changes too).
    windows = {
      prod = {
        { name = "small window without downtime", days = { "Mon", "Tue", "Wed", "Thu", "Fri" },
          from = "07:00", to = "17:00", downtime = false, notice_days = 0, max_per_week = 1 },
        { name = "small window with downtime", days = { "Mon", "Tue", "Wed", "Thu", "Fri" },
          from = "17:00", to = "22:00", downtime = true, notice_days = 0, notice_days_downtime = 3,
          max_per_week = 1 },
        { name = "large window", days = { "Sat" }, from = "00:00", to = "24:00", downtime = true,
          notice_days = 14, notice_days_downtime = 14, max_per_month = 1 },
      },
      test = {
        { name = "regular window", days = { "Thu" }, from = "07:00", to = "17:00", downtime = true,
          notice_days = 0, notice_days_downtime = 3 },
        -- "Die Vorankündigungsfrist beträgt 1 Arbeitstag" (text) / "1 Tag" (Tabelle 4): 1 day.
        { name = "small window", days = { "Mon", "Tue", "Wed", "Thu", "Fri" }, from = "07:00", to = "09:00",
          downtime = true, notice_days = 0, notice_days_downtime = 1, max_per_week = 1 },
        { name = "small window", days = { "Mon", "Tue", "Wed", "Thu", "Fri" }, from = "15:00", to = "17:00",
          downtime = true, notice_days = 0, notice_days_downtime = 1, max_per_week = 1 },
        { name = "large window", days = { "Sat" }, from = "00:00", to = "24:00", downtime = true,
          notice_days = 14, notice_days_downtime = 14, max_per_month = 1 },
      },
    },
    -- Environments without any window restriction (§5.8.9).
    unrestricted = { "dev" },
    -- Severity of the listing of an emergency change (allowed, listed for review).
    emergency_severity = "info",
  },

  check = function(estate, settings)
    if estate.count("change") == 0 then
      notice("the estate has no change records ([[change]]); maintenance windows cannot be checked")
      return
    end
    local unrestricted = common.set(settings.unrestricted)
    local uses, unchecked = {}, {}
    for _, change in ipairs(changes.all()) do
      local env = change.environment
      local windows = env and settings.windows[env]
      if env and unrestricted[env] then
        -- SEN-DEV: no restriction, nothing to check.
      elseif windows == nil then
        unchecked[#unchecked + 1] = string.format("%s (%s)", change.id, env or "no environment")
      else
        changes.checked(change)
        if changes.is_emergency(change) then
          report_emergency(change, env, settings.emergency_severity)
        else
          uses[env] = uses[env] or {}
          check_planned(change, env, windows, uses[env])
        end
      end
    end
    local envs = {}
    for env in pairs(uses) do envs[#envs + 1] = env end
    table.sort(envs)
    for _, env in ipairs(envs) do check_limits(uses[env], env) end
    if #unchecked > 0 then
      notice(string.format("%d change(s) not checked: no maintenance window table for their environment "
                           .. "(settings.windows): %s", #unchecked, table.concat(unchecked, ", ")))
    end
  end,
}
