/**
 * Lua for the Redis presence adapter. Every script works on one shard and declares its three keys, which
 * share one hash tag, so each runs atomically on one slot (standalone or Cluster alike):
 *   KEYS[1] due      ZSET  userId -> the user's latest device deadline; membership == online
 *   KEYS[2] devices  HASH  userId -> JSON {deviceKey: [seen, deadline]}, recent devices of online users only
 *   KEYS[3] last     ZSET  userId -> lastActiveAt (ms); online and recently offline users
 * Times are integral epoch ms, well inside cjson's 14 significant digits.
 */

const COMMON = `
local function ms(n) return string.format('%.0f', n) end

-- Stores the user's devices after a change: 'due' becomes the latest deadline (even if already past, so the
-- sweep picks the user up). A device is kept until seen + timeout, even when a disconnect cut its deadline
-- shorter: until then its 'seen' is what rejects a beat flushed after the disconnect; after that such a beat
-- is too old to count anyway. Older devices are dropped, so reconnect churn cannot pile up.
local function save(user, devices, now, timeout)
  local due, keep, live = nil, {}, false
  for key, d in pairs(devices) do
    if due == nil or d[2] > due then due = d[2] end
    if d[1] + timeout > now then keep[key] = d; live = true end
  end
  if live then redis.call('HSET', KEYS[2], user, cjson.encode(keep)) else redis.call('HDEL', KEYS[2], user) end
  redis.call('ZADD', KEYS[1], ms(due), user)
end

local function load(user)
  local raw = redis.call('HGET', KEYS[2], user)
  if raw then return cjson.decode(raw) end
  return nil
end
`;

/** ARGV: now, timeoutMs, then (userId, deviceKey, at) triples. Returns the users that came online. */
export const TOUCH = `${COMMON}
local now, timeout = tonumber(ARGV[1]), tonumber(ARGV[2])
local came = {}
for i = 3, #ARGV, 3 do
  local user, key, at = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  if at + timeout > now then
    local devices = load(user) or {}
    local d = devices[key]
    if d == nil or at > d[1] then
      local online = redis.call('ZSCORE', KEYS[1], user)
      devices[key] = {at, at + timeout}
      save(user, devices, now, timeout)
      redis.call('ZADD', KEYS[3], 'GT', ms(at), user)
      if not online then came[#came + 1] = user end
    end
  end
end
return came
`;

/** ARGV: now, userId, deviceKey, deadline, timeoutMs. */
export const DISCONNECT = `${COMMON}
local now, user, key, deadline, timeout = tonumber(ARGV[1]), ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
local devices = load(user)
if devices == nil or devices[key] == nil then return 0 end
devices[key] = {math.max(devices[key][1], now), deadline}
save(user, devices, now, timeout)
redis.call('ZADD', KEYS[3], 'GT', ms(now), user)
return 1
`;

/**
 * ARGV: now, limit, retention cutoff. Takes up to `limit` due users offline and returns them as flat
 * (userId, lastActiveAt or '') pairs. Removal from 'due' is the transition, so two sweepers running this at
 * once can never both return the same user. When the sweep caught up, it also forgets lastActiveAt of users
 * offline since before the cutoff (an online user is always more recent: cutoff << now - timeout).
 */
export const SWEEP = `
local users = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for _, user in ipairs(users) do
  redis.call('ZREM', KEYS[1], user)
  redis.call('HDEL', KEYS[2], user)
  out[#out + 1] = user
  out[#out + 1] = redis.call('ZSCORE', KEYS[3], user) or ''
end
if #users < tonumber(ARGV[2]) then
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[3])
end
return out
`;
