-- EXPOSURE: no system operated for the customer is reachable from the internet except through
-- the customer's edge protection (WAF, CDN or DDoS service).
local common = import("common")

return {
  id = "EXPOSURE",
  title = "No system is directly reachable from the internet",
  severity = "critical",
  clause = "003_43a5403071fef7fe.txt §7.1, §7.11",
  rationale = [[
"Es ist dem Auftragnehmer untersagt, für den Auftraggeber betriebene Systeme ohne Absprache mit
dem Auftraggeber direkt aus dem Internet erreichbar zu machen." (§7.1) Internet-facing systems sit
behind the customer's WAF in a DMZ (§7.11). A path whose first internal hop is not the customer's
edge protection makes the system directly reachable.]],
  remediation = [[
Remove the firewall rule (or NAT, or public address) that admits the internet to the system, or
publish the system only through the customer's WAF/CDN. If the customer agreed to the exposure,
record that agreement as a waiver.]],
  settings = {
    -- Paths listed per finding; the rest are counted.
    max_paths = 5,
  },

  check = function(estate, settings)
    for ci in estate.exposed() do
      if not common.is_network_device(ci) and not common.is_customer_edge(ci) then
        local exposure = estate.internet_paths(ci)
        local direct, confirmed = {}, false
        for _, path in ipairs(exposure.paths) do
          if not common.is_customer_edge(path.cis[1]) then
            direct[#direct + 1] = path
            confirmed = confirmed or path.kind == "confirmed"
          end
        end
        if #direct > 0 then
          local shown, left = common.first_paths(direct, settings.max_paths)
          local rule_hop = common.first_rule_hop(direct[1])
          local services = common.path_services(direct)
          local message
          if confirmed then
            message = string.format("reachable from the internet on %s, not through the customer's edge protection (confirmed: a public address leads there)",
                                    table.concat(services, ", "))
          elseif rule_hop == nil then
            message = string.format("reachable from the internet on %s with no firewall on the path (latent: no public address leads there; one NAT or route away from exposure)",
                                    table.concat(services, ", "))
          else
            message = string.format("reachable from the internet on %s by the firewall rules alone (latent: %s admits it; one NAT or route away from exposure)",
                                    table.concat(services, ", "), common.describe_rule_hop(rule_hop))
          end
          report(ci, message, {
            key = table.concat(services, ","),
            severity = confirmed and "critical" or "high",
            paths = shown,
            more_paths = left + exposure.more_paths,
            data = { exposure = confirmed and "confirmed" or "latent" },
            evidence = { { fact = "first rule admitting the internet: " .. common.describe_rule_hop(rule_hop),
                           at = rule_hop and rule_hop.where } },
          })
        end
      end
    end
  end,
}
