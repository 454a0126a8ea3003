import type { LogoutTokenClaims, SessionStore } from "@sessionkit/auth/store";
import { describe, expect, it } from "vitest";
import { lookalikes, shown } from "./edges.js";
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
        expect(
          await store.deleteByLogoutToken({ iss: p.iss, sid: p.s1 }),
          "a sid-only logout must end both sessions of that iss+sid (alice's and bob's) and count 2",
        ).toBe(2);
        expect(await p.alive(), "a sid-only logout ended the wrong sessions").toEqual({
          a1: false,
          a2: true,
          b1: false,
          other: true,
        });
      }));

    it("with only a sub, ends every session of that iss+sub and counts them", () =>
      withStore(o, async (store) => {
        const p = await population(store);
        expect(
          await store.deleteByLogoutToken({ iss: p.iss, sub: p.alice }),
          "a sub-only logout must end both of alice's sessions at this issuer and count 2",
        ).toBe(2);
        expect(await p.alive(), "a sub-only logout ended the wrong sessions").toEqual({
          a1: false,
          a2: false,
          b1: true,
          other: true,
        });
      }));

    it("with a sid and a sub, ends only sessions matching both (not the union)", () =>
      withStore(o, async (store) => {
        const p = await population(store);
        expect(
          await store.deleteByLogoutToken({ iss: p.iss, sid: p.s1, sub: p.alice }),
          "with sid and sub, only the session matching both ends (not the union)",
        ).toBe(1);
        expect(
          await p.alive(),
          "with sid and sub, it ended a session matching only one of them (a union)",
        ).toEqual({ a1: false, a2: true, b1: true, other: true });
        expect(
          await store.deleteByLogoutToken({ iss: p.iss, sid: p.s2, sub: p.bob }),
          "with a sid and a sub that match no single session, nothing ends",
        ).toBe(0);
        expect(
          await p.alive(),
          "with a sid and a sub that match no single session, something ended",
        ).toEqual({ a1: false, a2: true, b1: true, other: true });
      }));

    it("never ends a session of another issuer", () =>
      withStore(o, async (store) => {
        const p = await population(store);
        const stranger = newIssuer();
        expect(
          await store.deleteByLogoutToken({ iss: stranger, sid: p.s1 }),
          "a logout of another issuer counted sessions of this one",
        ).toBe(0);
        expect(
          await store.deleteByLogoutToken({ iss: stranger, sub: p.alice }),
          "a logout of another issuer counted sessions of this one",
        ).toBe(0);
        expect(await p.alive(), "a logout of another issuer ended sessions of this one").toEqual({
          a1: true,
          a2: true,
          b1: true,
          other: true,
        });
        expect(
          await store.deleteByLogoutToken({ iss: p.otherIss, sub: p.alice }),
          "the other issuer's logout by sub",
        ).toBe(1);
        expect(await p.alive(), "the other issuer's logout ended the wrong sessions").toEqual({
          a1: true,
          a2: true,
          b1: true,
          other: false,
        });
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
        expect(
          await store.deleteByLogoutToken({ iss, sub }),
          "a sub-only logout must end all 30 of the user's sessions",
        ).toBe(30);
        const left = (await Promise.all(ids.map((id) => store.get(id)))).filter(Boolean).length;
        expect(left, "sessions of the user left alive after a sub-only logout").toBe(0);
        expect(
          await store.get(bystander),
          "a sub-only logout ended another user's session",
        ).not.toBeNull();
      }));

    it("counts 0, 1, 25, 26 and 101 sessions of one user, and of one sid, and ends them all", () =>
      withStore(o, async (store) => {
        const iss = newIssuer();
        const groups = [0, 1, 25, 26, 101].map((count) => ({
          claims: { iss, sub: unique(`user${count}`) } as LogoutTokenClaims,
          ids: Array.from({ length: count }, () => newId()),
        }));
        const sharedSid = {
          claims: { iss, sid: unique("sid") },
          ids: Array.from({ length: 26 }, () => newId()),
        };
        const writes = [
          ...groups.flatMap(({ claims, ids }) =>
            ids.map(
              (id, i) =>
                [
                  id,
                  makeSession({ iss, sub: claims.sub!, ...(i % 2 ? { sid: unique("sid") } : {}) }),
                ] as const,
            ),
          ),
          ...sharedSid.ids.map(
            (id) =>
              [id, makeSession({ iss, sub: unique("sub"), sid: sharedSid.claims.sid })] as const,
          ),
        ];
        for (let i = 0; i < writes.length; i += 32) {
          await Promise.all(
            writes.slice(i, i + 32).map(([id, session]) => put(store, id, session)),
          );
        }
        for (const { claims, ids } of [...groups, sharedSid]) {
          const by = claims.sid ? "sid" : "sub";
          const ended = await store.deleteByLogoutToken(claims);
          const hint =
            ended < ids.length && ended % 25 === 0 && ended > 0
              ? " (a batch of 25 and no more?)"
              : "";
          expect(
            ended,
            `a logout by ${by} of ${ids.length} sessions answered ${ended}${hint}`,
          ).toBe(ids.length);
          const left = (await Promise.all(ids.map((id) => store.get(id)))).filter(Boolean).length;
          expect(
            left,
            `a logout by ${by} of ${ids.length} sessions left ${left} alive${hint}`,
          ).toBe(0);
        }
      }));

    it("compares sid and sub exactly: case, trailing spaces, separators, Unicode forms, 255 characters", () =>
      withStore(o, async (store) => {
        const iss = newIssuer();
        const subs = lookalikes(unique("sub"));
        const sids = lookalikes(unique("sid"));
        const ids = subs.map(() => newId());
        await Promise.all(
          ids.map((id, i) => put(store, id, makeSession({ iss, sub: subs[i]!, sid: sids[i]! }))),
        );
        // In order, one logout per session, by sub and by sid in turn: each ends its own only.
        for (const [i, id] of ids.entries()) {
          const claims = i % 2 ? { iss, sid: sids[i]! } : { iss, sub: subs[i]! };
          const by = claims.sid ? `sid ${shown(claims.sid)}` : `sub ${shown(claims.sub!)}`;
          const ended = await store.deleteByLogoutToken(claims);
          const alive = await Promise.all(
            ids.map(async (other) => (await store.get(other)) !== null),
          );
          expect(
            ids.flatMap((_, j) => (j > i && !alive[j] ? [shown(i % 2 ? sids[j]! : subs[j]!)] : [])),
            `a logout by ${by} ended the sessions of these look-alikes: sid and sub are compared exactly (no case folding, trimming, Unicode normalization or truncation)`,
          ).toEqual([]);
          expect(ended, `a logout by ${by} answered ${ended}, not 1`).toBe(1);
          expect(await store.get(id), `a logout by ${by} left its session alive`).toBeNull();
        }
      }));

    it("counts only what it ended: a second identical token ends nothing", () =>
      withStore(o, async (store) => {
        const p = await population(store);
        expect(
          await store.deleteByLogoutToken({ iss: p.iss, sub: p.alice }),
          "the first logout by sub",
        ).toBe(2);
        expect(
          await store.deleteByLogoutToken({ iss: p.iss, sub: p.alice }),
          "a second identical logout counted sessions already ended",
        ).toBe(0);
        expect(
          await store.deleteByLogoutToken({ iss: p.iss, sid: p.s2 }),
          "a logout by sid counted a session already ended by sub",
        ).toBe(0);
        expect(
          await store.deleteByLogoutToken({ iss: p.iss, sid: p.s1 }),
          "a logout by sid must count only bob's session left",
        ).toBe(1);
      }));

    it("rejects a token with neither sid nor sub, ending nothing", () =>
      withStore(o, async (store) => {
        const p = await population(store);
        const bad: LogoutTokenClaims[] = [{ iss: p.iss }, { iss: p.iss, sid: "", sub: "" }];
        for (const claims of bad) {
          await expect(
            store.deleteByLogoutToken(claims),
            `a logout token with neither sid nor sub (${JSON.stringify(claims)}) must be refused`,
          ).rejects.toMatchObject({
            name: "SessionStoreError",
            code: "STORE_INVALID_ARGUMENT",
          });
        }
        expect(await p.alive(), "a rejected logout token ended sessions").toEqual({
          a1: true,
          a2: true,
          b1: true,
          other: true,
        });
      }));

    it("the index goes with a deleted session: a reused id is not ended by its old sid/sub", () =>
      withStore(o, async (store) => {
        const iss = newIssuer();
        const [oldSub, oldSid] = [unique("sub"), unique("sid")];
        const id = newId();
        await put(store, id, makeSession({ iss, sub: oldSub, sid: oldSid }));
        await store.delete(id);
        expect(
          await store.deleteByLogoutToken({ iss, sid: oldSid }),
          "a deleted session's sid index entry was still counted",
        ).toBe(0);
        expect(
          await store.deleteByLogoutToken({ iss, sub: oldSub }),
          "a deleted session's sub index entry was still counted",
        ).toBe(0);
        // The same id now holds someone else's session: a stale index entry would end it.
        const fresh = makeSession({ iss, sub: unique("sub"), sid: unique("sid") });
        await put(store, id, fresh);
        expect(
          await store.deleteByLogoutToken({ iss, sid: oldSid }),
          "a stale sid index entry ended the id's new session",
        ).toBe(0);
        expect(
          await store.deleteByLogoutToken({ iss, sub: oldSub }),
          "a stale sub index entry ended the id's new session",
        ).toBe(0);
        expect(await store.get(id), "a stale index entry ended the id's new session").toEqual(
          fresh,
        );
      }));

    it("the index follows an overwrite: set() with a new sid/sub forgets the old ones", () =>
      withStore(o, async (store) => {
        const iss = newIssuer();
        const id = newId();
        const [oldSub, newSub] = [unique("sub"), unique("sub")];
        const [oldSid, newSid] = [unique("sid"), unique("sid")];
        await put(store, id, makeSession({ iss, sub: oldSub, sid: oldSid }));
        await put(store, id, makeSession({ iss, sub: newSub, sid: newSid }));
        expect(
          await store.deleteByLogoutToken({ iss, sid: oldSid }),
          "set() with a new sid left the old sid indexed",
        ).toBe(0);
        expect(
          await store.deleteByLogoutToken({ iss, sub: oldSub }),
          "set() with a new sub left the old sub indexed",
        ).toBe(0);
        expect(
          await store.get(id),
          "a logout by the old sid/sub ended the overwritten session",
        ).not.toBeNull();
        expect(
          await store.deleteByLogoutToken({ iss, sid: newSid, sub: newSub }),
          "a logout by the new sid and sub did not end the session",
        ).toBe(1);
        expect(
          await store.get(id),
          "a logout by the new sid and sub left the session alive",
        ).toBeNull();
      }));

    it("the index follows update(): a changed sid/sub is what ends the session", () =>
      withStore(o, async (store) => {
        const iss = newIssuer();
        const id = newId();
        const [oldSub, newSub] = [unique("sub"), unique("sub")];
        const [oldSid, newSid] = [unique("sid"), unique("sid")];
        await put(store, id, makeSession({ iss, sub: oldSub, sid: oldSid }));
        const next = makeSession({ iss, sub: newSub, sid: newSid });
        expect(await store.update(id, next, lasting()), "update() of a live session refused").toBe(
          true,
        );
        expect(
          await store.deleteByLogoutToken({ iss, sid: oldSid }),
          "update() with a new sid left the old sid indexed",
        ).toBe(0);
        expect(
          await store.deleteByLogoutToken({ iss, sub: oldSub }),
          "update() with a new sub left the old sub indexed",
        ).toBe(0);
        expect(
          await store.deleteByLogoutToken({ iss, sub: newSub }),
          "a logout by the sub update() gave did not end the session",
        ).toBe(1);
        expect(await store.get(id), "a logout by the new sub left the session alive").toBeNull();
      }));

    it("a session ended by sid is gone from the sub index too", () =>
      withStore(o, async (store) => {
        const p = await population(store);
        expect(
          await store.deleteByLogoutToken({ iss: p.iss, sid: p.s2 }),
          "the logout by sid",
        ).toBe(1);
        expect(
          await store.deleteByLogoutToken({ iss: p.iss, sub: p.alice }),
          "a session ended by sid was still counted by its sub index",
        ).toBe(1);
        expect(
          await p.alive(),
          "a logout by sub after one by sid ended the wrong sessions",
        ).toEqual({ a1: false, a2: false, b1: true, other: true });
      }));
  });
}
