-- policies/example.lua: an annotated template for a new policy. Files named example.lua are not
-- loaded as policies; copy this one to policies/<ID>.lua and edit it. docs/policy-api.md lists
-- everything a policy may call.

-- Shared helpers live in policies/lib/ and are loaded with import(); each is run once per policy.
local common = import("common")

-- A policy file returns its policy table. Metadata first, so the file reads like the clause.
return {
  -- The rule id: upper case, stable once published (fingerprints and baselines use it).
  id = "EXAMPLE-OWNER",
  title = "Every live system names its owner",
  -- info | low | medium | high | critical: the contract's weight, not the author's mood.
  severity = "low",
  -- The document file name and section of the clause the rule encodes.
  clause = "003_43a5403071fef7fe.txt §3.5",
  -- Why: quote the contract where you can.
  rationale = [[The CMDB must let the customer see who is responsible for each system.]],
  -- What the finding's reader should do.
  remediation = [[Set `owner` on the CI in the CMDB.]],
  -- Every tunable value, with its default. Users override them without editing this file:
  --   topocheck check ESTATE --set EXAMPLE-OWNER.classes=...
  settings = {
    classes = { "server", "vm" },
  },

  -- check(estate, settings): read the estate, call report() for each violation.
  check = function(estate, settings)
    local count = 0
    for ci in estate.cis{class = settings.classes} do
      if common.is_live(ci) then
        count = count + 1
        -- Record that this CI was evaluated: without a finding it counts as passed.
        checked(ci)
        if ci.owner == nil then
          report(ci, "names no owner", {
            -- What the finding is about, without file names or lines: keeps the fingerprint
            -- stable when files are reordered or edited elsewhere.
            key = "no-owner",
            -- Facts behind the finding, each with where it was written.
            evidence = { { fact = "owner: not set", at = ci:where() } },
          })
        end
      end
    end
    -- When the estate has nothing to judge, say so once rather than staying silent.
    if count == 0 then
      notice("no live system of the classes " .. table.concat(settings.classes, ", ") .. " in the estate")
    end
  end,
}
