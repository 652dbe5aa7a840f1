-- CMDB-COMPLETE: the CMDB data the contractor delivers is complete and current: every CI says
-- who provides it, carries its operational status and lifecycle state updated daily, its
-- billing-relevant fields and its relations; hardware carries the manufacturer's identifiers.
local common = import("common")
local inventory = import("inventory")

-- Live CIs of the classes (a set; nil for every class) that one of the providers provides or
-- that do not say who provides them.
local function cis_in_scope(estate, classes, providers)
  local cis = {}
  for ci in estate.cis{} do
    if common.is_live(ci) and (ci.provided_by == nil or providers[ci.provided_by])
       and (classes == nil or classes[ci.class]) then
      cis[#cis + 1] = ci
    end
  end
  return cis
end

local function missing_fields(map, fields)
  local missing = {}
  for _, f in ipairs(fields) do
    if map[f] == nil or map[f] == "" then missing[#missing + 1] = f end
  end
  return missing
end

local function check_status(ci, has)
  if has.provided_by and ci.provided_by == nil then
    report(ci, "does not say who provides it (provided_by)", {
      key = "no-provider",
      severity = "medium",
      evidence = { { fact = "provided_by: not set", at = ci:where() } },
    })
  end
  if has.operational_status and ci.operational_status == nil then
    report(ci, "has no operational status", {
      key = "no-operational-status",
      evidence = { { fact = "operational_status: not set", at = ci:where() } },
    })
  end
  if has.lifecycle and ci.lifecycle == nil then
    report(ci, "has no lifecycle state", {
      key = "no-lifecycle",
      evidence = { { fact = "lifecycle: not set", at = ci:where() } },
    })
  end
end

local function check_freshness(ci, max_age)
  local updated = ci.updated_at
  if updated == nil then
    report(ci, "has no time of its last CMDB update (updated_at)", {
      key = "no-update-time",
      evidence = { { fact = "updated_at: not set", at = ci:where() } },
    })
    return
  end
  local age = inventory.age_days(updated)
  if age > max_age then
    report(ci, string.format("was last updated in the CMDB %s before the evaluation date, on %s; "
                             .. "status and lifecycle must be delivered daily", inventory.days(age), updated:sub(1, 10)), {
      key = "stale",
      data = { updated_at = updated, days_since_update = age },
      evidence = { { fact = "updated_at: " .. updated, at = ci:where("updated_at") } },
    })
  end
end

local function check_billing(ci, fields)
  local missing = missing_fields(ci.billing, fields)
  if #missing > 0 then
    report(ci, "lacks billing-relevant fields: " .. table.concat(missing, ", "), {
      key = "billing",
      evidence = { { fact = "billing: missing " .. table.concat(missing, ", "), at = ci:where("billing") } },
    })
  end
end

local function check_hardware(ci, fields)
  local missing = missing_fields(ci.hardware, fields)
  if #missing > 0 then
    report(ci, "lacks the manufacturer's identifiers of its hardware: " .. table.concat(missing, ", "), {
      key = "hardware",
      evidence = { { fact = "hardware: missing " .. table.concat(missing, ", "), at = ci:where("hardware") } },
    })
  end
end

local function check_relations(ci)
  if ci.relation_count == 0 and ci.interface_count == 0 and #ci.public_ips == 0 then
    report(ci, "has no relation to its infrastructure or to other CIs", {
      key = "no-relations",
      evidence = { { fact = "no relation names it, and it has no interface", at = ci:where() } },
    })
  end
end

-- Which kinds of data the export carries at all; a kind no CI in scope has gets one notice.
-- (Hardware data counts as carried when no CI in scope is a hardware asset: nothing lacks it.)
local function data_present(cis, settings)
  local hw = common.set(settings.hardware_classes)
  local has = {
    provided_by = inventory.any(cis, function(ci) return ci.provided_by ~= nil end),
    operational_status = inventory.any(cis, function(ci) return ci.operational_status ~= nil end),
    lifecycle = inventory.any(cis, function(ci) return ci.lifecycle ~= nil end),
    updated_at = inventory.any(cis, function(ci) return ci.updated_at ~= nil end),
    billing = inventory.any(cis, function(ci) return next(ci.billing) ~= nil end),
    hardware = inventory.any(cis, function(ci) return hw[ci.class] and next(ci.hardware) ~= nil end)
               or not inventory.any(cis, function(ci) return hw[ci.class] end),
    relations = estate.count("relation") > 0,
  }
  local labels = {
    { "provided_by", "says who provides it (provided_by)" },
    { "operational_status", "has an operational status (operational_status)" },
    { "lifecycle", "has a lifecycle state (lifecycle)" },
    { "updated_at", "has a last-update time (updated_at)" },
    { "billing", "has billing fields (billing)" },
    { "hardware", "that is a hardware asset has manufacturer data (hardware)" },
    { "relations", "is named by a relation ([[relation]])" },
  }
  for _, l in ipairs(labels) do
    if not has[l[1]] then
      notice(string.format("no CI of the %d in scope %s; the export carries no such data, so it is not checked", #cis, l[2]))
    end
  end
  return has
end

return {
  id = "CMDB-COMPLETE",
  title = "The CMDB data on every CI is complete and updated daily",
  severity = "low",
  clause = "003_43a5403071fef7fe.txt §3.5, §3.6",
  rationale = [[
"Für die beim Auftragnehmer eingesetzten Systeme sind Informationen zu den technischen
Configuration Items (CIs) zu liefern, die auch die Relationen zur Infrastruktur und anderen CIs
beinhalten. Für alle CIs sind Informationen des Betriebsstatus und Lifecycle bei jeder Änderung
tagesaktuell zu liefern. Alle für die Abrechnung relevanten Informationen in den gelieferten CIs
sind in den gelieferten Daten mitzuführen." (§3.5) Hardware data follows the manufacturer's
information, "Das hat auch die Hersteller-Kenn-Nummern der Hardware ... zu beinhalten." (§3.6)]],
  remediation = [[
Complete the CI in the CMDB: who provides it, operational status, lifecycle state, the billing
fields, its relations to the infrastructure it runs on and depends on, and for hardware the
manufacturer, model and serial number; make sure the export is refreshed every day.]],
  settings = {
    -- Classes checked; an empty list means every class. CIs provided by `providers`, and CIs
    -- that do not say who provides them, are in scope.
    classes = {},
    providers = { "contractor" },
    -- A CI whose last update lies more than this many whole days before the evaluation date is
    -- not "tagesaktuell".
    max_age_days = 1,
    -- Billing-relevant fields every CI carries in its `billing` table.
    billing_fields = { "cost_center", "contract_item" },
    -- Classes that are physical hardware assets, and the manufacturer identifiers they carry.
    hardware_classes = { "server", "workstation", "firewall", "router", "load_balancer", "sdwan_edge" },
    hardware_fields = { "manufacturer", "model", "serial" },
  },

  check = function(estate, settings)
    local classes = #settings.classes > 0 and common.set(settings.classes) or nil
    local cis = cis_in_scope(estate, classes, common.set(settings.providers))
    local hw = common.set(settings.hardware_classes)
    if #cis == 0 then return end
    local has = data_present(cis, settings)
    for _, ci in ipairs(cis) do
      checked(ci)
      check_status(ci, has)
      if has.updated_at then check_freshness(ci, settings.max_age_days) end
      if has.billing then check_billing(ci, settings.billing_fields) end
      if has.hardware and hw[ci.class] then check_hardware(ci, settings.hardware_fields) end
      if has.relations then check_relations(ci) end
    end
  end,
}
