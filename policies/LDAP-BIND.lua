-- LDAP-BIND: every Linux/Unix system operated for the customer is bound to the LDAP directory
-- service, and accounts in that directory come only from the customer's IGA.
local inventory = import("inventory")

local function is_unix(ci)
  return ci.os.family == "linux" or ci.os.family == "unix"
end

-- Accounts in the LDAP directory that belong to the contractor (or a third party) rather than
-- the customer were not provisioned through the customer's IGA: "Der Auftragnehmer darf hier
-- selbst keine Accounts anlegen." An account without an owner is left alone.
local function check_accounts(estate)
  for account in estate.accounts() do
    if account.directory == "ldap" and account.owner ~= nil and account.owner ~= "customer" then
      report(nil, string.format("LDAP account %s belongs to %s, not provisioned through the customer's IGA",
                                account.id, inventory.provider_noun(account.owner)), {
        key = "account:" .. account.id,
        at = account:where(),
        evidence = { { fact = string.format("account %s: directory ldap, owner %s", account.id, account.owner),
                       at = account:where("owner") } },
      })
    end
  end
end

return {
  id = "LDAP-BIND",
  title = "Linux/Unix systems are bound to the LDAP directory fed by the customer's IGA",
  severity = "high",
  clause = "003_43a5403071fef7fe.txt §8.4.2",
  rationale = [[
"In diesem Directory Service dürfen Accounts ausschließlich über das vom Auftraggeber
bereitgestellte IGA-System angelegt werden. Der Auftragnehmer darf hier selbst keine Accounts
anlegen. Alle für den Auftraggeber betriebenen Linux / Unix Systeme müssen an diesen Directory
Service angebunden werden."]],
  remediation = [[
Bind the system to the LDAP directory service (SSSD or equivalent) and record it in the CMDB
(identity.directory = "ldap"). Remove accounts the contractor created in the directory itself and
order them through the customer's IGA instead.]],
  settings = {
    -- Classes of systems with an operating system of their own; a Linux or Unix one (os.family)
    -- provided by `providers` is in scope.
    classes = { "server", "vm", "container_host", "workstation", "jump_server" },
    providers = { "contractor" },
  },

  check = function(estate, settings)
    local unix = {}
    for _, ci in ipairs(inventory.in_scope(settings.classes, settings.providers)) do
      if is_unix(ci) then unix[#unix + 1] = ci end
    end
    check_accounts(estate)
    if #unix > 0 and not inventory.any(unix, function(ci) return ci.identity.directory ~= nil end) then
      notice(string.format("none of the %d Linux/Unix system(s) in scope records its directory (identity.directory); "
                           .. "the estate carries no data on directory binding", #unix))
      return
    end
    for _, ci in ipairs(unix) do
      checked(ci)
      local directory = ci.identity.directory
      if directory ~= "ldap" then
        report(ci, string.format("is not bound to the LDAP directory service (directory: %s)",
                                 directory or "not recorded"), {
          key = "not-bound",
          evidence = { { fact = "identity.directory: " .. (directory or "not set"), at = ci:where("identity") },
                       { fact = inventory.describe_os(ci), at = ci:where("os") } },
        })
      end
    end
  end,
}
