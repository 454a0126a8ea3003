import {
  assertExpiresAt,
  assertLogoutTokenClaims,
  assertSessionId,
  type LogoutTokenClaims,
  type LogoutTokenReplayStore,
  type SessionData,
  type SessionStore,
  SessionStoreError,
  type SessionWriteOptions,
  serializeSession,
} from "@sessionkit/auth/store";
import type { Cluster, Redis } from "ioredis";
import { createGuard } from "./fail-fast.js";
import {
  createKeyLayout,
  indexRef,
  type KeyLayout,
  logoutTokenKey,
  sessionKey,
  shardOf,
  sidIndexKey,
  subIndexKey,
} from "./key-layout.js";
import { type LuaScript, logoutScript, removeScript, writeScript } from "./scripts.js";
import { isWrongType } from "./store-errors.js";
import { decodeStoredValue, encodeStoredValue } from "./stored-value.js";

/** Options of {@link redisStore}. */
export interface RedisStoreOptions {
  /** Start of every key the store writes; must not contain `{` or `}`. @default "sessionkit:" */
  prefix?: string;
  /**
   * How many hash-tagged shards (Cluster slots) sessions and their indexes are
   * spread over, 1 to 1024; keep it fixed for the life of the data. On a
   * Cluster, `deleteByLogoutToken` sends one command per shard. @default 16
   */
  shards?: number;
  /**
   * Longest a store operation may wait for Redis before it fails with
   * `STORE_UNAVAILABLE`, in milliseconds; after a timeout, operations fail at
   * once for as long again before one retries. `0` waits as long as ioredis does. @default 2000
   */
  operationTimeout?: number;
}

/** The ioredis client a {@link redisStore} uses: standalone, Sentinel-backed or Cluster. */
export type RedisStoreClient = Redis | Cluster;

/**
 * What {@link redisStore} returns: a `SessionStore` that also remembers the
 * `jti`s of back-channel logout tokens in Redis, so a replayed token is refused
 * by every instance of the app, not only by the one that saw it first.
 */
export type RedisSessionStore = SessionStore & LogoutTokenReplayStore;

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
  const operationTimeout = options.operationTimeout ?? 2_000;
  if (!Number.isFinite(operationTimeout) || operationTimeout < 0) {
    throw new SessionStoreError(
      "STORE_INVALID_ARGUMENT",
      "`operationTimeout` must be a number of milliseconds ≥ 0",
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

  const guarded = createGuard(client, operationTimeout);

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
    const now = Date.now();
    // PX, not PXAT: a relative TTL is immune to clock skew between the app and Redis,
    // and it ends a network hop after `expiresAt`, never before.
    const px = Math.max(1, Math.ceil(expiresAt - now));
    const value = encodeStoredValue(expiresAt, subRef, sidRef, json);
    const wrote = await guarded(() =>
      evaluate(writeScript, keys, [scriptBases[shard]!, now, expiresAt, px, value, mode, id]),
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
      await guarded(() =>
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
      return guarded(() => client.get(key)).then(
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

    async delete(id) {
      assertSessionId(id);
      const shard = shardOf(id, layout.shards);
      await guarded(() =>
        evaluate(
          removeScript,
          [sessionKey(bases[shard]!, id)],
          [scriptBases[shard]!, Date.now(), id, ""],
        ),
      );
    },

    async deleteByLogoutToken(claims: LogoutTokenClaims) {
      assertLogoutTokenClaims(claims);
      const { iss, sid, sub } = claims;
      const kind = sid ? "i" : "u";
      const ref = indexRef(iss, (sid || sub)!);
      const wanted = sid && sub ? indexRef(iss, sub) : "";
      const indexKey = sid ? sidIndexKey : subIndexKey;
      const now = Date.now();
      const head = [now, kind, ref, wanted];
      if (!client.isCluster) {
        // Standalone: every shard in one script, one round trip.
        const keys = bases.map((base) => indexKey(base, ref));
        const ended = await guarded(() => evaluate(logoutScript, keys, [...head, ...scriptBases]));
        return Number(ended);
      }
      // Cluster: shards live in different slots, so one script per shard, all in flight at once.
      const ended = await guarded(() =>
        Promise.all(
          bases.map((base, shard) =>
            evaluate(logoutScript, [indexKey(base, ref)], [...head, scriptBases[shard]!]),
          ),
        ),
      );
      return ended.reduce<number>((total, count) => total + Number(count), 0);
    },

    async claimLogoutToken(jti, expiresAt) {
      if (typeof jti !== "string" || jti === "") {
        throw new SessionStoreError(
          "STORE_INVALID_ARGUMENT",
          "a logout token's `jti` must be a non-empty string",
        );
      }
      assertExpiresAt(expiresAt);
      const key = logoutTokenKey(bases[shardOf(jti, layout.shards)]!, jti);
      // NX makes the claim atomic across instances; the key lives as long as the token could.
      const px = Math.max(1, Math.ceil(expiresAt - Date.now()));
      const reply = await guarded(() => client.set(key, "1", "PX", px, "NX"));
      return reply === "OK";
    },
  };
}
