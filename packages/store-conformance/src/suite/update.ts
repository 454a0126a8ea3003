import type { SessionStore } from "@sessionkit/auth/store";
import { describe, expect, it } from "vitest";
import { lasting, makeSession, newId, newIssuer, put, unique, withStore } from "./fixtures.js";
import { type TestSessionStoreOptions, validateOptions } from "./options.js";
import { groupTimeout } from "./timeouts.js";

/** update(): writes only over a live session, atomically, and says whether it wrote. */
export function testUpdate<S extends SessionStore>(options: TestSessionStoreOptions<S>): void {
  const o = validateOptions(options, "testUpdate");
  describe(`${o.name}: update`, { timeout: groupTimeout }, () => {
    it("answers false for a missing id and creates nothing", () =>
      withStore(o, async (store) => {
        const id = newId();
        const iss = newIssuer();
        const sub = unique("sub");
        const sid = unique("sid");
        expect(
          await store.update(id, makeSession({ iss, sub, sid }), lasting()),
          "update() of a missing id answered true",
        ).toBe(false);
        expect(await store.get(id), "update() of a missing id created a session").toBeNull();
        expect(
          await store.deleteByLogoutToken({ iss, sub }),
          "update() of a missing id indexed it",
        ).toBe(0);
        expect(
          await store.deleteByLogoutToken({ iss, sid }),
          "update() of a missing id indexed it",
        ).toBe(0);
      }));

    it("answers true over a live session and writes the new value", () =>
      withStore(o, async (store) => {
        const id = newId();
        const iss = newIssuer();
        await put(store, id, makeSession({ iss, sub: "alice", extra: { visits: 1 } }));
        const next = makeSession({ iss, sub: "alice", extra: { visits: 2 } });
        expect(await store.update(id, next, lasting()), "update() of a live session refused").toBe(
          true,
        );
        expect(await store.get(id), "update() answered true but did not write").toEqual(next);
      }));

    it("answers false after delete() and leaves the session gone", () =>
      withStore(o, async (store) => {
        const id = newId();
        const session = makeSession({ iss: newIssuer(), sub: unique("sub") });
        await put(store, id, session);
        await store.delete(id);
        expect(
          await store.get(id),
          "precondition of this update() test: delete() left the session alive (a basics rule)",
        ).toBeNull();
        expect(
          await store.update(id, session, lasting()),
          "update() after delete() answered true",
        ).toBe(false);
        expect(await store.get(id), "resurrected by an update after delete()").toBeNull();
      }));

    it("answers false after a logout token ended the session", () =>
      withStore(o, async (store) => {
        const id = newId();
        const iss = newIssuer();
        const sid = unique("sid");
        const session = makeSession({ iss, sub: unique("sub"), sid });
        await put(store, id, session);
        expect(
          await store.deleteByLogoutToken({ iss, sid }),
          "precondition of this update() test: the logout by sid did not end exactly the one session (a back-channel logout rule)",
        ).toBe(1);
        expect(
          await store.update(id, session, lasting()),
          "update() after a logout answered true",
        ).toBe(false);
        expect(await store.get(id), "resurrected by an update after a logout").toBeNull();
      }));

    it("a delete() racing many update()s never leaves the session alive", () =>
      withStore(o, async (store) => {
        const iss = newIssuer();
        for (let round = 0; round < 12; round++) {
          const id = newId();
          const sid = unique("sid");
          const session = makeSession({ iss, sub: unique("sub"), sid });
          await put(store, id, session);
          const deleteAt = round % 6;
          const work: Promise<unknown>[] = [];
          for (let i = 0; i < 16; i++) {
            if (i === deleteAt) work.push(store.delete(id));
            work.push(store.update(id, { ...session, round, i }, lasting()));
          }
          await Promise.all(work);
          expect(await store.get(id), `round ${round}: resurrected by an update`).toBeNull();
          expect(
            await store.deleteByLogoutToken({ iss, sid }),
            `round ${round}: an update re-indexed a deleted session`,
          ).toBe(0);
        }
      }));

    it("a logout token racing many update()s never leaves the session alive", () =>
      withStore(o, async (store) => {
        const iss = newIssuer();
        for (let round = 0; round < 8; round++) {
          const id = newId();
          const sub = unique("sub");
          const session = makeSession({ iss, sub, sid: unique("sid") });
          await put(store, id, session);
          const work: Promise<unknown>[] = [];
          for (let i = 0; i < 16; i++) {
            if (i === round % 4) work.push(store.deleteByLogoutToken({ iss, sub }));
            work.push(store.update(id, { ...session, round, i }, lasting()));
          }
          await Promise.all(work);
          expect(await store.get(id), `round ${round}: resurrected by an update`).toBeNull();
        }
      }));
  });
}
