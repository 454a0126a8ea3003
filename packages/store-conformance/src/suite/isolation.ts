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
          expect(await b.get(id), "store b read store a's session").toBeNull();
          expect(
            await b.update(id, makeSession({ iss, sub }), lasting()),
            "store b updated store a's session",
          ).toBe(false);
          expect(
            await b.deleteByLogoutToken({ iss, sid }),
            "store b's logout counted store a's session",
          ).toBe(0);
          expect(
            await b.deleteByLogoutToken({ iss, sub }),
            "store b's logout counted store a's session",
          ).toBe(0);
          expect(await b.touch(id, lasting()), "store b touched store a's session").toBe(false);
          expect(await b.listSessions({ iss, sub }), "store b listed store a's session").toEqual(
            [],
          );
          await b.delete(id);
          expect(await a.get(id), "store b's calls changed or ended store a's session").toEqual(
            inA,
          );

          const inB = makeSession({ iss, sub, sid, extra: { store: "b" } });
          await put(b, id, inB);
          expect(await a.get(id), "store b's set() overwrote store a's session").toEqual(inA);
          expect(await b.get(id), "store b reads its own session").toEqual(inB);
          expect(
            await a.deleteByLogoutToken({ iss, sid }),
            "store a's logout counted store b's session",
          ).toBe(1);
          expect(await a.get(id), "store a's logout left its session alive").toBeNull();
          expect(await b.get(id), "store a's logout ended store b's session").toEqual(inB);
          expect(await b.deleteByLogoutToken({ iss, sub }), "store b's logout by sub").toBe(1);
        }),
      ));
  });
}
