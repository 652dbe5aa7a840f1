-- LOCAL-ACCOUNTS: accounts that are not centrally managed (local accounts) exist only by way of
-- exception, each approved by the customer beforehand.
local inventory = import("inventory")

local function has_identity(ci)
  local identity = ci.identity
  return identity.directory ~= nil or #identity.local_accounts > 0
end

local function check_account(ci, account, pattern)
  local approval = account.approval
  if approval == nil then
    report(ci, string.format("has local account %s without the customer's approval", account.name), {
      key = "unapproved:" .. account.name,
      evidence = { { fact = string.format("local account %s: no approval reference", account.name), at = account.where } },
    })
  elseif pattern ~= "" and not approval:find(pattern) then
    report(ci, string.format("has local account %s whose approval %s is not a customer approval reference",
                             account.name, approval), {
      key = "unapproved:" .. account.name,
      evidence = { { fact = string.format("local account %s: approval %s does not match %s",
                                          account.name, approval, pattern),
                     at = account.where } },
    })
  end
end

return {
  id = "LOCAL-ACCOUNTS",
  title = "Local accounts exist only with the customer's prior approval",
  severity = "high",
  clause = "003_43a5403071fef7fe.txt §8.3",
  rationale = [[
"Nicht zentral verwaltete Accounts (z.B. lokale Accounts) dürfen vom Auftragnehmer nur in
Ausnahmefällen angelegt und genutzt werden. Diese müssen vorab durch den Auftraggeber genehmigt
werden." Every other account comes from the customer's IGA (003 §8.1, §8.2).]],
  remediation = [[
Remove the local account and use a centrally managed (AD or LDAP) account, or obtain the
customer's approval for the exception and record its reference on the account
(identity.local_accounts[].approval).]],
  settings = {
    -- Classes whose local accounts are checked; an empty list means every class. Only CIs
    -- provided by `providers` are in scope.
    classes = {},
    providers = { "contractor" },
    -- A Lua pattern an approval reference must match, e.g. "^AG%-%d%d%d%d%-%d+$"; empty accepts
    -- any non-empty reference.
    approval_pattern = "",
  },

  check = function(estate, settings)
    local cis = inventory.in_scope(settings.classes, settings.providers)
    if #cis > 0 and not inventory.any(cis, has_identity) then
      notice(string.format("none of the %d CI(s) in scope records its identity set-up (identity); "
                           .. "the estate carries no data on local accounts", #cis))
      return
    end
    for _, ci in ipairs(cis) do
      if has_identity(ci) then
        checked(ci)
        for _, account in ipairs(ci.identity.local_accounts) do
          check_account(ci, account, settings.approval_pattern)
        end
      end
    end
  end,
}
