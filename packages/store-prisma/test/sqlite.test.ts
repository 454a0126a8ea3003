import { PrismaLibSql } from "@prisma/adapter-libsql";
import { testSessionStore } from "@sessionkit/store-conformance";
import { afterAll, describe, expect, it } from "vitest";
import { PrismaClient } from "./generated/sqlite/client/client.js";
import { conformanceOptions } from "./support/conformance.js";
import { testReplayAndLease } from "./support/replay-and-lease.js";
import { sqliteDatabase } from "./support/sqlite.js";
import { makeSession, testPrismaStoreBehaviour } from "./support/store-behaviour.js";
import { testTouchAndList } from "./support/touch-and-list.js";

// libSQL in a file: no server to take down, so the outage tests do not apply; a lock held by
// another connection is SQLite's own way of being unavailable, tested below.
const database = await sqliteDatabase();
afterAll(() => database.close());

testPrismaStoreBehaviour(database);
testTouchAndList(database);
testReplayAndLease(database);
testSessionStore(conformanceOptions("prismaStore (SQLite/libSQL)", database));

describe("prismaStore on a locked SQLite file", () => {
  it("a write that waits on another connection's transaction fails as STORE_UNAVAILABLE, then works", async () => {
    const context = await database.createContext();
    const other = new PrismaClient({ adapter: new PrismaLibSql({ url: context.url }) });
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let locked = () => {};
    const lockTaken = new Promise<void>((resolve) => {
      locked = resolve;
    });
    try {
      const transaction = other.$transaction(
        async (tx) => {
          await tx.$executeRawUnsafe(
            `INSERT INTO ${context.table} (id, data, iss, sub, expires_at, created_at) VALUES ('lock', '{}', 'i', 's', 1, 1)`,
          );
          locked();
          await held;
        },
        { timeout: 30_000 },
      );
      await lockTaken;
      const expiresAt = Date.now() + 60_000;
      const session = makeSession("alice", "s1", expiresAt);
      await expect(context.store.set("blocked", session, { expiresAt })).rejects.toMatchObject({
        name: "SessionStoreError",
        code: "STORE_UNAVAILABLE",
      });
      release();
      await transaction;
      await context.store.set("blocked", session, { expiresAt });
      expect(await context.store.get("blocked")).toEqual(session);
    } finally {
      release();
      await other.$disconnect();
      await context.destroy();
    }
  });
});
