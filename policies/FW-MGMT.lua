-- FW-MGMT: every firewall and load balancer operated for the customer is attached to the
-- customer's central firewall management tool (network orchestration).
local inventory = import("inventory")

return {
  id = "FW-MGMT",
  title = "Firewalls and load balancers are attached to the customer's firewall management",
  severity = "medium",
  clause = "003_43a5403071fef7fe.txt §7.10",
  rationale = [[
"Der Auftraggeber erhält das Recht, ein Firewall Management Tool technisch an die für den
Auftraggeber betriebenen Firewalls & Loadbalancer anzubinden." "Der Auftraggeber erhält das
Recht, regelmäßig und anlassbezogen Firewallregeln zu prüfen und zu rezertifizieren." A device
that is not attached escapes the customer's review and recertification of its rules.]],
  remediation = [[
Attach the device to the customer's central firewall management tool and record it in the CMDB
(managed_by = the customer's firewall_manager CI).]],
  settings = {
    -- Classes of network devices that must be attached; only CIs provided by `providers` are in
    -- scope.
    classes = { "firewall", "load_balancer" },
    providers = { "contractor" },
  },

  check = function(estate, settings)
    local devices = inventory.in_scope(settings.classes, settings.providers)
    if #devices > 0 and #inventory.customer_cis("firewall_manager") == 0 then
      notice("the estate names no firewall management tool provided by the customer (class firewall_manager); "
             .. "no device can be shown to be attached to it")
    end
    for _, device in ipairs(devices) do
      checked(device)
      local manager = device.managed_by
      if manager == nil then
        report(device, "is not attached to the customer's central firewall management", {
          key = "unmanaged",
          evidence = { { fact = "managed_by: not set", at = device:where("managed_by") } },
        })
      elseif manager.provided_by ~= "customer" or manager.class ~= "firewall_manager" then
        report(device, string.format("is managed by %s (%s, provided by %s), not by the customer's firewall management tool",
                                     manager.id, manager.class, inventory.provider_noun(manager.provided_by)), {
          key = "foreign-manager:" .. manager.id,
          evidence = { { fact = "managed_by: " .. manager.id, at = device:where("managed_by") },
                       { fact = string.format("%s: class %s, provided_by %s", manager.id, manager.class,
                                              manager.provided_by or "not set"), at = manager:where("provided_by") } },
        })
      end
    end
  end,
}
