import type { SessionData, SessionStore } from "@sessionkit/auth/store";
import { describe, expect, it } from "vitest";
import { lookalikes, shown } from "./edges.js";
import { lasting, makeSession, newId, newIssuer, put, unique, withStore } from "./fixtures.js";
import { type TestSessionStoreOptions, validateOptions } from "./options.js";
import { groupTimeout } from "./timeouts.js";

/** get/set/delete: a miss is null, a write reads back, set overwrites, delete is idempotent. */
export function testBasics<S extends SessionStore>(options: TestSessionStoreOptions<S>): void {
  const o = validateOptions(options, "testBasics");
  describe(`${o.name}: basics`, { timeout: groupTimeout }, () => {
    it("name, when the store gives one, is a non-empty string (a label in telemetry and logs)", () =>
      withStore(o, async (store) => {
        if (store.name === undefined) return;
        expect(
          typeof store.name === "string" && store.name.trim() !== "",
          `the store's name is ${JSON.stringify(store.name)}: leave it out or give a non-empty string`,
        ).toBe(true);
      }));

    it("get() answers null for an id never written", () =>
      withStore(o, async (store) => {
        expect(
          await store.get(newId()),
          "get() of an id never written must answer null",
        ).toBeNull();
      }));

    it("get() reads back exactly what set() wrote", () =>
      withStore(o, async (store) => {
        const id = newId();
        const session = makeSession({ iss: newIssuer(), sub: unique("sub"), sid: unique("sid") });
        await put(store, id, session);
        expect(await store.get(id), "get() did not read back what set() wrote").toEqual(session);
      }));

    it("set() on an existing id replaces the session (upsert)", () =>
      withStore(o, async (store) => {
        const id = newId();
        const iss = newIssuer();
        await put(store, id, makeSession({ iss, sub: "first", sid: unique("sid") }));
        const second = makeSession({ iss, sub: "second", sid: unique("sid"), extra: { n: 2 } });
        await put(store, id, second);
        expect(await store.get(id), "set() over an existing id did not replace it").toEqual(second);
      }));

    it("keeps sessions under different ids apart", () =>
      withStore(o, async (store) => {
        const iss = newIssuer();
        const [a, b] = [newId(), newId()];
        const sessionA = makeSession({ iss, sub: "a" });
        const sessionB = makeSession({ iss, sub: "b" });
        await put(store, a, sessionA);
        await put(store, b, sessionB);
        expect(await store.get(a), "two ids mixed up").toEqual(sessionA);
        expect(await store.get(b), "two ids mixed up").toEqual(sessionB);
        await store.delete(a);
        expect(await store.get(a), "delete() left the session alive").toBeNull();
        expect(await store.get(b), "delete() of one id ended another").toEqual(sessionB);
      }));

    it("delete() removes the session", () =>
      withStore(o, async (store) => {
        const id = newId();
        await put(store, id, makeSession({ iss: newIssuer(), sub: unique("sub") }));
        await store.delete(id);
        expect(await store.get(id), "delete() left the session alive").toBeNull();
      }));

    it("delete() of a missing id resolves (sign-out must never fail on it)", () =>
      withStore(o, async (store) => {
        await expect(
          store.delete(newId()),
          "delete() of a missing id threw",
        ).resolves.toBeUndefined();
        const id = newId();
        await put(store, id, makeSession({ iss: newIssuer(), sub: unique("sub") }));
        await store.delete(id);
        await expect(
          store.delete(id),
          "a second delete() of one id threw",
        ).resolves.toBeUndefined();
      }));

    it("compares ids exactly: case, trailing spaces, separators, Unicode forms, 255 characters", () =>
      withStore(o, async (store) => {
        const iss = newIssuer();
        const ids = lookalikes(newId().slice(0, 16));
        const sessions = ids.map((_, which) =>
          makeSession({ iss, sub: unique("sub"), extra: { which } }),
        );
        for (const [i, id] of ids.entries()) await put(store, id, sessions[i]!);
        const answered = async (id: string) => {
          const got = await store.get(id);
          const which = (got as { which?: number } | null)?.which;
          return which === undefined ? "null" : `the session of ${shown(ids[which]!)}`;
        };
        for (const [i, id] of ids.entries()) {
          const got = await store.get(id);
          expect(
            got,
            `get(${shown(id)}) answered ${await answered(id)}: ids are compared exactly (no case folding, trimming, Unicode normalization or truncation)`,
          ).toEqual(sessions[i]);
        }
        for (const [i, id] of ids.entries()) if (i % 2 === 0) await store.delete(id);
        for (const [i, id] of ids.entries()) {
          expect(
            (await store.get(id)) !== null,
            i % 2 === 0
              ? `delete(${shown(id)}) left it alive`
              : `${shown(id)} was ended by the delete() of a look-alike id`,
          ).toBe(i % 2 === 1);
        }
      }));

    it("set() and update() refuse a value that is not a session with STORE_INVALID_ARGUMENT, storing nothing", () =>
      withStore(o, async (store) => {
        const id = newId();
        const session = makeSession({ iss: newIssuer(), sub: unique("sub") });
        const notSessions = [
          { ...session, user: {} },
          { ...session, internal: { ...session.internal, expiresAt: "soon" } },
        ] as unknown as SessionData[];
        for (const bad of notSessions) {
          await expect(
            store.set(id, bad, lasting()),
            "set() of a value without the SessionData shape must throw STORE_INVALID_ARGUMENT (serializeSession does)",
          ).rejects.toMatchObject({ name: "SessionStoreError", code: "STORE_INVALID_ARGUMENT" });
          expect(
            await store.get(id),
            "set() of a value that is not a session stored it",
          ).toBeNull();
        }
        await put(store, id, session);
        for (const bad of notSessions) {
          await expect(
            store.update(id, bad, lasting()),
            "update() with a value without the SessionData shape must throw STORE_INVALID_ARGUMENT",
          ).rejects.toMatchObject({ name: "SessionStoreError", code: "STORE_INVALID_ARGUMENT" });
        }
        expect(
          await store.get(id),
          "update() with a value that is not a session changed the stored one",
        ).toEqual(session);
      }));

    it("an id can be written again after delete()", () =>
      withStore(o, async (store) => {
        const id = newId();
        const iss = newIssuer();
        await put(store, id, makeSession({ iss, sub: "before" }));
        await store.delete(id);
        const after = makeSession({ iss, sub: "after" });
        await put(store, id, after);
        expect(await store.get(id), "an id was not writable again after delete()").toEqual(after);
      }));
  });
}
