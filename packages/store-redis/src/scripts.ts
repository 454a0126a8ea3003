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
-- Redis 5 and 6 replicate a script that reads TIME only as its effects (7 always does).
if redis.replicate_commands then redis.replicate_commands() end
local function read(key)
  local v = redis.pcall('GET', key)
  if type(v) == 'table' then return false, true end
  return v, false
end
-- The header of a value: expiresAt, sub ref, sid ref, the header's length, then the
-- versions of its expiry, its data and its creation as written (strings, '0' for a value
-- written before versions existed), the length of its first line, and expiresAt as written.
local function header(v)
  if not v then return nil end
  local a = string.find(v, '\\n', 1, true)
  if not a then return nil end
  local b = string.find(v, '\\n', a + 1, true)
  if not b then return nil end
  local c = string.find(v, '\\n', b + 1, true)
  if not c then return nil end
  local line = string.sub(v, 1, a - 1)
  local ev, dv, cv = '0', '0', '0'
  local s = string.find(line, ' ', 1, true)
  if s then
    ev, dv, cv = string.match(string.sub(line, s + 1), '^(%d+) (%d+) (%d+)$')
    if not cv then return nil end
    line = string.sub(line, 1, s - 1)
  end
  local e = tonumber(line)
  if not e then return nil end
  return e, string.sub(v, a + 1, b - 1), string.sub(v, b + 1, c - 1), c, ev, dv, cv, a - 1, line
end
-- Whether a write arrives after its deadline (epoch ms by the app's clock, 0 for none),
-- by Redis's clock: the store has reported it failed by then, so it must change nothing.
local function late(deadline)
  deadline = tonumber(deadline)
  if deadline == 0 then return false end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) > deadline
end
-- The header of the value under key (see header), reading only its first KiB when that
-- holds it all (a session can be 64 KiB); nil when missing or unreadable.
local function head(key)
  local v = redis.pcall('GETRANGE', key, 0, 1023)
  if type(v) == 'table' then return nil end
  local e, sub, sid, c, ev, dv, cv, w, es = header(v)
  if e or #v < 1024 then return e, sub, sid, c, ev, dv, cv, w, es end
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
 * ARGV: base, now, expiresAt, px, value, mode ('set' | 'update'), id, version, deadline.
 * `value` is the whole value with a first line of just expiresAt; the script writes the
 * versions into that line. Stale writes change nothing (last writer by version wins, as if
 * the stale one had run before the newer one): data older than the stored data is dropped
 * whole, an expiry older than the stored expiry (a newer touch) keeps the stored expiry.
 * Returns 1 when it wrote, was superseded, or deleted for a past expiresAt; 0 when `update`
 * found no live session; -1 when it arrived after its deadline (it wrote nothing).
 */
export const writeScript = script(`${prelude}
if late(ARGV[9]) then return -1 end
local base, now, expiresAt, id = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[7]
local version = ARGV[8]
local v = tonumber(version)
local oldExpiresAt, oldSub, oldSid, _, oldEv, oldDv, oldCv, _, oldText = head(KEYS[1])
local live = oldExpiresAt and oldExpiresAt > now
if ARGV[6] == 'update' and not live then
  if not oldExpiresAt then redis.call('DEL', KEYS[1]) end
  return 0
end
-- A newer set or update already wrote this session's data: this one is superseded.
if oldExpiresAt and v < tonumber(oldDv) then return 1 end
local text, ev, px, created = ARGV[3], version, ARGV[4], version
if live and v < tonumber(oldEv) then
  -- A newer touch moved the expiry: keep it.
  expiresAt, text, ev = oldExpiresAt, oldText, oldEv
  px = math.max(1, redis.call('PTTL', KEYS[1]))
end
if ARGV[6] == 'update' then created = oldCv end
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
local body = string.sub(ARGV[5], (string.find(ARGV[5], '\\n', 1, true)))
local line = text .. ' ' .. ev .. ' ' .. version .. ' ' .. created
redis.call('SET', KEYS[1], line .. body, 'PX', px)
redis.call('ZADD', subIndex, text, id)
tidy(subIndex, now)
if sidIndex then
  redis.call('ZADD', sidIndex, text, id)
  tidy(sidIndex, now)
end
return 1
`);

/**
 * delete, and removal of an unreadable value. KEYS: session.
 * ARGV: base, now, id, condition ('' always, 'same' only if the value is still
 * ARGV[5], 'wrongtype' only if the key is not a string), then for a delete its version
 * and deadline. A delete keeps a session created (by a set) after the delete was issued:
 * a late logout must not end the next login. Newer updates and touches do not protect a
 * session from an older delete: a logout wins over requests that raced it.
 * Returns 1 when it deleted, 0 when there was nothing to delete or it was superseded,
 * -1 when it arrived after its deadline.
 */
export const removeScript = script(`${prelude}
if late(ARGV[7] or '0') then return -1 end
local old, wrongType = read(KEYS[1])
local condition = ARGV[4]
if wrongType then
  redis.call('DEL', KEYS[1])
  return 1
end
if not old or condition == 'wrongtype' or (condition == 'same' and old ~= ARGV[5]) then
  return 0
end
local e, sub, sid, _, _, _, cv = header(old)
if e and condition == '' and tonumber(cv) > tonumber(ARGV[6]) then return 0 end
redis.call('DEL', KEYS[1])
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
 * also match (or ''), the call's version and deadline, then the base of each key's shard.
 * Members whose session is gone, unreadable or now belongs elsewhere are dropped; sessions
 * created after the call was issued (a login after the logout) are kept.
 * Returns how many live sessions it ended, or -1 when it arrived after its deadline.
 */
export const logoutScript = script(`${prelude}
if late(ARGV[6]) then return -1 end
local now, kind, ref, wanted = tonumber(ARGV[1]), ARGV[2], ARGV[3], ARGV[4]
local version = tonumber(ARGV[5])
local ended = 0
for i, index in ipairs(KEYS) do
  local base = ARGV[6 + i]
  local touched = { [index] = true }
  for _, id in ipairs(redis.call('ZRANGE', index, 0, -1)) do
    local key = base .. 's:' .. id
    local e, sub, sid, _, _, _, cv = head(key)
    if not (e and ((kind == 'u' and sub == ref) or (kind == 'i' and sid == ref))) then
      redis.call('ZREM', index, id)
    elseif (wanted == '' or sub == wanted) and tonumber(cv) <= version then
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
 * touch. KEYS: session. ARGV: base, now, expiresAt (as the app wrote it), px, id, version,
 * deadline. Moves the expiry in the value's header (with its version), the key's TTL and
 * both index entries; never the session JSON. Returns 1 when it moved a live session, or
 * found it live with an expiry written by a newer call (superseded); 0 when none was there
 * (a dead or unreadable value, or another type, is removed) or when a past expiresAt ended
 * it; -1 when it arrived after its deadline.
 * Cheap on purpose (a roll must cost less than an update): it reads the header and the
 * JSON's first and last bytes, not the JSON itself, so a cut-off value is unreadable here;
 * a whole JSON value of the wrong shape is left to get, which removes it.
 */
export const touchScript = script(`${prelude}
if late(ARGV[7]) then return -1 end
local base, now, id, version = ARGV[1], tonumber(ARGV[2]), ARGV[5], ARGV[6]
local e, sub, sid, c, ev, dv, cv, width = head(KEYS[1])
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
local stale = e > now and whole and tonumber(version) < tonumber(ev)
if stale then return expiresAt > now and 1 or 0 end
if e <= now or expiresAt <= now or not whole then
  redis.call('DEL', KEYS[1])
  unindex(subIndex, id, now)
  if sidIndex then unindex(sidIndex, id, now) end
  return 0
end
local line = ARGV[3] .. ' ' .. version .. ' ' .. dv .. ' ' .. cv
if width == #line then
  -- Same width (epoch ms and µs keep their digits until 2286): rewrite the line in place.
  redis.call('SETRANGE', KEYS[1], 0, line)
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
else
  local v = redis.call('GET', KEYS[1])
  redis.call('SET', KEYS[1], line .. string.sub(v, width + 1), 'PX', ARGV[4])
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
 * claimLogoutToken. KEYS: claim. ARGV: now, expiresAt, px, deadline.
 * The value is the claim's expiresAt, so a claim ends at exactly that time by the app's
 * clock (the key's TTL ends a network hop later). A value of `1` is a claim written by
 * an earlier version of the store: live until its TTL ends.
 * Returns 1 when no live claim was there (the claim is now taken), 0 for a replay, -1 when
 * it arrived after its deadline (a claim the route saw fail, and released, must not come
 * back later and refuse the provider's retry as a replay).
 */
export const claimScript = script(`${prelude}
if late(ARGV[4]) then return -1 end
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
