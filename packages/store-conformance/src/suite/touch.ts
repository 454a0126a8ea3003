import type { SessionStore } from "@sessionkit/auth/store";
import { describe, it } from "vitest";
import {
  expectExpiredFirst,
  lasting,
  makeSession,
  newId,
  newIssuer,
  put,
  unique,
  withStore,
} from "./fixtures.js";
import { type TestSessionStoreOptions, validateOptions } from "./options.js";
import { onSchedule, past, until } from "./schedule.js";
import { groupTimeout } from "./timeouts.js";

/**
 * touch(): moves only the expiry of a live session and of its index entries, atomically;
 * never the data, never back to life; a past `expiresAt` ends the session.
 */
export function testTouch<S extends SessionStore>(options: TestSessionStoreOptions<S>): void {
  const o = validateOptions(options, "testTouch");
  describe(`${o.name}: touch`, { concurrent: true, timeout: groupTimeout }, () => {
    it("moves only the expiry: the data is unchanged and outlives its old expiry", ({ expect }) =>
      withStore(o, (store) =>
        onSchedule(async (start) => {
          const id = newId();
          // The data's own internal.expiresAt stays at the old expiry: get() must judge
          // liveness by the record's expiry, which touch() moved.
          const session = makeSession({ iss: newIssuer(), sub: unique("sub"), lifetime: 1_500 });
          await store.set(id, session, { expiresAt: start + 1_500 });
          const touched = await store.touch(id, { expiresAt: start + 60_000 });
          const served = await store.get(id);
          if (past(start, 1_500)) return "late";
          expect(touched, "touch() of a live session must answer true").toBe(true);
          expect(served, "touch() changed the data (it may move only the expiry)").toEqual(session);
          await until(start, 2_200);
          expect(
            await store.get(id),
            "gone at its old expiry although touch() moved it a minute later (get() must judge by the record's expiry, not session.internal.expiresAt)",
          ).toEqual(session);
        }),
      ));

    it("answers false for a missing id and creates nothing", ({ expect }) =>
      withStore(o, async (store) => {
        const id = newId();
        const iss = newIssuer();
        expect(await store.touch(id, lasting()), "touch() of a missing id answered true").toBe(
          false,
        );
        expect(await store.get(id), "touch() of a missing id created a session").toBeNull();
        expect(
          await store.listSessions({ iss, sub: "nobody" }),
          "touch() of a missing id listed a session",
        ).toEqual([]);
      }));

    it("answers false after delete() and after a logout, and leaves the session gone", ({
      expect,
    }) =>
      withStore(o, async (store) => {
        const iss = newIssuer();
        const sub = unique("sub");
        const sid = unique("sid");
        const [deleted, loggedOut] = [newId(), newId()];
        await put(store, deleted, makeSession({ iss, sub, sid: unique("sid") }));
        await put(store, loggedOut, makeSession({ iss, sub, sid }));
        await store.delete(deleted);
        expect(await store.deleteByLogoutToken({ iss, sid }), "the logout ended nothing").toBe(1);
        expect(await store.touch(deleted, lasting()), "touch() after delete() answered true").toBe(
          false,
        );
        expect(
          await store.touch(loggedOut, lasting()),
          "touch() after a logout answered true",
        ).toBe(false);
        expect(await store.get(deleted), "resurrected by a touch after delete()").toBeNull();
        expect(await store.get(loggedOut), "resurrected by a touch after a logout").toBeNull();
        expect(await store.listSessions({ iss, sub }), "listed after touch()").toEqual([]);
      }));

    it("answers false for an expired session and does not bring it back", ({ expect }) =>
      withStore(o, async (store) => {
        const id = newId();
        const iss = newIssuer();
        const sub = unique("sub");
        const sid = unique("sid");
        const start = Date.now();
        await store.set(id, makeSession({ iss, sub, sid }), { expiresAt: start + 1_000 });
        await until(start, 1_250);
        await expectExpiredFirst(expect, store, id, "touch()");
        expect(
          await store.touch(id, { expiresAt: Date.now() + 60_000 }),
          "touch() of an expired session answered true",
        ).toBe(false);
        expect(await store.get(id), "an expired session was touched back to life").toBeNull();
        expect(await store.listSessions({ iss, sub }), "listed after an expired touch").toEqual([]);
        expect(
          await store.deleteByLogoutToken({ iss, sid }),
          "a logout counted an expired session a touch() had refused",
        ).toBe(0);
      }));

    it("a past expiresAt ends the session and answers false", ({ expect }) =>
      withStore(o, async (store) => {
        const id = newId();
        const iss = newIssuer();
        const sub = unique("sub");
        const sid = unique("sid");
        await put(store, id, makeSession({ iss, sub, sid }));
        expect(
          await store.touch(id, { expiresAt: Date.now() - 1_000 }),
          "touch() with a past expiresAt answered true",
        ).toBe(false);
        expect(
          await store.get(id),
          "a touch to a past expiresAt left the session alive",
        ).toBeNull();
        expect(await store.listSessions({ iss, sub }), "listed after a touch to the past").toEqual(
          [],
        );
        expect(await store.deleteByLogoutToken({ iss, sid }), "ended twice").toBe(0);
        const now = newId();
        await put(store, now, makeSession({ iss, sub, sid }));
        expect(
          await store.touch(now, { expiresAt: Date.now() }),
          "touch() with an expiresAt of exactly now answered true (the end is exclusive: that is already past)",
        ).toBe(false);
        expect(await store.get(now), "a touch to exactly now left the session alive").toBeNull();
      }));

    it("lives until the touched expiresAt and never after (a touch can shorten)", ({ expect }) =>
      withStore(o, (store) =>
        onSchedule(async (start) => {
          const id = newId();
          const session = makeSession({ iss: newIssuer(), sub: unique("sub") });
          await store.set(id, session, { expiresAt: start + 600_000 });
          const touched = await store.touch(id, { expiresAt: start + 1_500 });
          if (past(start, 1_000)) return "late";
          expect(touched, "touch() of a live session must answer true").toBe(true);
          await until(start, 1_000);
          const served = await store.get(id);
          if (past(start, 1_500)) return "late";
          expect(served, "gone before the touched expiresAt").toEqual(session);
          await until(start, 2_100);
          expect(await store.get(id), "served after the touched expiresAt").toBeNull();
        }),
      ));

    it("lives its whole lifetime: the backend TTL is rounded up, not down", ({ expect }) =>
      withStore(o, (store) =>
        onSchedule(async (start) => {
          const id = newId();
          await store.set(id, makeSession({ iss: newIssuer(), sub: unique("sub") }), {
            expiresAt: start + 600_000,
          });
          // 2.9 s: a TTL of floor(2.9) = 2 s would lose it at 2 s.
          const touched = await store.touch(id, { expiresAt: start + 2_900 });
          await until(start, 2_300);
          const served = await store.get(id);
          if (past(start, 2_900)) return "late";
          expect(touched, "touch() of a live session must answer true").toBe(true);
          expect(
            served,
            "gone before its touched expiresAt: the TTL was rounded down",
          ).not.toBeNull();
        }),
      ));

    it("the index follows: a touched session is still ended by its sid and sub, and listed", ({
      expect,
    }) =>
      withStore(o, (store) =>
        onSchedule(async (start) => {
          const iss = newIssuer();
          const sub = unique("sub");
          const [sidA, sidB] = [unique("sid"), unique("sid")];
          const [a, b] = [newId(), newId()];
          // Written to end at 1.5 s (index entries included), then touched a minute on.
          await store.set(a, makeSession({ iss, sub, sid: sidA }), { expiresAt: start + 1_500 });
          await store.set(b, makeSession({ iss, sub, sid: sidB }), { expiresAt: start + 1_500 });
          const touchedAt = start + 60_000 + 1;
          const touched = await Promise.all([
            store.touch(a, { expiresAt: touchedAt }),
            store.touch(b, { expiresAt: touchedAt }),
          ]);
          if (past(start, 1_500)) return "late";
          expect(touched, "touch() of a live session must answer true").toEqual([true, true]);
          await until(start, 2_300);
          const listed = await store.listSessions({ iss, sub });
          expect(
            listed.map((entry) => [entry.id, entry.expiresAt]).sort(),
            "listSessions() after touch(): missing sessions or the old expiresAt",
          ).toEqual(
            [
              [a, touchedAt],
              [b, touchedAt],
            ].sort(),
          );
          expect(
            await store.deleteByLogoutToken({ iss, sid: sidA }),
            "the sid index expired with the old expiry: a logout by sid missed a touched session",
          ).toBe(1);
          expect(
            await store.deleteByLogoutToken({ iss, sub }),
            "the sub index expired with the old expiry: a logout by sub missed a touched session",
          ).toBe(1);
          expect(await store.get(b), "a logout left a touched session alive").toBeNull();
        }),
      ));

    it("rejects a non-finite expiresAt with STORE_INVALID_ARGUMENT, changing nothing", ({
      expect,
    }) =>
      withStore(o, async (store) => {
        const id = newId();
        const session = makeSession({ iss: newIssuer(), sub: unique("sub") });
        await put(store, id, session);
        for (const expiresAt of [Number.NaN, Number.POSITIVE_INFINITY]) {
          await expect(
            store.touch(id, { expiresAt }),
            `touch() with expiresAt ${expiresAt} must throw STORE_INVALID_ARGUMENT`,
          ).rejects.toMatchObject({ name: "SessionStoreError", code: "STORE_INVALID_ARGUMENT" });
        }
        expect(await store.get(id), "a rejected touch() changed the session").toEqual(session);
      }));

    it("a touch racing delete() never brings the session back", ({ expect }) =>
      withStore(o, async (store) => {
        const iss = newIssuer();
        for (let round = 0; round < 12; round++) {
          const id = newId();
          const sub = unique("sub");
          const sid = unique("sid");
          await put(store, id, makeSession({ iss, sub, sid }));
          const work: Promise<unknown>[] = [];
          for (let i = 0; i < 16; i++) {
            if (i === round % 6) work.push(store.delete(id));
            work.push(store.touch(id, lasting(600_000 + i)));
          }
          await Promise.all(work);
          expect(await store.get(id), `round ${round}: resurrected by a touch`).toBeNull();
          expect(
            await store.listSessions({ iss, sub }),
            `round ${round}: listed after delete() (resurrected by a touch)`,
          ).toEqual([]);
          expect(
            await store.deleteByLogoutToken({ iss, sid }),
            `round ${round}: a touch left an index entry behind a deleted session`,
          ).toBe(0);
        }
      }));

    it("a touch racing a logout never brings the session back", ({ expect }) =>
      withStore(o, async (store) => {
        const iss = newIssuer();
        for (let round = 0; round < 8; round++) {
          const id = newId();
          const sub = unique("sub");
          const sid = unique("sid");
          await put(store, id, makeSession({ iss, sub, sid }));
          const work: Promise<unknown>[] = [];
          for (let i = 0; i < 16; i++) {
            if (i === round % 4) {
              work.push(store.deleteByLogoutToken(round % 2 ? { iss, sub } : { iss, sid }));
            }
            work.push(store.touch(id, lasting(600_000 + i)));
          }
          await Promise.all(work);
          expect(await store.get(id), `round ${round}: resurrected by a touch`).toBeNull();
          expect(
            await store.listSessions({ iss, sub }),
            `round ${round}: listed after a logout (resurrected by a touch)`,
          ).toEqual([]);
        }
      }));

    it("a touch racing update(): the updated data always survives", ({ expect }) =>
      withStore(o, async (store) => {
        const iss = newIssuer();
        for (let round = 0; round < 12; round++) {
          const id = newId();
          const sub = unique("sub");
          const session = makeSession({ iss, sub, sid: unique("sid") });
          await put(store, id, session);
          const updated = {
            ...session,
            round,
            tokenSet: { ...session.tokenSet, refreshToken: `rotated-${round}` },
          };
          const work: Promise<unknown>[] = [];
          for (let i = 0; i < 16; i++) {
            if (i === round % 8) {
              work.push(
                store
                  .update(id, updated, lasting())
                  .then((wrote) => expect(wrote, `round ${round}: update() refused`).toBe(true)),
              );
            }
            work.push(store.touch(id, lasting(600_000 + i)));
          }
          await Promise.all(work);
          expect(
            await store.get(id),
            `round ${round}: a touch wrote the old data back over an update`,
          ).toEqual(updated);
          const listed = await store.listSessions({ iss, sub });
          expect(
            listed.map((entry) => entry.session),
            `round ${round}: listSessions() shows the old data after a touch`,
          ).toEqual([updated]);
        }
      }));
  });
}
