import type { SessionData, SessionStore, StoredSession } from "@sessionkit/auth/store";
import { describe, type ExpectStatic, it } from "vitest";
import { lookalikes, shown } from "./edges.js";
import { makeSession, newId, newIssuer, put, unique, withStore } from "./fixtures.js";
import { type TestSessionStoreOptions, validateOptions } from "./options.js";
import { until } from "./schedule.js";
import { groupTimeout } from "./timeouts.js";

/** A listing in a stable order, for comparing with what the test wrote. */
const byId = (listed: StoredSession[]) => [...listed].sort((a, b) => (a.id < b.id ? -1 : 1));

/** What the store should list for sessions written with `put` (their own `internal.expiresAt`). */
const entry = (id: string, session: SessionData): StoredSession => ({
  id,
  session,
  expiresAt: session.internal.expiresAt,
});

/** What a listing may get wrong, each said in the words of the rule it breaks. */
interface ListingRules {
  /** Said when it lists an id it should not. */
  extra: string;
  /** Said when it leaves out a live session. @default "a live session of this user is missing …" */
  missing?: string;
  /** Said when an entry's data or expiresAt differ. @default "… other data or expiresAt than last written" */
  changed?: string;
}

/** Asserts that `listed` is exactly `wanted` (in any order), naming the rule that broke. */
function expectListing(
  expect: ExpectStatic,
  listed: StoredSession[],
  wanted: StoredSession[],
  rules: ListingRules,
) {
  const wantedIds = new Set(wanted.map((e) => e.id));
  const listedIds = listed.map((e) => e.id);
  expect(
    listedIds.filter((id) => !wantedIds.has(id)),
    rules.extra,
  ).toEqual([]);
  expect(
    wanted.filter((e) => !listedIds.includes(e.id)).map((e) => e.id),
    rules.missing ?? "a live session of this user is missing from the listing",
  ).toEqual([]);
  expect(listedIds.length, "the listing names one session twice").toBe(new Set(listedIds).size);
  expect(
    byId(listed),
    rules.changed ?? "a listed session has other data or another expiresAt than last written",
  ).toEqual(byId(wanted));
}

/**
 * listSessions(): exactly the live sessions of one iss+sub, from the index, each with the
 * record's last expiresAt; consistent with every other call, even in parallel.
 */
export function testListSessions<S extends SessionStore>(
  options: TestSessionStoreOptions<S>,
): void {
  const o = validateOptions(options, "testListSessions");
  describe(`${o.name}: list sessions`, { concurrent: true, timeout: groupTimeout }, () => {
    it("answers [] for a user without sessions", ({ expect }) =>
      withStore(o, async (store) => {
        expect(
          await store.listSessions({ iss: newIssuer(), sub: unique("sub") }),
          "listed sessions for a user who has none",
        ).toEqual([]);
      }));

    it("lists exactly that user's sessions at that issuer: no other user, no other issuer", ({
      expect,
    }) =>
      withStore(o, async (store) => {
        const [iss, otherIss] = [newIssuer(), newIssuer()];
        const [alice, bob] = [unique("alice"), unique("bob")];
        const sid = unique("sid");
        const own = [
          [newId(), makeSession({ iss, sub: alice, sid })],
          [newId(), makeSession({ iss, sub: alice, sid: unique("sid") })],
          [newId(), makeSession({ iss, sub: alice })], // no sid: listed all the same
        ] as const;
        const others = [
          [newId(), makeSession({ iss, sub: bob, sid })], // shares alice's sid
          [newId(), makeSession({ iss: otherIss, sub: alice, sid })],
          [newId(), makeSession({ iss, sub: `${alice}x` })],
        ] as const;
        await Promise.all([...own, ...others].map(([id, session]) => put(store, id, session)));
        expectListing(
          expect,
          await store.listSessions({ iss, sub: alice }),
          own.map(([id, session]) => entry(id, session)),
          { extra: "listed a session of another user or another issuer" },
        );
        expectListing(
          expect,
          await store.listSessions({ iss: otherIss, sub: alice }),
          [entry(others[1][0], others[1][1])],
          { extra: "the other issuer's listing has this issuer's sessions" },
        );
      }));

    it("keeps iss and sub apart: owners whose joined strings collide are listed apart", ({
      expect,
    }) =>
      withStore(o, async (store) => {
        const base = newIssuer();
        // Joined with ":" (or concatenated) these owners make the same key.
        const owners = [
          { iss: base, sub: "a:b" },
          { iss: `${base}:a`, sub: "b" },
          { iss: `${base}a`, sub: ":b" },
        ];
        const written = owners.map((owner) => [newId(), makeSession(owner)] as const);
        await Promise.all(written.map(([id, session]) => put(store, id, session)));
        for (const [i, owner] of owners.entries()) {
          expectListing(
            expect,
            await store.listSessions(owner),
            [entry(written[i]![0], written[i]![1])],
            {
              extra: `owner ${JSON.stringify(owner)} sees another owner's session (iss and sub joined into one key?)`,
            },
          );
        }
      }));

    it("compares sub exactly: look-alike subs (case, spaces, separators, Unicode forms, 255 characters) are listed apart", ({
      expect,
    }) =>
      withStore(o, async (store) => {
        const iss = newIssuer();
        const subs = lookalikes(unique("sub"));
        const ids = subs.map(() => newId());
        await Promise.all(ids.map((id, i) => put(store, id, makeSession({ iss, sub: subs[i]! }))));
        for (const [i, sub] of subs.entries()) {
          const listed = (await store.listSessions({ iss, sub })).map((e) => e.id);
          const others = listed
            .filter((id) => id !== ids[i])
            .map((id) => shown(subs[ids.indexOf(id)] ?? id));
          expect(
            others,
            `listSessions() of sub ${shown(sub)} listed look-alikes' sessions: subs are compared exactly`,
          ).toEqual([]);
          expect(listed, `listSessions() of sub ${shown(sub)} left out its one session`).toEqual([
            ids[i],
          ]);
        }
      }));

    it("never lists an expired session, even while the backend still holds it", ({ expect }) =>
      withStore(o, async (store) => {
        const iss = newIssuer();
        const sub = unique("sub");
        const [expiring, staying] = [newId(), newId()];
        const start = Date.now();
        const live = makeSession({ iss, sub, lifetime: 600_000 });
        // 1.1 s rounds up to a 2 s backend TTL: at 1.35 s the record may still exist.
        await store.set(expiring, makeSession({ iss, sub }), { expiresAt: start + 1_100 });
        await store.set(staying, live, { expiresAt: live.internal.expiresAt });
        await until(start, 1_350);
        expectListing(expect, await store.listSessions({ iss, sub }), [entry(staying, live)], {
          extra: "listed a session past its expiresAt",
        });
      }));

    it("answers the expiresAt last given to set(), update() or touch()", ({ expect }) =>
      withStore(o, async (store) => {
        const iss = newIssuer();
        const sub = unique("sub");
        const id = newId();
        const session = makeSession({ iss, sub });
        const now = Date.now();
        const owner = { iss, sub };
        await store.set(id, session, { expiresAt: now + 600_001 });
        expect(
          await store.listSessions(owner),
          "the listing after set() must answer the expiresAt set() was given",
        ).toEqual([{ id, session, expiresAt: now + 600_001 }]);
        const next = { ...session, visits: 2 };
        expect(await store.update(id, next, { expiresAt: now + 700_003 }), "update() refused").toBe(
          true,
        );
        expect(
          await store.listSessions(owner),
          "the listing after update() must answer the expiresAt update() was given",
        ).toEqual([{ id, session: next, expiresAt: now + 700_003 }]);
        expect(await store.touch(id, { expiresAt: now + 800_007 }), "touch() refused").toBe(true);
        expect(
          await store.listSessions(owner),
          "the listing after touch() must answer the expiresAt touch() was given (the record's, not session.internal.expiresAt)",
        ).toEqual([{ id, session: next, expiresAt: now + 800_007 }]);
        expect(await store.touch(id, { expiresAt: now + 500_009 }), "touch() refused").toBe(true);
        expect(
          await store.listSessions(owner),
          "the listing after a shortening touch() must answer its expiresAt",
        ).toEqual([{ id, session: next, expiresAt: now + 500_009 }]);
      }));

    it("the ids it answers work with get(), touch() and delete()", ({ expect }) =>
      withStore(o, async (store) => {
        const iss = newIssuer();
        const sub = unique("sub");
        const sessions = Array.from({ length: 3 }, () =>
          makeSession({ iss, sub, sid: unique("sid") }),
        );
        await Promise.all(sessions.map((session) => put(store, newId(), session)));
        const listed = await store.listSessions({ iss, sub });
        expect(listed.length, "not every session was listed").toBe(3);
        for (const { id, session } of listed) {
          expect(await store.get(id), "get() of a listed id").toEqual(session);
        }
        const [touched, deleted] = listed;
        expect(
          await store.touch(touched!.id, { expiresAt: Date.now() + 900_000 }),
          "touch() of a listed id refused",
        ).toBe(true);
        await store.delete(deleted!.id);
        expect(await store.get(deleted!.id), "delete() of a listed id left it alive").toBeNull();
        const after = await store.listSessions({ iss, sub });
        expect(
          after.map((e) => e.id).sort(),
          "a listed id deleted with delete() is listed again",
        ).toEqual(
          listed
            .filter((e) => e !== deleted)
            .map((e) => e.id)
            .sort(),
        );
      }));

    it("lists 0, 1, 26 and 100 sessions of one user in full", ({ expect }) =>
      withStore(o, async (store) => {
        const iss = newIssuer();
        const users = [0, 1, 26, 100].map((count) => ({
          sub: unique(`user${count}`),
          ids: Array.from({ length: count }, () => newId()),
        }));
        const writes = users.flatMap(({ sub, ids }) =>
          ids.map(
            (id, i) =>
              [id, makeSession({ iss, sub, ...(i % 2 ? { sid: unique("sid") } : {}) })] as const,
          ),
        );
        for (let i = 0; i < writes.length; i += 32) {
          await Promise.all(
            writes.slice(i, i + 32).map(([id, session]) => put(store, id, session)),
          );
        }
        for (const { sub, ids } of users) {
          const listed = await store.listSessions({ iss, sub });
          const hint = listed.length < ids.length ? " (only a first page?)" : "";
          expect(
            listed.map((e) => e.id).sort(),
            `${ids.length} sessions written, ${listed.length} listed${hint}`,
          ).toEqual([...ids].sort());
        }
      }));

    it("follows an owner change: set() or update() with a new sub lists it under the new one only", ({
      expect,
    }) =>
      withStore(o, async (store) => {
        const iss = newIssuer();
        const [first, second, third] = [unique("sub"), unique("sub"), unique("sub")];
        const id = newId();
        await put(store, id, makeSession({ iss, sub: first }));
        const overwritten = makeSession({ iss, sub: second });
        await put(store, id, overwritten);
        expectListing(expect, await store.listSessions({ iss, sub: first }), [], {
          extra: "still listed under its old sub after set() gave it a new one",
        });
        expectListing(
          expect,
          await store.listSessions({ iss, sub: second }),
          [entry(id, overwritten)],
          {
            extra: "listed what it should not under the new sub",
            missing: "not listed under its new sub after set()",
          },
        );
        const updated = makeSession({ iss, sub: third });
        expect(
          await store.update(id, updated, { expiresAt: updated.internal.expiresAt }),
          "update() refused",
        ).toBe(true);
        expectListing(expect, await store.listSessions({ iss, sub: second }), [], {
          extra: "still listed under its old sub after update() gave it a new one",
        });
        expectListing(expect, await store.listSessions({ iss, sub: third }), [entry(id, updated)], {
          extra: "listed what it should not under the new sub",
          missing: "not listed under its new sub after update()",
        });
      }));

    it("stays exact under parallel delete(), logout, update(), touch() and listSessions()", ({
      expect,
    }) =>
      withStore(o, async (store) => {
        for (let round = 0; round < 3; round++) {
          const iss = newIssuer();
          const [alice, bob] = [unique("alice"), unique("bob")];
          const written = Array.from({ length: 24 }, () => {
            const session = makeSession({ iss, sub: alice, sid: unique("sid") });
            return [newId(), session] as const;
          });
          await Promise.all(written.map(([id, session]) => put(store, id, session)));
          const expected = new Map<string, StoredSession[]>([
            [alice, []],
            [bob, []],
          ]);
          const work: Promise<unknown>[] = [];
          const listings: Promise<StoredSession[]>[] = [];
          for (const [i, [id, session]] of written.entries()) {
            const expiresAt = Date.now() + 600_000 + i;
            const kind = i % 6;
            if (kind === 0) work.push(store.delete(id));
            else if (kind === 1) {
              work.push(store.deleteByLogoutToken({ iss, sid: session.internal.sid! }));
            } else if (kind === 2) {
              const next = { ...session, i };
              expected.get(alice)!.push({ id, session: next, expiresAt });
              work.push(store.update(id, next, { expiresAt }));
            } else if (kind === 3) {
              const next = makeSession({ iss, sub: bob, sid: unique("sid") });
              expected.get(bob)!.push({ id, session: next, expiresAt });
              work.push(store.update(id, next, { expiresAt }));
            } else if (kind === 4) {
              expected.get(alice)!.push({ id, session, expiresAt });
              work.push(store.touch(id, { expiresAt }));
            } else {
              work.push(store.touch(id, { expiresAt: Date.now() - 1 }));
            }
            if (i % 5 === 0) listings.push(store.listSessions({ iss, sub: alice }));
          }
          await Promise.all(work);
          const ids = new Set(written.map(([id]) => id));
          for (const listing of await Promise.all(listings)) {
            for (const e of listing) {
              expect(ids.has(e.id), `round ${round}: a listing in flight invented an id`).toBe(
                true,
              );
              expect(
                e.session.user.sub,
                `round ${round}: a listing in flight showed another user's session`,
              ).toBe(alice);
            }
          }
          for (const [sub, wanted] of expected) {
            const who = sub === alice ? "alice" : "bob";
            expectListing(expect, await store.listSessions({ iss, sub }), wanted, {
              extra: `round ${round}: ${who}'s listing has sessions that were ended or changed owner`,
              missing: `round ${round}: ${who}'s listing lost a live session`,
              changed: `round ${round}: ${who}'s listing has stale data or a stale expiresAt`,
            });
          }
        }
      }));

    it("hands out copies: mutating a listing changes nothing stored", ({ expect }) =>
      withStore(o, async (store) => {
        const iss = newIssuer();
        const sub = unique("sub");
        const id = newId();
        const session = makeSession({ iss, sub, extra: { prefs: { theme: "dark" } } });
        await put(store, id, session);
        const first = await store.listSessions({ iss, sub });
        expect(first.length, "the session was not listed").toBe(1);
        first[0]!.session.user.sub = "mallory";
        (first[0]!.session.prefs as { theme: string }).theme = "light";
        first[0]!.expiresAt = 0;
        first.push(first[0]!);
        const second = await store.listSessions({ iss, sub });
        expect(second, "a mutated listing changed the next one").toEqual([entry(id, session)]);
        expect(await store.get(id), "a mutated listing changed the stored session").toEqual(
          session,
        );
      }));

    it("another store never lists this store's sessions", ({ expect }) =>
      withStore(o, (a) =>
        withStore(o, async (b) => {
          const iss = newIssuer();
          const sub = unique("sub");
          const [inA, inB] = [
            makeSession({ iss, sub, extra: { store: "a" } }),
            makeSession({ iss, sub, extra: { store: "b" } }),
          ];
          const [idA, idB] = [newId(), newId()];
          await put(a, idA, inA);
          expect(await b.listSessions({ iss, sub }), "store b listed store a's session").toEqual(
            [],
          );
          await put(b, idB, inB);
          expect(await a.listSessions({ iss, sub }), "store a's listing").toEqual([
            entry(idA, inA),
          ]);
          expect(await b.listSessions({ iss, sub }), "store b's listing").toEqual([
            entry(idB, inB),
          ]);
        }),
      ));

    it("rejects an owner without iss or sub with STORE_INVALID_ARGUMENT", ({ expect }) =>
      withStore(o, async (store) => {
        for (const owner of [
          { iss: "", sub: "x" },
          { iss: newIssuer(), sub: "" },
        ]) {
          await expect(
            store.listSessions(owner),
            `listSessions(${JSON.stringify(owner)}) must throw STORE_INVALID_ARGUMENT`,
          ).rejects.toMatchObject({ name: "SessionStoreError", code: "STORE_INVALID_ARGUMENT" });
        }
      }));
  });
}
