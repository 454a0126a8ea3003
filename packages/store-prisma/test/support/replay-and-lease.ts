import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { PrismaSessionStore } from "../../src/index.js";
import { prismaStore } from "../../src/index.js";
import { makeSession } from "./store-behaviour.js";
import { migrationNames, type StoreContext, type TestDatabase } from "./test-database.js";

const CLAIMS = "sessionkit_logout_token_claims";
const LEASES = "sessionkit_refresh_leases";

type ExtendedStore = Required<PrismaSessionStore>;

/**
 * The optional extensions on their own tables: the shipped migrations create them, the store
 * finds their models, the atomic take-over of an expired row, and the purge.
 */
export function testReplayAndLease(database: TestDatabase): void {
  let context: StoreContext;
  let store: ExtendedStore;
  const [p1, p2, p3] = database.dialect === "postgresql" ? ["$1", "$2", "$3"] : ["?", "?", "?"];

  beforeEach(async () => {
    context = await database.createContext();
    store = context.store as ExtendedStore;
  });
  afterEach(async () => {
    await context?.destroy();
  });

  const count = async (table: string) => {
    const [row] = await context.prisma.$queryRawUnsafe<{ n: bigint }[]>(
      `SELECT count(*) AS n FROM ${context.qualify(table)}`,
    );
    return Number(row?.n);
  };
  /** An expired claim of `jti`, written past the store. */
  const plantClaim = (jti: string, expiresAt: number) =>
    context.prisma.$executeRawUnsafe(
      `INSERT INTO ${context.qualify(CLAIMS)} (jti, expires_at) VALUES (${p1}, ${p2})`,
      jti,
      BigInt(expiresAt),
    );
  /** A lease of `holder` on `id`, written past the store. */
  const plantLease = (id: string, holder: string, expiresAt: number) =>
    context.prisma.$executeRawUnsafe(
      `INSERT INTO ${context.qualify(LEASES)} (id, holder, expires_at) VALUES (${p1}, ${p2}, ${p3})`,
      id,
      holder,
      BigInt(expiresAt),
    );
  const leaseOf = async (id: string) => {
    const rows = await context.prisma.$queryRawUnsafe<{ holder: string; expires_at: bigint }[]>(
      `SELECT holder, expires_at FROM ${context.qualify(LEASES)} WHERE id = ${p1}`,
      id,
    );
    const row = rows[0];
    return row ? { holder: row.holder, expiresAt: Number(row.expires_at) } : undefined;
  };

  describe("prismaStore migrations and optional models", () => {
    it("ships the same migrations for every dialect, the sessions table first", async () => {
      const names = await migrationNames(database.dialect);
      expect(names[0]).toBe("20261122000000_sessionkit_sessions");
      expect(names).toContain("20261130000000_sessionkit_logout_tokens_refresh_leases");
      for (const dialect of ["postgresql", "mysql", "sqlite"] as const) {
        expect(await migrationNames(dialect)).toEqual(names);
      }
      // Applied in order, they create every table the models map to, empty.
      expect(await count("sessionkit_sessions")).toBe(0);
      expect(await count(CLAIMS)).toBe(0);
      expect(await count(LEASES)).toBe(0);
    });

    it("has the extensions when the client has their models, and not with false", () => {
      expect(typeof store.claimLogoutToken).toBe("function");
      expect(typeof store.releaseLogoutToken).toBe("function");
      expect(typeof store.acquireRefreshLease).toBe("function");
      expect(typeof store.releaseRefreshLease).toBe("function");
      const plain = prismaStore(context.prisma, {
        logoutTokenModel: false,
        refreshLeaseModel: false,
      });
      expect("claimLogoutToken" in plain).toBe(false);
      expect("releaseLogoutToken" in plain).toBe(false);
      expect("acquireRefreshLease" in plain).toBe(false);
      expect("releaseRefreshLease" in plain).toBe(false);
    });

    it("a client without the optional models is a plain store; a named model must exist", () => {
      // An app that pasted only the Session model: its client has just that delegate.
      const onlySessions = { session: (context.prisma as unknown as { session: object }).session };
      const plain = prismaStore(onlySessions);
      expect("claimLogoutToken" in plain).toBe(false);
      expect("acquireRefreshLease" in plain).toBe(false);
      expect(() => prismaStore(onlySessions, { logoutTokenModel: "replayedToken" })).toThrow(
        expect.objectContaining({
          code: "STORE_INVALID_ARGUMENT",
          message: expect.stringContaining("`replayedToken` (from `logoutTokenModel`)"),
        }),
      );
      expect(() => prismaStore(onlySessions, { refreshLeaseModel: "" })).toThrow(
        expect.objectContaining({ code: "STORE_INVALID_ARGUMENT" }),
      );
    });
  });

  describe("prismaStore logout-token claims", () => {
    it("first claim wins, a replay is refused, release lets the provider's retry in", async () => {
      const expiresAt = Date.now() + 60_000;
      expect(await store.claimLogoutToken("jti-1", expiresAt)).toBe(true);
      expect(await store.claimLogoutToken("jti-1", expiresAt)).toBe(false);
      expect(await count(CLAIMS)).toBe(1);
      await store.releaseLogoutToken("jti-1");
      await store.releaseLogoutToken("jti-1");
      expect(await count(CLAIMS)).toBe(0);
      expect(await store.claimLogoutToken("jti-1", expiresAt)).toBe(true);
    });

    it("parallel claims of a jti whose claim expired: exactly one takes it over", async () => {
      await plantClaim("jti-old", Date.now() - 1);
      const expiresAt = Date.now() + 60_000;
      const answers = await Promise.all(
        Array.from({ length: 8 }, () => store.claimLogoutToken("jti-old", expiresAt)),
      );
      expect(answers.filter(Boolean)).toHaveLength(1);
      expect(await count(CLAIMS)).toBe(1);
    });

    it("rejects an empty jti and a non-finite expiresAt", async () => {
      const invalid = { name: "SessionStoreError", code: "STORE_INVALID_ARGUMENT" };
      await expect(store.claimLogoutToken("", Date.now() + 1_000)).rejects.toMatchObject(invalid);
      await expect(store.claimLogoutToken("j", Number.NaN)).rejects.toMatchObject(invalid);
      await expect(store.releaseLogoutToken("")).rejects.toMatchObject(invalid);
    });
  });

  describe("prismaStore refresh leases", () => {
    it("one holder at a time; the same holder extends; release ends only its own lease", async () => {
      const expiresAt = Date.now() + 60_000;
      expect(await store.acquireRefreshLease("s1", "a", expiresAt)).toBe(true);
      expect(await store.acquireRefreshLease("s1", "b", expiresAt)).toBe(false);
      expect(await store.acquireRefreshLease("s1", "a", expiresAt + 5_000)).toBe(true);
      expect(await leaseOf("s1")).toEqual({ holder: "a", expiresAt: expiresAt + 5_000 });
      await store.releaseRefreshLease("s1", "b");
      expect((await leaseOf("s1"))?.holder).toBe("a");
      await store.releaseRefreshLease("s1", "a");
      await store.releaseRefreshLease("s1", "a");
      expect(await leaseOf("s1")).toBeUndefined();
      expect(await store.acquireRefreshLease("s1", "b", expiresAt)).toBe(true);
    });

    it("parallel acquires of an expired lease: exactly one new holder takes it", async () => {
      await plantLease("s2", "gone", Date.now() - 1);
      const expiresAt = Date.now() + 60_000;
      const holders = Array.from({ length: 8 }, (_, i) => `h${i}`);
      const answers = await Promise.all(
        holders.map((holder) => store.acquireRefreshLease("s2", holder, expiresAt)),
      );
      expect(answers.filter(Boolean)).toHaveLength(1);
      expect((await leaseOf("s2"))?.holder).toBe(holders[answers.indexOf(true)]);
    });

    it("a past expiresAt takes nothing, and leaves a live lease alone", async () => {
      expect(await store.acquireRefreshLease("s3", "a", Date.now() - 1)).toBe(false);
      expect(await leaseOf("s3")).toBeUndefined();
      const expiresAt = Date.now() + 60_000;
      await store.acquireRefreshLease("s3", "a", expiresAt);
      expect(await store.acquireRefreshLease("s3", "a", Date.now() - 1)).toBe(false);
      expect(await leaseOf("s3")).toEqual({ holder: "a", expiresAt });
    });

    it("is independent of the session rows", async () => {
      const expiresAt = Date.now() + 60_000;
      await store.set("s4", makeSession("alice", "x", expiresAt), { expiresAt });
      await store.acquireRefreshLease("s4", "a", expiresAt);
      await store.delete("s4");
      expect((await leaseOf("s4"))?.holder).toBe("a");
      expect(await store.acquireRefreshLease("never-a-session", "a", expiresAt)).toBe(true);
    });

    it("rejects an empty id or holder", async () => {
      const invalid = { code: "STORE_INVALID_ARGUMENT" };
      const expiresAt = Date.now() + 60_000;
      await expect(store.acquireRefreshLease("", "a", expiresAt)).rejects.toMatchObject(invalid);
      await expect(store.acquireRefreshLease("s", "", expiresAt)).rejects.toMatchObject(invalid);
      await expect(store.releaseRefreshLease("s", "")).rejects.toMatchObject(invalid);
    });
  });

  describe("prismaStore purgeExpired with claims and leases", () => {
    it("deletes expired sessions, claims and leases in batches, keeps live ones, counts them all", async () => {
      const ended = Date.now() - 1;
      const live = Date.now() + 60_000;
      for (let i = 0; i < 3; i++) {
        await context.plant(`old-${i}`, JSON.stringify(makeSession("u", undefined, ended)), ended);
        await plantClaim(`old-jti-${i}`, ended);
        await plantLease(`old-lease-${i}`, "h", ended);
      }
      await store.set("new", makeSession("u", undefined, live), { expiresAt: live });
      await store.claimLogoutToken("new-jti", live);
      await store.acquireRefreshLease("new-lease", "h", live);
      // One batch of 2 per table: 2 + 2 + 2, then the rest.
      expect(await store.purgeExpired({ batchSize: 2, maxBatches: 1 })).toBe(6);
      expect(await store.purgeExpired({ batchSize: 2 })).toBe(3);
      expect(await store.purgeExpired()).toBe(0);
      expect(await context.countRows()).toBe(1);
      expect(await count(CLAIMS)).toBe(1);
      expect(await count(LEASES)).toBe(1);
      // What was purged is free again; what lives is still refused.
      expect(await store.claimLogoutToken("old-jti-0", live)).toBe(true);
      expect(await store.claimLogoutToken("new-jti", live)).toBe(false);
    });
  });
}
