import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeSession } from "./store-behaviour.js";
import type { StoreContext, TestDatabase } from "./test-database.js";

const ISS = "https://op.example";

/**
 * `touch` and `listSessions` as only the rows can show them: the expiry column moves and the
 * data column does not, liveness is the column's, the list reads the column.
 */
export function testTouchAndList(database: TestDatabase): void {
  let context: StoreContext;
  const placeholder = database.dialect === "postgresql" ? "$1" : "?";

  beforeEach(async () => {
    context = await database.createContext();
  });
  afterEach(async () => {
    await context?.destroy();
  });

  /** The row under `id` as stored: its data text and its expiry column. */
  async function rowOf(id: string) {
    const rows = await context.prisma.$queryRawUnsafe<{ data: string; expires_at: bigint }[]>(
      `SELECT data, expires_at FROM ${context.table} WHERE id = ${placeholder}`,
      id,
    );
    const row = rows[0];
    return row ? { data: row.data, expiresAt: Number(row.expires_at) } : undefined;
  }

  describe("prismaStore touch", () => {
    it("moves only the expiry column: the data text stays byte for byte", async () => {
      const { store } = context;
      const expiresAt = Date.now() + 60_000;
      await store.set("t1", makeSession("alice", "s1", expiresAt), { expiresAt });
      const before = await rowOf("t1");
      const later = expiresAt + 3_600_000;
      expect(await store.touch("t1", { expiresAt: later })).toBe(true);
      const after = await rowOf("t1");
      expect(after?.data).toBe(before?.data);
      expect(after?.expiresAt).toBe(later);
    });

    it("get judges liveness by the expiry column, not by the data's internal.expiresAt", async () => {
      const { store } = context;
      // What a touched session looks like: the data's own expiry long past, the row's ahead.
      const stale = makeSession("alice", "s1", Date.now() - 3_600_000);
      const expiresAt = Date.now() + 60_000;
      await store.set("t2", stale, { expiresAt });
      expect(await store.get("t2")).toEqual(stale);
      expect(await store.touch("t2", { expiresAt: expiresAt + 60_000 })).toBe(true);
      expect(await store.get("t2")).toEqual(stale);
    });

    it("an expired row is not moved (false) and stays expired", async () => {
      const { store } = context;
      const ended = Date.now() - 1;
      await context.plant("t3", JSON.stringify(makeSession("alice", "s1", ended)), ended);
      expect(await store.touch("t3", { expiresAt: Date.now() + 60_000 })).toBe(false);
      expect((await rowOf("t3"))?.expiresAt).toBe(ended);
      expect(await store.get("t3")).toBeNull();
      expect(await store.touch("never-there", { expiresAt: Date.now() + 60_000 })).toBe(false);
      expect(await context.countRows()).toBe(0);
    });

    it("a past expiresAt deletes the row and answers false", async () => {
      const { store } = context;
      const expiresAt = Date.now() + 60_000;
      await store.set("t4", makeSession("alice", "s1", expiresAt), { expiresAt });
      expect(await store.touch("t4", { expiresAt: Date.now() - 1 })).toBe(false);
      expect(await context.countRows()).toBe(0);
      expect(await store.listSessions({ iss: ISS, sub: "alice" })).toEqual([]);
    });

    it("rejects an empty id and a non-finite expiresAt", async () => {
      const invalid = { name: "SessionStoreError", code: "STORE_INVALID_ARGUMENT" };
      await expect(context.store.touch("", { expiresAt: Date.now() })).rejects.toMatchObject(
        invalid,
      );
      await expect(context.store.touch("x", { expiresAt: Number.NaN })).rejects.toMatchObject(
        invalid,
      );
    });
  });

  describe("prismaStore listSessions", () => {
    it("answers the expiry column in epoch ms (after touch, newer than the data's)", async () => {
      const { store } = context;
      const expiresAt = Date.now() + 60_000;
      const session = makeSession("alice", "s1", expiresAt);
      await store.set("l1", session, { expiresAt });
      const later = expiresAt + 120_000;
      await store.touch("l1", { expiresAt: later });
      expect(await store.listSessions({ iss: ISS, sub: "alice" })).toEqual([
        { id: "l1", session, expiresAt: later },
      ]);
    });

    it("skips expired rows, unreadable rows and rows whose data names another user", async () => {
      const { store } = context;
      const expiresAt = Date.now() + 60_000;
      for (const id of ["good", "corrupt", "expired", "mismatch"]) {
        await store.set(id, makeSession("alice", undefined, expiresAt), { expiresAt });
      }
      // `plant` rewrites data and expiry, and keeps the row's iss and sub columns (alice's).
      await context.plant("corrupt", '{"user": {"sub": "alice"}, "tokenSet": garbage');
      const ended = Date.now() - 1;
      await context.plant("expired", JSON.stringify(makeSession("alice", undefined, ended)), ended);
      await context.plant("mismatch", JSON.stringify(makeSession("mallory", undefined, expiresAt)));
      const list = await store.listSessions({ iss: ISS, sub: "alice" });
      expect(list.map((entry) => entry.id)).toEqual(["good"]);
      expect(await store.listSessions({ iss: "https://other.example", sub: "alice" })).toEqual([]);
    });

    it("rejects an owner without iss or sub", async () => {
      for (const owner of [{ iss: "", sub: "a" }, { iss: ISS, sub: "" }, undefined]) {
        await expect(
          context.store.listSessions(owner as unknown as { iss: string; sub: string }),
        ).rejects.toMatchObject({ code: "STORE_INVALID_ARGUMENT" });
      }
    });
  });
}
