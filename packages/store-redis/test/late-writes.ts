import { isSessionStoreError, type SessionData } from "@sessionkit/auth/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisStoreClient, redisStore } from "../src/index.js";
import * as scripts from "../src/scripts.js";
import { aSession, randomPrefix, sleep, type Target } from "./support.js";

const iss = "https://op.example";

interface Held {
  args: unknown[];
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * The app's client, except that the scripts it is told to hold are kept back (as a slow
 * network or an ioredis resend after a reconnect would) until the test delivers them,
 * exactly as the store built them, to the real Redis.
 */
function holdingClient(client: RedisStoreClient) {
  const held: Held[] = [];
  let holding = 0;
  const proxy = new Proxy(client, {
    get(target, property) {
      if (property === "evalsha" && holding > 0) {
        return (...args: unknown[]) => {
          holding--;
          return new Promise((resolve, reject) => held.push({ args, resolve, reject }));
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  const send = async ([sha, ...rest]: unknown[]) => {
    const run = client as unknown as {
      evalsha(...args: unknown[]): Promise<unknown>;
      eval(...args: unknown[]): Promise<unknown>;
    };
    try {
      return await run.evalsha(sha, ...rest);
    } catch (error) {
      const lua = Object.values(scripts).find((script) => script.sha === sha)?.lua;
      if (!(error instanceof Error && error.message.startsWith("NOSCRIPT")) || !lua) throw error;
      return run.eval(lua, ...rest);
    }
  };
  return {
    client: proxy,
    /** Holds the next `count` scripts the store sends. */
    hold(count = 1) {
      holding += count;
    },
    /** How many scripts are held now. */
    get held() {
      return held.length;
    },
    /** Sends every held script now; answers their replies, and hands them to the store. */
    async deliver(): Promise<unknown[]> {
      const replies: unknown[] = [];
      for (const { args, resolve, reject } of held.splice(0)) {
        try {
          const reply = await send(args);
          replies.push(reply);
          resolve(reply);
        } catch (error) {
          reject(error);
          throw error;
        }
      }
      return replies;
    },
  };
}

const withUser = (sub: string, name: string): SessionData => {
  const session = aSession(sub, `sid-${sub}`);
  return { ...session, user: { ...session.user, name } };
};

/** Waits until a store paused by a timeout lets calls through again. */
async function untilAnswering(probe: () => Promise<unknown>) {
  for (let attempt = 0; attempt < 200; attempt++) {
    try {
      return await probe();
    } catch {
      await sleep(50);
    }
  }
  throw new Error("the store kept refusing calls after its pause");
}

/**
 * Writes that reach Redis late: after the store reported them failed, or after a newer write
 * to the same session. Neither may change what is stored (issue 21: no rollback).
 */
export function describeLateWrites(target: () => Target) {
  describe("late writes", () => {
    let client: RedisStoreClient;
    beforeAll(() => {
      client = target().connect();
    });
    afterAll(() => client.disconnect());
    const shardsOfLogout = () => (target().cluster ? 16 : 1);

    it("a write the store reported failed (it outlived operationTimeoutSeconds) changes nothing when it arrives", async () => {
      const held = holdingClient(client);
      const store = redisStore(held.client, {
        prefix: randomPrefix(),
        operationTimeoutSeconds: 0.5,
      });
      const expiresAt = Date.now() + 60_000;
      await store.set("a", withUser("ann", "first"), { expiresAt });
      const late = [
        () => store.update("a", withUser("ann", "late update"), { expiresAt: expiresAt + 1 }),
        () => store.set("new", withUser("ann", "late set"), { expiresAt }),
        () => store.touch("a", { expiresAt: expiresAt + 5_000 }),
        () => store.delete("a"),
        () => store.deleteByLogoutToken({ iss, sub: "ann" }),
        () => store.claimLogoutToken("jti-late", expiresAt),
      ];
      for (const [n, call] of late.entries()) {
        held.hold(n === 4 ? shardsOfLogout() : 1);
        const error = await call().catch((e: unknown) => e);
        expect(isSessionStoreError(error, "STORE_UNAVAILABLE"), `call ${n}: ${error}`).toBe(true);
        // The deadline (issued + 0.5 s) has passed by Redis's clock too: the late write is refused.
        await sleep(50);
        const replies = await held.deliver();
        expect(
          replies.every((reply) => reply === -1),
          `call ${n} replied ${replies}`,
        ).toBe(true);
        const stored = await untilAnswering(() => store.get("a"));
        expect((stored as SessionData | null)?.user.name, `after late call ${n}`).toBe("first");
        expect(await untilAnswering(() => store.get("new")), `after late call ${n}`).toBeNull();
      }
      // A timed-out call pauses its shards' masters for a while: every one answers again first.
      // The late claim took nothing: the provider's retry of that logout is not a replay.
      expect(await untilAnswering(() => store.claimLogoutToken("jti-late", expiresAt))).toBe(true);
      const [listed] = (await untilAnswering(() =>
        store.listSessions({ iss, sub: "ann" }),
      )) as Awaited<ReturnType<typeof store.listSessions>>;
      expect(listed?.expiresAt, "the late touch did not move the expiry").toBe(expiresAt);
    });

    describe("a write that arrives after a newer one to the same session is superseded", () => {
      // A long timeout: the delayed write reaches Redis well before its deadline.
      const setup = async () => {
        const held = holdingClient(client);
        const store = redisStore(held.client, {
          prefix: randomPrefix(),
          operationTimeoutSeconds: 60,
        });
        return { held, store };
      };

      it("update after update: the newer data stays", async () => {
        const { held, store } = await setup();
        await store.set("u", withUser("bo", "login"), { expiresAt: Date.now() + 60_000 });
        held.hold();
        const late = store.update("u", withUser("bo", "older"), { expiresAt: Date.now() + 60_000 });
        expect(
          await store.update("u", withUser("bo", "newer"), { expiresAt: Date.now() + 60_000 }),
        ).toBe(true);
        expect(await held.deliver()).toEqual([1]);
        // As if the older update had run first: it answers true, and the newer one stays.
        expect(await late).toBe(true);
        expect((await store.get("u"))?.user.name).toBe("newer");
      });

      it("set after update: a login's late upsert does not roll back the session", async () => {
        const { held, store } = await setup();
        held.hold();
        const late = store.set("s", withUser("cy", "login"), { expiresAt: Date.now() + 60_000 });
        await store.set("s", withUser("cy", "login again"), { expiresAt: Date.now() + 60_000 });
        expect(
          await store.update("s", withUser("cy", "refreshed"), { expiresAt: Date.now() + 60_000 }),
        ).toBe(true);
        await held.deliver();
        await late;
        expect((await store.get("s"))?.user.name).toBe("refreshed");
      });

      it("touch after touch: the expiry does not move back", async () => {
        const { held, store } = await setup();
        const base = Date.now() + 60_000;
        await store.set("t", withUser("di", "login"), { expiresAt: base });
        held.hold();
        const late = store.touch("t", { expiresAt: base + 1_000 });
        expect(await store.touch("t", { expiresAt: base + 2_000 })).toBe(true);
        await held.deliver();
        expect(await late).toBe(true);
        const [listed] = await store.listSessions({ iss, sub: "di" });
        expect(listed?.expiresAt).toBe(base + 2_000);
      });

      it("update after touch: the data is written, the newer expiry stays", async () => {
        const { held, store } = await setup();
        const base = Date.now() + 60_000;
        await store.set("ut", withUser("ed", "login"), { expiresAt: base });
        held.hold();
        const late = store.update("ut", withUser("ed", "updated"), { expiresAt: base + 1_000 });
        expect(await store.touch("ut", { expiresAt: base + 2_000 })).toBe(true);
        await held.deliver();
        expect(await late).toBe(true);
        const [listed] = await store.listSessions({ iss, sub: "ed" });
        expect(listed?.session.user.name).toBe("updated");
        expect(listed?.expiresAt).toBe(base + 2_000);
        // A later touch moves it again as usual.
        expect(await store.touch("ut", { expiresAt: base + 3_000 })).toBe(true);
        expect((await store.listSessions({ iss, sub: "ed" }))[0]?.expiresAt).toBe(base + 3_000);
      });

      it("a late delete keeps a session created after it, but still beats a racing update", async () => {
        const { held, store } = await setup();
        await store.set("d", withUser("fa", "old login"), { expiresAt: Date.now() + 60_000 });
        held.hold();
        const lateDelete = store.delete("d");
        await store.set("d", withUser("fa", "new login"), { expiresAt: Date.now() + 60_000 });
        await held.deliver();
        await lateDelete;
        expect((await store.get("d"))?.user.name).toBe("new login");

        held.hold();
        const logout = store.delete("d");
        // A request that raced the logout rolls the session: the logout still wins.
        expect(
          await store.update("d", withUser("fa", "raced"), { expiresAt: Date.now() + 60_000 }),
        ).toBe(true);
        await held.deliver();
        await logout;
        expect(await store.get("d")).toBeNull();
      });

      it("a late back-channel logout ends the sessions it was sent for, not a later login", async () => {
        const { held, store } = await setup();
        const expiresAt = Date.now() + 60_000;
        await store.set("g1", withUser("gus", "before"), { expiresAt });
        await store.set("g2", withUser("gus", "before"), { expiresAt });
        held.hold(shardsOfLogout());
        const logout = store.deleteByLogoutToken({ iss, sub: "gus" });
        await store.set("g3", withUser("gus", "after"), { expiresAt });
        expect(held.held).toBe(shardsOfLogout());
        await held.deliver();
        expect(await logout).toBe(2);
        expect(await store.get("g1")).toBeNull();
        expect(await store.get("g2")).toBeNull();
        expect((await store.get("g3"))?.user.name).toBe("after");
        expect((await store.listSessions({ iss, sub: "gus" })).map(({ id }) => id)).toEqual(["g3"]);
      });
    });
  });
}
