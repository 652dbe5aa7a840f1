-- RELEASE-PATH: a release reaches each environment only after it was deployed, in order, to every
-- environment before it: SEN-DEV, then SEN-TEST, then SEN-PROD (000 §5.1-5.5).
local changes = import("changes")

-- Release changes per release value and environment, in input order.
local function release_changes(all)
  local by_release = {}
  for _, change in ipairs(all) do
    if change.kind == "release" and change.release and change.environment then
      local envs = by_release[change.release] or {}
      by_release[change.release] = envs
      envs[change.environment] = envs[change.environment] or {}
      table.insert(envs[change.environment], change)
    end
  end
  return by_release
end

-- A deployment counts as done before `t` when it ended by then (the estate records no completion
-- status: a change whose end lies before the next stage's start is taken as completed).
local function ended_by(change, t)
  return change["end"] ~= nil and dates.hours_between(change["end"], t) >= 0
end

-- The deployment of stage `k` (k >= 2) that a change at stage k+1 starting at `t` builds on: a
-- change of stage k that ended by `t` and has its own valid path through the stages before it.
-- Returns the change, or nil and the first stage whose deployment is missing.
local function path_before(envs, stages, k, t)
  local candidates = envs[stages[k]] or {}
  local missing = stages[k]
  for _, c in ipairs(candidates) do
    if ended_by(c, t) then
      if k == 1 then return c end
      if c.start then
        local prior, gap = path_before(envs, stages, k - 1, c.start)
        if prior then return c end
        missing = gap
      end
    end
  end
  return nil, missing
end

local function check_change(change, envs, stages, k)
  local rel = change.release
  local head = string.format("release %s reaches %s in %s", rel, stages[k], change.id)
  if change.start == nil then
    changes.report(change, "no-start", head .. ", which records no start: its path cannot be checked",
                   { severity = "low" })
    return
  end
  local prior, missing = path_before(envs, stages, k - 1, change.start)
  if prior then return end
  local done_before = {}
  for i = 1, k - 1 do
    for _, c in ipairs(envs[stages[i]] or {}) do
      done_before[#done_before + 1] = { fact = string.format("%s deployment %s: %s to %s", stages[i], c.id,
                                                              c.start or "?", c["end"] or "?"), at = c:where() }
    end
  end
  local absent = {}
  for i = 1, k - 1 do
    if #(envs[stages[i]] or {}) == 0 then absent[#absent + 1] = stages[i] end
  end
  local message
  if absent[#absent] == stages[k - 1] then
    message = string.format("%s without any %s deployment of that release", head, table.concat(absent, " or "))
  elseif missing == stages[k - 1] then
    message = string.format("%s before its %s deployment was completed", head, missing)
  else
    message = string.format("%s, but its %s deployment did not follow a completed %s deployment", head,
                            stages[k - 1], missing)
  end
  local evidence = { { fact = "start: " .. change.start, at = change:where("start") } }
  for _, e in ipairs(done_before) do evidence[#evidence + 1] = e end
  changes.report(change, "path:" .. rel, message, {
    evidence = evidence,
    data = { release = rel, missing_stage = missing },
  })
end

return {
  id = "RELEASE-PATH",
  title = "Releases reach production only through development, then test",
  severity = "high",
  clause = "000_a90e8a8b6ae18376.txt §5.1–5.5",
  rationale = [[
"Der Release & Deployment Prozess stellt sicher, dass die drei genannten Systemumgebungen der
SEN-Cloud immer in der Reihenfolge SEN-DEV -> SEN-TEST -> SEN-PROD durchlaufen werden." (§5.1)
Stufe 2 begins "nach erfolgreichen Tests auf der Entwicklungsumgebung und erteilter Freigabe"
(§5.3), Stufe 3 "nach erfolgreichen Tests auf der Testumgebung und erteilter Freigabe" (§5.4);
"Erst nach Vorliegen der Freigabe wird das Deployment auf die nachgelagerte Systemlinie
angestoßen und durchgeführt." (§5.5)]],
  remediation = [[
Deploy the release to the development environment, then to the test environment, each through a
release change that ends (QA passed, release given) before the next stage's change starts; or,
if the production change used a different release name, record the release consistently.]],
  settings = {
    -- The environments a release passes, in order. A release change in any environment after the
    -- first needs a completed release change of the same release in each earlier environment, in
    -- this order, before it starts.
    stages = { "dev", "test", "prod" },
  },

  check = function(estate, settings)
    local all = changes.all()
    if #all == 0 then
      notice("the estate has no change records ([[change]]); release paths cannot be checked")
      return
    end
    local stages = settings.stages
    local stage_of = {}
    for i, env in ipairs(stages) do stage_of[env] = i end
    local by_release = release_changes(all)
    local count = 0
    for _, change in ipairs(all) do
      local k = stage_of[change.environment or ""]
      if change.kind == "release" and k and k > 1 then
        count = count + 1
        changes.checked(change)
        if change.release == nil then
          changes.report(change, "no-release", string.format(
            "%s is a release change in %s that names no release: its path through %s cannot be proven",
            change.id, stages[k], table.concat(stages, " and ", 1, k - 1)), {
            evidence = { { fact = "release: not set", at = change:where() } },
          })
        else
          check_change(change, by_release[change.release], stages, k)
        end
      end
    end
    if count == 0 then
      notice(string.format("no release change (kind = \"release\") in %s; release paths have nothing to check",
                           table.concat(stages, ", ", 2)))
    end
  end,
}
