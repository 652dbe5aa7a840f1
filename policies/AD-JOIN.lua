-- AD-JOIN: every Windows system the contractor provides and operates is joined to the
-- customer's Active Directory.
local inventory = import("inventory")

-- The directories a CI is recorded as a member of (member_of relations to CIs of class
-- directory), and a piece of evidence per relation; empty when the export records none.
local function directories_of(ci)
  local dirs, evidence = {}, {}
  for _, r in ipairs(ci:related("member_of", "out")) do
    if r.ci.class == "directory" then
      dirs[#dirs + 1] = r.ci
      evidence[#evidence + 1] = { fact = string.format("member_of %s (%s)", r.ci.id, r.ci.provided_by or "provider unknown"),
                                  at = r.relation:where() }
    end
  end
  return dirs, evidence
end

return {
  id = "AD-JOIN",
  title = "Contractor Windows systems are joined to the customer's Active Directory",
  severity = "high",
  clause = "003_43a5403071fef7fe.txt §8.2",
  rationale = [[
"Der Auftraggeber setzt für die Authentifizierung und Autorisierung primär auf Microsoft Active
Directory und Active Directory basierte Sub-Services. Accounts werden vom IGA-System direkt
darin provisioniert. Sämtliche vom Auftragnehmer bereitgestellten und betriebenen
Windows-Systeme müssen hieran angebunden werden."]],
  remediation = [[
Join the system to the customer's Active Directory (in the OUs assigned to the contractor) and
record it in the CMDB (identity.directory = "ad", and a member_of relation to the customer's
directory CI).]],
  settings = {
    -- Classes of systems with an operating system of their own; a Windows one (os.family =
    -- "windows") provided by `providers` is in scope.
    classes = { "server", "vm", "container_host", "workstation", "jump_server" },
    providers = { "contractor" },
  },

  check = function(estate, settings)
    local windows = {}
    for _, ci in ipairs(inventory.in_scope(settings.classes, settings.providers)) do
      if ci.os.family == "windows" then windows[#windows + 1] = ci end
    end
    if #windows > 0 and not inventory.any(windows, function(ci) return ci.identity.directory ~= nil end) then
      notice(string.format("none of the %d Windows system(s) in scope records its directory (identity.directory); "
                           .. "the estate carries no data on domain membership", #windows))
      return
    end
    for _, ci in ipairs(windows) do
      checked(ci)
      local directory = ci.identity.directory
      if directory ~= "ad" then
        report(ci, string.format("is not joined to the customer's Active Directory (directory: %s)",
                                 directory or "not recorded"), {
          key = "not-joined",
          evidence = { { fact = "identity.directory: " .. (directory or "not set"), at = ci:where("identity") },
                       { fact = inventory.describe_os(ci), at = ci:where("os") } },
        })
      else
        local dirs, evidence = directories_of(ci)
        if #dirs > 0 and not inventory.any(dirs, function(d) return d.provided_by == "customer" end) then
          report(ci, string.format("is joined to an Active Directory not provided by the customer: %s",
                                   inventory.describe_cis(dirs)), {
            key = "foreign-directory",
            evidence = evidence,
          })
        end
      end
    end
  end,
}
