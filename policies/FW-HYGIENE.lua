-- FW-HYGIENE: firewall rule bases the customer can review and recertify: no rule that can never
-- match (shadowed or redundant), no allow rule wider than any rule should be (any to any, the
-- whole internet as source, any service), no firewall that allows by default.
local common = import("common")

local severity_of = {
  default_allow = "high",
  any_to_any = "high",
  any_source_from_internet = "high",
  any_service = "medium",
  shadowed = "medium",
  redundant = "low",
}

-- "rule 100 (CHG1): deny zone:internet -> any on any"
local function describe(rule)
  return string.format("rule %d%s: %s %s -> %s on %s", rule.order,
                       rule.ref and (" (" .. rule.ref .. ")") or "", rule.action,
                       table.concat(rule.from, ", "), table.concat(rule.to, ", "),
                       table.concat(rule.services, ", "))
end

-- Identifies a rule across issues (each issue holds views of its own).
local function rule_id(rule)
  local at = rule:where()
  return string.format("%s:%d", at.file, at.line)
end

-- True when every destination of the rule is the customer's edge protection.
local function only_to_customer_edge(rule)
  for _, to in ipairs(rule.to) do
    local id = to:match("^ci:(.+)$")
    local ci = id and estate.ci(id)
    if not (ci and common.is_customer_edge(ci)) then return false end
  end
  return true
end

-- The finding of one issue: the rule's own line, then the earlier rules that decide its traffic.
local function report_issue(issue, max_evidence)
  local rule = issue.rule
  if rule == nil then  -- default_allow
    local at = issue.firewall:where("default_action")
    report(issue.firewall, issue.message, {
      key = issue.kind, severity = severity_of[issue.kind], at = at,
      evidence = { { fact = "default_action = \"allow\"", at = at } },
      data = { kind = issue.kind },
    })
    return
  end
  local evidence = { { fact = describe(rule), at = rule:where() } }
  for i, earlier in ipairs(issue.covered_by) do
    if i > max_evidence then
      evidence[#evidence + 1] = string.format("and %d more earlier rules", #issue.covered_by - max_evidence)
      break
    end
    evidence[#evidence + 1] = { fact = "decided first by " .. describe(earlier), at = earlier:where() }
  end
  report(issue.firewall, issue.message, {
    -- order and ref, not the line: the fingerprint survives edits elsewhere in the file
    key = string.format("%s:%d:%s", issue.kind, rule.order, rule.ref or ""),
    severity = severity_of[issue.kind],
    at = rule:where(),
    evidence = evidence,
    data = { kind = issue.kind, rule_order = rule.order, rule_ref = rule.ref },
  })
end


return {
  id = "FW-HYGIENE",
  title = "Firewall rules are explicit and every rule can match",
  severity = "medium",
  clause = "003_43a5403071fef7fe.txt §7.10, §9.1",
  rationale = [[
"Der Auftraggeber erhält das Recht, regelmäßig und anlassbezogen Firewallregeln zu prüfen und zu
rezertifizieren." (§7.10) A rule base can only be recertified when each rule means what it says:
a rule that earlier rules shadow never takes effect, however it reads, and an allow rule on any
source, any destination or any service cannot be checked against a need at all. Traffic between
the clusters "soll durch den jeweiligen Auftragnehmer explizit erlaubt sein" (§9.1): explicitly
allowed, so never any to any, and never allowed by a firewall's default action.]],
  remediation = [[
Shadowed: the earlier rules named in the evidence decide this rule's traffic with the opposite
action; reorder the rules if this rule is meant to apply, or delete it. Redundant: delete it, the
earlier rules already do the same. Any to any, any service, the whole internet: narrow the rule to
the sources, destinations and services that are needed, or publish through the customer's WAF.
Default allow: set default_action = "deny" and allow what is needed explicitly.]],
  settings = {
    -- Rules from the internet to the customer's own edge protection (WAF, CDN, DDoS service) are
    -- how the contract wants systems published (003 §7.11): not reported as internet-wide.
    allow_internet_to_customer_edge = true,
    -- Earlier rules listed as evidence for a shadowed or redundant rule; the rest are counted.
    max_evidence = 10,
  },

  check = function(estate, settings)
    for fw in estate.cis{class = "firewall"} do checked(fw) end
    local issues = estate.rule_issues()
    -- any_to_any says more than any_source_from_internet about the same rule: report it alone.
    local any_to_any = {}
    for _, issue in ipairs(issues) do
      if issue.kind == "any_to_any" then any_to_any[rule_id(issue.rule)] = true end
    end
    for _, issue in ipairs(issues) do
      local skip = issue.kind == "any_source_from_internet"
        and (any_to_any[rule_id(issue.rule)]
             or (settings.allow_internet_to_customer_edge and only_to_customer_edge(issue.rule)))
      if not skip then report_issue(issue, settings.max_evidence) end
    end
  end,
}
