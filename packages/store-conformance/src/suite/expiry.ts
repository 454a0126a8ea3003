import type { SessionStore } from "@sessionkit/auth/store";
import { describe, it } from "vitest";
import {
  expectExpiredFirst,
  makeSession,
  newId,
  newIssuer,
  unique,
  withStore,
} from "./fixtures.js";
import { type TestSessionStoreOptions, validateOptions } from "./options.js";
import { onSchedule, past, until, untilExactly } from "./schedule.js";
import { groupTimeout } from "./timeouts.js";

// Real lifetimes of one to three seconds; the tests wait side by side, so the
// whole group takes about as long as its slowest test.

/** Expiry: `expiresAt` is the end, whatever the backend's TTL sweeper does. */
export function testExpiry<S extends SessionStore>(options: TestSessionStoreOptions<S>): void {
  const o = validateOptions(options, "testExpiry");
  describe(`${o.name}: expiry`, { concurrent: true, timeout: groupTimeout }, () => {
    it("serves a session until its expiresAt and never after", ({ expect }) =>
      withStore(o, (store) =>
        onSchedule(async (start) => {
          const id = newId();
          const session = makeSession({ iss: newIssuer(), sub: unique("sub"), lifetime: 2_000 });
          await store.set(id, session, { expiresAt: start + 2_000 });
          const served = await store.get(id);
          if (past(start, 2_000)) return "late";
          expect(served, "a session was not served before its expiresAt").toEqual(session);
          await until(start, 2_250);
          expect(await store.get(id), "a session was served after its expiresAt").toBeNull();
        }),
      ));

    it("lives its whole lifetime: the backend TTL is rounded up, not down", ({ expect }) =>
      withStore(o, (store) =>
        onSchedule(async (start) => {
          const id = newId();
          // 2.9 s: a TTL of floor(2.9) = 2 s would lose it at 2 s.
          await store.set(id, makeSession({ iss: newIssuer(), sub: unique("sub") }), {
            expiresAt: start + 2_900,
          });
          await until(start, 2_300);
          const served = await store.get(id);
          if (past(start, 2_900)) return "late";
          expect(served, "gone before its expiresAt: the TTL was rounded down").not.toBeNull();
        }),
      ));

    it("lives a lifetime below a second, and not longer", ({ expect }) =>
      withStore(o, (store) =>
        onSchedule(async (start) => {
          const id = newId();
          const session = makeSession({ iss: newIssuer(), sub: unique("sub"), lifetime: 600 });
          await store.set(id, session, { expiresAt: start + 600 });
          const served = await store.get(id);
          if (past(start, 600)) return "late";
          expect(
            served,
            "a session of 600 ms was not served at once: a lifetime below a second was rounded down to none",
          ).toEqual(session);
          await until(start, 850);
          expect(
            await store.get(id),
            "a session of 600 ms was served after its expiresAt",
          ).toBeNull();
        }),
      ));

    it("keeps the milliseconds of expiresAt: a session ending at .950 lives until then", ({
      expect,
    }) =>
      withStore(o, (store) =>
        onSchedule(async (start) => {
          const id = newId();
          // Whole seconds rounded down would end it 950 ms early.
          const expiresAt = Math.floor((start + 1_200) / 1_000) * 1_000 + 950;
          await store.set(id, makeSession({ iss: newIssuer(), sub: unique("sub") }), { expiresAt });
          await until(start, expiresAt - start - 300);
          const served = await store.get(id);
          if (Date.now() >= expiresAt) return "late";
          expect(
            served,
            `gone 300 ms before its expiresAt (${new Date(expiresAt).toISOString()}): the expiry was rounded down to whole seconds`,
          ).not.toBeNull();
        }),
      ));

    it("keeps the milliseconds of expiresAt: a session ending at .050 ends then", ({ expect }) =>
      withStore(o, async (store) => {
        const id = newId();
        const start = Date.now();
        // Whole seconds rounded up would serve it 950 ms late.
        const expiresAt = Math.ceil((start + 1_200) / 1_000) * 1_000 + 50;
        await store.set(id, makeSession({ iss: newIssuer(), sub: unique("sub") }), { expiresAt });
        await until(start, expiresAt - start + 300);
        expect(
          await store.get(id),
          `served 300 ms after its expiresAt (${new Date(expiresAt).toISOString()}): the expiry was rounded up to whole seconds`,
        ).toBeNull();
      }));

    it("at exactly its expiresAt a session is over: not served, touched, updated, listed or counted", ({
      expect,
    }) =>
      withStore(o, async (store) => {
        // Three rounds: a busy machine may preempt a call past the instant; a store that gets
        // it wrong is caught in any round that lands on it, a right one passes every round.
        for (let round = 0; round < 3; round++) {
          const iss = newIssuer();
          const start = Date.now();
          const ends = [300, 450, 600, 750, 900].map((ms) => start + ms);
          const sessions = ends.map(() => {
            const [sid, sub] = [unique("sid"), unique("sub")];
            return { id: newId(), sid, sub, session: makeSession({ iss, sub, sid }) };
          });
          for (const [i, { id, session }] of sessions.entries()) {
            await store.set(id, session, { expiresAt: ends[i]! });
          }
          const over = "the end is exclusive: a session lives while now < expiresAt";
          const [get, touch, update, list, logout] = sessions;
          await untilExactly(ends[0]!);
          expect(await store.get(get!.id), `served at exactly its expiresAt (${over})`).toBeNull();
          await untilExactly(ends[1]!);
          expect(
            await store.touch(touch!.id, { expiresAt: Date.now() + 60_000 }),
            `touch() at exactly its expiresAt answered true (${over})`,
          ).toBe(false);
          await untilExactly(ends[2]!);
          expect(
            await store.update(update!.id, update!.session, { expiresAt: Date.now() + 60_000 }),
            `update() at exactly its expiresAt answered true (${over})`,
          ).toBe(false);
          await untilExactly(ends[3]!);
          expect(
            await store.listSessions({ iss, sub: list!.sub }),
            `listed at exactly its expiresAt (${over})`,
          ).toEqual([]);
          await untilExactly(ends[4]!);
          expect(
            await store.deleteByLogoutToken({ iss, sid: logout!.sid }),
            `a logout at exactly its expiresAt counted it (${over})`,
          ).toBe(0);
        }
      }));

    it("keeps a far-future expiresAt (the year 2100) exactly", ({ expect }) =>
      withStore(o, async (store) => {
        const iss = newIssuer();
        const sub = unique("sub");
        const id = newId();
        const farFuture = Date.UTC(2100, 0, 1, 0, 0, 0, 123);
        const session = makeSession({ iss, sub });
        await store.set(id, session, { expiresAt: farFuture });
        expect(await store.get(id), "a session ending in 2100 was not served").toEqual(session);
        const listed = await store.listSessions({ iss, sub });
        expect(
          listed.map((e) => e.expiresAt),
          "listSessions() changed a far-future expiresAt (a TTL capped, overflowed or rounded?)",
        ).toEqual([farFuture]);
        expect(
          await store.touch(id, { expiresAt: farFuture + 1_000 }),
          "touch() to 2100 refused",
        ).toBe(true);
        expect(
          (await store.listSessions({ iss, sub })).map((e) => e.expiresAt),
          "touch() changed a far-future expiresAt",
        ).toEqual([farFuture + 1_000]);
        expect(
          await store.update(id, session, { expiresAt: farFuture }),
          "update() of a session ending in 2100 refused",
        ).toBe(true);
        expect(await store.get(id), "a session updated to end in 2100 was not served").toEqual(
          session,
        );
      }));

    it("is never served past expiresAt, even while the backend still holds it", ({ expect }) =>
      withStore(o, async (store) => {
        const id = newId();
        const start = Date.now();
        // 1.1 s rounds up to a 2 s backend TTL: at 1.35 s the record may still exist.
        await store.set(id, makeSession({ iss: newIssuer(), sub: unique("sub") }), {
          expiresAt: start + 1_100,
        });
        await until(start, 1_350);
        expect(
          await store.get(id),
          "served past its expiresAt while the backend still held it",
        ).toBeNull();
      }));

    it("an expired session cannot be updated back to life", ({ expect }) =>
      withStore(o, async (store) => {
        const id = newId();
        const start = Date.now();
        const session = makeSession({ iss: newIssuer(), sub: unique("sub") });
        await store.set(id, session, { expiresAt: start + 1_000 });
        await until(start, 1_250);
        await expectExpiredFirst(expect, store, id, "update()");
        expect(
          await store.update(id, session, { expiresAt: Date.now() + 60_000 }),
          "update() of an expired session answered true",
        ).toBe(false);
        expect(await store.get(id), "an expired session was updated back to life").toBeNull();
      }));

    it("a logout token ends no expired session (the count is 0)", ({ expect }) =>
      withStore(o, async (store) => {
        const iss = newIssuer();
        const sub = unique("sub");
        const sid = unique("sid");
        const start = Date.now();
        const id = newId();
        await store.set(id, makeSession({ iss, sub, sid }), { expiresAt: start + 1_000 });
        await until(start, 1_250);
        await expectExpiredFirst(expect, store, id, "deleteByLogoutToken()");
        expect(
          await store.deleteByLogoutToken({ iss, sid }),
          "a logout counted an expired session",
        ).toBe(0);
        expect(
          await store.deleteByLogoutToken({ iss, sub }),
          "a logout counted an expired session",
        ).toBe(0);
      }));

    it("update() moves expiresAt: a rolling session outlives its first expiry", ({ expect }) =>
      withStore(o, (store) =>
        onSchedule(async (start) => {
          const id = newId();
          const session = makeSession({ iss: newIssuer(), sub: unique("sub") });
          await store.set(id, session, { expiresAt: start + 2_000 });
          const rolled = await store.update(id, session, { expiresAt: start + 60_000 });
          if (past(start, 2_000)) return "late";
          expect(rolled, "update() of a live session refused").toBe(true);
          await until(start, 2_300);
          expect(
            await store.get(id),
            "gone at its first expiry although update() moved it a minute later",
          ).toEqual(session);
        }),
      ));

    it("update() can also shorten the lifetime", ({ expect }) =>
      withStore(o, (store) =>
        onSchedule(async (start) => {
          const id = newId();
          const session = makeSession({ iss: newIssuer(), sub: unique("sub") });
          await store.set(id, session, { expiresAt: start + 60_000 });
          const shortened = await store.update(id, session, { expiresAt: start + 1_500 });
          if (past(start, 1_500)) return "late";
          expect(shortened, "update() of a live session refused").toBe(true);
          await until(start, 2_000);
          expect(
            await store.get(id),
            "served after the shorter expiresAt update() gave it",
          ).toBeNull();
        }),
      ));

    it("set() with an expiresAt already past stores nothing", ({ expect }) =>
      withStore(o, async (store) => {
        const id = newId();
        const iss = newIssuer();
        const sid = unique("sid");
        await store.set(id, makeSession({ iss, sub: unique("sub"), sid }), {
          expiresAt: Date.now() - 1_000,
        });
        expect(await store.get(id), "set() with a past expiresAt stored the session").toBeNull();
        expect(
          await store.update(id, makeSession({ iss, sub: "x" }), {
            expiresAt: Date.now() + 60_000,
          }),
          "update() answered true where set() with a past expiresAt had stored nothing",
        ).toBe(false);
        expect(
          await store.deleteByLogoutToken({ iss, sid }),
          "set() with a past expiresAt indexed the session",
        ).toBe(0);
      }));

    it("set() with an expiresAt already past deletes the session under that id", ({ expect }) =>
      withStore(o, async (store) => {
        const id = newId();
        const iss = newIssuer();
        const sub = unique("sub");
        const session = makeSession({ iss, sub });
        await store.set(id, session, { expiresAt: Date.now() + 60_000 });
        await store.set(id, session, { expiresAt: Date.now() - 1 });
        expect(
          await store.get(id),
          "set() with a past expiresAt left the session under that id alive",
        ).toBeNull();
        expect(
          await store.deleteByLogoutToken({ iss, sub }),
          "set() with a past expiresAt left the session indexed",
        ).toBe(0);
      }));

    it("update() with an expiresAt already past ends the session", ({ expect }) =>
      withStore(o, async (store) => {
        const id = newId();
        const session = makeSession({ iss: newIssuer(), sub: unique("sub") });
        await store.set(id, session, { expiresAt: Date.now() + 60_000 });
        await store.update(id, session, { expiresAt: Date.now() - 1 });
        expect(
          await store.get(id),
          "update() with a past expiresAt left the session alive",
        ).toBeNull();
      }));
  });
}
