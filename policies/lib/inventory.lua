-- Helpers shared by the inventory, identity and operations policies (CMDB, scans, monitoring,
-- SIEM, DNS/NTP, directories, retention): import("inventory").
local common = import("common")

local inventory = {}

-- The live CIs of `classes` provided by one of `providers`, in input order. An empty list means
-- every class (or every provider).
function inventory.in_scope(classes, providers)
  local filter = {}
  if #classes > 0 then filter.class = classes end
  if #providers > 0 then filter.provided_by = providers end
  local cis = {}
  for ci in estate.cis(filter) do
    if common.is_live(ci) then cis[#cis + 1] = ci end
  end
  return cis
end

-- True when `has(ci)` holds for at least one CI of the list: the estate carries the data a
-- check needs. When it holds for none, a policy says so once with notice() instead of reporting
-- every CI.
function inventory.any(cis, has)
  for _, ci in ipairs(cis) do
    if has(ci) then return true end
  end
  return false
end

-- Live CIs provided by the customer, of one class or a list of classes.
function inventory.customer_cis(classes)
  local cis = {}
  for ci in estate.cis{class = classes, provided_by = "customer"} do
    if common.is_live(ci) then cis[#cis + 1] = ci end
  end
  return cis
end

-- The customer provides `ci`, and it is of one of the classes (a set); any class when nil.
function inventory.is_customers(ci, class_set)
  return ci.provided_by == "customer" and (class_set == nil or class_set[ci.class] == true)
end

-- "dns-cust-1 (customer), dns-an-1 (contractor)": CI views with who provides them.
function inventory.describe_cis(cis)
  if #cis == 0 then return "none" end
  local parts = {}
  for i, ci in ipairs(cis) do
    parts[i] = string.format("%s (%s)", ci.id, ci.provided_by or "provider unknown")
  end
  return table.concat(parts, ", ")
end

-- "os: Windows Server 2022": a CI's operating system as evidence.
function inventory.describe_os(ci)
  local os = ci.os
  local parts = { os.name or os.family or "unknown" }
  if os.version then parts[#parts + 1] = os.version end
  return "os: " .. table.concat(parts, " ")
end

-- "the customer", "the contractor", "a third party": who provides something, for messages.
function inventory.provider_noun(provided_by)
  if provided_by == "third_party" then return "a third party" end
  if provided_by == nil then return "an unknown provider" end
  return "the " .. provided_by
end

-- Whole days between a scan or update time and the evaluation date (--as-of, 00:00 UTC); nil
-- when there is no time.
function inventory.age_days(t)
  if t == nil then return nil end
  return dates.days_since(t)
end

-- "1 day", "3 days"
function inventory.days(n)
  return n == 1 and "1 day" or string.format("%d days", n)
end

-- ---- addresses ---------------------------------------------------------------------------

local function ipv4_bytes(text)
  local a, b, c, d = text:match("^(%d+)%.(%d+)%.(%d+)%.(%d+)$")
  if a == nil then return nil end
  return { tonumber(a), tonumber(b), tonumber(c), tonumber(d) }
end

local function hextets(text)
  local words = {}
  if text == "" then return words end
  for word in (text .. ":"):gmatch("([^:]*):") do
    words[#words + 1] = tonumber(word, 16) or 0
  end
  return words
end

local function ipv6_bytes(text)
  local head, tail = text:match("^(.-)::(.*)$")
  local words
  if head == nil then
    words = hextets(text)
  else
    local front, back = hextets(head), hextets(tail)
    words = front
    for _ = 1, 8 - #front - #back do words[#words + 1] = 0 end
    for _, w in ipairs(back) do words[#words + 1] = w end
  end
  if #words ~= 8 then return nil end
  local bytes = {}
  for _, w in ipairs(words) do
    bytes[#bytes + 1] = w // 256
    bytes[#bytes + 1] = w % 256
  end
  return bytes
end

-- "10.20.0.0/16" -> { bytes = {10, 20, 0, 0}, length = 16 }; nil when it is not a range.
function inventory.parse_cidr(cidr)
  local address, length = cidr:match("^([^/]+)/(%d+)$")
  if address == nil then return nil end
  local bytes = address:find(":", 1, true) and ipv6_bytes(address) or ipv4_bytes(address)
  if bytes == nil then return nil end
  return { bytes = bytes, length = tonumber(length) }
end

-- The range `inner` lies inside the range `outer` (both parsed, same address family).
function inventory.cidr_within(inner, outer)
  if #inner.bytes ~= #outer.bytes or inner.length < outer.length then return false end
  local bits = outer.length
  for i = 1, #outer.bytes do
    if bits <= 0 then return true end
    local take = math.min(bits, 8)
    local shift = 8 - take
    if inner.bytes[i] >> shift ~= outer.bytes[i] >> shift then return false end
    bits = bits - take
  end
  return true
end

-- The first of the ranges (strings) that holds `cidr`, or nil.
function inventory.range_holding(cidr, ranges)
  local inner = inventory.parse_cidr(cidr)
  if inner == nil then return nil end
  for _, range in ipairs(ranges) do
    local outer = inventory.parse_cidr(range)
    if outer ~= nil and inventory.cidr_within(inner, outer) then return range end
  end
  return nil
end

return inventory
