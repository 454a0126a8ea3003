// The suite must be able to fail. Two instances on Redis that hide the store's refresh lease and
// logout-token claims from createAuth (so each coordinates only with itself) must be caught by the
// very checks the store files run: a refresh token spent twice, a replayed logout token accepted.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverThenReplay, refreshRound } from "../support/checks.ts";
import { APP_BASE_URL, createStack, type Stack } from "../support/stack.ts";
import { User } from "../support/user.ts";

describe("the multi-instance checks, against instances that do not coordinate", () => {
  const stack = createStack("redis", { hide: ["acquireRefreshLease", "claimLogoutToken"] });
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

  it("report a refresh token presented twice when both instances refresh at once without a lease", async () => {
    const { watched, op, a, b } = ready();
    const user = new User(op, APP_BASE_URL);
    await user.login(a);
    // Neither refresh reaches the provider before the other has started: both spend the same token.
    watched.holdTokenRequests(2);
    const result = await refreshRound(user, [a, b], watched, {
      requests: 20,
      path: "/auth/access-token",
    });
    expect(result.problems.join("\n")).toMatch(/was presented 2 times/);
  });

  it("report a replayed logout token accepted by the second instance without shared claims", async () => {
    const { watched, op, a, b } = ready();
    const result = await deliverThenReplay(new User(op, APP_BASE_URL), watched, a, b);
    expect(result.delivered.status).toBe(200);
    // Each instance remembers only the jtis it saw itself.
    expect(result.replayed.status).toBe(200);
  });
});
