import type { SessionData } from "@sessionkit/auth/store";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { prismaStore } from "../../src/index.js";
import type { StoreContext, TestDatabase } from "./test-database.js";

const ISS = "https://op.example";

/** A valid session for `sub`, optionally in provider session `sid`, ending at `expiresAt`. */
export function makeSession(sub: string, sid: string | undefined, expiresAt: number): SessionData {
  return {
    user: { sub, name: "Zoë Ünïcødé 🦊" },
    tokenSet: { accessToken: `at-${sub}`, idToken: "id", expiresAt },
    internal: { iss: ISS, ...(sid ? { sid } : {}), createdAt: Date.now(), expiresAt },
  };
}

/**
 * What the conformance suite cannot see from outside: rows on disk, the SQL dialect's
 * quirks (MySQL's affected-row counts and collations, emulated upserts), the purge job.
 */
export function testPrismaStoreBehaviour(database: TestDatabase): void {
  let context: StoreContext;

  beforeEach(async () => {
    context = await database.createContext();
  });
  afterEach(async () => {
    await context?.destroy();
  });

  describe("prismaStore behaviour", () => {
    it("update with an unchanged session still reports a write (MySQL counts matched rows)", async () => {
      const { store } = context;
      const expiresAt = Date.now() + 60_000;
      const session = makeSession("alice", "s1", expiresAt);
      await store.set("id-1", session, { expiresAt });
      expect(await store.update("id-1", session, { expiresAt })).toBe(true);
      expect(await store.update("id-1", session, { expiresAt })).toBe(true);
    });

    it("ids and subjects are case-sensitive", async () => {
      const { store } = context;
      const expiresAt = Date.now() + 60_000;
      await store.set("Abc", makeSession("Alice", "S1", expiresAt), { expiresAt });
      await store.set("abc", makeSession("alice", "s1", expiresAt), { expiresAt });
      expect((await store.get("Abc"))?.user.sub).toBe("Alice");
      expect((await store.get("abc"))?.user.sub).toBe("alice");
      expect(await store.deleteByLogoutToken({ iss: ISS, sub: "alice" })).toBe(1);
      expect(await store.deleteByLogoutToken({ iss: ISS, sid: "s1" })).toBe(0);
      expect((await store.get("Abc"))?.user.sub).toBe("Alice");
    });

    it("a 64 KiB session of multi-byte text round-trips exactly", async () => {
      const { store } = context;
      const expiresAt = Date.now() + 60_000;
      const session = {
        ...makeSession("alice", "s1", expiresAt),
        blob: "€😀".repeat(((64 * 1024) / 7) * 2),
      };
      await store.set("big", session, { expiresAt });
      expect(await store.get("big")).toEqual(session);
    });

    it("concurrent sets of one new id all succeed and one of them wins", async () => {
      const { store } = context;
      const expiresAt = Date.now() + 60_000;
      const subs = ["a", "b", "c", "d", "e", "f"];
      await Promise.all(
        subs.map((sub) => store.set("race", makeSession(sub, undefined, expiresAt), { expiresAt })),
      );
      expect(subs).toContain((await store.get("race"))?.user.sub);
      expect(await context.countRows()).toBe(1);
    });

    it("an unreadable row reads as null and is removed", async () => {
      await context.plant("bad-json", "{not json");
      await context.plant("bad-shape", JSON.stringify({ user: "nobody" }));
      expect(await context.countRows()).toBe(2);
      expect(await context.store.get("bad-json")).toBeNull();
      expect(await context.store.get("bad-shape")).toBeNull();
      expect(await context.countRows()).toBe(0);
    });

    it("an expired row reads as null, is removed on the way, and cannot be updated", async () => {
      const { store } = context;
      const ended = Date.now() - 1;
      await context.plant("ended", JSON.stringify(makeSession("alice", "s1", ended)), ended);
      const later = Date.now() + 60_000;
      expect(
        await store.update("ended", makeSession("alice", "s1", later), { expiresAt: later }),
      ).toBe(false);
      expect(await context.countRows()).toBe(1);
      expect(await store.get("ended")).toBeNull();
      expect(await context.countRows()).toBe(0);
    });

    it("set with a past expiresAt deletes the row; delete of a missing id does not throw", async () => {
      const { store } = context;
      const expiresAt = Date.now() + 60_000;
      await store.set("gone", makeSession("alice", "s1", expiresAt), { expiresAt });
      await store.set("gone", makeSession("alice", "s1", expiresAt), { expiresAt: Date.now() - 1 });
      expect(await context.countRows()).toBe(0);
      await expect(store.delete("gone")).resolves.toBeUndefined();
      await expect(store.delete("never-there")).resolves.toBeUndefined();
    });

    it("logout tokens count only live sessions; sid with sub must match both", async () => {
      const { store } = context;
      const live = Date.now() + 60_000;
      const ended = Date.now() - 1;
      await store.set("a1", makeSession("alice", "s1", live), { expiresAt: live });
      await context.plant("a2", JSON.stringify(makeSession("alice", "s1", ended)), ended);
      await store.set("b1", makeSession("bob", "s1", live), { expiresAt: live });
      expect(await store.deleteByLogoutToken({ iss: ISS, sid: "s1", sub: "alice" })).toBe(1);
      expect(await store.get("b1")).not.toBeNull();
      expect(await store.deleteByLogoutToken({ iss: "https://other.example", sid: "s1" })).toBe(0);
      expect(await store.deleteByLogoutToken({ iss: ISS, sid: "s1" })).toBe(1);
    });

    it("purgeExpired deletes expired rows in batches and keeps live ones", async () => {
      const { store } = context;
      const ended = Date.now() - 1;
      const live = Date.now() + 60_000;
      for (let i = 0; i < 25; i++) {
        await context.plant(
          `old-${i}`,
          JSON.stringify(makeSession(`u${i}`, undefined, ended)),
          ended,
        );
      }
      for (let i = 0; i < 5; i++) {
        await store.set(`new-${i}`, makeSession(`u${i}`, undefined, live), { expiresAt: live });
      }
      expect(await store.purgeExpired({ batchSize: 10, maxBatches: 2 })).toBe(20);
      expect(await context.countRows()).toBe(10);
      expect(await store.purgeExpired({ batchSize: 10 })).toBe(5);
      expect(await store.purgeExpired()).toBe(0);
      expect(await context.countRows()).toBe(5);
      await expect(store.purgeExpired({ batchSize: 0 })).rejects.toMatchObject({
        code: "STORE_INVALID_ARGUMENT",
      });
    });

    it("rejects what is not a session, and a delegate that does not exist", async () => {
      const expiresAt = Date.now() + 60_000;
      await expect(
        context.store.set("x", { user: {} } as unknown as SessionData, { expiresAt }),
      ).rejects.toMatchObject({ name: "SessionStoreError", code: "STORE_INVALID_ARGUMENT" });
      await expect(
        context.store.set("x", makeSession("a", undefined, expiresAt), { expiresAt: Number.NaN }),
      ).rejects.toMatchObject({ code: "STORE_INVALID_ARGUMENT" });
      expect(() => prismaStore(context.prisma, { model: "userSession" })).toThrow(
        /no model delegate `userSession`/,
      );
      for (const notAClient of [undefined, {}, { session: { findUnique() {} } }]) {
        expect(() => prismaStore(notAClient as object)).toThrow(
          expect.objectContaining({ name: "SessionStoreError", code: "STORE_INVALID_ARGUMENT" }),
        );
      }
    });

    it("rejects an empty id in every operation, and a non-session even with a past expiresAt", async () => {
      const { store } = context;
      const invalid = { code: "STORE_INVALID_ARGUMENT" };
      const expiresAt = Date.now() + 60_000;
      const session = makeSession("a", undefined, expiresAt);
      await expect(store.get("")).rejects.toMatchObject(invalid);
      await expect(store.set("", session, { expiresAt })).rejects.toMatchObject(invalid);
      await expect(store.update("", session, { expiresAt })).rejects.toMatchObject(invalid);
      await expect(store.delete("")).rejects.toMatchObject(invalid);
      await store.set("kept", session, { expiresAt });
      const notASession = { user: {} } as unknown as SessionData;
      const past = { expiresAt: Date.now() - 1 };
      await expect(store.set("kept", notASession, past)).rejects.toMatchObject(invalid);
      await expect(store.update("kept", notASession, past)).rejects.toMatchObject(invalid);
      expect(await store.get("kept")).toEqual(session);
    });

    it("a subject longer than its column is refused as too large, never truncated", async () => {
      const { store } = context;
      const expiresAt = Date.now() + 60_000;
      const sub = "s".repeat(300);
      const write = store.set("long-sub", makeSession(sub, "s1", expiresAt), { expiresAt });
      if (database.dialect === "mysql") {
        // VARCHAR(255) in the MySQL model; PostgreSQL and SQLite columns are unbounded TEXT.
        await expect(write).rejects.toMatchObject({ code: "STORE_PAYLOAD_TOO_LARGE" });
        expect(await context.countRows()).toBe(0);
      } else {
        await write;
        expect((await store.get("long-sub"))?.user.sub).toBe(sub);
      }
    });

    it("a missing table is STORE_OPERATION_FAILED, not a silent null", async () => {
      await context.prisma.$executeRawUnsafe(`DROP TABLE ${context.table}`);
      await expect(context.store.get("x")).rejects.toMatchObject({
        name: "SessionStoreError",
        code: "STORE_OPERATION_FAILED",
      });
    });

    // Only where there is a server to take down (not SQLite, not a server named by an env URL).
    const outage = database.outage;
    if (outage)
      it("every operation fails with STORE_UNAVAILABLE while the server is down, and works once it is back", async () => {
        const { store } = context;
        const expiresAt = Date.now() + 60_000;
        const session = makeSession("alice", "s1", expiresAt);
        await store.set("before", session, { expiresAt });
        await outage.stop();
        try {
          const results = await Promise.allSettled([
            store.get("before"),
            store.set("during", session, { expiresAt }),
            store.update("before", session, { expiresAt }),
            store.touch("before", { expiresAt }),
            store.listSessions({ iss: ISS, sub: "alice" }),
            store.delete("before"),
            store.deleteByLogoutToken({ iss: ISS, sub: "alice" }),
            store.purgeExpired(),
            store.claimLogoutToken?.("jti", expiresAt),
            store.releaseLogoutToken?.("jti"),
            store.acquireRefreshLease?.("before", "holder", expiresAt),
            store.releaseRefreshLease?.("before", "holder"),
          ]);
          for (const result of results) {
            expect(result.status).toBe("rejected");
            const reason = (result as PromiseRejectedResult).reason;
            expect(reason).toMatchObject({ name: "SessionStoreError", code: "STORE_UNAVAILABLE" });
            expect(String(reason.message)).not.toContain("at-alice");
            expect(reason.cause).toBeDefined();
          }
        } finally {
          await outage.start();
        }
        // Pools reconnect on their own schedule: give the same store a moment.
        const deadline = Date.now() + 20_000;
        while (Date.now() < deadline && !(await store.get("before").catch(() => false))) {
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        await expect(store.get("before")).resolves.toEqual(session);
        expect(await store.update("before", session, { expiresAt })).toBe(true);
      }, 60_000);
  });
}
