import {
  assertExpiresAt,
  assertLogoutTokenClaims,
  assertSessionId,
  assertSessionOwner,
  type LogoutTokenClaims,
  type LogoutTokenReplayStore,
  type RefreshLeaseStore,
  type SessionData,
  type SessionOwner,
  type SessionStore,
  SessionStoreError,
  type SessionWriteOptions,
  type StoredSession,
  serializeSession,
} from "@sessionkit/auth/store";
import type { Cluster, Redis } from "ioredis";
import { createGuard } from "./fail-fast.js";
import {
  createKeyLayout,
  indexRef,
  type KeyLayout,
  leaseKey,
  logoutTokenKey,
  sessionKey,
  shardOf,
  sidIndexKey,
  subIndexKey,
} from "./key-layout.js";
import {
  acquireLeaseScript,
  claimScript,
  type LuaScript,
  listScript,
  logoutScript,
  releaseLeaseScript,
  removeScript,
  touchScript,
  writeScript,
} from "./scripts.js";
import { isWrongType, lateWriteError } from "./store-errors.js";
import {
  decodeStoredRecord,
  decodeStoredValue,
  encodeStoredValue,
  nextVersion,
} from "./stored-value.js";

/** Options of {@link redisStore}. */
export interface RedisStoreOptions {
  /** Start of every key the store writes; must not contain `{` or `}`. @default "sessionkit:" */
  prefix?: string;
  /**
   * How many hash-tagged shards (Cluster slots) sessions and their indexes are
   * spread over, 1 to 1024; keep it fixed for the life of the data. On a
   * Cluster, `deleteByLogoutToken` and `listSessions` send one command per shard. @default 16
   */
  shards?: number;
  /**
   * Longest a store operation may wait for Redis before it fails with
   * `STORE_UNAVAILABLE`, in seconds (fractions allowed), and every write's deadline: a write
   * that reaches Redis later applies nothing. After a timeout, operations on that server (a
   * Cluster's master) fail at once for as long again before one retries; other masters go
   * on. `0` waits as long as ioredis does and sets no deadline. @default 2
   */
  operationTimeoutSeconds?: number;
}

/** The ioredis client a {@link redisStore} uses: standalone, Sentinel-backed or Cluster. */
export type RedisStoreClient = Redis | Cluster;

/**
 * What {@link redisStore} returns: a `SessionStore` that also remembers the
 * `jti`s of back-channel logout tokens in Redis (a replayed token is refused
 * by every instance of the app, not only by the one that saw it first) and
 * hands out refresh leases, so app instances spend a refresh token once.
 */
export type RedisSessionStore = SessionStore & LogoutTokenReplayStore & RefreshLeaseStore;

/**
 * A `SessionStore` in Redis through the app's own ioredis client (standalone or
 * Cluster; the store never opens a connection of its own). Each session is
 * one key whose TTL ends at `expiresAt`; sorted-set indexes by `iss`+`sid` and
 * `iss`+`sub` serve back-channel logout. Sessions and indexes are sharded over
 * a fixed set of hash tags by session id, so every write is one atomic Lua
 * script in one slot. See the README for the layout and recommended client settings.
 */
export function redisStore(
  client: RedisStoreClient,
  options: RedisStoreOptions = {},
): RedisSessionStore {
  if (typeof (client as { evalsha?: unknown } | null)?.evalsha !== "function") {
    throw new SessionStoreError(
      "STORE_INVALID_ARGUMENT",
      "redisStore needs an ioredis client (Redis or Cluster)",
    );
  }
  if (typeof options !== "object" || options === null) {
    throw new SessionStoreError(
      "STORE_INVALID_ARGUMENT",
      'redisStore: options must be an object, e.g. { prefix: "app:" }',
    );
  }
  if ("operationTimeout" in options) {
    throw new SessionStoreError(
      "STORE_INVALID_ARGUMENT",
      "redisStore: `operationTimeout` (milliseconds) was renamed `operationTimeoutSeconds` (seconds)",
    );
  }
  const timeoutSeconds = options.operationTimeoutSeconds ?? 2;
  if (
    typeof timeoutSeconds !== "number" ||
    !Number.isFinite(timeoutSeconds) ||
    timeoutSeconds < 0
  ) {
    throw new SessionStoreError(
      "STORE_INVALID_ARGUMENT",
      "redisStore: `operationTimeoutSeconds` must be a finite number of seconds ≥ 0",
    );
  }
  const layout: KeyLayout = createKeyLayout(
    options.prefix ?? "sessionkit:",
    options.shards ?? 16,
    client.options.keyPrefix ?? "",
  );
  const { bases, scriptBases } = layout;

  const evaluate = async (lua: LuaScript, keys: string[], args: (string | number)[]) => {
    try {
      return await client.evalsha(lua.sha, keys.length, ...keys, ...args);
    } catch (error) {
      // Once per server after a restart or SCRIPT FLUSH.
      if (error instanceof Error && error.message.startsWith("NOSCRIPT")) {
        return client.eval(lua.lua, keys.length, ...keys, ...args);
      }
      throw error;
    }
  };

  const timeoutMs = timeoutSeconds * 1_000;
  const cluster = client.isCluster ? (client as Cluster) : undefined;
  let refreshedAt = 0;
  const guard = createGuard(client, timeoutMs, () => {
    // A master that stopped answering may have been replaced by its replica: ioredis 5
    // learns of that only from a MOVED reply, which a frozen master never sends.
    if (!cluster || Date.now() - refreshedAt < timeoutMs) return;
    refreshedAt = Date.now();
    try {
      cluster.refreshSlotsCache();
    } catch {
      // Refreshing is best effort; the next timeout tries again.
    }
  });
  /** Runs work for one shard, paused only while that shard's master is. */
  const guarded = <T>(shard: number, work: () => Promise<T>): Promise<T> => {
    if (!cluster) return guard(work);
    const slot = layout.slots[shard]!;
    return guard(work, cluster.slots[slot]?.[0] ?? `slot ${slot}`);
  };
  /** The version and deadline a write carries; see the scripts. */
  const stamp = () => [nextVersion(), timeoutMs === 0 ? 0 : Date.now() + timeoutMs] as const;
  /** A script's answer, or the late-write error for its -1. */
  const checked = (reply: unknown) => {
    if (reply === -1) throw lateWriteError(timeoutMs);
    return reply;
  };

  const write = async (
    mode: "set" | "update",
    id: string,
    session: SessionData,
    { expiresAt }: SessionWriteOptions,
  ) => {
    assertSessionId(id);
    assertExpiresAt(expiresAt);
    const json = serializeSession(session);
    const { iss, sid } = session.internal;
    const subRef = indexRef(iss, session.user.sub);
    const sidRef = sid ? indexRef(iss, sid) : "";
    const shard = shardOf(id, layout.shards);
    const base = bases[shard]!;
    const keys = [sessionKey(base, id), subIndexKey(base, subRef)];
    if (sidRef) keys.push(sidIndexKey(base, sidRef));
    const [version, deadline] = stamp();
    const now = Date.now();
    // PX, not PXAT: a relative TTL is immune to clock skew between the app and Redis,
    // and it ends a network hop after `expiresAt`, never before.
    const px = Math.max(1, Math.ceil(expiresAt - now));
    const value = encodeStoredValue(expiresAt, subRef, sidRef, json);
    const wrote = await guarded(shard, () =>
      evaluate(writeScript, keys, [
        scriptBases[shard]!,
        now,
        expiresAt,
        px,
        value,
        mode,
        id,
        version,
        deadline,
      ]).then(checked),
    );
    return wrote === 1;
  };

  /**
   * Removes a dead or unreadable value (or a key of another type: `undefined`),
   * unless someone replaced it meanwhile.
   */
  const discard = async (shard: number, id: string, value: string | undefined) => {
    const condition = value === undefined ? ["wrongtype"] : ["same", value];
    try {
      await guarded(shard, () =>
        evaluate(
          removeScript,
          [sessionKey(bases[shard]!, id)],
          [scriptBases[shard]!, Date.now(), id, ...condition],
        ),
      );
    } catch {
      // The read already answered `null`; the value is removed on the next attempt.
    }
  };

  return {
    get(id) {
      // A rejection, like every other method, not a synchronous throw.
      try {
        assertSessionId(id);
      } catch (error) {
        return Promise.reject(error);
      }
      const shard = shardOf(id, layout.shards);
      const key = sessionKey(bases[shard]!, id);
      // Plain promise chaining, not async/await: `get` is the hot path of every request.
      return guarded(shard, () => client.get(key)).then(
        (value) => {
          if (value === null) return null;
          const session = decodeStoredValue(value, Date.now());
          if (session) return session;
          // Unreadable, or past its `expiresAt` but not yet expired by Redis: remove it.
          return discard(shard, id, value).then(() => null);
        },
        (error: unknown) => {
          // Some other type under our key is bad data too: null, and removed.
          if (!isWrongType(error)) throw error;
          return discard(shard, id, undefined).then(() => null);
        },
      );
    },

    async set(id, session, writeOptions) {
      await write("set", id, session, writeOptions);
    },

    update(id, session, writeOptions) {
      return write("update", id, session, writeOptions);
    },

    async touch(id, options) {
      assertSessionId(id);
      const expiresAt = options?.expiresAt;
      assertExpiresAt(expiresAt);
      const shard = shardOf(id, layout.shards);
      const [version, deadline] = stamp();
      const now = Date.now();
      // Rounded up like `set`; the script ends the session instead when expiresAt ≤ now.
      const px = Math.max(1, Math.ceil(expiresAt - now));
      const moved = await guarded(shard, () =>
        evaluate(
          touchScript,
          [sessionKey(bases[shard]!, id)],
          [scriptBases[shard]!, now, `${expiresAt}`, px, id, version, deadline],
        ).then(checked),
      );
      return moved === 1;
    },

    async delete(id) {
      assertSessionId(id);
      const shard = shardOf(id, layout.shards);
      const [version, deadline] = stamp();
      await guarded(shard, () =>
        evaluate(
          removeScript,
          [sessionKey(bases[shard]!, id)],
          [scriptBases[shard]!, Date.now(), id, "", "", version, deadline],
        ).then(checked),
      );
    },

    async deleteByLogoutToken(claims: LogoutTokenClaims) {
      assertLogoutTokenClaims(claims);
      const { iss, sid, sub } = claims;
      const kind = sid ? "i" : "u";
      const ref = indexRef(iss, (sid || sub)!);
      const wanted = sid && sub ? indexRef(iss, sub) : "";
      const indexKey = sid ? sidIndexKey : subIndexKey;
      const [version, deadline] = stamp();
      const now = Date.now();
      const head = [now, kind, ref, wanted, version, deadline];
      if (!client.isCluster) {
        // Standalone: every shard in one script, one round trip.
        const keys = bases.map((base) => indexKey(base, ref));
        const ended = await guard(() =>
          evaluate(logoutScript, keys, [...head, ...scriptBases]).then(checked),
        );
        return Number(ended);
      }
      // Cluster: shards live in different slots, so one script per shard, all in flight at
      // once, each paused only with its own master.
      const ended = await Promise.all(
        bases.map((base, shard) =>
          guarded(shard, () =>
            evaluate(logoutScript, [indexKey(base, ref)], [...head, scriptBases[shard]!]).then(
              checked,
            ),
          ),
        ),
      );
      return ended.reduce<number>((total, count) => total + Number(count), 0);
    },

    async listSessions(owner: SessionOwner) {
      assertSessionOwner(owner);
      const { iss, sub } = owner;
      const ref = indexRef(iss, sub);
      const now = Date.now();
      let replies: unknown[];
      if (!client.isCluster) {
        // Standalone: every shard's slice of the index in one script, one round trip.
        const keys = bases.map((base) => subIndexKey(base, ref));
        replies = [await guard(() => evaluate(listScript, keys, [now, ref, ...scriptBases]))];
      } else {
        // Cluster: one script per shard (each its own slot), all in flight at once.
        replies = await Promise.all(
          bases.map((base, shard) =>
            guarded(shard, () =>
              evaluate(listScript, [subIndexKey(base, ref)], [now, ref, scriptBases[shard]!]),
            ),
          ),
        );
      }
      const found: StoredSession[] = [];
      const unreadable: Promise<void>[] = [];
      for (const reply of replies) {
        const pairs = reply as string[];
        for (let i = 0; i + 1 < pairs.length; i += 2) {
          const id = pairs[i]!;
          const value = pairs[i + 1]!;
          const record = decodeStoredRecord(value, now);
          if (!record) {
            // The script judged the header live by the same `now`: the JSON is unreadable.
            unreadable.push(discard(shardOf(id, layout.shards), id, value));
            continue;
          }
          const { session, expiresAt } = record;
          if (session.user.sub !== sub || session.internal.iss !== iss) continue;
          found.push({ id, session, expiresAt });
        }
      }
      await Promise.all(unreadable);
      return found;
    },

    async claimLogoutToken(jti, expiresAt) {
      assertJti(jti);
      assertExpiresAt(expiresAt);
      const shard = shardOf(jti, layout.shards);
      const key = logoutTokenKey(bases[shard]!, jti);
      // One script: atomic across instances, and the claim ends at exactly expiresAt by our
      // clock; the key itself lives as long as the token could, rounded up.
      const [, deadline] = stamp();
      const now = Date.now();
      const px = Math.max(1, Math.ceil(expiresAt - now));
      const claimed = await guarded(shard, () =>
        evaluate(claimScript, [key], [now, `${expiresAt}`, px, deadline]).then(checked),
      );
      return claimed === 1;
    },

    async releaseLogoutToken(jti) {
      assertJti(jti);
      const shard = shardOf(jti, layout.shards);
      const key = logoutTokenKey(bases[shard]!, jti);
      await guarded(shard, () => client.del(key));
    },

    async acquireRefreshLease(id, holder, expiresAt) {
      assertSessionId(id);
      assertHolder(holder);
      assertExpiresAt(expiresAt);
      const now = Date.now();
      // A lease that would already be over takes nothing (and costs no round trip).
      if (expiresAt <= now) return false;
      const px = Math.ceil(expiresAt - now);
      const shard = shardOf(id, layout.shards);
      const key = leaseKey(bases[shard]!, id);
      const taken = await guarded(shard, () =>
        evaluate(acquireLeaseScript, [key], [now, holder, `${expiresAt}`, px]),
      );
      return taken === 1;
    },

    async releaseRefreshLease(id, holder) {
      assertSessionId(id);
      assertHolder(holder);
      const shard = shardOf(id, layout.shards);
      const key = leaseKey(bases[shard]!, id);
      await guarded(shard, () => evaluate(releaseLeaseScript, [key], [holder]));
    },
  };
}

function assertJti(jti: string): void {
  if (typeof jti !== "string" || jti === "") {
    throw new SessionStoreError(
      "STORE_INVALID_ARGUMENT",
      "a logout token's `jti` must be a non-empty string",
    );
  }
}

function assertHolder(holder: string): void {
  if (typeof holder !== "string" || holder === "") {
    throw new SessionStoreError(
      "STORE_INVALID_ARGUMENT",
      "a refresh lease's `holder` must be a non-empty string",
    );
  }
}
