import type { SessionData, SessionStore } from "@sessionkit/auth/store";
import { describe, expect, it } from "vitest";
import {
  lasting,
  makeSession,
  newId,
  newIssuer,
  put,
  seededRandom,
  unique,
  withStore,
} from "./fixtures.js";
import { type TestSessionStoreOptions, validateOptions } from "./options.js";
import { groupTimeout } from "./timeouts.js";

type Op = "get" | "update" | "touch" | "set" | "delete" | "logout";
const ops: Op[] = ["get", "update", "touch", "set", "delete", "logout"];

/** Concurrency: hundreds of parallel mixed operations end in the state a serial run would. */
export function testConcurrency<S extends SessionStore>(options: TestSessionStoreOptions<S>): void {
  const o = validateOptions(options, "testConcurrency");
  describe(`${o.name}: concurrency`, { timeout: groupTimeout }, () => {
    it(
      "hundreds of parallel mixed operations end consistent, indexes included",
      () =>
        withStore(o, async (store) => {
          const seed = Date.now() % 100_000;
          const random = seededRandom(seed);
          const iss = newIssuer();
          const subs = Array.from({ length: 8 }, () => unique("sub"));
          const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!;
          const model = new Map<string, SessionData | null>();
          const initial = new Map<string, SessionData>();
          for (let i = 0; i < 160; i++) {
            initial.set(newId(), makeSession({ iss, sub: pick(subs), sid: unique("sid") }));
          }
          await Promise.all([...initial].map(([id, session]) => put(store, id, session)));

          const checks: Promise<void>[] = [];
          for (const [id, session] of initial) {
            const op = pick(ops);
            const label = `seed ${seed}, ${op} ${id}`;
            if (op === "get") {
              model.set(id, session);
              checks.push(
                store
                  .get(id)
                  .then((got) => expect(got, `${label}: get() under load`).toEqual(session)),
              );
            } else if (op === "update") {
              const next = { ...session, round: 2 };
              model.set(id, next);
              checks.push(
                store
                  .update(id, next, lasting())
                  .then((ok) =>
                    expect(ok, `${label}: update() of a live session refused`).toBe(true),
                  ),
              );
            } else if (op === "touch") {
              model.set(id, session); // the data stays as it was
              checks.push(
                store
                  .touch(id, lasting())
                  .then((ok) => expect(ok, `${label}: touch() refused`).toBe(true)),
              );
            } else if (op === "set") {
              const next = makeSession({ iss, sub: pick(subs), sid: unique("sid") });
              model.set(id, next);
              checks.push(put(store, id, next));
            } else if (op === "delete") {
              model.set(id, null);
              checks.push(store.delete(id));
            } else {
              model.set(id, null);
              const sid = session.internal.sid!;
              checks.push(
                store
                  .deleteByLogoutToken({ iss, sid })
                  .then((n) => expect(n, `${label}: the logout by sid ended ${n}, not 1`).toBe(1)),
              );
            }
          }
          for (let i = 0; i < 60; i++) {
            const fresh = newId();
            const session = makeSession({ iss, sub: pick(subs), sid: unique("sid") });
            model.set(fresh, session);
            checks.push(put(store, fresh, session));
            const missing = newId();
            model.set(missing, null);
            checks.push(
              store
                .update(missing, session, lasting())
                .then((ok) =>
                  expect(ok, `seed ${seed}: update() of a missing id answered true`).toBe(false),
                ),
            );
          }
          await Promise.all(checks);

          const finals = await Promise.all([...model.keys()].map((id) => store.get(id)));
          const expected = [...model.values()];
          expect(finals, `seed ${seed}: the final state differs from a serial run`).toEqual(
            expected,
          );
          for (const sub of subs) {
            const liveIds = [...model]
              .filter(([, session]) => session?.user.sub === sub)
              .map(([id]) => id)
              .sort();
            const listed = await store.listSessions({ iss, sub });
            expect(
              listed.map((entry) => entry.id).sort(),
              `seed ${seed}: listSessions() of ${sub} after the parallel run`,
            ).toEqual(liveIds);
          }
          for (const sub of subs) {
            const live = [...model.values()].filter((s) => s?.user.sub === sub).length;
            expect(
              await store.deleteByLogoutToken({ iss, sub }),
              `seed ${seed}: the logout by sub of ${sub} ended another count than live sessions`,
            ).toBe(live);
          }
          const left = await Promise.all([...model.keys()].map((id) => store.get(id)));
          expect(
            left.filter((session) => session !== null),
            `seed ${seed}: sessions left alive after every user's logout`,
          ).toEqual([]);
        }),
      60_000,
    );

    it(
      "parallel writes to one id leave one whole session, indexed once",
      () =>
        withStore(o, async (store) => {
          const iss = newIssuer();
          const id = newId();
          const writes = Array.from({ length: 40 }, (_, i) =>
            makeSession({ iss, sub: unique("sub"), sid: unique("sid"), extra: { writer: i } }),
          );
          await put(store, id, writes[0]!);
          await Promise.all(
            writes.map((session, i) =>
              i % 2 ? put(store, id, session) : store.update(id, session, lasting()),
            ),
          );
          const final = await store.get(id);
          expect(
            writes,
            "parallel writes to one id left a session none of them wrote",
          ).toContainEqual(final);
          let ended = 0;
          for (const session of writes) {
            const n = await store.deleteByLogoutToken({ iss, sid: session.internal.sid! });
            if (n > 0)
              expect(session, "the logout that ended it names the final sid").toEqual(final);
            ended += n;
          }
          expect(ended, "parallel writes to one id left it indexed under more than one sid").toBe(
            1,
          );
          expect(
            await store.get(id),
            "the logout of the final sid left the session alive",
          ).toBeNull();
        }),
      30_000,
    );

    it("parallel reads of one session all see it whole", () =>
      withStore(o, async (store) => {
        const id = newId();
        const session = makeSession({ iss: newIssuer(), sub: unique("sub"), extra: { n: 1 } });
        await put(store, id, session);
        const reads = await Promise.all(Array.from({ length: 100 }, () => store.get(id)));
        for (const read of reads)
          expect(read, "a parallel read saw a partial session").toEqual(session);
      }));
  });
}
