import type { LogoutTokenReplayStore, SessionStore } from "@sessionkit/auth/store";
import { describe, it, type TestContext } from "vitest";
import { lookalikes, shown } from "./edges.js";
import { declareExtension } from "./extensions.js";
import { unique, withStore } from "./fixtures.js";
import { type TestSessionStoreOptions, validateOptions } from "./options.js";
import { onSchedule, past, until, untilExactly } from "./schedule.js";
import { groupTimeout } from "./timeouts.js";

/** A logout token's `jti` no other test uses. */
const newJti = () => unique("jti");

/** A claim that lasts `ms` more milliseconds (a logout token lives a few minutes). */
const forMs = (ms = 300_000) => Date.now() + ms;

/**
 * Logout-token replay memory (optional: runs when the store has `claimLogoutToken`): the first
 * claim of a `jti` wins, atomically, until its `expiresAt`; a release forgets it.
 */
export function testLogoutTokenReplay<S extends SessionStore>(
  options: TestSessionStoreOptions<S>,
): void {
  const o = validateOptions(options, "testLogoutTokenReplay");
  describe(`${o.name}: logout-token replay`, { concurrent: true, timeout: groupTimeout }, () => {
    const guard = declareExtension(o, {
      name: "LogoutTokenReplayStore",
      methods: ["claimLogoutToken", "releaseLogoutToken"],
    });
    /** Runs `test` on a fresh store that has the extension; skips when the store lacks it. */
    const withReplay = (
      context: TestContext,
      test: (store: S & LogoutTokenReplayStore) => Promise<void>,
    ) => {
      return withStore(o, (store) => {
        guard(context, store);
        return test(store as S & LogoutTokenReplayStore);
      });
    };

    it("the first claim of a jti answers true, a replay false", (context) =>
      withReplay(context, async (store) => {
        const { expect } = context;
        const [jti, other] = [newJti(), newJti()];
        expect(await store.claimLogoutToken(jti, forMs()), "the first claim was refused").toBe(
          true,
        );
        expect(await store.claimLogoutToken(jti, forMs()), "a replay was accepted").toBe(false);
        expect(
          await store.claimLogoutToken(jti, forMs(600_000)),
          "a replay with a later expiresAt was accepted",
        ).toBe(false);
        expect(
          await store.claimLogoutToken(other, forMs()),
          "a claim of one jti blocked another jti",
        ).toBe(true);
      }));

    it("compares jtis exactly: each look-alike (case, spaces, Unicode forms, 255 characters) is a claim of its own", (context) =>
      withReplay(context, async (store) => {
        const { expect } = context;
        for (const jti of lookalikes(newJti())) {
          expect(
            await store.claimLogoutToken(jti, forMs()),
            `the first claim of ${shown(jti)} was refused: a look-alike's claim was taken for it (jtis are compared exactly)`,
          ).toBe(true);
        }
      }));

    it("parallel claims of one jti: exactly one wins", (context) =>
      withReplay(context, async (store) => {
        const { expect } = context;
        for (let round = 0; round < 10; round++) {
          const jti = newJti();
          const answers = await Promise.all(
            Array.from({ length: 20 }, () => store.claimLogoutToken(jti, forMs())),
          );
          expect(
            answers.filter(Boolean).length,
            `round ${round}: ${answers.filter(Boolean).length} of 20 parallel claims won (the claim is not atomic)`,
          ).toBe(1);
        }
      }));

    it("a claim lasts until its expiresAt, then the jti can be claimed again", (context) =>
      withReplay(context, (store) =>
        onSchedule(async (start) => {
          const { expect } = context;
          const jti = newJti();
          const first = await store.claimLogoutToken(jti, start + 1_000);
          const replay = await store.claimLogoutToken(jti, start + 1_000);
          if (past(start, 1_000)) return "late";
          expect(first, "the first claim was refused").toBe(true);
          expect(replay, "a replay was accepted before the claim's expiresAt").toBe(false);
          await until(start, 1_250);
          expect(
            await store.claimLogoutToken(jti, forMs()),
            "the jti was still claimed after its expiresAt",
          ).toBe(true);
        }),
      ));

    it("at exactly its expiresAt a claim is over: the jti can be claimed again", (context) =>
      withReplay(context, async (store) => {
        // Five rounds: a busy machine may preempt a call past the instant (see expiry).
        for (let round = 0; round < 5; round++) {
          const jti = newJti();
          const end = Date.now() + 150;
          context
            .expect(await store.claimLogoutToken(jti, end), "the first claim was refused")
            .toBe(true);
          await untilExactly(end);
          context
            .expect(
              await store.claimLogoutToken(jti, Date.now() + 60_000),
              "a claim was still live at exactly its expiresAt (the end is exclusive)",
            )
            .toBe(true);
        }
      }));

    it("releaseLogoutToken() makes the jti claimable again, and is idempotent", (context) =>
      withReplay(context, async (store) => {
        const { expect } = context;
        const [jti, kept] = [newJti(), newJti()];
        expect(await store.claimLogoutToken(jti, forMs()), "the first claim was refused").toBe(
          true,
        );
        expect(await store.claimLogoutToken(kept, forMs()), "the first claim was refused").toBe(
          true,
        );
        await store.releaseLogoutToken(jti);
        expect(
          await store.claimLogoutToken(jti, forMs()),
          "still refused after releaseLogoutToken() (the provider's retry would be lost)",
        ).toBe(true);
        expect(
          await store.claimLogoutToken(kept, forMs()),
          "releasing one jti released another",
        ).toBe(false);
        await store.releaseLogoutToken(jti);
        await store.releaseLogoutToken(jti);
        await expect(
          store.releaseLogoutToken(newJti()),
          "releasing a jti never claimed must resolve",
        ).resolves.toBeUndefined();
        expect(await store.claimLogoutToken(jti, forMs()), "after a second release").toBe(true);
      }));

    it("two stores keep their own claims", (context) =>
      withReplay(context, (a) =>
        withStore(o, async (other) => {
          const { expect } = context;
          const b = other as S & LogoutTokenReplayStore;
          const jti = newJti();
          expect(await a.claimLogoutToken(jti, forMs()), "the first claim was refused").toBe(true);
          expect(
            await b.claimLogoutToken(jti, forMs()),
            "another store (prefix or table) saw this store's claim",
          ).toBe(true);
          await b.releaseLogoutToken(jti);
          expect(
            await a.claimLogoutToken(jti, forMs()),
            "another store's release forgot this store's claim",
          ).toBe(false);
        }),
      ));

    it("rejects an empty or non-string jti with STORE_INVALID_ARGUMENT, naming the jti", (context) =>
      withReplay(context, async (store) => {
        for (const jti of ["", 42 as unknown as string, undefined as unknown as string]) {
          await context
            .expect(
              store.claimLogoutToken(jti, forMs()),
              `claimLogoutToken(${JSON.stringify(jti)}) must be refused with STORE_INVALID_ARGUMENT`,
            )
            .rejects.toMatchObject({
              name: "SessionStoreError",
              code: "STORE_INVALID_ARGUMENT",
              message: context.expect.stringMatching(/jti/),
            });
          await context
            .expect(
              store.releaseLogoutToken(jti),
              `releaseLogoutToken(${JSON.stringify(jti)}) must be refused with STORE_INVALID_ARGUMENT`,
            )
            .rejects.toMatchObject({
              name: "SessionStoreError",
              code: "STORE_INVALID_ARGUMENT",
              message: context.expect.stringMatching(/jti/),
            });
        }
      }));
  });
}
