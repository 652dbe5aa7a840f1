-- LOG-RETENTION: the configured retention of every kind of log matches the service description's
-- table: keeping logs longer violates data protection, deleting them sooner leaves an audit gap.
local inventory = import("inventory")

local function sorted_kinds(map)
  local kinds = {}
  for kind in pairs(map) do kinds[#kinds + 1] = kind end
  table.sort(kinds)
  return kinds
end

local function check_kind(ci, kind, days, required, settings)
  local data = { log_kind = kind, retention_days = days, required_days = required }
  local evidence = { { fact = string.format("log_retention_days.%s = %d; the table says %d", kind, days, required),
                       at = ci:where("log_retention_days") } }
  if days > required then
    report(ci, string.format("keeps %s logs for %d days, longer than the %d days of the retention table "
                             .. "(data-protection violation)", kind, days, required), {
      key = "too-long:" .. kind,
      severity = settings.too_long_severity,
      data = data,
      evidence = evidence,
    })
  elseif days < required then
    report(ci, string.format("keeps %s logs for %d days, shorter than the %d days of the retention table (audit gap)",
                             kind, days, required), {
      key = "too-short:" .. kind,
      severity = settings.too_short_severity,
      data = data,
      evidence = evidence,
    })
  end
end

return {
  id = "LOG-RETENTION",
  title = "Log retention matches the retention table, neither longer nor shorter",
  severity = "medium",
  clause = "004_d83fd7519f0bbbd8.txt §4",
  rationale = [[
"Standardmäßige Löschfristen sind" (Aufbewahrungsfrist, Löschfrist): Infrastruktur-Protokollierung
12 Monate; System-Protokollierung 1 Monat; Audit-Protokollierung 12 Monate;
Applikations-Protokollierung 3 Monate; Protokollierung der Nutzeraktionen 10 Tage;
Nutzungsinformationen 2 Jahre; Protokollierung der Verbindungsdaten 10 Tage;
Abrechnungsinformationen 2 Jahre. Logs kept longer than their period hold personal data beyond
its deletion date; logs deleted sooner are missing when an incident is investigated.]],
  remediation = [[
Set the log's retention (rotation, index lifecycle, archive deletion) to exactly the period of
the retention table and record it in the CMDB (log_retention_days); a different period needs
the customer's agreement (a waiver).]],
  settings = {
    -- The retention table of 004 §4 in days (12 months = 365, 1 month = 30, 3 months = 90,
    -- 2 years = 730). An override replaces the whole table, so list every kind.
    retention_days = {
      infrastructure = 365, system = 30, audit = 365, application = 90,
      user_actions = 10, usage = 730, connection = 10, billing = 730,
    },
    -- Longer than the table keeps personal data past its deletion date (data-protection
    -- violation); shorter leaves an audit gap.
    too_long_severity = "high",
    too_short_severity = "medium",
    -- Classes checked; an empty list means every class. Only CIs provided by `providers` are in
    -- scope.
    classes = {},
    providers = { "contractor" },
  },

  check = function(estate, settings)
    local cis = inventory.in_scope(settings.classes, settings.providers)
    local function has_retention(ci) return next(ci.log_retention_days) ~= nil end
    if #cis > 0 and not inventory.any(cis, has_retention) then
      notice(string.format("none of the %d CI(s) in scope records its log retention (log_retention_days); "
                           .. "retention is not checked", #cis))
      return
    end
    local unknown = {}
    for _, ci in ipairs(cis) do
      local retention = ci.log_retention_days
      if next(retention) ~= nil then
        checked(ci)
        for _, kind in ipairs(sorted_kinds(retention)) do
          local required = settings.retention_days[kind]
          if required == nil then
            unknown[kind] = true
          else
            check_kind(ci, kind, retention[kind], required, settings)
          end
        end
      end
    end
    for _, kind in ipairs(sorted_kinds(unknown)) do
      notice(string.format("log kind '%s' has no period in the retention table (LOG-RETENTION.retention_days); "
                           .. "it is not checked", kind))
    end
  end,
}
