import { inspect } from "node:util";
import { isSessionStoreError, type SessionStore } from "@sessionkit/auth/store";
import { Cluster, Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisStoreClient, type RedisStoreOptions, redisStore } from "../src/index.js";
import { shardOf } from "../src/key-layout.js";
import {
  aSession,
  eventually,
  inOneMinute,
  keysOf,
  listened,
  randomPrefix,
  sleepUntil,
  type Target,
} from "./support.js";

/** Session ids that {@link redisStore} puts in one shard (of the default 16). */
function idsInOneShard(count: number): string[] {
  const ids: string[] = [];
  for (let i = 0; ids.length < count; i++) {
    if (shardOf(`id-${i}`, 16) === 0) ids.push(`id-${i}`);
  }
  return ids;
}

/** Behaviour beyond the conformance suite: key layout, index upkeep, atomicity, Cluster slots. */
export function describeBehaviour(target: () => Target) {
  describe("logout-token replay (claimLogoutToken)", () => {
    let client: RedisStoreClient;
    beforeAll(() => {
      client = target().connect();
    });
    afterAll(() => client.disconnect());

    it("lets exactly one of many instances claim a jti, until the token expires", async () => {
      const prefix = randomPrefix();
      const instances = Array.from({ length: 5 }, () => redisStore(client, { prefix }));
      // Long enough that every claim below reaches Redis before it, even on a busy machine.
      const expiresAt = Date.now() + 1_000;
      const claims = await Promise.all(
        instances.map((store) => store.claimLogoutToken("jti-1", expiresAt)),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await instances[0]!.claimLogoutToken("jti-2", expiresAt)).toBe(true);
      // Another store (prefix) keeps its own record of claims.
      expect(
        await redisStore(client, { prefix: randomPrefix() }).claimLogoutToken("jti-1", expiresAt),
      ).toBe(true);
      await eventually("the claim of jti-1 ends with the token's expiry", () =>
        instances[1]!.claimLogoutToken("jti-1", Date.now() + 60_000),
      );
    });

    it("keeps the claim under the store's prefix with a TTL no longer than the token's life", async () => {
      const prefix = randomPrefix();
      const store = redisStore(client, { prefix });
      await store.claimLogoutToken("jti-ttl", Date.now() + 30_000);
      const keys = [...(await keysOf(target(), prefix)).keys()];
      expect(keys).toHaveLength(1);
      expect(keys[0]).toMatch(/:j:jti-ttl$/);
      const inspector = target().connect();
      try {
        const ttl = await inspector.pttl(keys[0]!);
        expect(ttl).toBeGreaterThan(29_000);
        expect(ttl).toBeLessThanOrEqual(30_000);
      } finally {
        inspector.disconnect();
      }
    });

    it("rejects an empty jti", async () => {
      const store = redisStore(client, { prefix: randomPrefix() });
      await expect(store.claimLogoutToken("", Date.now() + 1_000)).rejects.toMatchObject({
        code: "STORE_INVALID_ARGUMENT",
      });
    });
  });

  describe("layout and indexes", () => {
    let client: RedisStoreClient;
    let inspector: RedisStoreClient;
    let prefix: string;
    let store: SessionStore;
    const fresh = () => {
      prefix = randomPrefix();
      store = redisStore(client, { prefix });
    };
    beforeAll(() => {
      client = target().connect();
      inspector = target().connect();
    });
    afterAll(() => {
      client.disconnect();
      inspector.disconnect();
    });

    it("keeps a session and its indexes in one slot, with TTLs that end with the session", async () => {
      fresh();
      const expiresAt = Date.now() + 30_000;
      await store.set("id-1", aSession("alice", "sid-1"), { expiresAt });
      const keys = [...(await keysOf(target(), prefix)).keys()].sort();
      expect(keys).toHaveLength(3);
      const tag = /\{[^}]+\}/.exec(keys[0]!)![0];
      for (const key of keys) expect(key.startsWith(`${prefix}${tag}:`)).toBe(true);
      for (const key of keys) {
        const ttl = await inspector.pttl(key);
        expect(ttl).toBeGreaterThan(29_000);
        expect(ttl).toBeLessThanOrEqual(30_000);
      }
    });

    it("pushes an index's expiry to its longest-lived member and prunes dead members", async () => {
      fresh();
      // Three ids of one shard, so they share one sub index.
      const [short, long, other] = idsInOneShard(3) as [string, string, string];
      const shortExpiresAt = Date.now() + 1_000;
      await store.set(short, aSession("bob"), { expiresAt: shortExpiresAt });
      await store.set(long, aSession("bob"), { expiresAt: Date.now() + 40_000 });
      const index = [...(await keysOf(target(), prefix)).keys()].find((key) =>
        key.includes(":u:"),
      )!;
      expect(await inspector.zcard(index)).toBe(2);
      expect(await inspector.pttl(index)).toBeGreaterThan(39_000);
      await sleepUntil(shortExpiresAt);
      await store.set(other, aSession("bob"), { expiresAt: Date.now() + 20_000 });
      expect((await inspector.zrange(index, 0, -1)).sort()).toEqual([long, other].sort());
      // The expiry follows the longest member down as well as up.
      await store.delete(long);
      const ttl = await inspector.pttl(index);
      expect(ttl).toBeLessThanOrEqual(20_000);
      expect(ttl).toBeGreaterThan(19_000);
      await store.delete(other);
      expect(await inspector.exists(index)).toBe(0);
    });

    it("lets indexes expire with their sessions", async () => {
      fresh();
      await store.set("a", aSession("carol", "sid-c"), { expiresAt: Date.now() + 1_000 });
      expect((await keysOf(target(), prefix)).size).toBe(3);
      await eventually(
        "the session's keys expire",
        async () => (await keysOf(target(), prefix)).size === 0,
      );
    });

    it("moves a session between indexes when an upsert changes its user", async () => {
      fresh();
      await store.set("same-id", aSession("dave", "sid-d"), inOneMinute());
      await store.set("same-id", aSession("erin", "sid-e"), inOneMinute());
      expect(await store.deleteByLogoutToken({ iss: "https://op.example", sub: "dave" })).toBe(0);
      expect(await store.deleteByLogoutToken({ iss: "https://op.example", sid: "sid-d" })).toBe(0);
      expect((await store.get("same-id"))?.user.sub).toBe("erin");
      const keys = [...(await keysOf(target(), prefix)).keys()];
      expect(keys.some((key) => key.includes("dave") || key.includes("sid-d"))).toBe(false);
      expect(await store.deleteByLogoutToken({ iss: "https://op.example", sid: "sid-e" })).toBe(1);
      expect((await keysOf(target(), prefix)).size).toBe(0);
    });

    it("indexes every one of many concurrent logins", async () => {
      fresh();
      const ids = Array.from({ length: 60 }, (_, i) => `login-${i}`);
      await Promise.all(ids.map((id) => store.set(id, aSession("frank", id), inOneMinute())));
      expect(await store.deleteByLogoutToken({ iss: "https://op.example", sub: "frank" })).toBe(60);
      expect((await keysOf(target(), prefix)).size).toBe(0);
    });

    it("never resurrects a session that a logout ended while an update was in flight", async () => {
      fresh();
      for (let round = 0; round < 20; round++) {
        const id = `race-${round}`;
        await store.set(id, aSession("grace", `sid-${round}`), inOneMinute());
        const [, updated] = await Promise.all([
          store.deleteByLogoutToken({ iss: "https://op.example", sid: `sid-${round}` }),
          store.update(id, aSession("grace", `sid-${round}`), inOneMinute()),
        ]);
        // Whichever ran first, the logout ran after any write the update made.
        expect(await store.get(id)).toBeNull();
        expect(typeof updated).toBe("boolean");
      }
      expect((await keysOf(target(), prefix)).size).toBe(0);
    });

    it("removes an unreadable value and its index entries on read", async () => {
      fresh();
      await store.set("bad", aSession("heidi", "sid-h"), inOneMinute());
      const sessionKey = [...(await keysOf(target(), prefix)).keys()].find((key) =>
        key.includes(":s:"),
      )!;
      const value = (await inspector.get(sessionKey))!;
      // Header intact, JSON cut short: the way a truncated write would look.
      await inspector.set(sessionKey, value.slice(0, value.indexOf("{") + 5), "KEEPTTL");
      expect(await store.get("bad")).toBeNull();
      expect((await keysOf(target(), prefix)).size).toBe(0);
      await inspector.set(sessionKey, "\u0000 not a session");
      expect(await store.get("bad")).toBeNull();
      expect(await inspector.exists(sessionKey)).toBe(0);
    });

    it("ends only sessions that match both sid and sub, across shards", async () => {
      fresh();
      const ids = Array.from({ length: 40 }, (_, i) => `x-${i}`);
      await Promise.all(
        ids.map((id, i) =>
          store.set(id, aSession(i % 2 ? "ivan" : "judy", "shared-sid"), inOneMinute()),
        ),
      );
      expect(
        await store.deleteByLogoutToken({
          iss: "https://op.example",
          sid: "shared-sid",
          sub: "ivan",
        }),
      ).toBe(20);
      expect(await store.get("x-0")).not.toBeNull();
      expect(await store.get("x-1")).toBeNull();
      expect(
        await store.deleteByLogoutToken({ iss: "https://other.example", sid: "shared-sid" }),
      ).toBe(0);
      expect(
        await store.deleteByLogoutToken({ iss: "https://op.example", sid: "shared-sid" }),
      ).toBe(20);
    });

    it("keeps iss, sub and sid apart whatever characters they hold", async () => {
      fresh();
      const iss = "https://op.example:8443/tenant";
      await store.set("p", aSession('a:b"\n{x}', "s:1", iss), inOneMinute());
      await store.set("q", aSession("a", 'b"\n{x}:s:1', `${iss}:a`), inOneMinute());
      expect(await store.deleteByLogoutToken({ iss, sub: "a" })).toBe(0);
      expect(await store.deleteByLogoutToken({ iss: `${iss}:a`, sub: "a" })).toBe(1);
      expect(await store.deleteByLogoutToken({ iss, sub: 'a:b"\n{x}', sid: "s:1" })).toBe(1);
    });

    it("handles headers longer than the first KiB the scripts read", async () => {
      fresh();
      const longSub = `user-${"x".repeat(1_500)}`;
      const longSid = `sid-${"y".repeat(1_500)}`;
      await store.set("long", aSession(longSub, longSid), inOneMinute());
      expect(await store.update("long", aSession(longSub, longSid), inOneMinute())).toBe(true);
      // An upsert to another user must find the old indexes in the long header.
      await store.set("long", aSession("short", "s"), inOneMinute());
      expect(await store.deleteByLogoutToken({ iss: "https://op.example", sub: longSub })).toBe(0);
      await store.set("long", aSession(longSub, longSid), inOneMinute());
      expect(await store.deleteByLogoutToken({ iss: "https://op.example", sid: longSid })).toBe(1);
      expect((await keysOf(target(), prefix)).size).toBe(0);
    });

    it("honours the client's keyPrefix in keys the scripts build themselves", async () => {
      const keyPrefix = `kp${randomPrefix()}`;
      const prefixed = listened(
        target().cluster
          ? new Cluster(target().nodes, { keyPrefix })
          : new Redis({ ...target().nodes[0]!, keyPrefix }),
      );
      try {
        const own = redisStore(prefixed, { prefix: "app:" });
        await own.set("k1", aSession("olga", "sid-o1"), inOneMinute());
        await own.set("k1", aSession("pete", "sid-p1"), inOneMinute());
        await own.set("k2", aSession("pete", "sid-p2"), inOneMinute());
        const keys = [...(await keysOf(target(), keyPrefix)).keys()];
        expect(keys.length).toBe(6);
        expect(keys.some((key) => key.includes("olga"))).toBe(false);
        expect((await own.get("k1"))?.user.sub).toBe("pete");
        // touch and listSessions build index and session keys inside their scripts too.
        const later = Date.now() + 90_000;
        expect(await own.touch("k2", { expiresAt: later })).toBe(true);
        const listed = await own.listSessions({ iss: "https://op.example", sub: "pete" });
        expect(new Map(listed.map(({ id, expiresAt }) => [id, expiresAt])).get("k2")).toBe(later);
        expect(listed.map(({ id }) => id).sort()).toEqual(["k1", "k2"]);
        expect(await own.acquireRefreshLease("k1", "h", later)).toBe(true);
        await own.releaseRefreshLease("k1", "h");
        expect(await own.deleteByLogoutToken({ iss: "https://op.example", sub: "pete" })).toBe(2);
        expect((await keysOf(target(), keyPrefix)).size).toBe(0);
      } finally {
        prefixed.disconnect();
      }
    });

    it("rejects options that would break the layout", () => {
      const invalid = (run: () => unknown) => {
        try {
          run();
        } catch (error) {
          return isSessionStoreError(error, "STORE_INVALID_ARGUMENT");
        }
        return false;
      };
      expect(invalid(() => redisStore(client, { prefix: "a{b}:" }))).toBe(true);
      expect(invalid(() => redisStore(client, { shards: 0 }))).toBe(true);
      expect(invalid(() => redisStore(client, { shards: 2.5 }))).toBe(true);
      expect(invalid(() => redisStore(client, { operationTimeoutSeconds: -1 }))).toBe(true);
      expect(invalid(() => redisStore(client, { operationTimeoutSeconds: Number.NaN }))).toBe(true);
      expect(invalid(() => redisStore(undefined as unknown as RedisStoreClient))).toBe(true);
      expect(invalid(() => redisStore({} as RedisStoreClient))).toBe(true);
    });

    it("refuses the old millisecond option by name, pointing to the new one", () => {
      const old = { operationTimeout: 2_000 } as unknown as RedisStoreOptions;
      expect(() => redisStore(client, old)).toThrow(
        expect.objectContaining({
          code: "STORE_INVALID_ARGUMENT",
          message: expect.stringContaining("operationTimeoutSeconds"),
        }),
      );
    });

    it("rejects an empty session id in every operation, touching nothing", async () => {
      fresh();
      const invalid = { code: "STORE_INVALID_ARGUMENT" };
      await expect(store.get("")).rejects.toMatchObject(invalid);
      await expect(store.set("", aSession("ivy"), inOneMinute())).rejects.toMatchObject(invalid);
      await expect(store.update("", aSession("ivy"), inOneMinute())).rejects.toMatchObject(invalid);
      await expect(store.delete("")).rejects.toMatchObject(invalid);
      await expect(store.touch("", inOneMinute())).rejects.toMatchObject(invalid);
      await expect(store.touch("x", { expiresAt: Number.NaN })).rejects.toMatchObject(invalid);
      await expect(
        store.touch("x", undefined as unknown as { expiresAt: number }),
      ).rejects.toMatchObject(invalid);
      expect((await keysOf(target(), prefix)).size).toBe(0);
    });

    it("rejects an expiresAt that is not a finite time", async () => {
      fresh();
      await expect(
        store.set("inf", aSession("ken"), { expiresAt: Number.POSITIVE_INFINITY }),
      ).rejects.toMatchObject({ code: "STORE_INVALID_ARGUMENT" });
      expect((await keysOf(target(), prefix)).size).toBe(0);
    });

    it("reads another data type under a session id as null, and replaces it on set", async () => {
      fresh();
      await store.set("typed", aSession("leo"), inOneMinute());
      const sessionKey = [...(await keysOf(target(), prefix)).keys()].find((key) =>
        key.includes(":s:"),
      )!;
      await inspector.del(sessionKey);
      await inspector.hset(sessionKey, "x", "y");
      expect(await store.get("typed")).toBeNull();
      expect(await inspector.exists(sessionKey)).toBe(0);
      await inspector.hset(sessionKey, "x", "y");
      expect(await store.update("typed", aSession("leo"), inOneMinute())).toBe(false);
      await inspector.hset(sessionKey, "x", "y");
      await store.set("typed", aSession("leo"), inOneMinute());
      expect((await store.get("typed"))?.user.sub).toBe("leo");
    });

    it("maps an error reply to STORE_OPERATION_FAILED and keeps tokens out of what it prints", async () => {
      fresh();
      const nodes = target().nodes.map((node) => listened(new Redis(node)));
      try {
        // A real error reply: every master refuses writes (maxmemory, noeviction).
        for (const node of nodes) await node.config("SET", "maxmemory", "1");
        const error = await store.set("oom", aSession("mia"), inOneMinute()).catch((e) => e);
        expect(isSessionStoreError(error, "STORE_OPERATION_FAILED")).toBe(true);
        expect((error as Error).cause).toBeInstanceOf(Error);
        expect(inspect(error, { depth: 10 })).not.toContain("at-secret-value");
        expect(JSON.stringify(error)).not.toContain("at-secret-value");
      } finally {
        for (const node of nodes) await node.config("SET", "maxmemory", "0");
        for (const node of nodes) node.disconnect();
      }
      // Reads still work while writes fail, and writes work again afterwards.
      await store.set("oom", aSession("mia"), inOneMinute());
      expect((await store.get("oom"))?.user.sub).toBe("mia");
    });
  });
}
