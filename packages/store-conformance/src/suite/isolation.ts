import type { SessionStore } from "@sessionkit/auth/store";
import { describe, expect, it } from "vitest";
import { lasting, makeSession, newId, newIssuer, put, unique, withStore } from "./fixtures.js";
import { type TestSessionStoreOptions, validateOptions } from "./options.js";
import { groupTimeout } from "./timeouts.js";

/** Isolation: two stores (different prefixes or tables) never see each other's sessions. */
export function testIsolation<S extends SessionStore>(options: TestSessionStoreOptions<S>): void {
  const o = validateOptions(options, "testIsolation");
  describe(`${o.name}: isolation`, { timeout: groupTimeout }, () => {
    it("two stores never see, overwrite, update or end each other's sessions", () =>
      withStore(o, (a) =>
        withStore(o, async (b) => {
          expect(b, "createStore() must return a new store each time").not.toBe(a);
          const iss = newIssuer();
          const sub = unique("sub");
          const sid = unique("sid");
          const id = newId();
          const inA = makeSession({ iss, sub, sid, extra: { store: "a" } });
          await put(a, id, inA);
          expect(await b.get(id)).toBeNull();
          expect(await b.update(id, makeSession({ iss, sub }), lasting())).toBe(false);
          expect(await b.deleteByLogoutToken({ iss, sid })).toBe(0);
          expect(await b.deleteByLogoutToken({ iss, sub })).toBe(0);
          expect(await b.touch(id, lasting()), "store b touched store a's session").toBe(false);
          expect(await b.listSessions({ iss, sub }), "store b listed store a's session").toEqual(
            [],
          );
          await b.delete(id);
          expect(await a.get(id)).toEqual(inA);

          const inB = makeSession({ iss, sub, sid, extra: { store: "b" } });
          await put(b, id, inB);
          expect(await a.get(id)).toEqual(inA);
          expect(await b.get(id)).toEqual(inB);
          expect(await a.deleteByLogoutToken({ iss, sid })).toBe(1);
          expect(await a.get(id)).toBeNull();
          expect(await b.get(id)).toEqual(inB);
          expect(await b.deleteByLogoutToken({ iss, sub })).toBe(1);
        }),
      ));
  });
}
