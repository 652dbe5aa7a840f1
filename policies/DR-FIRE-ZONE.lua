-- DR-FIRE-ZONE: a disaster-recovery instance runs in a different fire protection zone from the
-- production instance it takes over for, so one fire cannot take out both.
local common = import("common")

-- A dr_of relation reads "DR instance dr_of production instance".
local function check_pair(dr, prod, relation)
  local pair = { { fact = string.format("%s dr_of %s", dr.id, prod.id), at = relation:where() } }
  if dr.fire_zone == nil or prod.fire_zone == nil then
    local missing = dr.fire_zone == nil and dr or prod
    pair[#pair + 1] = { fact = missing.id .. ": fire_zone not set", at = missing:where() }
    report(dr, string.format("cannot be shown to run in a different fire protection zone from %s: %s records none",
                             prod.id, missing.id), {
      key = "fire-zone-unknown:" .. prod.id,
      severity = "medium",
      evidence = pair,
    })
  elseif dr.fire_zone == prod.fire_zone then
    pair[#pair + 1] = { fact = dr.id .. ": fire_zone " .. dr.fire_zone, at = dr:where("fire_zone") }
    pair[#pair + 1] = { fact = prod.id .. ": fire_zone " .. prod.fire_zone, at = prod:where("fire_zone") }
    report(dr, string.format("runs in fire protection zone %s, the same as the production instance %s it takes over for",
                             dr.fire_zone, prod.id), {
      key = "same-fire-zone:" .. prod.id,
      data = { fire_zone = dr.fire_zone, production = prod.id },
      evidence = pair,
    })
  end
end

-- The first live CI of the service, and whether a DR instance protects one of them.
local function service_protection(service, protected)
  local first
  for ci in estate.cis{} do
    if ci.service == service and common.is_live(ci) then
      if protected[ci.id] then return ci, true end
      first = first or ci
    end
  end
  return first, false
end

-- Services that must have a disaster-recovery instance: at least one of their live CIs is the
-- target of a dr_of relation.
local function check_services(services, protected)
  for _, service in ipairs(services) do
    local first, has_dr = service_protection(service, protected)
    if first == nil then
      notice(string.format("service '%s' (DR-FIRE-ZONE.services) has no live CI in the estate", service))
    elseif not has_dr then
      report(nil, string.format("service %s has no disaster-recovery instance (no dr_of relation to any of its CIs)",
                                service), {
        key = "no-dr:" .. service,
        at = first:where(),
        evidence = { { fact = "service " .. service .. ", e.g. " .. first.id, at = first:where("service") } },
      })
    end
  end
end

return {
  id = "DR-FIRE-ZONE",
  title = "Disaster-recovery instances run in another fire protection zone",
  severity = "high",
  clause = "001_7ec376e99bc09a3c.txt §C.8",
  rationale = [[
"Zur Sicherstellung der Ausfallsicherheit wird eine Disaster-Recovery (DR) Instanz in getrennten
Feuerschutzbereichen betrieben. Für den sehr unwahrscheinlichen Fall, dass die produktive Instanz
oder die Internetleitung komplett ausfällt, übernimmt die DR-Instanz die Funktion der produktiven
Instanz."]],
  remediation = [[
Move the disaster-recovery instance to a fire protection zone other than the production
instance's (another fire compartment or site), and record both zones in the CMDB (fire_zone).]],
  settings = {
    -- Services (the CI field `service`) that must have a disaster-recovery instance; empty: the
    -- rule checks only the DR pairs the estate records.
    services = {},
  },

  check = function(estate, settings)
    local protected, pairs_seen = {}, 0
    for relation in estate.relations{type = "dr_of"} do
      local dr, prod = relation.from, relation.to
      protected[prod.id] = true
      if common.is_live(dr) then
        pairs_seen = pairs_seen + 1
        checked(dr)
        check_pair(dr, prod, relation)
      end
    end
    if pairs_seen == 0 and #settings.services == 0 then
      notice("the estate records no disaster-recovery instance (no dr_of relation); fire zones are not checked")
    end
    check_services(settings.services, protected)
  end,
}
