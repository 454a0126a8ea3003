import type {
  LogoutTokenReplayStore,
  RefreshLeaseStore,
  SessionStore,
} from "@sessionkit/auth/store";
import { describe, expect, it } from "vitest";
import {
  lasting,
  makeSession,
  newId,
  newIssuer,
  put,
  sleep,
  unique,
  within,
  withStore,
} from "./fixtures.js";
import { invalidOption, type TestSessionStoreOptions, validateOptions } from "./options.js";
import { groupTimeout } from "./timeouts.js";

/** How long one call may take to fail while the backend is down. */
const failWithin = 5_000;
/** How long the store may take to work again after the backend is back. */
const recoverWithin = 20_000;

/** The optional extensions' calls, for a store that has them: they fail like the rest. */
function extensionCalls(store: SessionStore, id: string): Record<string, () => Promise<unknown>> {
  const extended = store as SessionStore & Partial<LogoutTokenReplayStore & RefreshLeaseStore>;
  const until = Date.now() + 60_000;
  return {
    ...(extended.claimLogoutToken && extended.releaseLogoutToken
      ? {
          claimLogoutToken: () => extended.claimLogoutToken!(unique("jti"), until),
          releaseLogoutToken: () => extended.releaseLogoutToken!(unique("jti")),
        }
      : {}),
    ...(extended.acquireRefreshLease && extended.releaseRefreshLease
      ? {
          acquireRefreshLease: () => extended.acquireRefreshLease!(id, "instance-a", until),
          releaseRefreshLease: () => extended.releaseRefreshLease!(id, "instance-a"),
        }
      : {}),
  };
}

/** One error as `Name CODE: message`. */
const describeOne = (error: unknown) =>
  error instanceof Error
    ? `${error.name}${"code" in error && error.code !== undefined ? ` ${String(error.code)}` : ""}: ${error.message}`
    : String(error);

/** The error the store threw, with its code and its causes' (`… caused by Error ECONNREFUSED: …`). */
export const describeError = (error: unknown) => {
  const parts = [describeOne(error)];
  let cause = error instanceof Error ? error.cause : undefined;
  for (let depth = 0; cause !== undefined && depth < 3; depth++) {
    parts.push(`caused by ${describeOne(cause)}`);
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return parts.join(", ");
};

/**
 * Faults (needs `outage`): while the backend is down every call (the optional
 * extensions' too, when the store has them) fails within a few seconds with a
 * typed `SessionStoreError` (`STORE_UNAVAILABLE`), and the same store works
 * again once the backend is back.
 */
export function testFaults<S extends SessionStore>(options: TestSessionStoreOptions<S>): void {
  const o = validateOptions(options, "testFaults");
  const outage = o.outage;
  if (!outage) {
    throw invalidOption("testFaults: needs the `outage: { stop, start }` option");
  }
  describe(`${o.name}: faults`, { timeout: groupTimeout }, () => {
    it(
      "fails fast with SessionStoreError STORE_UNAVAILABLE during an outage, and recovers after",
      () =>
        withStore(o, async (store) => {
          const iss = newIssuer();
          const sub = unique("sub");
          const sid = unique("sid");
          const id = newId();
          const session = makeSession({ iss, sub, sid });
          await put(store, id, session); // a client that was connected before the outage
          expect(await store.get(id), "the store did not work before the outage").toEqual(session);

          await outage.stop();
          try {
            const calls: Record<string, () => Promise<unknown>> = {
              get: () => store.get(id),
              set: () => put(store, newId(), session),
              update: () => store.update(id, session, lasting()),
              touch: () => store.touch(id, lasting()),
              delete: () => store.delete(id),
              deleteByLogoutToken: () => store.deleteByLogoutToken({ iss, sub }),
              listSessions: () => store.listSessions({ iss, sub }),
              ...extensionCalls(store, id),
            };
            const outcomes = await Promise.all(
              Object.entries(calls).map(async ([name, call]) => {
                const started = Date.now();
                const outcome = await within(
                  failWithin,
                  `${name}() during an outage`,
                  call().then(
                    (value) => ({ resolved: true as const, value }),
                    (error: unknown) => ({ resolved: false as const, error }),
                  ),
                );
                return { name, outcome, ms: Date.now() - started };
              }),
            );
            for (const { name, outcome } of outcomes) {
              expect(
                outcome.resolved,
                `${name}() resolved${outcome.resolved ? ` (to ${JSON.stringify(outcome.value)})` : ""} while the backend was down: it must throw SessionStoreError STORE_UNAVAILABLE`,
              ).toBe(false);
              if (outcome.resolved) continue;
              const error = outcome.error as {
                name?: unknown;
                code?: unknown;
                message?: unknown;
                cause?: unknown;
              };
              expect(
                error?.cause,
                `${name}() threw ${describeError(outcome.error)} without the client's error as its \`cause\`: keep it, so an operator can see why`,
              ).toBeDefined();
              expect(
                typeof error?.message === "string" && error.message.trim() !== "",
                `${name}() threw an error with no message during an outage: say what failed (${describeError(outcome.error)})`,
              ).toBe(true);
              expect(
                { name: error?.name, code: error?.code },
                `${name}() must throw SessionStoreError STORE_UNAVAILABLE, threw ${describeError(outcome.error)}`,
              ).toEqual({ name: "SessionStoreError", code: "STORE_UNAVAILABLE" });
            }
          } finally {
            await outage.start();
          }

          // Clients reconnect on their own schedule, and a sharded backend (a Redis Cluster)
          // comes back node by node: give the same store a moment, until every node the checks
          // below use answers. The probe's writes are repeatable, and the logout, naming the
          // probe's sid with another sub, reads its sid index and ends nothing.
          const deadline = Date.now() + recoverWithin;
          const probe = newId();
          const fresh = makeSession({ iss, sub, sid: unique("sid") });
          for (;;) {
            try {
              await store.deleteByLogoutToken({
                iss,
                sid: fresh.internal.sid!,
                sub: unique("other-sub"),
              });
              await put(store, probe, fresh);
              await store.get(probe);
              await store.listSessions({ iss, sub });
              break;
            } catch (error) {
              if (Date.now() > deadline) {
                throw new Error(
                  `the store still fails ${recoverWithin} ms after the backend came back: ${describeError(error)}`,
                );
              }
              await sleep(200);
            }
          }
          expect(await store.get(probe), "after recovery: get()").toEqual(fresh);
          expect(
            await store.update(probe, { ...fresh, after: true }, lasting()),
            "after recovery: update()",
          ).toBe(true);
          expect(await store.touch(probe, lasting()), "after recovery: touch()").toBe(true);
          expect(
            (await store.listSessions({ iss, sub })).map((entry) => entry.id),
            "after recovery: listSessions()",
          ).toContain(probe);
          expect(
            await store.deleteByLogoutToken({ iss, sid: fresh.internal.sid! }),
            "after recovery: deleteByLogoutToken()",
          ).toBe(1);
          expect(
            await store.get(probe),
            "after recovery: the logout left the session alive",
          ).toBeNull();
          await expect(store.delete(probe), "after recovery: delete()").resolves.toBeUndefined();
        }),
      failWithin + recoverWithin + 60_000,
    );
  });
}
