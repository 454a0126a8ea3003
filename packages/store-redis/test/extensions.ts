import type { SessionData } from "@sessionkit/auth/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisSessionStore, type RedisStoreClient, redisStore } from "../src/index.js";
import { createKeyLayout, logoutTokenKey, shardOf } from "../src/key-layout.js";
import { aSession, eventually, inOneMinute, keysOf, randomPrefix, type Target } from "./support.js";

const iss = "https://op.example";

/** Session ids that {@link redisStore} puts in one shard (of the default 16), so they share indexes. */
function idsInOneShard(count: number, label: string): string[] {
  const ids: string[] = [];
  for (let i = 0; ids.length < count; i++) {
    if (shardOf(`${label}-${i}`, 16) === 0) ids.push(`${label}-${i}`);
  }
  return ids;
}

/** touch, listSessions, refresh leases and releaseLogoutToken, as Redis keeps them. */
export function describeExtensions(target: () => Target) {
  describe("extensions", () => describeAll(target));
}

function describeAll(target: () => Target) {
  let client: RedisStoreClient;
  let inspector: RedisStoreClient;
  let prefix: string;
  let store: RedisSessionStore;
  const fresh = () => {
    prefix = randomPrefix();
    store = redisStore(client, { prefix });
    return store;
  };
  /** The store's keys by kind: s (session), u / i (indexes), j (logout token), l (lease). */
  const keysByKind = async () => {
    const keys = [...(await keysOf(target(), prefix)).keys()];
    const of = (kind: string) => keys.filter((key) => key.includes(`}:${kind}:`)).sort();
    return { all: keys, s: of("s"), u: of("u"), i: of("i"), j: of("j"), l: of("l") };
  };
  /** The session JSON after the header: what touch must never change. */
  const body = (value: string | null) => value?.split("\n").slice(3).join("\n");

  beforeAll(() => {
    client = target().connect();
    inspector = target().connect();
  });
  afterAll(() => {
    client.disconnect();
    inspector.disconnect();
  });

  describe("touch", () => {
    it("moves the session's TTL and its index entries, never its bytes", async () => {
      fresh();
      await store.set("t-1", aSession("amy", "sid-a"), { expiresAt: Date.now() + 20_000 });
      const { s, u, i } = await keysByKind();
      const before = await inspector.get(s[0]!);
      const expiresAt = Date.now() + 50_000;
      expect(await store.touch("t-1", { expiresAt })).toBe(true);
      expect(body(await inspector.get(s[0]!))).toBe(body(before));
      for (const key of [s[0]!, u[0]!, i[0]!]) {
        const ttl = await inspector.pttl(key);
        expect(ttl, key).toBeGreaterThan(45_000);
        expect(ttl, key).toBeLessThanOrEqual(50_000);
      }
      expect(Number(await inspector.zscore(u[0]!, "t-1"))).toBe(expiresAt);
      expect(Number(await inspector.zscore(i[0]!, "t-1"))).toBe(expiresAt);
      // Shorter as well as longer: the index expiry follows its longest-lived member down.
      const sooner = Date.now() + 10_000;
      expect(await store.touch("t-1", { expiresAt: sooner })).toBe(true);
      for (const key of [s[0]!, u[0]!, i[0]!]) {
        expect(await inspector.pttl(key), key).toBeLessThanOrEqual(10_000);
      }
      expect(Number(await inspector.zscore(u[0]!, "t-1"))).toBe(sooner);
    });

    it("keeps an index alive as long as its longest-lived member", async () => {
      fresh();
      const [a, b] = idsInOneShard(2, "long") as [string, string];
      await store.set(a, aSession("bea"), { expiresAt: Date.now() + 10_000 });
      await store.set(b, aSession("bea"), { expiresAt: Date.now() + 20_000 });
      const { u } = await keysByKind();
      expect(u).toHaveLength(1);
      await store.touch(a, { expiresAt: Date.now() + 40_000 });
      expect(await inspector.pttl(u[0]!)).toBeGreaterThan(35_000);
      // Touching the other member shorter leaves the index at its longest member.
      await store.touch(b, { expiresAt: Date.now() + 5_000 });
      expect(await inspector.pttl(u[0]!)).toBeGreaterThan(35_000);
    });

    it("leaves liveness to the record's expiry, not to the data's internal.expiresAt", async () => {
      fresh();
      const session = aSession("cleo", "sid-c");
      // The data says it ended a second ago; the record (set/update/touch) says otherwise.
      session.internal.expiresAt = Date.now() - 1_000;
      await store.set("t-2", session, inOneMinute());
      expect(await store.get("t-2")).toEqual(session);
      expect(await store.touch("t-2", { expiresAt: Date.now() + 120_000 })).toBe(true);
      expect(await store.get("t-2")).toEqual(session);
      const [listed] = await store.listSessions({ iss, sub: "cleo" });
      expect(listed?.session).toEqual(session);
      expect(listed!.expiresAt).toBeGreaterThan(Date.now() + 60_000);
    });

    it("rewrites the header when the new expiry is written with another width", async () => {
      fresh();
      const session = aSession("dina", "sid-d");
      const fractional = Date.now() + 30_000.25;
      await store.set("t-3", session, { expiresAt: fractional });
      expect((await store.listSessions({ iss, sub: "dina" }))[0]?.expiresAt).toBe(fractional);
      const whole = Date.now() + 40_000;
      expect(await store.touch("t-3", { expiresAt: whole })).toBe(true);
      expect(await store.get("t-3")).toEqual(session);
      expect((await store.listSessions({ iss, sub: "dina" }))[0]?.expiresAt).toBe(whole);
      const [key] = (await keysByKind()).s;
      expect(await inspector.pttl(key!)).toBeGreaterThan(35_000);
    });

    it("answers false for a missing id and creates nothing", async () => {
      fresh();
      expect(await store.touch("nobody", inOneMinute())).toBe(false);
      expect((await keysByKind()).all).toEqual([]);
    });

    it("ends the session and its index entries for a past expiresAt, answering false", async () => {
      fresh();
      await store.set("t-4", aSession("eve", "sid-e"), inOneMinute());
      expect(await store.touch("t-4", { expiresAt: Date.now() - 1 })).toBe(false);
      expect(await store.get("t-4")).toBeNull();
      expect((await keysByKind()).all).toEqual([]);
      expect(await store.touch("t-4", inOneMinute())).toBe(false);
      expect((await keysByKind()).all).toEqual([]);
    });

    it("answers false for a session past its expiresAt that Redis still holds, and removes it", async () => {
      fresh();
      await store.set("t-5", aSession("fay", "sid-f"), inOneMinute());
      const { s } = await keysByKind();
      const value = (await inspector.get(s[0]!))!;
      // The header's expiry passed, the key's TTL not yet: Redis expires a hop later than the app.
      await inspector.set(s[0]!, `${Date.now() - 5}${value.slice(value.indexOf("\n"))}`, "KEEPTTL");
      expect(await store.touch("t-5", inOneMinute())).toBe(false);
      expect((await keysByKind()).all).toEqual([]);
    });

    it("answers false for a cut-off record or another Redis type, and removes it", async () => {
      fresh();
      await store.set("t-6", aSession("gil", "sid-g"), inOneMinute());
      const { s } = await keysByKind();
      const value = (await inspector.get(s[0]!))!;
      const header = value.split("\n", 3).join("\n");
      // Header intact, JSON cut short (what a torn write leaves), or not an object at all.
      for (const body of [value.slice(header.length + 1, -20), "[1]", "", "null"]) {
        await store.set("t-6", aSession("gil", "sid-g"), inOneMinute());
        await inspector.set(s[0]!, `${header}\n${body}`, "KEEPTTL");
        expect(await store.touch("t-6", inOneMinute()), body).toBe(false);
        expect((await keysByKind()).all, body).toEqual([]);
      }
      // No header at all, then another type.
      await inspector.set(s[0]!, "not a session", "PX", 60_000);
      expect(await store.touch("t-6", inOneMinute())).toBe(false);
      expect(await inspector.exists(s[0]!)).toBe(0);
      await inspector.hset(s[0]!, "x", "y");
      expect(await store.touch("t-6", inOneMinute())).toBe(false);
      expect(await inspector.exists(s[0]!)).toBe(0);
    });

    it("never makes a whole JSON value of the wrong shape readable", async () => {
      fresh();
      await store.set("t-8", aSession("gus", "sid-g"), inOneMinute());
      const { s } = await keysByKind();
      const header = (await inspector.get(s[0]!))!.split("\n", 3).join("\n");
      await inspector.set(s[0]!, `${header}\n{"user":[]}`, "KEEPTTL");
      // touch reads only the header and the JSON's ends (a roll must stay cheaper than an
      // update); get reads the JSON, answers null and removes it.
      await store.touch("t-8", inOneMinute());
      expect(await store.get("t-8")).toBeNull();
      expect((await keysByKind()).all).toEqual([]);
    });

    it("accepts every session get reads, lone surrogates and deep nesting included", async () => {
      fresh();
      let deep: unknown = { leaf: "\udc00" };
      for (let depth = 0; depth < 100; depth++) deep = { child: deep, list: [depth] };
      const session: SessionData = {
        ...aSession("\ud800 hal", "sid-\udfff"),
        deep,
        escaped: "\\udc00 is text, \\\\\ud83d\ude42, \u2028",
      };
      await store.set("t-7", session, inOneMinute());
      expect(await store.touch("t-7", inOneMinute())).toBe(true);
      expect(await store.get("t-7")).toEqual(session);
    });

    it("never brings back a session that a delete or logout ended meanwhile", async () => {
      fresh();
      for (let round = 0; round < 20; round++) {
        const id = `race-${round}`;
        await store.set(id, aSession("ike", `sid-${round}`), inOneMinute());
        const touch = () => store.touch(id, { expiresAt: Date.now() + 120_000 });
        const end = () =>
          round % 2
            ? store.delete(id)
            : store.deleteByLogoutToken({ iss, sid: `sid-${round}` }).then(() => {});
        // Sent in both orders on the one connection: Redis runs them in that order.
        const touched =
          round % 4 < 2
            ? (await Promise.all([touch(), end()]))[0]
            : (await Promise.all([end(), touch()]))[1];
        expect(typeof touched, `round ${round}`).toBe("boolean");
        expect(await store.get(id), `round ${round}: resurrected by a touch`).toBeNull();
        expect(await store.touch(id, inOneMinute()), `round ${round}`).toBe(false);
      }
      expect((await keysByKind()).all).toEqual([]);
    });

    it("never writes older data over an update that ran meanwhile", async () => {
      fresh();
      for (let round = 0; round < 20; round++) {
        const id = `upd-${round}`;
        await store.set(id, aSession("jan", "sid-j"), inOneMinute());
        const newer = {
          ...aSession("jan", "sid-j"),
          round,
          tokenSet: { accessToken: `at-${round}` },
        };
        const [touched, updated] = await Promise.all([
          store.touch(id, { expiresAt: Date.now() + 120_000 }),
          store.update(id, newer, inOneMinute()),
        ]);
        expect([touched, updated], `round ${round}`).toEqual([true, true]);
        expect(await store.get(id), `round ${round}: the update was lost`).toEqual(newer);
      }
    });
  });

  describe("listSessions", () => {
    it("lists the live sessions of exactly one iss+sub, across shards, with the record's expiry", async () => {
      fresh();
      const mine = new Map<string, number>();
      for (let n = 0; n < 40; n++) {
        const expiresAt = Date.now() + 60_000 + n;
        await store.set(`mine-${n}`, aSession("kim", `sid-${n}`), { expiresAt });
        mine.set(`mine-${n}`, expiresAt);
      }
      await store.set("other-sub", aSession("kimberly"), inOneMinute());
      await store.set("other-iss", aSession("kim", undefined, `${iss}/other`), inOneMinute());
      await redisStore(client, { prefix: randomPrefix() }).set(
        "other-store",
        aSession("kim"),
        inOneMinute(),
      );
      const touchedAt = Date.now() + 90_000;
      await store.touch("mine-0", { expiresAt: touchedAt });
      mine.set("mine-0", touchedAt);
      await store.delete("mine-1");
      mine.delete("mine-1");
      const listed = await store.listSessions({ iss, sub: "kim" });
      expect(new Map(listed.map(({ id, expiresAt }) => [id, expiresAt]))).toEqual(mine);
      for (const { id, session } of listed) {
        expect(session).toMatchObject({ user: { sub: "kim" }, internal: { iss } });
        expect(session).toEqual(await store.get(id));
      }
      // A fresh copy each time.
      listed[0]!.session.user.sub = "changed";
      expect((await store.listSessions({ iss, sub: "kim" }))[0]?.session.user.sub).toBe("kim");
      expect(await store.listSessions({ iss, sub: "nobody" })).toEqual([]);
    });

    it("leaves out expired sessions; the next write to the index drops them", async () => {
      fresh();
      const [short, long, later] = idsInOneShard(3, "exp") as [string, string, string];
      await store.set(short, aSession("lou"), { expiresAt: Date.now() + 1_000 });
      await store.set(long, aSession("lou"), inOneMinute());
      await eventually(
        "listSessions leaves out the expired session",
        async () => (await store.listSessions({ iss, sub: "lou" })).length === 1,
      );
      expect((await store.listSessions({ iss, sub: "lou" })).map(({ id }) => id)).toEqual([long]);
      await store.touch(long, inOneMinute());
      await store.set(later, aSession("lou"), inOneMinute());
      const { u } = await keysByKind();
      expect((await inspector.zrange(u[0]!, 0, -1)).sort()).toEqual([long, later].sort());
    });

    it("skips and removes unreadable records, and drops index entries that point elsewhere", async () => {
      fresh();
      const [bad, moved, good, typed] = idsInOneShard(4, "cor") as [string, string, string, string];
      for (const id of [bad, moved, good, typed]) {
        await store.set(id, aSession("max", `sid-${id}`), inOneMinute());
      }
      const sessionKeyOf = async (id: string) =>
        (await keysByKind()).s.find((key) => key.endsWith(`:s:${id}`))!;
      const badKey = await sessionKeyOf(bad);
      const value = (await inspector.get(badKey))!;
      await inspector.set(badKey, value.slice(0, value.indexOf("{") + 9), "KEEPTTL");
      const typedKey = await sessionKeyOf(typed);
      await inspector.del(typedKey);
      await inspector.hset(typedKey, "x", "y");
      // Planted behind the store's back: the value now names another user.
      const movedKey = await sessionKeyOf(moved);
      const [, , sid, ...json] = (await inspector.get(movedKey))!.split("\n");
      const other = `${Date.now() + 60_000}\n${JSON.stringify([iss, "ned"])}\n${sid}\n`;
      await inspector.set(movedKey, other + json.join("\n").replace('"max"', '"ned"'), "KEEPTTL");

      expect((await store.listSessions({ iss, sub: "max" })).map(({ id }) => id)).toEqual([good]);
      expect(await inspector.exists(badKey)).toBe(0);
      const index = (await keysByKind()).u.find((key) => key.includes('"max"'))!;
      expect(await inspector.zrange(index, 0, -1)).toEqual([good]);
      expect((await store.get(moved))?.user.sub).toBe("ned");
    });

    it("lists a user with more sessions than one MGET batch (1,000) holds", async () => {
      fresh();
      const ids = Array.from({ length: 1_100 }, (_, n) => `many-${n}`);
      for (let from = 0; from < ids.length; from += 250) {
        await Promise.all(
          ids.slice(from, from + 250).map((id) => store.set(id, aSession("mo"), inOneMinute())),
        );
      }
      const listed = await store.listSessions({ iss, sub: "mo" });
      expect(listed.map(({ id }) => id).sort()).toEqual([...ids].sort());
    });

    it("rejects an owner without iss or sub", async () => {
      fresh();
      const invalid = { code: "STORE_INVALID_ARGUMENT" };
      await expect(store.listSessions({ iss, sub: "" })).rejects.toMatchObject(invalid);
      await expect(store.listSessions({ iss: "", sub: "x" })).rejects.toMatchObject(invalid);
    });
  });

  describe("refresh leases", () => {
    it("gives a lease to one holder at a time; the holder extends it, others wait", async () => {
      fresh();
      expect(await store.acquireRefreshLease("r-1", "a", Date.now() + 10_000)).toBe(true);
      expect(await store.acquireRefreshLease("r-1", "b", Date.now() + 10_000)).toBe(false);
      expect(await store.acquireRefreshLease("r-1", "a", Date.now() + 20_000)).toBe(true);
      const { l } = await keysByKind();
      expect(l).toHaveLength(1);
      expect(await inspector.pttl(l[0]!)).toBeGreaterThan(15_000);
      expect(await inspector.pttl(l[0]!)).toBeLessThanOrEqual(20_000);
      // Another holder's release leaves the lease alone; the holder's own ends it.
      await store.releaseRefreshLease("r-1", "b");
      expect(await store.acquireRefreshLease("r-1", "b", Date.now() + 10_000)).toBe(false);
      await store.releaseRefreshLease("r-1", "a");
      await store.releaseRefreshLease("r-1", "a");
      expect(await store.acquireRefreshLease("r-1", "b", Date.now() + 10_000)).toBe(true);
    });

    it("lets exactly one of many instances take a lease, which ends on its own", async () => {
      fresh();
      const instances = Array.from({ length: 8 }, () => redisStore(client, { prefix }));
      const until = Date.now() + 5_000;
      const taken = await Promise.all(
        instances.map((instance, n) => instance.acquireRefreshLease("r-2", `holder-${n}`, until)),
      );
      expect(taken.filter(Boolean)).toHaveLength(1);
      // A short lease, then a wait until the backend TTL has ended it.
      expect(await instances[0]!.acquireRefreshLease("r-3", "early", Date.now() + 1_000)).toBe(
        true,
      );
      await eventually("the early lease ends on its own", () =>
        instances[1]!.acquireRefreshLease("r-3", "late", Date.now() + 1_000),
      );
    });

    it("takes nothing for a past expiresAt", async () => {
      fresh();
      expect(await store.acquireRefreshLease("r-3", "a", Date.now() - 1)).toBe(false);
      expect((await keysByKind()).all).toEqual([]);
    });

    it("keeps leases apart from sessions and from other stores", async () => {
      fresh();
      await store.set("r-4", aSession("olly", "sid-o"), inOneMinute());
      expect(await store.acquireRefreshLease("r-4", "a", Date.now() + 10_000)).toBe(true);
      const other = redisStore(client, { prefix: randomPrefix() });
      expect(await other.acquireRefreshLease("r-4", "b", Date.now() + 10_000)).toBe(true);
      expect((await store.get("r-4"))?.user.sub).toBe("olly");
      expect(await store.touch("r-4", inOneMinute())).toBe(true);
      await store.delete("r-4");
      // Independent of the session record: the lease outlives its delete.
      expect(await store.acquireRefreshLease("r-4", "b", Date.now() + 10_000)).toBe(false);
      const kinds = await keysByKind();
      expect(kinds.l).toHaveLength(1);
      expect(kinds.all).toEqual(kinds.l);
      // The lease lives in the session's slot.
      expect(kinds.l[0]).toMatch(/\{[^}]+\}:l:r-4$/);
    });

    it("rejects an empty id or holder", async () => {
      fresh();
      const invalid = { code: "STORE_INVALID_ARGUMENT" };
      await expect(store.acquireRefreshLease("", "a", Date.now() + 1_000)).rejects.toMatchObject(
        invalid,
      );
      await expect(store.acquireRefreshLease("x", "", Date.now() + 1_000)).rejects.toMatchObject(
        invalid,
      );
      await expect(store.releaseRefreshLease("x", "")).rejects.toMatchObject(invalid);
    });
  });

  describe("claimLogoutToken", () => {
    it("keeps honouring a claim written by the earlier SET NX version (value 1) until its TTL", async () => {
      fresh();
      expect(await store.claimLogoutToken("jti-new", Date.now() + 30_000)).toBe(true);
      const [key] = (await keysByKind()).j;
      expect(Number(await inspector.get(key!))).toBeGreaterThan(Date.now());
      const legacy = logoutTokenKey(
        createKeyLayout(prefix, 16, "").bases[shardOf("jti-old", 16)]!,
        "jti-old",
      );
      await inspector.set(legacy, "1", "PX", 30_000);
      expect(await store.claimLogoutToken("jti-old", Date.now() + 30_000)).toBe(false);
      await inspector.del(legacy);
      expect(await store.claimLogoutToken("jti-old", Date.now() + 30_000)).toBe(true);
    });
  });

  describe("releaseLogoutToken", () => {
    it("forgets a claim so the provider's retry is accepted, and is idempotent", async () => {
      fresh();
      const expiresAt = Date.now() + 30_000;
      expect(await store.claimLogoutToken("jti-r", expiresAt)).toBe(true);
      expect(await store.claimLogoutToken("jti-r", expiresAt)).toBe(false);
      await store.releaseLogoutToken("jti-r");
      await store.releaseLogoutToken("jti-r");
      await store.releaseLogoutToken("never-claimed");
      expect(await store.claimLogoutToken("jti-r", expiresAt)).toBe(true);
      await expect(store.releaseLogoutToken("")).rejects.toMatchObject({
        code: "STORE_INVALID_ARGUMENT",
      });
    });
  });
}
