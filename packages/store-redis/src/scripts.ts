import { createHash } from "node:crypto";

/** A Lua script and its SHA-1, for EVALSHA with a fallback to EVAL. */
export interface LuaScript {
  readonly lua: string;
  readonly sha: string;
}

const script = (lua: string): LuaScript => ({
  lua,
  sha: createHash("sha1").update(lua).digest("hex"),
});

// Shared helpers. Every key a script builds itself (old index keys, session
// keys of index members) starts with the same `<prefix>{<tag>}:` as the keys
// it was given, so it lives in the same Cluster slot.
const prelude = `
local function read(key)
  local v = redis.pcall('GET', key)
  if type(v) == 'table' then return false, true end
  return v, false
end
local function header(v)
  if not v then return nil end
  local a = string.find(v, '\\n', 1, true)
  if not a then return nil end
  local b = string.find(v, '\\n', a + 1, true)
  if not b then return nil end
  local c = string.find(v, '\\n', b + 1, true)
  if not c then return nil end
  local e = tonumber(string.sub(v, 1, a - 1))
  if not e then return nil end
  return e, string.sub(v, a + 1, b - 1), string.sub(v, b + 1, c - 1), c
end
-- The header of the value under key, reading only its first KiB when that holds it all
-- (a session can be 64 KiB): expiresAt, sub ref, sid ref, the header's length; nil when
-- missing or unreadable.
local function head(key)
  local v = redis.pcall('GETRANGE', key, 0, 1023)
  if type(v) == 'table' then return nil end
  local e, sub, sid, c = header(v)
  if e or #v < 1024 then return e, sub, sid, c end
  return header(redis.call('GET', key))
end
local function tidy(index, now)
  redis.call('ZREMRANGEBYSCORE', index, '-inf', now)
  local last = redis.call('ZRANGE', index, -1, -1, 'WITHSCORES')
  if last[2] then
    redis.call('PEXPIRE', index, math.max(1, math.ceil(tonumber(last[2]) - now)))
  end
end
local function unindex(index, id, now)
  redis.call('ZREM', index, id)
  tidy(index, now)
end
`;

/**
 * set / update. KEYS: session, sub index[, sid index].
 * ARGV: base, now, expiresAt, px, value, mode ('set' | 'update'), id.
 * Returns 1 when it wrote (or deleted for a past expiresAt), 0 when `update` found no live session.
 */
export const writeScript = script(`${prelude}
local base, now, expiresAt, id = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[7]
local oldExpiresAt, oldSub, oldSid = head(KEYS[1])
if ARGV[6] == 'update' and not (oldExpiresAt and oldExpiresAt > now) then
  if not oldExpiresAt then redis.call('DEL', KEYS[1]) end
  return 0
end
local subIndex, sidIndex = KEYS[2], KEYS[3] or false
local ending = expiresAt <= now
if oldExpiresAt then
  local index = base .. 'u:' .. oldSub
  if ending or index ~= subIndex then unindex(index, id, now) end
  if oldSid ~= '' then
    index = base .. 'i:' .. oldSid
    if ending or index ~= sidIndex then unindex(index, id, now) end
  end
end
if ending then
  redis.call('DEL', KEYS[1])
  return 1
end
redis.call('SET', KEYS[1], ARGV[5], 'PX', ARGV[4])
redis.call('ZADD', subIndex, expiresAt, id)
tidy(subIndex, now)
if sidIndex then
  redis.call('ZADD', sidIndex, expiresAt, id)
  tidy(sidIndex, now)
end
return 1
`);

/**
 * delete, and removal of an unreadable value. KEYS: session.
 * ARGV: base, now, id, condition ('' always, 'same' only if the value is still
 * ARGV[5], 'wrongtype' only if the key is not a string).
 */
export const removeScript = script(`${prelude}
local old, wrongType = read(KEYS[1])
local condition = ARGV[4]
if wrongType then
  redis.call('DEL', KEYS[1])
  return 1
end
if not old or condition == 'wrongtype' or (condition == 'same' and old ~= ARGV[5]) then
  return 0
end
redis.call('DEL', KEYS[1])
local e, sub, sid = header(old)
if e then
  local now = tonumber(ARGV[2])
  unindex(ARGV[1] .. 'u:' .. sub, ARGV[3], now)
  if sid ~= '' then unindex(ARGV[1] .. 'i:' .. sid, ARGV[3], now) end
end
return 1
`);

/**
 * deleteByLogoutToken. KEYS: the index to follow in each shard (all sid or all sub indexes).
 * ARGV: now, kind ('i' for sid, 'u' for sub), the index ref, the sub ref that must
 * also match (or ''), then the base of each key's shard.
 * Members whose session is gone, unreadable or now belongs elsewhere are dropped.
 * Returns how many live sessions it ended.
 */
export const logoutScript = script(`${prelude}
local now, kind, ref, wanted = tonumber(ARGV[1]), ARGV[2], ARGV[3], ARGV[4]
local ended = 0
for i, index in ipairs(KEYS) do
  local base = ARGV[4 + i]
  local touched = { [index] = true }
  for _, id in ipairs(redis.call('ZRANGE', index, 0, -1)) do
    local key = base .. 's:' .. id
    local e, sub, sid = head(key)
    if not (e and ((kind == 'u' and sub == ref) or (kind == 'i' and sid == ref))) then
      redis.call('ZREM', index, id)
    elseif wanted == '' or sub == wanted then
      redis.call('DEL', key)
      if e > now then ended = ended + 1 end
      local subIndex = base .. 'u:' .. sub
      redis.call('ZREM', subIndex, id)
      touched[subIndex] = true
      if sid ~= '' then
        local sidIndex = base .. 'i:' .. sid
        redis.call('ZREM', sidIndex, id)
        touched[sidIndex] = true
      end
    end
  end
  for index in pairs(touched) do tidy(index, now) end
end
return ended
`);

/**
 * touch. KEYS: session. ARGV: base, now, expiresAt (as the app wrote it), px, id.
 * Moves the expiry in the value's header, the key's TTL and both index entries; never the
 * session JSON. Returns 1 when it moved a live session; 0 when none was there (a dead or
 * unreadable value, or another type, is removed) or when a past expiresAt ended it.
 * Cheap on purpose (a roll must cost less than an update): it reads the header and the
 * JSON's first and last bytes, not the JSON itself, so a cut-off value is unreadable here;
 * a whole JSON value of the wrong shape is left to get, which removes it.
 */
export const touchScript = script(`${prelude}
local base, now, id = ARGV[1], tonumber(ARGV[2]), ARGV[5]
local e, sub, sid, c = head(KEYS[1])
if not e then
  -- Missing (DEL is a no-op), no header, or another type.
  redis.call('DEL', KEYS[1])
  return 0
end
local expiresAt = tonumber(ARGV[3])
local subIndex = base .. 'u:' .. sub
local sidIndex = sid ~= '' and (base .. 'i:' .. sid) or false
local whole = redis.call('GETRANGE', KEYS[1], c, c) == '{' and
  redis.call('GETRANGE', KEYS[1], -1, -1) == '}'
if e <= now or expiresAt <= now or not whole then
  redis.call('DEL', KEYS[1])
  unindex(subIndex, id, now)
  if sidIndex then unindex(sidIndex, id, now) end
  return 0
end
local width = c - #sub - #sid - 3
if width == #ARGV[3] then
  -- Same width (epoch ms keep 13 digits until 2286): rewrite the expiry in place.
  redis.call('SETRANGE', KEYS[1], 0, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
else
  local v = redis.call('GET', KEYS[1])
  redis.call('SET', KEYS[1], ARGV[3] .. string.sub(v, width + 1), 'PX', ARGV[4])
end
redis.call('ZADD', subIndex, ARGV[3], id)
tidy(subIndex, now)
if sidIndex then
  redis.call('ZADD', sidIndex, ARGV[3], id)
  tidy(sidIndex, now)
end
return 1
`);

/**
 * listSessions. KEYS: the iss+sub index of each shard. ARGV: now, the sub ref, then the
 * base of each key's shard. Returns id, value, id, value… for every member whose value is
 * live by its header and still belongs to that user. Only members scored after `now` are
 * read (the score is the record's expiry; writes prune the dead ones), all with one MGET.
 * Members whose value is gone, unreadable, of another type or now another user's are
 * dropped from the index.
 */
export const listScript = script(`${prelude}
local now, ref = tonumber(ARGV[1]), ARGV[2]
local ids, indexes, keys = {}, {}, {}
for i, index in ipairs(KEYS) do
  local base = ARGV[2 + i]
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', index, '(' .. ARGV[1], '+inf')) do
    ids[#ids + 1] = id
    indexes[#indexes + 1] = index
    keys[#keys + 1] = base .. 's:' .. id
  end
end
local found, stale = {}, {}
-- MGET answers nil (false in Lua) for a missing key and for another type alike. In
-- batches: unpack has a stack limit.
local values = {}
for from = 1, #keys, 1000 do
  local batch = redis.call('MGET', unpack(keys, from, math.min(from + 999, #keys)))
  for _, v in ipairs(batch) do values[#values + 1] = v end
end
for n, v in ipairs(values) do
  local e, sub = header(v)
  if e and sub == ref then
    if e > now then
      found[#found + 1] = ids[n]
      found[#found + 1] = v
    end
  else
    redis.call('ZREM', indexes[n], ids[n])
    stale[indexes[n]] = true
  end
end
for index in pairs(stale) do tidy(index, now) end
return found
`);

/**
 * claimLogoutToken. KEYS: claim. ARGV: now, expiresAt, px.
 * The value is the claim's expiresAt, so a claim ends at exactly that time by the app's
 * clock (the key's TTL ends a network hop later). A value of `1` is a claim written by
 * an earlier version of the store: live until its TTL ends.
 * Returns 1 when no live claim was there (the claim is now taken), 0 for a replay.
 */
export const claimScript = script(`
local v = redis.pcall('GET', KEYS[1])
if type(v) == 'string' and (v == '1' or (tonumber(v) or 0) > tonumber(ARGV[1])) then
  return 0
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
`);

/**
 * acquireRefreshLease. KEYS: lease. ARGV: now, holder, expiresAt, px.
 * The value is the lease's expiresAt, a newline, then the holder: a lease ends at exactly its expiresAt by the app's
 * clock. Returns 1 when the lease was free (none, over, unreadable or another type) or
 * already this holder's (extended), 0 while another holder's lease lives.
 */
export const acquireLeaseScript = script(`
local v = redis.pcall('GET', KEYS[1])
if type(v) == 'string' then
  local a = string.find(v, '\\n', 1, true)
  local e = a and tonumber(string.sub(v, 1, a - 1))
  if e and e > tonumber(ARGV[1]) and string.sub(v, a + 1) ~= ARGV[2] then return 0 end
end
redis.call('SET', KEYS[1], ARGV[3] .. '\\n' .. ARGV[2], 'PX', ARGV[4])
return 1
`);

/** releaseRefreshLease. KEYS: lease. ARGV: holder. Deletes the lease only if that holder has it. */
export const releaseLeaseScript = script(`
local v = redis.pcall('GET', KEYS[1])
if type(v) == 'string' then
  local a = string.find(v, '\\n', 1, true)
  if a and string.sub(v, a + 1) == ARGV[1] then
    redis.call('DEL', KEYS[1])
    return 1
  end
end
return 0
`);
