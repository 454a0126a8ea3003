import type { SessionStore } from "@sessionkit/auth/store";
import { describe, expect, it } from "vitest";
import { lasting, makeSession, newId, newIssuer, put, unique, withStore } from "./fixtures.js";
import { invalidOption, type TestSessionStoreOptions, validateOptions } from "./options.js";
import { groupTimeout } from "./timeouts.js";

/**
 * Corrupt data (needs `corrupt`): an unreadable record is no session, never a
 * throw, and its id is usable again.
 */
export function testCorruptData<S extends SessionStore>(options: TestSessionStoreOptions<S>): void {
  const o = validateOptions(options, "testCorruptData");
  const corrupt = o.corrupt;
  if (!corrupt) {
    throw invalidOption(
      "testCorruptData: needs the `corrupt(store, id)` option to plant an unreadable record",
    );
  }
  describe(`${o.name}: corrupt data`, { timeout: groupTimeout }, () => {
    it("get() answers null for an unreadable record, without throwing", () =>
      withStore(o, async (store) => {
        const id = newId();
        await corrupt(store, id);
        expect(await store.get(id), "an unreadable record was served").toBeNull();
        expect(
          await store.get(id),
          "an unreadable record was served on the second read",
        ).toBeNull();
      }));

    it("get() answers null when a live session's record turns unreadable", () =>
      withStore(o, async (store) => {
        const id = newId();
        await put(store, id, makeSession({ iss: newIssuer(), sub: unique("sub") }));
        await corrupt(store, id);
        expect(
          await store.get(id),
          "a session whose record turned unreadable was served",
        ).toBeNull();
      }));

    it("the id is usable again: set() then get() works", () =>
      withStore(o, async (store) => {
        const id = newId();
        await corrupt(store, id);
        await store.get(id);
        const session = makeSession({ iss: newIssuer(), sub: unique("sub"), sid: unique("sid") });
        await put(store, id, session);
        expect(
          await store.get(id),
          "the id was not usable again after an unreadable record",
        ).toEqual(session);
        const again = newId();
        await corrupt(store, again);
        await put(store, again, session); // without a get() first
        expect(
          await store.get(again),
          "set() over an unreadable record (without a get() first) did not write",
        ).toEqual(session);
      }));

    it("update() and delete() over an unreadable record do not throw", () =>
      withStore(o, async (store) => {
        const id = newId();
        const session = makeSession({ iss: newIssuer(), sub: unique("sub") });
        await corrupt(store, id);
        const wrote = await store.update(id, session, lasting());
        expect(
          await store.get(id),
          `update() over an unreadable record answered ${wrote} but the store holds otherwise`,
        ).toEqual(wrote ? session : null);
        await corrupt(store, id);
        await expect(
          store.delete(id),
          "delete() over an unreadable record threw",
        ).resolves.toBeUndefined();
        expect(await store.get(id), "delete() left an unreadable record readable").toBeNull();
      }));

    it("touch() and listSessions() over an unreadable record do not throw", () =>
      withStore(o, async (store) => {
        const iss = newIssuer();
        const sub = unique("sub");
        const [broken, healthy] = [newId(), newId()];
        const session = makeSession({ iss, sub });
        await put(store, broken, makeSession({ iss, sub }));
        await put(store, healthy, session);
        await corrupt(store, broken);
        const listed = await store.listSessions({ iss, sub });
        expect(
          listed.map((entry) => entry.id),
          "listSessions() must skip an unreadable record and list the rest",
        ).toEqual([healthy]);
        await expect(
          store.touch(broken, lasting()),
          "touch() over an unreadable record",
        ).resolves.toBeTypeOf("boolean");
        expect(await store.get(broken), "touch() made an unreadable record readable").toBeNull();
        const planted = newId(); // never written: only the unreadable record
        await corrupt(store, planted);
        await expect(
          store.touch(planted, lasting()),
          "touch() over an unreadable record",
        ).resolves.toBeTypeOf("boolean");
        expect(await store.get(planted), "touch() made an unreadable record readable").toBeNull();
      }));

    it("a logout token does not throw over an unreadable record it indexes", () =>
      withStore(o, async (store) => {
        const iss = newIssuer();
        const sub = unique("sub");
        const sid = unique("sid");
        const [broken, healthy] = [newId(), newId()];
        await put(store, broken, makeSession({ iss, sub, sid }));
        await put(store, healthy, makeSession({ iss, sub, sid: unique("sid") }));
        await corrupt(store, broken);
        const ended = await store.deleteByLogoutToken({ iss, sub });
        expect(
          ended,
          "a logout beside an unreadable record must still count the readable one",
        ).toBeGreaterThanOrEqual(1);
        expect(ended, "a logout counted more sessions than the user had").toBeLessThanOrEqual(2);
        expect(
          await store.get(healthy),
          "a logout skipped the readable session beside an unreadable one",
        ).toBeNull();
        expect(
          await store.get(broken),
          "an unreadable record was served after a logout",
        ).toBeNull();
        await expect(
          store.deleteByLogoutToken({ iss, sid }),
          "a logout by the sid of an unreadable record threw",
        ).resolves.toBeTypeOf("number");
      }));
  });
}
