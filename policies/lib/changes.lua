-- Helpers shared by the change and patch policies (MAINT-WINDOW, RELEASE-PATH, PATCH-VIA-CHANGE,
-- PATCH-SLA): import("changes").
local common = import("common")

local changes = {}

local weekday_names = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" }

-- "Mon" .. "Sun" for dates.local_time(t).weekday (1 = Monday).
function changes.weekday_name(n)
  return weekday_names[n]
end

-- 1 .. 7 for "Mon" .. "Sun", nil for anything else.
function changes.weekday_number(name)
  for i, n in ipairs(weekday_names) do
    if n == name then return i end
  end
  return nil
end

-- "2026-11-28": the calendar date of a timestamp in the UTC offset it was written with.
function changes.local_date(t)
  local lt = dates.local_time(t)
  return string.format("%04d-%02d-%02d", lt.year, lt.month, lt.day)
end

-- "+01:00" for an offset in minutes.
function changes.offset_text(minutes)
  local sign = minutes < 0 and "-" or "+"
  local m = math.abs(minutes)
  return string.format("%s%02d:%02d", sign, m // 60, m % 60)
end

-- "Sat 2026-11-28 08:00 +01:00": a timestamp as the people planning the change read it.
function changes.describe_time(t)
  local lt = dates.local_time(t)
  return string.format("%s %04d-%02d-%02d %02d:%02d %s", weekday_names[lt.weekday], lt.year, lt.month,
                       lt.day, lt.hour, lt.minute, changes.offset_text(lt.offset_minutes))
end

-- "2d 23h 59m": a lead time in days, hours and minutes, so a notice one minute short of its
-- period does not read as "3 days".
function changes.describe_hours(hours)
  local sign = hours < 0 and "-" or ""
  local total_minutes = math.floor(math.abs(hours) * 60 + 0.5)
  local d = total_minutes // (24 * 60)
  local h = (total_minutes % (24 * 60)) // 60
  local m = total_minutes % 60
  local text = string.format("%dd %02dh", d, h)
  if m > 0 then text = text .. string.format(" %02dm", m) end
  return sign .. text
end

-- True for a change that uses the emergency window: flagged emergency, or an emergency fix.
function changes.is_emergency(change)
  return change.emergency or change.kind == "emergency_fix"
end

-- Changes in input order, as a list.
function changes.all()
  local list = {}
  for change in estate.changes() do list[#list + 1] = change end
  return list
end

-- Records the CIs a change touches as evaluated by the policy.
function changes.checked(change)
  for _, ci in ipairs(change.cis) do checked(ci) end
end

-- Reports a finding about a change: once per CI it touches (so waivers, which name CIs, can
-- cover it, and per-CI reports count it), or once for the estate at the change's own location
-- when it names no CI. `problem` names the finding's substance; the key is "<change>:<problem>".
-- The change's location is always the first piece of evidence.
function changes.report(change, problem, message, opts)
  opts = opts or {}
  local evidence = { { fact = string.format("change %s (%s)", change.id, change.environment or "no environment"),
                       at = change:where() } }
  for _, e in ipairs(opts.evidence or {}) do evidence[#evidence + 1] = e end
  local base = {
    key = change.id .. ":" .. problem,
    evidence = evidence,
    severity = opts.severity,
    data = opts.data,
  }
  if #change.cis == 0 then
    base.at = change:where()
    report(nil, message, base)
    return
  end
  for _, ci in ipairs(change.cis) do
    report(ci, message, base)
  end
end

-- "app-01, app-02" or "no CI" for the CIs of a change.
function changes.describe_cis(change)
  if #change.cis == 0 then return "no CI" end
  return common.join(change.cis)
end

-- True when the view's `field` was written in the input: an absent field's location is the
-- entity's own (views answer absent numbers and booleans with a default, not nil).
function changes.written(view, field)
  local f, e = view:where(field), view:where()
  return f.line ~= e.line or f.column ~= e.column or f.file ~= e.file
end

return changes
