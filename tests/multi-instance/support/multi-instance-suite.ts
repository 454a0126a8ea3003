import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverThenReplay, refreshRound } from "./checks.ts";
import type { StoreKind } from "./instance-config.ts";
import { APP_BASE_URL, createStack, logOf, STORE_LABELS, type Stack } from "./stack.ts";
import { User } from "./user.ts";

/** Rounds of parallel access-token requests, and requests per round (split across A and B). */
const ROUNDS = 20;
const REQUESTS_PER_ROUND = 20;
/** `/auth/profile` requests in the same burst: rolls racing the refresh. */
const PROFILE_REQUESTS_PER_ROUND = 4;
/** Rounds of the forced-refresh variant: the same checks by a second path, kept shorter. */
const FORCED_ROUNDS = 10;

/**
 * The whole multi-instance suite against one store kind: one backend, one provider and two app
 * processes (A and B) for the file, started once and always torn down.
 */
export function multiInstanceSuite(kind: StoreKind): void {
  describe(`two app instances sharing ${STORE_LABELS[kind]}`, () => {
    const stack = createStack(kind);
    let running: Stack | undefined;
    const ready = (): Stack => {
      if (running === undefined) throw new Error("the stack did not start");
      return running;
    };

    beforeAll(async () => {
      running = await stack.start();
    });

    afterAll(async () => {
      await stack.close();
    });

    /**
     * Every request due for a refresh, by two paths: the built-in route, with `refreshBuffer`
     * larger than the token's lifetime; and an app route calling `getAccessToken(…, { refresh:
     * true })`. A request that waited for the other instance's refresh may take the token set it
     * stored or spend that one in turn: either way each refresh token is presented once.
     */
    for (const variant of [
      { path: "/auth/access-token", rounds: ROUNDS, via: "the access-token route" },
      {
        path: "/api/token?refresh=1",
        rounds: FORCED_ROUNDS,
        via: "getAccessToken({ refresh: true }) in an app route",
      },
    ]) {
      it(`spends each refresh token once: ${variant.rounds} rounds of ${REQUESTS_PER_ROUND} parallel requests through ${variant.via}, split across both instances`, async () => {
        const { watched, op, a, b } = ready();
        const user = new User(op, APP_BASE_URL);
        await user.login(a);
        const usesBefore = watched.ledger.uses.length;
        const refreshes: number[] = [];

        for (let round = 1; round <= variant.rounds; round++) {
          const result = await refreshRound(user, [a, b], watched, {
            requests: REQUESTS_PER_ROUND,
            path: variant.path,
            profileRequests: PROFILE_REQUESTS_PER_ROUND,
          });
          if (result.problems.length > 0) {
            throw new Error(
              `round ${round} of ${variant.rounds} (${result.refreshes} refreshes this round):\n  ${result.problems.join("\n  ")}\n${logOf([a, b])}`,
            );
          }
          refreshes.push(result.refreshes);
        }

        expect(watched.ledger.revokedGrants).toEqual([]);
        const uses = watched.ledger.uses.slice(usesBefore);
        expect(new Set(uses.map((use) => use.refreshToken)).size).toBe(uses.length);
        console.info(
          `${STORE_LABELS[kind]}, ${variant.via}: ${variant.rounds} rounds × ${REQUESTS_PER_ROUND} requests, 0 failures; ` +
            `${uses.length} refreshes (per round ${Math.min(...refreshes)}–${Math.max(...refreshes)}), each refresh token presented once, no grant revoked`,
        );
      });
    }

    for (const [first, second] of [
      ["A", "B"],
      ["B", "A"],
    ] as const) {
      it(`a logout token delivered to instance ${first} ends the session everywhere and instance ${second} refuses it as a replay`, async () => {
        const { watched, op, a, b } = ready();
        const by = { A: a, B: b };
        const [receiver, other] = [by[first], by[second]];
        const result = await deliverThenReplay(
          new User(op, APP_BASE_URL),
          watched,
          receiver,
          other,
        );

        expect(
          result.delivered.status,
          `${receiver.name} refused a fresh logout token: ${result.delivered.body}\n${logOf([a, b])}`,
        ).toBe(200);
        expect(result.profileAfter, `${other.name} still sees the session after the logout`).toBe(
          401,
        );
        expect(
          result.replayed.status,
          `${other.name} accepted a replayed logout token: ${result.replayed.body}\n${logOf([a, b])}`,
        ).toBe(400);
        expect(result.replayed.body, "refused as a replay, not for another reason").toMatch(
          /replay/i,
        );
      });
    }
  });
}
