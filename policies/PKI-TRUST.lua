-- PKI-TRUST: contractor-provided systems trust the customer's root CA, check revocation, and
-- present only certificates from the customer's PKI that have not expired.
local common = import("common")

-- The CA chain of a certificate ends at a customer root when its last CA is a root CA provided
-- by the customer and every CA on the way is the customer's.
local function chains_to_customer(cert)
  local chain = cert:chain()
  if #chain == 0 then return false, chain end
  for _, ca in ipairs(chain) do
    if ca.provided_by ~= "customer" then return false, chain end
  end
  return chain[#chain].root, chain
end

local function check_trust(ci, customer_roots)
  local trust = ci.trust
  local trusted = {}
  for _, r in ipairs(trust.roots) do trusted[r.id] = true end
  local ok = false
  for _, root in ipairs(customer_roots) do
    if trusted[root.id] then ok = true end
  end
  if not ok then
    local roots = #trust.roots > 0 and common.join(trust.roots) or "none"
    report(ci, "does not trust the customer's root CA", {
      key = "untrusted-root",
      evidence = { { fact = "trusted roots: " .. roots, at = ci:where("trust") },
                   { fact = "customer root CA(s): " .. (#customer_roots > 0 and common.join(customer_roots) or "none in the estate") } },
    })
  end
  if trust.revocation == nil or trust.revocation == "none" then
    report(ci, "checks no certificate revocation status (no OCSP or CRL configured)", {
      key = "no-revocation",
      evidence = { { fact = "trust.revocation: " .. (trust.revocation or "not set"), at = ci:where("trust") } },
    })
  end
end

local function check_certificate(ci, cert, warning_days)
  local ok, chain = chains_to_customer(cert)
  if not ok then
    report(ci, string.format("certificate %s (%s) does not chain to the customer's root CA",
                             cert.id, cert.subject or "no subject"), {
      key = "foreign-issuer:" .. cert.id,
      evidence = { { fact = "issuer chain: " .. (#chain > 0 and common.join(chain, " -> ") or "none"), at = cert:where("issuer") } },
    })
  end
  local not_after = cert.not_after
  if not_after == nil then return end
  local days = dates.days_until(not_after)
  if days < 0 then
    report(ci, string.format("certificate %s (%s) expired on %s", cert.id, cert.subject or "no subject",
                             not_after:sub(1, 10)), {
      key = "expired:" .. cert.id,
      data = { not_after = not_after, days_left = days },
      evidence = { { fact = "not_after: " .. not_after, at = cert:where("not_after") } },
    })
  elseif days <= warning_days then
    report(ci, string.format("certificate %s (%s) expires in %d day(s), on %s", cert.id,
                             cert.subject or "no subject", days, not_after:sub(1, 10)), {
      key = "expiring:" .. cert.id,
      severity = "medium",
      data = { not_after = not_after, days_left = days },
      evidence = { { fact = "not_after: " .. not_after, at = cert:where("not_after") } },
    })
  end
end

return {
  id = "PKI-TRUST",
  title = "Contractor systems trust the customer's PKI and use only its certificates",
  severity = "high",
  clause = "003_43a5403071fef7fe.txt §9.6",
  rationale = [[
"Alle vom Auftragnehmer bereitgestellten Systeme müssen der Root Certificate Authority des
Auftraggebers vertrauen. Zertifikate für diese Systeme werden nur durch die PKI des Auftraggebers
erstellt." The contractor also implements a check of the certificates' validity status
(revocation).]],
  remediation = [[
Add the customer's root CA to the system's trust store, configure OCSP or CRL checking, and
replace certificates from any other CA, and expired or expiring ones, with certificates issued
by the customer's PKI.]],
  settings = {
    -- A certificate expiring within this many days of the evaluation date is reported (medium).
    warning_days = 30,
    -- Classes of contractor-provided CIs that are systems with a trust store.
    classes = { "server", "vm", "container_host", "workstation", "database", "jump_server",
                "firewall", "router", "load_balancer", "reverse_proxy", "waf", "swg", "web_proxy",
                "log_server", "monitoring", "dns", "ntp", "dhcp", "directory", "application" },
  },

  check = function(estate, settings)
    local customer_roots = common.customer_roots()
    if #customer_roots == 0 then
      notice("the estate names no root CA provided by the customer (class ca, root = true, provided_by = customer); every contractor system fails the trust check")
    end
    for ci in estate.cis{class = settings.classes, provided_by = "contractor"} do
      if common.is_live(ci) then
        checked(ci)
        check_trust(ci, customer_roots)
        for _, cert in ipairs(ci.certificates) do
          check_certificate(ci, cert, settings.warning_days)
        end
      end
    end
  end,
}
