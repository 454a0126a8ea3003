import type { LogoutTokenClaims, SessionStore } from "@sessionkit/auth/store";
import { describe, expect, it } from "vitest";
import { lasting, makeSession, newId, newIssuer, put, unique, withStore } from "./fixtures.js";
import { type TestSessionStoreOptions, validateOptions } from "./options.js";
import { groupTimeout } from "./timeouts.js";

/** Four sessions: alice on two OP sessions, bob sharing one sid, alice at another issuer. */
async function population(store: SessionStore) {
  const iss = newIssuer();
  const otherIss = newIssuer();
  const [alice, bob] = [unique("alice"), unique("bob")];
  const [s1, s2] = [unique("sid"), unique("sid")];
  const ids = { a1: newId(), a2: newId(), b1: newId(), other: newId() };
  await put(store, ids.a1, makeSession({ iss, sub: alice, sid: s1 }));
  await put(store, ids.a2, makeSession({ iss, sub: alice, sid: s2 }));
  await put(store, ids.b1, makeSession({ iss, sub: bob, sid: s1 }));
  await put(store, ids.other, makeSession({ iss: otherIss, sub: alice, sid: s1 }));
  /** Which of the four are still there. */
  const alive = async () => {
    const entries = await Promise.all(
      Object.entries(ids).map(async ([name, id]) => [name, (await store.get(id)) !== null]),
    );
    return Object.fromEntries(entries) as Record<keyof typeof ids, boolean>;
  };
  return { iss, otherIss, alice, bob, s1, s2, ids, alive };
}

/** OIDC Back-Channel Logout: by sid, by sub, by both; counted; indexes never outlive sessions. */
export function testBackChannelLogout<S extends SessionStore>(
  options: TestSessionStoreOptions<S>,
): void {
  const o = validateOptions(options, "testBackChannelLogout");
  describe(`${o.name}: back-channel logout`, { timeout: groupTimeout }, () => {
    it("with only a sid, ends every session of that iss+sid and counts them", () =>
      withStore(o, async (store) => {
        const p = await population(store);
        expect(await store.deleteByLogoutToken({ iss: p.iss, sid: p.s1 })).toBe(2);
        expect(await p.alive()).toEqual({ a1: false, a2: true, b1: false, other: true });
      }));

    it("with only a sub, ends every session of that iss+sub and counts them", () =>
      withStore(o, async (store) => {
        const p = await population(store);
        expect(await store.deleteByLogoutToken({ iss: p.iss, sub: p.alice })).toBe(2);
        expect(await p.alive()).toEqual({ a1: false, a2: false, b1: true, other: true });
      }));

    it("with a sid and a sub, ends only sessions matching both (not the union)", () =>
      withStore(o, async (store) => {
        const p = await population(store);
        expect(await store.deleteByLogoutToken({ iss: p.iss, sid: p.s1, sub: p.alice })).toBe(1);
        expect(await p.alive()).toEqual({ a1: false, a2: true, b1: true, other: true });
        expect(await store.deleteByLogoutToken({ iss: p.iss, sid: p.s2, sub: p.bob })).toBe(0);
        expect(await p.alive()).toEqual({ a1: false, a2: true, b1: true, other: true });
      }));

    it("never ends a session of another issuer", () =>
      withStore(o, async (store) => {
        const p = await population(store);
        const stranger = newIssuer();
        expect(await store.deleteByLogoutToken({ iss: stranger, sid: p.s1 })).toBe(0);
        expect(await store.deleteByLogoutToken({ iss: stranger, sub: p.alice })).toBe(0);
        expect(await p.alive()).toEqual({ a1: true, a2: true, b1: true, other: true });
        expect(await store.deleteByLogoutToken({ iss: p.otherIss, sub: p.alice })).toBe(1);
        expect(await p.alive()).toEqual({ a1: true, a2: true, b1: true, other: false });
      }));

    it("ends all of a user's many sessions, with and without a sid", () =>
      withStore(o, async (store) => {
        const iss = newIssuer();
        const sub = unique("sub");
        const ids = Array.from({ length: 30 }, () => newId());
        await Promise.all(
          ids.map((id, i) =>
            put(store, id, makeSession({ iss, sub, ...(i % 3 ? { sid: unique("sid") } : {}) })),
          ),
        );
        const bystander = newId();
        await put(store, bystander, makeSession({ iss, sub: unique("sub") }));
        expect(await store.deleteByLogoutToken({ iss, sub })).toBe(30);
        expect((await Promise.all(ids.map((id) => store.get(id)))).every((s) => s === null)).toBe(
          true,
        );
        expect(await store.get(bystander)).not.toBeNull();
      }));

    it("counts only what it ended: a second identical token ends nothing", () =>
      withStore(o, async (store) => {
        const p = await population(store);
        expect(await store.deleteByLogoutToken({ iss: p.iss, sub: p.alice })).toBe(2);
        expect(await store.deleteByLogoutToken({ iss: p.iss, sub: p.alice })).toBe(0);
        expect(await store.deleteByLogoutToken({ iss: p.iss, sid: p.s2 })).toBe(0);
        expect(await store.deleteByLogoutToken({ iss: p.iss, sid: p.s1 })).toBe(1);
      }));

    it("rejects a token with neither sid nor sub, ending nothing", () =>
      withStore(o, async (store) => {
        const p = await population(store);
        const bad: LogoutTokenClaims[] = [{ iss: p.iss }, { iss: p.iss, sid: "", sub: "" }];
        for (const claims of bad) {
          await expect(store.deleteByLogoutToken(claims)).rejects.toMatchObject({
            name: "SessionStoreError",
            code: "STORE_INVALID_ARGUMENT",
          });
        }
        expect(await p.alive()).toEqual({ a1: true, a2: true, b1: true, other: true });
      }));

    it("the index goes with a deleted session: a reused id is not ended by its old sid/sub", () =>
      withStore(o, async (store) => {
        const iss = newIssuer();
        const [oldSub, oldSid] = [unique("sub"), unique("sid")];
        const id = newId();
        await put(store, id, makeSession({ iss, sub: oldSub, sid: oldSid }));
        await store.delete(id);
        expect(await store.deleteByLogoutToken({ iss, sid: oldSid })).toBe(0);
        expect(await store.deleteByLogoutToken({ iss, sub: oldSub })).toBe(0);
        // The same id now holds someone else's session: a stale index entry would end it.
        const fresh = makeSession({ iss, sub: unique("sub"), sid: unique("sid") });
        await put(store, id, fresh);
        expect(await store.deleteByLogoutToken({ iss, sid: oldSid })).toBe(0);
        expect(await store.deleteByLogoutToken({ iss, sub: oldSub })).toBe(0);
        expect(await store.get(id)).toEqual(fresh);
      }));

    it("the index follows an overwrite: set() with a new sid/sub forgets the old ones", () =>
      withStore(o, async (store) => {
        const iss = newIssuer();
        const id = newId();
        const [oldSub, newSub] = [unique("sub"), unique("sub")];
        const [oldSid, newSid] = [unique("sid"), unique("sid")];
        await put(store, id, makeSession({ iss, sub: oldSub, sid: oldSid }));
        await put(store, id, makeSession({ iss, sub: newSub, sid: newSid }));
        expect(await store.deleteByLogoutToken({ iss, sid: oldSid })).toBe(0);
        expect(await store.deleteByLogoutToken({ iss, sub: oldSub })).toBe(0);
        expect(await store.get(id)).not.toBeNull();
        expect(await store.deleteByLogoutToken({ iss, sid: newSid, sub: newSub })).toBe(1);
        expect(await store.get(id)).toBeNull();
      }));

    it("the index follows update(): a changed sid/sub is what ends the session", () =>
      withStore(o, async (store) => {
        const iss = newIssuer();
        const id = newId();
        const [oldSub, newSub] = [unique("sub"), unique("sub")];
        const [oldSid, newSid] = [unique("sid"), unique("sid")];
        await put(store, id, makeSession({ iss, sub: oldSub, sid: oldSid }));
        const next = makeSession({ iss, sub: newSub, sid: newSid });
        expect(await store.update(id, next, lasting())).toBe(true);
        expect(await store.deleteByLogoutToken({ iss, sid: oldSid })).toBe(0);
        expect(await store.deleteByLogoutToken({ iss, sub: oldSub })).toBe(0);
        expect(await store.deleteByLogoutToken({ iss, sub: newSub })).toBe(1);
        expect(await store.get(id)).toBeNull();
      }));

    it("a session ended by sid is gone from the sub index too", () =>
      withStore(o, async (store) => {
        const p = await population(store);
        expect(await store.deleteByLogoutToken({ iss: p.iss, sid: p.s2 })).toBe(1);
        expect(await store.deleteByLogoutToken({ iss: p.iss, sub: p.alice })).toBe(1);
        expect(await p.alive()).toEqual({ a1: false, a2: false, b1: true, other: true });
      }));
  });
}
