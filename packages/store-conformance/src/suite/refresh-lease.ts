import type { RefreshLeaseStore, SessionStore } from "@sessionkit/auth/store";
import { describe, it, type TestContext } from "vitest";
import { declareExtension } from "./extensions.js";
import { makeSession, newId, newIssuer, put, unique, withStore } from "./fixtures.js";
import { type TestSessionStoreOptions, validateOptions } from "./options.js";
import { onSchedule, past, until, untilExactly } from "./schedule.js";
import { groupTimeout } from "./timeouts.js";

/** An app instance's name for itself. */
const newHolder = () => unique("instance");

/** A lease that lasts `ms` more milliseconds (a refresh takes seconds). */
const forMs = (ms = 30_000) => Date.now() + ms;

/**
 * Refresh leases (optional: runs when the store has `acquireRefreshLease`): one holder at a
 * time per session id, atomically, until the lease's `expiresAt`; only the holder releases it.
 */
export function testRefreshLease<S extends SessionStore>(
  options: TestSessionStoreOptions<S>,
): void {
  const o = validateOptions(options, "testRefreshLease");
  describe(`${o.name}: refresh lease`, { concurrent: true, timeout: groupTimeout }, () => {
    const guard = declareExtension(o, {
      name: "RefreshLeaseStore",
      methods: ["acquireRefreshLease", "releaseRefreshLease"],
    });
    /** Runs `test` on a fresh store that has the extension; skips when the store lacks it. */
    const withLeases = (
      context: TestContext,
      test: (store: S & RefreshLeaseStore) => Promise<void>,
    ) => {
      return withStore(o, (store) => {
        guard(context, store);
        return test(store as S & RefreshLeaseStore);
      });
    };

    it("parallel acquires by many holders: exactly one wins", (context) =>
      withLeases(context, async (store) => {
        const { expect } = context;
        for (let round = 0; round < 10; round++) {
          const id = newId();
          const holders = Array.from({ length: 20 }, () => newHolder());
          const answers = await Promise.all(
            holders.map((holder) => store.acquireRefreshLease(id, holder, forMs())),
          );
          const won = answers.filter(Boolean).length;
          expect(won, `round ${round}: ${won} of 20 parallel acquires won (not atomic)`).toBe(1);
          const winner = holders[answers.indexOf(true)]!;
          expect(
            await store.acquireRefreshLease(id, winner, forMs()),
            `round ${round}: the winner could not take its own lease again`,
          ).toBe(true);
        }
      }));

    it("the holder may acquire again; another holder is refused while the lease lives", (context) =>
      withLeases(context, async (store) => {
        const { expect } = context;
        const id = newId();
        const [one, two] = [newHolder(), newHolder()];
        expect(await store.acquireRefreshLease(id, one, forMs()), "a free lease was refused").toBe(
          true,
        );
        expect(
          await store.acquireRefreshLease(id, two, forMs()),
          "another holder took a live lease",
        ).toBe(false);
        expect(
          await store.acquireRefreshLease(id, one, forMs()),
          "the same holder was refused its own lease",
        ).toBe(true);
        expect(
          await store.acquireRefreshLease(id, two, forMs()),
          "another holder took the lease after the holder extended it",
        ).toBe(false);
        expect(
          await store.acquireRefreshLease(newId(), two, forMs()),
          "a lease on one session id blocked another session id",
        ).toBe(true);
      }));

    it("a lease ends at its expiresAt: then another holder gets it", (context) =>
      withLeases(context, (store) =>
        onSchedule(async (start) => {
          const { expect } = context;
          const id = newId();
          const [one, two] = [newHolder(), newHolder()];
          const taken = await store.acquireRefreshLease(id, one, start + 1_000);
          const refused = await store.acquireRefreshLease(id, two, start + 1_000);
          if (past(start, 1_000)) return "late";
          expect(taken, "a free lease was refused").toBe(true);
          expect(refused, "another holder took a live lease").toBe(false);
          await until(start, 1_250);
          expect(
            await store.acquireRefreshLease(id, two, forMs()),
            "the lease outlived its expiresAt (a crashed holder would block refreshes forever)",
          ).toBe(true);
        }),
      ));

    it("acquiring again as the same holder extends the lease to the new expiresAt", (context) =>
      withLeases(context, (store) =>
        onSchedule(async (start) => {
          const { expect } = context;
          const id = newId();
          const [one, two] = [newHolder(), newHolder()];
          const taken = await store.acquireRefreshLease(id, one, start + 1_000);
          const extended = await store.acquireRefreshLease(id, one, start + 60_000);
          if (past(start, 1_000)) return "late";
          expect([taken, extended], "the holder's acquires were refused").toEqual([true, true]);
          await until(start, 1_250);
          expect(
            await store.acquireRefreshLease(id, two, forMs()),
            "another holder took the lease after its first expiresAt: re-acquiring did not extend it",
          ).toBe(false);
        }),
      ));

    it("only the holder's release frees the lease; release is idempotent", (context) =>
      withLeases(context, async (store) => {
        const { expect } = context;
        const id = newId();
        const [one, two, three] = [newHolder(), newHolder(), newHolder()];
        expect(await store.acquireRefreshLease(id, one, forMs()), "a free lease was refused").toBe(
          true,
        );
        await store.releaseRefreshLease(id, two);
        expect(
          await store.acquireRefreshLease(id, three, forMs()),
          "another holder's release freed the lease",
        ).toBe(false);
        await store.releaseRefreshLease(id, one);
        expect(
          await store.acquireRefreshLease(id, two, forMs()),
          "the lease was still held after its holder released it",
        ).toBe(true);
        await store.releaseRefreshLease(id, one); // no longer its holder: leaves two's lease
        expect(
          await store.acquireRefreshLease(id, three, forMs()),
          "a former holder's late release freed the new holder's lease",
        ).toBe(false);
        await store.releaseRefreshLease(id, two);
        await store.releaseRefreshLease(id, two);
        await expect(
          store.releaseRefreshLease(newId(), one),
          "releasing a lease never taken must resolve",
        ).resolves.toBeUndefined();
      }));

    it("a past expiresAt answers false and takes nothing", (context) =>
      withLeases(context, async (store) => {
        const { expect } = context;
        const id = newId();
        const [one, two] = [newHolder(), newHolder()];
        expect(
          await store.acquireRefreshLease(id, one, Date.now() - 1_000),
          "a lease with a past expiresAt was granted",
        ).toBe(false);
        expect(
          await store.acquireRefreshLease(id, two, forMs()),
          "a lease with a past expiresAt blocked the next holder",
        ).toBe(true);
      }));

    it("an expiresAt of exactly now takes nothing; at exactly its expiresAt a lease is over", (context) =>
      withLeases(context, async (store) => {
        const { expect } = context;
        const id = newId();
        expect(
          await store.acquireRefreshLease(id, "instance-a", Date.now()),
          "a lease ending exactly now was granted (an expiresAt that is not in the future takes nothing)",
        ).toBe(false);
        // Five rounds: a busy machine may preempt a call past the instant (see expiry).
        for (let round = 0; round < 5; round++) {
          const leased = newId();
          const end = Date.now() + 150;
          expect(
            await store.acquireRefreshLease(leased, "instance-a", end),
            "a free lease was refused",
          ).toBe(true);
          await untilExactly(end);
          expect(
            await store.acquireRefreshLease(leased, "instance-b", Date.now() + 30_000),
            "a lease was still held at exactly its expiresAt (the end is exclusive)",
          ).toBe(true);
        }
      }));

    it("rejects an empty or non-string holder with STORE_INVALID_ARGUMENT, naming the holder", (context) =>
      withLeases(context, async (store) => {
        const { expect } = context;
        for (const holder of ["", 7 as unknown as string]) {
          const refused = {
            name: "SessionStoreError",
            code: "STORE_INVALID_ARGUMENT",
            message: expect.stringMatching(/holder/),
          };
          await expect(
            store.acquireRefreshLease(newId(), holder, forMs()),
            `acquireRefreshLease() with holder ${JSON.stringify(holder)} must be refused`,
          ).rejects.toMatchObject(refused);
          await expect(
            store.releaseRefreshLease(newId(), holder),
            `releaseRefreshLease() with holder ${JSON.stringify(holder)} must be refused`,
          ).rejects.toMatchObject(refused);
        }
      }));

    it("leases are independent of session records", (context) =>
      withLeases(context, async (store) => {
        const { expect } = context;
        const iss = newIssuer();
        const sub = unique("sub");
        const sid = unique("sid");
        const id = newId();
        const [one, two] = [newHolder(), newHolder()];
        expect(
          await store.acquireRefreshLease(id, one, forMs()),
          "a lease on an id without a session was refused",
        ).toBe(true);
        expect(await store.get(id), "a lease created a session").toBeNull();
        expect(await store.listSessions({ iss, sub }), "a lease was listed as a session").toEqual(
          [],
        );
        const session = makeSession({ iss, sub, sid });
        await put(store, id, session);
        expect(await store.get(id), "a lease changed the session written after it").toEqual(
          session,
        );
        expect(
          await store.acquireRefreshLease(id, two, forMs()),
          "writing the session freed its lease",
        ).toBe(false);
        await store.delete(id);
        expect(
          await store.acquireRefreshLease(id, two, forMs()),
          "deleting the session freed its lease",
        ).toBe(false);
        await put(store, id, session);
        expect(await store.deleteByLogoutToken({ iss, sid }), "the logout ended nothing").toBe(1);
        expect(await store.acquireRefreshLease(id, two, forMs()), "a logout freed the lease").toBe(
          false,
        );
        await store.releaseRefreshLease(id, one);
        await put(store, id, session);
        expect(await store.get(id), "releasing the lease ended the session").toEqual(session);
      }));

    it("two stores keep their own leases", (context) =>
      withLeases(context, (a) =>
        withStore(o, async (other) => {
          const { expect } = context;
          const b = other as S & RefreshLeaseStore;
          const id = newId();
          const [one, two] = [newHolder(), newHolder()];
          expect(await a.acquireRefreshLease(id, one, forMs()), "a free lease was refused").toBe(
            true,
          );
          expect(
            await b.acquireRefreshLease(id, two, forMs()),
            "another store (prefix or table) saw this store's lease",
          ).toBe(true);
          await b.releaseRefreshLease(id, one);
          expect(
            await a.acquireRefreshLease(id, two, forMs()),
            "another store's release freed this store's lease",
          ).toBe(false);
        }),
      ));
  });
}
